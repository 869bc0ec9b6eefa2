-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "public"."mood_t" AS ENUM ('happy', 'SAD');

-- DropForeignKey
ALTER TABLE "public"."Pet" DROP CONSTRAINT "Pet_ownerId_fkey";

-- AlterTable
ALTER TABLE "public"."Pet" DROP COLUMN "ownerId",
ADD COLUMN     "owner_id" INTEGER NOT NULL;

-- DropTable
DROP TABLE "public"."people";

-- DropTable
DROP TABLE "public"."OldName";

-- DropEnum
DROP TYPE "public"."Mood";

-- CreateTable
CREATE TABLE "public"."NewName" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "NewName_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."persons" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "mood" "public"."mood_t" NOT NULL DEFAULT 'happy',

    CONSTRAINT "persons_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "public"."Pet" ADD CONSTRAINT "pet_owner_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."persons"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

