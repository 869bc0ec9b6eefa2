-- CreateTable
CREATE TABLE "parents" (
    "parent_id" INTEGER NOT NULL,

    CONSTRAINT "parents_pkey" PRIMARY KEY ("parent_id")
);

-- CreateTable
CREATE TABLE "kids" (
    "id" INTEGER NOT NULL,
    "parent_ref" INTEGER NOT NULL,
    "the_label" TEXT NOT NULL,

    CONSTRAINT "kids_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "kid_label_unique" ON "kids"("parent_ref", "the_label");

-- AddForeignKey
ALTER TABLE "kids" ADD CONSTRAINT "kids_parent_ref_fkey" FOREIGN KEY ("parent_ref") REFERENCES "parents"("parent_id") ON DELETE RESTRICT ON UPDATE CASCADE;
