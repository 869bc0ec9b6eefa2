-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" ALTER COLUMN "c" SET DEFAULT '2030-01-01 00:00:00'::timestamp without time zone;

