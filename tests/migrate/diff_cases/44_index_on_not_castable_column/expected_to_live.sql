-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" DROP COLUMN "a",
ADD COLUMN     "a" INTEGER NOT NULL,
DROP COLUMN "b",
ADD COLUMN     "b" INTEGER NOT NULL;

-- CreateIndex
CREATE INDEX "T_a_idx" ON "public"."T"("a" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "T_b_key" ON "public"."T"("b" ASC);

