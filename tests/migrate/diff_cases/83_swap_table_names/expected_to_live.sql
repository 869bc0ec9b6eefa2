-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."first" DROP COLUMN "x",
ADD COLUMN     "y" INTEGER NOT NULL;

-- AlterTable
ALTER TABLE "public"."second" DROP COLUMN "y",
ADD COLUMN     "x" INTEGER NOT NULL;

