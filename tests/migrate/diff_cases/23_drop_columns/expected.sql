-- AlterTable
ALTER TABLE "Item" DROP COLUMN "a",
DROP COLUMN "b",
DROP COLUMN "c",
DROP COLUMN "notes";

