-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" ALTER COLUMN "num" DROP DEFAULT;
DROP SEQUENCE "";

