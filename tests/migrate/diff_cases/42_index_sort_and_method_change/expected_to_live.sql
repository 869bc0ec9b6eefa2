-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- DropIndex
DROP INDEX "public"."T_a_idx";

-- DropIndex
DROP INDEX "public"."T_b_idx";

-- DropIndex
DROP INDEX "public"."T_c_idx";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "public"."T"("a" DESC);

-- CreateIndex
CREATE INDEX "T_b_idx" ON "public"."T" USING GIN ("b" jsonb_path_ops ASC);

-- CreateIndex
CREATE INDEX "T_c_idx" ON "public"."T" USING HASH ("c" ASC);

