-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- DropIndex
DROP INDEX "public"."T_a_key";

-- CreateIndex
CREATE INDEX "T_a_idx" ON "public"."T"("a" ASC);

