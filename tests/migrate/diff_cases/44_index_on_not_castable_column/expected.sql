-- AlterTable
ALTER TABLE "T" DROP COLUMN "a",
ADD COLUMN     "a" INTEGER NOT NULL,
DROP COLUMN "b",
ADD COLUMN     "b" INTEGER NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "T_b_key" ON "T"("b");

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T"("a");

