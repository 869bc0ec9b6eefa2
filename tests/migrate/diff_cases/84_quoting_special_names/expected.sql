-- AlterTable
ALTER TABLE "T" ADD COLUMN     "col with space" TEXT NOT NULL DEFAULT 'a ''quoted'' value',
ADD COLUMN     "order" INTEGER NOT NULL;

-- CreateIndex
CREATE INDEX "T_order_idx" ON "T"("order");

