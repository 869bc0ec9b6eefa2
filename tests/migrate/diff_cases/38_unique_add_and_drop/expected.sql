-- DropIndex
DROP INDEX "T_email_key";

-- CreateIndex
CREATE UNIQUE INDEX "T_slug_key" ON "T"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "T_a_b_key" ON "T"("a", "b");

