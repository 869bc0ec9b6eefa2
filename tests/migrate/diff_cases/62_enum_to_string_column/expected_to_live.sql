-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" DROP COLUMN "kind",
ADD COLUMN     "kind" TEXT NOT NULL,
DROP COLUMN "opt",
ADD COLUMN     "opt" TEXT;

