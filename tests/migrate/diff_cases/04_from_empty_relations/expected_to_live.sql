-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "public"."Category" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Child" (
    "id" INTEGER NOT NULL,
    "pa" INTEGER NOT NULL,
    "pb" TEXT NOT NULL,

    CONSTRAINT "Child_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Group" (
    "name" TEXT NOT NULL,

    CONSTRAINT "Group_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "public"."Opt" (
    "id" INTEGER NOT NULL,
    "tgtId" INTEGER,
    "tgt2Id" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Opt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Parent" (
    "a" INTEGER NOT NULL,
    "b" TEXT NOT NULL,

    CONSTRAINT "Parent_pkey" PRIMARY KEY ("a","b")
);

-- CreateTable
CREATE TABLE "public"."Post" (
    "id" SERIAL NOT NULL,
    "authorId" INTEGER NOT NULL,
    "editorId" INTEGER,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Profile" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Tag" (
    "id" TEXT NOT NULL,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Target" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "managerId" INTEGER,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEver" (
    "id" INTEGER NOT NULL,
    "aVeryLongFieldNameThatIsReallyQuiteLongIndeed" INTEGER NOT NULL,

    CONSTRAINT "VeryLongModelNameThatGoesOnAndOnForeverAndEver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEverTarget" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "VeryLongModelNameThatGoesOnAndOnForeverAndEverTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."_GroupToUser" (
    "A" TEXT NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_GroupToUser_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "public"."_PostCats" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_PostCats_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "public"."_PostToTag" (
    "A" INTEGER NOT NULL,
    "B" TEXT NOT NULL,

    CONSTRAINT "_PostToTag_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "public"."_follow" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_follow_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "public"."kids_tbl" (
    "id" INTEGER NOT NULL,
    "parent_ref" INTEGER NOT NULL,

    CONSTRAINT "kids_tbl_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."parents_tbl" (
    "pid" INTEGER NOT NULL,

    CONSTRAINT "parents_tbl_pkey" PRIMARY KEY ("pid")
);

-- CreateIndex
CREATE UNIQUE INDEX "Profile_userId_key" ON "public"."Profile"("userId" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "public"."User"("email" ASC);

-- CreateIndex
CREATE INDEX "VeryLongModelNameThatGoesOnAndOnForeverAndEver_aVeryLongFie_idx" ON "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEver"("aVeryLongFieldNameThatIsReallyQuiteLongIndeed" ASC, "id" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "VeryLongModelNameThatGoesOnAndOnForeverAndEver_aVeryLongFie_key" ON "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEver"("aVeryLongFieldNameThatIsReallyQuiteLongIndeed" ASC, "id" ASC);

-- CreateIndex
CREATE INDEX "_GroupToUser_B_index" ON "public"."_GroupToUser"("B" ASC);

-- CreateIndex
CREATE INDEX "_PostCats_B_index" ON "public"."_PostCats"("B" ASC);

-- CreateIndex
CREATE INDEX "_PostToTag_B_index" ON "public"."_PostToTag"("B" ASC);

-- CreateIndex
CREATE INDEX "_follow_B_index" ON "public"."_follow"("B" ASC);

-- AddForeignKey
ALTER TABLE "public"."Child" ADD CONSTRAINT "custom_fk_name" FOREIGN KEY ("pa", "pb") REFERENCES "public"."Parent"("a", "b") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "public"."Opt" ADD CONSTRAINT "Opt_tgt2Id_fkey" FOREIGN KEY ("tgt2Id") REFERENCES "public"."Target"("id") ON DELETE SET DEFAULT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."Opt" ADD CONSTRAINT "Opt_tgtId_fkey" FOREIGN KEY ("tgtId") REFERENCES "public"."Target"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "public"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."Post" ADD CONSTRAINT "Post_editorId_fkey" FOREIGN KEY ("editorId") REFERENCES "public"."User"("id") ON DELETE SET NULL ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "public"."Profile" ADD CONSTRAINT "Profile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."User" ADD CONSTRAINT "User_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "public"."User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEver" ADD CONSTRAINT "VeryLongModelNameThatGoesOnAndOnForeverAndEver_aVeryLongFi_fkey" FOREIGN KEY ("aVeryLongFieldNameThatIsReallyQuiteLongIndeed") REFERENCES "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEverTarget"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_GroupToUser" ADD CONSTRAINT "_GroupToUser_A_fkey" FOREIGN KEY ("A") REFERENCES "public"."Group"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_GroupToUser" ADD CONSTRAINT "_GroupToUser_B_fkey" FOREIGN KEY ("B") REFERENCES "public"."User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_PostCats" ADD CONSTRAINT "_PostCats_A_fkey" FOREIGN KEY ("A") REFERENCES "public"."Category"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_PostCats" ADD CONSTRAINT "_PostCats_B_fkey" FOREIGN KEY ("B") REFERENCES "public"."Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_PostToTag" ADD CONSTRAINT "_PostToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "public"."Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_PostToTag" ADD CONSTRAINT "_PostToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "public"."Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_follow" ADD CONSTRAINT "_follow_A_fkey" FOREIGN KEY ("A") REFERENCES "public"."User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_follow" ADD CONSTRAINT "_follow_B_fkey" FOREIGN KEY ("B") REFERENCES "public"."User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."kids_tbl" ADD CONSTRAINT "kids_tbl_parent_ref_fkey" FOREIGN KEY ("parent_ref") REFERENCES "public"."parents_tbl"("pid") ON DELETE RESTRICT ON UPDATE CASCADE;

