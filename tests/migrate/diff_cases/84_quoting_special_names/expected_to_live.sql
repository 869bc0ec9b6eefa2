-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" ADD COLUMN     "col with space" TEXT NOT NULL DEFAULT 'a ''quoted'' value',
ADD COLUMN     "order" INTEGER NOT NULL;

-- CreateIndex
CREATE INDEX "T_order_idx" ON "public"."T"("order" ASC);

