-- AlterEnum
BEGIN;
CREATE TYPE "Mood_new" AS ENUM ('happy', 'SAD');
ALTER TABLE "public"."Person" ALTER COLUMN "mood" DROP DEFAULT;
ALTER TABLE "Person" ALTER COLUMN "mood" TYPE "Mood_new" USING ("mood"::text::"Mood_new");
ALTER TYPE "Mood" RENAME TO "Mood_old";
ALTER TYPE "Mood_new" RENAME TO "Mood";
DROP TYPE "public"."Mood_old";
ALTER TABLE "Person" ALTER COLUMN "mood" SET DEFAULT 'happy';
COMMIT;

-- AlterTable
ALTER TABLE "Person" RENAME CONSTRAINT "Person_pkey" TO "person_pk",
ALTER COLUMN "mood" SET DEFAULT 'happy';

-- RenameForeignKey
ALTER TABLE "Pet" RENAME CONSTRAINT "Pet_ownerId_fkey" TO "pet_owner_fk";

-- RenameIndex
ALTER INDEX "Person_id_mood_key" RENAME TO "person_id_mood_uq";

