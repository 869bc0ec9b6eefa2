-- DropIndex
DROP INDEX "T_s_idx";

-- CreateIndex
CREATE INDEX "T_s_idx" ON "T" USING BRIN ("s" text_bloom_ops);

