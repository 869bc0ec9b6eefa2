-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" DROP COLUMN "g";

-- DropEnum
DROP TYPE "public"."Gone";

