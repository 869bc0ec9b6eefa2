-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- DropIndex
DROP INDEX "public"."T_a_idx";

-- CreateIndex
CREATE INDEX "T_b_a_idx" ON "public"."T"("b" ASC, "a" ASC);

