-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "public"."mood_t" AS ENUM ('HAPPY', 'SAD');

-- AlterTable
ALTER TABLE "public"."Person" DROP COLUMN "mood",
ADD COLUMN     "mood" "public"."mood_t" NOT NULL DEFAULT 'HAPPY';

-- DropEnum
DROP TYPE "public"."Mood";

