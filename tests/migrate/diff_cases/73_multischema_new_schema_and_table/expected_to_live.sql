-- AlterTable
ALTER TABLE "base"."Item" ADD COLUMN     "label" TEXT NOT NULL;

