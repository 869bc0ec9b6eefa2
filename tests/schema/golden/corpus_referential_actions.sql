-- CreateTable
CREATE TABLE "Parent" (
    "id" INTEGER NOT NULL,
    "code" TEXT NOT NULL,

    CONSTRAINT "Parent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Child" (
    "id" INTEGER NOT NULL,
    "cascadeId" INTEGER NOT NULL,
    "restrictId" INTEGER NOT NULL,
    "noActionId" INTEGER NOT NULL,
    "setNullId" INTEGER,
    "setDefId" INTEGER NOT NULL DEFAULT 0,
    "code" TEXT NOT NULL,
    "plainId" INTEGER NOT NULL,
    "optId" INTEGER,

    CONSTRAINT "Child_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Parent_code_key" ON "Parent"("code");

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_cascadeId_fkey" FOREIGN KEY ("cascadeId") REFERENCES "Parent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_restrictId_fkey" FOREIGN KEY ("restrictId") REFERENCES "Parent"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_noActionId_fkey" FOREIGN KEY ("noActionId") REFERENCES "Parent"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_setNullId_fkey" FOREIGN KEY ("setNullId") REFERENCES "Parent"("id") ON DELETE SET NULL ON UPDATE SET NULL;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_setDefId_fkey" FOREIGN KEY ("setDefId") REFERENCES "Parent"("id") ON DELETE SET DEFAULT ON UPDATE SET DEFAULT;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "child_code_fk" FOREIGN KEY ("code") REFERENCES "Parent"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_plainId_fkey" FOREIGN KEY ("plainId") REFERENCES "Parent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "Child_optId_fkey" FOREIGN KEY ("optId") REFERENCES "Parent"("id") ON DELETE SET NULL ON UPDATE CASCADE;
