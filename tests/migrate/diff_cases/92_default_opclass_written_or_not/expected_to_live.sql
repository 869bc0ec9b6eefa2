-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- DropIndex
DROP INDEX "public"."T_s_idx";

-- CreateIndex
CREATE INDEX "T_s_idx" ON "public"."T" USING BRIN ("s" text_bloom_ops ASC);

