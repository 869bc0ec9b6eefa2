-- AlterEnum
ALTER TYPE "auth"."Role" ADD VALUE 'ADMIN';

-- DropForeignKey
ALTER TABLE "base"."Item" DROP CONSTRAINT "item_owner";

-- AlterTable
ALTER TABLE "auth"."User" ADD COLUMN     "email" TEXT NOT NULL;

-- CreateTable
CREATE TABLE "base"."Fresh" (
    "id" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "Fresh_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Fresh_n_key" ON "base"."Fresh"("n");

-- CreateIndex
CREATE INDEX "User_email_idx" ON "auth"."User"("email");

-- AddForeignKey
ALTER TABLE "base"."Item" ADD CONSTRAINT "Item_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "auth"."User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- RenameIndex
ALTER INDEX "base"."item_owner_idx" RENAME TO "Item_ownerId_idx";

