-- AlterEnum
BEGIN;
CREATE TYPE "Mood_new" AS ENUM ('happy', 'SAD');
ALTER TABLE "Person" ALTER COLUMN "mood" TYPE "Mood_new" USING ("mood"::text::"Mood_new");
ALTER TYPE "Mood" RENAME TO "Mood_old";
ALTER TYPE "Mood_new" RENAME TO "Mood";
DROP TYPE "public"."Mood_old";
COMMIT;

