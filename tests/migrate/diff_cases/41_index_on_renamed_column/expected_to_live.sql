-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- DropIndex
DROP INDEX "public"."T_a_idx";

-- AlterTable
ALTER TABLE "public"."T" DROP COLUMN "a",
ADD COLUMN     "a2" TEXT NOT NULL;

-- CreateIndex
CREATE INDEX "T_a2_idx" ON "public"."T"("a2" ASC);

