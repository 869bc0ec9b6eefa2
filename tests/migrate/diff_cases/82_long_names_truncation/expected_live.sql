-- AlterTable
ALTER TABLE "VeryLongModelNameThatGoesOnAndOnForeverAndEver" ADD COLUMN     "anotherVeryLongFieldNameForTheIndexes" INTEGER NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "VeryLongModelNameThatGoesOnAndOnForeverAndEver_aVeryLongFie_key" ON "VeryLongModelNameThatGoesOnAndOnForeverAndEver"("aVeryLongFieldNameThatIsAlsoQuiteLong");

-- CreateIndex
CREATE INDEX "VeryLongModelNameThatGoesOnAndOnForeverAndEver_anotherVeryL_idx" ON "VeryLongModelNameThatGoesOnAndOnForeverAndEver"("anotherVeryLongFieldNameForTheIndexes", "aVeryLongFieldNameThatIsAlsoQuiteLong");

