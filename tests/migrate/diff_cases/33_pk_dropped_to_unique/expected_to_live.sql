-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" DROP CONSTRAINT "T_pkey";

-- CreateIndex
CREATE UNIQUE INDEX "T_id_key" ON "public"."T"("id" ASC);

