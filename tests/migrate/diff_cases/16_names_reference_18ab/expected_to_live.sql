-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterEnum
BEGIN;
CREATE TYPE "public"."Mood_new" AS ENUM ('happy', 'SAD');
ALTER TABLE "Person" ALTER COLUMN "mood" DROP DEFAULT;
ALTER TABLE "public"."Person" ALTER COLUMN "mood" TYPE "public"."Mood_new" USING ("mood"::text::"public"."Mood_new");
ALTER TYPE "public"."Mood" RENAME TO "Mood_old";
ALTER TYPE "public"."Mood_new" RENAME TO "Mood";
DROP TYPE "Mood_old";
ALTER TABLE "public"."Person" ALTER COLUMN "mood" SET DEFAULT 'happy';
COMMIT;

-- AlterTable
ALTER TABLE "public"."Person" RENAME CONSTRAINT "Person_pkey" TO "person_pk",
ALTER COLUMN "mood" SET DEFAULT 'happy';

-- RenameForeignKey
ALTER TABLE "public"."Pet" RENAME CONSTRAINT "Pet_ownerId_fkey" TO "pet_owner_fk";

-- RenameIndex
ALTER INDEX "public"."Person_id_mood_key" RENAME TO "person_id_mood_uq";

