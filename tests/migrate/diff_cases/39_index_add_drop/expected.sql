-- DropIndex
DROP INDEX "T_a_idx";

-- CreateIndex
CREATE INDEX "T_b_a_idx" ON "T"("b", "a");

