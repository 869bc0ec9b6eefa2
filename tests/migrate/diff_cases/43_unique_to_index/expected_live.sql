-- DropIndex
DROP INDEX "T_a_key";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T"("a");

