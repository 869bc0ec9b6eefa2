-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterEnum
BEGIN;
CREATE TYPE "public"."Mood_new" AS ENUM ('HAPPY', 'SAD');
ALTER TABLE "Person" ALTER COLUMN "mood" DROP DEFAULT;
ALTER TABLE "public"."Person" ALTER COLUMN "mood" TYPE "public"."Mood_new" USING ("mood"::text::"public"."Mood_new");
ALTER TABLE "public"."Person" ALTER COLUMN "was" TYPE "public"."Mood_new" USING ("was"::text::"public"."Mood_new");
ALTER TABLE "public"."Person" ALTER COLUMN "all" TYPE "public"."Mood_new"[] USING ("all"::text::"public"."Mood_new"[]);
ALTER TYPE "public"."Mood" RENAME TO "Mood_old";
ALTER TYPE "public"."Mood_new" RENAME TO "Mood";
DROP TYPE "Mood_old";
ALTER TABLE "public"."Person" ALTER COLUMN "mood" SET DEFAULT 'HAPPY';
COMMIT;

