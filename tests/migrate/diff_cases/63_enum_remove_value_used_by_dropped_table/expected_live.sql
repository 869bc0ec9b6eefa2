-- AlterEnum
BEGIN;
CREATE TYPE "Mood_new" AS ENUM ('HAPPY');
ALTER TABLE "public"."A" ALTER COLUMN "mood" DROP DEFAULT;
ALTER TABLE "public"."B" ALTER COLUMN "old" DROP DEFAULT;
ALTER TABLE "public"."B" ALTER COLUMN "mood" DROP DEFAULT;
ALTER TABLE "B" ALTER COLUMN "mood" TYPE "Mood_new" USING ("mood"::text::"Mood_new");
ALTER TYPE "Mood" RENAME TO "Mood_old";
ALTER TYPE "Mood_new" RENAME TO "Mood";
DROP TYPE "public"."Mood_old";
ALTER TABLE "B" ALTER COLUMN "mood" SET DEFAULT 'HAPPY';
COMMIT;

-- AlterTable
ALTER TABLE "B" DROP COLUMN "old";

-- DropTable
DROP TABLE "A";

