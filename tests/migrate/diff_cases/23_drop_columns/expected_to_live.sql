-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."Item" DROP COLUMN "a",
DROP COLUMN "b",
DROP COLUMN "c",
DROP COLUMN "notes";

