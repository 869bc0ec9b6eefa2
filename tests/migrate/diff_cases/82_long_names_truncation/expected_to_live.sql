-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEver" ADD COLUMN     "anotherVeryLongFieldNameForTheIndexes" INTEGER NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "VeryLongModelNameThatGoesOnAndOnForeverAndEver_aVeryLongFie_key" ON "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEver"("aVeryLongFieldNameThatIsAlsoQuiteLong" ASC);

-- CreateIndex
CREATE INDEX "VeryLongModelNameThatGoesOnAndOnForeverAndEver_anotherVeryL_idx" ON "public"."VeryLongModelNameThatGoesOnAndOnForeverAndEver"("anotherVeryLongFieldNameForTheIndexes" ASC, "aVeryLongFieldNameThatIsAlsoQuiteLong" ASC);

