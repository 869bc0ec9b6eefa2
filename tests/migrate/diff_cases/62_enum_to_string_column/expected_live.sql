-- AlterTable
ALTER TABLE "T" DROP COLUMN "kind",
ADD COLUMN     "kind" TEXT NOT NULL,
DROP COLUMN "opt",
ADD COLUMN     "opt" TEXT;

