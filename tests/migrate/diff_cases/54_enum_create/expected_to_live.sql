-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "public"."status_t" AS ENUM ('ACTIVE', 'inactive');

-- AlterTable
ALTER TABLE "public"."T" ADD COLUMN     "status" "public"."status_t" NOT NULL DEFAULT 'inactive';

