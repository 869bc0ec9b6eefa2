-- AlterTable
ALTER TABLE "T" DROP COLUMN "g";

-- DropEnum
DROP TYPE "Gone";

