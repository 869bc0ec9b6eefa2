-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."Doc" ADD COLUMN     "embedding" vector(3),
ADD COLUMN     "title" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "Doc_title_idx" ON "public"."Doc"("title" ASC);

