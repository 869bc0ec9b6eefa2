-- DropIndex
DROP INDEX "T_a_idx";

-- AlterTable
ALTER TABLE "T" DROP COLUMN "a",
ADD COLUMN     "a2" TEXT NOT NULL;

-- CreateIndex
CREATE INDEX "T_a2_idx" ON "T"("a2");

