-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" ALTER COLUMN "pt" SET DATA TYPE TEXT;

