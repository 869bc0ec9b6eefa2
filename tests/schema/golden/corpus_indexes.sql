-- CreateTable
CREATE TABLE "Idx" (
    "id" INTEGER NOT NULL,
    "a" TEXT NOT NULL,
    "b" TEXT NOT NULL,
    "c" INTEGER NOT NULL,
    "d" JSONB NOT NULL,
    "e" TEXT NOT NULL,
    "f" TEXT NOT NULL,
    "g" INTEGER[],
    "h" TIMESTAMP(3) NOT NULL,
    "i" INET NOT NULL,

    CONSTRAINT "idx_pk" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "e_unique" ON "Idx"("e");

-- CreateIndex
CREATE UNIQUE INDEX "Idx_f_key" ON "Idx"("f" DESC);

-- CreateIndex
CREATE INDEX "Idx_a_idx" ON "Idx"("a");

-- CreateIndex
CREATE INDEX "Idx_b_c_idx" ON "Idx"("b" DESC, "c" ASC);

-- CreateIndex
CREATE INDEX "c_idx_custom" ON "Idx"("c");

-- CreateIndex
CREATE INDEX "legacy_name_idx" ON "Idx"("c");

-- CreateIndex
CREATE INDEX "a_hash" ON "Idx" USING HASH ("a");

-- CreateIndex
CREATE INDEX "Idx_d_idx" ON "Idx" USING GIN ("d" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Idx_g_idx" ON "Idx" USING GIN ("g" array_ops);

-- CreateIndex
CREATE INDEX "Idx_h_idx" ON "Idx" USING BRIN ("h");

-- CreateIndex
CREATE INDEX "c_brin" ON "Idx" USING BRIN ("c" int4_minmax_multi_ops);

-- CreateIndex
CREATE INDEX "Idx_b_idx" ON "Idx" USING SPGIST ("b");

-- CreateIndex
CREATE INDEX "Idx_i_idx" ON "Idx" USING GIST ("i" inet_ops);

-- CreateIndex
CREATE INDEX "b_raw_ops" ON "Idx"("b" text_pattern_ops);

-- CreateIndex
CREATE UNIQUE INDEX "Idx_a_b_key" ON "Idx"("a", "b");

-- CreateIndex
CREATE UNIQUE INDEX "Idx_b_c_key" ON "Idx"("b", "c");
