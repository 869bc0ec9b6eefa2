-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" ADD CONSTRAINT "T_pkey" PRIMARY KEY ("a", "b");

-- DropIndex
DROP INDEX "public"."T_a_b_key";

