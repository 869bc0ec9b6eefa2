-- DropIndex
DROP INDEX "T_a_idx";

-- DropIndex
DROP INDEX "T_b_idx";

-- DropIndex
DROP INDEX "T_c_idx";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "T"("a" DESC);

-- CreateIndex
CREATE INDEX "T_b_idx" ON "T" USING GIN ("b" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "T_c_idx" ON "T" USING HASH ("c");

