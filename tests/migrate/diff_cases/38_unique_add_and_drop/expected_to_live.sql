-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- DropIndex
DROP INDEX "public"."T_email_key";

-- CreateIndex
CREATE UNIQUE INDEX "T_a_b_key" ON "public"."T"("a" ASC, "b" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "T_slug_key" ON "public"."T"("slug" ASC);

