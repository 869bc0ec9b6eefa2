-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" ADD COLUMN     "token" TEXT NOT NULL,
ADD COLUMN     "ulid" TEXT NOT NULL;

