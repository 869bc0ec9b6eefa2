-- CreateTable
CREATE TABLE "Indexed" (
    "id" INTEGER NOT NULL,
    "a" TEXT NOT NULL,
    "b" INTEGER NOT NULL,
    "c" TIMESTAMP(3) NOT NULL,
    "d" JSONB NOT NULL,
    "tags" TEXT[],
    "e" TEXT NOT NULL,
    "f" TEXT NOT NULL,

    CONSTRAINT "indexed_primary" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "e_is_unique" ON "Indexed"("e" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Indexed_f_key" ON "Indexed"("f" ASC);

-- CreateIndex
CREATE INDEX "Indexed_a_b_idx" ON "Indexed"("a" ASC, "b" DESC);

-- CreateIndex
CREATE INDEX "by_c" ON "Indexed"("c");

-- CreateIndex
CREATE INDEX "legacy_b_index" ON "Indexed"("b");

-- CreateIndex
CREATE INDEX "a_btree" ON "Indexed"("a");

-- CreateIndex
CREATE INDEX "Indexed_a_idx" ON "Indexed" USING HASH ("a");

-- CreateIndex
CREATE INDEX "a_gist" ON "Indexed" USING GIST ("a");

-- CreateIndex
CREATE INDEX "Indexed_d_idx" ON "Indexed" USING GIN ("d");

-- CreateIndex
CREATE INDEX "tags_gin" ON "Indexed" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "a_spgist" ON "Indexed" USING SPGIST ("a");

-- CreateIndex
CREATE INDEX "Indexed_c_idx" ON "Indexed" USING BRIN ("c");

-- CreateIndex
CREATE INDEX "Indexed_b_idx" ON "Indexed"("b");

-- CreateIndex
CREATE UNIQUE INDEX "a_b_unique" ON "Indexed"("a", "b");

-- CreateIndex
CREATE UNIQUE INDEX "Indexed_b_c_key" ON "Indexed"("b", "c" DESC);
