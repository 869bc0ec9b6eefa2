-- AlterEnum
BEGIN;
CREATE TYPE "Mood_new" AS ENUM ('HAPPY', 'ANGRY');
ALTER TABLE "public"."Person" ALTER COLUMN "mood" DROP DEFAULT;
ALTER TABLE "Person" ALTER COLUMN "mood" TYPE "Mood_new" USING ("mood"::text::"Mood_new");
ALTER TYPE "Mood" RENAME TO "Mood_old";
ALTER TYPE "Mood_new" RENAME TO "Mood";
DROP TYPE "public"."Mood_old";
ALTER TABLE "Person" ALTER COLUMN "mood" SET DEFAULT 'HAPPY';
COMMIT;

-- AlterTable
ALTER TABLE "Person" ALTER COLUMN "mood" SET DEFAULT 'HAPPY';

