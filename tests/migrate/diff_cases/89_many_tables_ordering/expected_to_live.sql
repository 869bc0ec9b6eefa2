-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."C" DROP COLUMN "v";

-- AlterTable
ALTER TABLE "public"."A" ADD COLUMN     "w" INTEGER,
ALTER COLUMN "v" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "public"."B" ALTER COLUMN "v" SET DATA TYPE TEXT;

-- CreateTable
CREATE TABLE "public"."D" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "D_pkey" PRIMARY KEY ("id")
);

