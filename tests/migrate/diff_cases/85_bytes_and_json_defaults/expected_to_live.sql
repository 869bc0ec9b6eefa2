-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" ALTER COLUMN "b" SET DEFAULT '\x776f726c64';

