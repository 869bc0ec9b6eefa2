-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext" WITH SCHEMA "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "postgis" WITH VERSION "3.3.2";

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
    "txt" TEXT NOT NULL,

    CONSTRAINT "idx_custom_pk" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CompositeId" (
    "x" INTEGER NOT NULL,
    "y" INTEGER NOT NULL,
    "z" TEXT NOT NULL,

    CONSTRAINT "cid_pk" PRIMARY KEY ("x","y")
);

-- CreateTable
CREATE TABLE "dni" (
    "x" INTEGER NOT NULL,
    "y_col" INTEGER NOT NULL,

    CONSTRAINT "dni_pkey" PRIMARY KEY ("x","y_col")
);

-- CreateTable
CREATE TABLE "Gist" (
    "id" INTEGER NOT NULL,
    "rng" tstzrange NOT NULL,

    CONSTRAINT "Gist_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ManyA" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "ManyA_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ManyB" (
    "id" UUID NOT NULL,

    CONSTRAINT "ManyB_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_AVeryLongRelationNameThatIsLongerThanSixtyThreeCharactersInTot" (
    "A" INTEGER NOT NULL,
    "B" UUID NOT NULL,

    CONSTRAINT "_AVeryLongRelationNameThatIsLongerThanSixtyThreeCharact_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "e_uq_custom" ON "Idx"("e");

-- CreateIndex
CREATE UNIQUE INDEX "Idx_f_key" ON "Idx"("f" DESC);

-- CreateIndex
CREATE INDEX "Idx_a_idx" ON "Idx"("a");

-- CreateIndex
CREATE INDEX "Idx_b_c_idx" ON "Idx"("b" DESC, "c" ASC);

-- CreateIndex
CREATE INDEX "c_custom_idx" ON "Idx"("c");

-- CreateIndex
CREATE INDEX "c_named" ON "Idx"("c");

-- CreateIndex
CREATE INDEX "a_hash" ON "Idx" USING HASH ("a");

-- CreateIndex
CREATE INDEX "Idx_d_idx" ON "Idx" USING GIN ("d");

-- CreateIndex
CREATE INDEX "d_path_ops" ON "Idx" USING GIN ("d" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Idx_g_idx" ON "Idx" USING GIN ("g");

-- CreateIndex
CREATE INDEX "Idx_h_idx" ON "Idx" USING BRIN ("h");

-- CreateIndex
CREATE INDEX "trgm_idx" ON "Idx" USING GIN ("txt" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Idx_b_idx" ON "Idx" USING SPGIST ("b");

-- CreateIndex
CREATE INDEX "brin_ops" ON "Idx" USING BRIN ("c" int4_minmax_ops);

-- CreateIndex
CREATE UNIQUE INDEX "Idx_a_b_key" ON "Idx"("a", "b");

-- CreateIndex
CREATE UNIQUE INDEX "Idx_b_c_key" ON "Idx"("b", "c");

-- CreateIndex
CREATE UNIQUE INDEX "ca_custom" ON "Idx"("c", "a");

-- CreateIndex
CREATE INDEX "CompositeId_z_x_idx" ON "CompositeId"("z", "x");

-- CreateIndex
CREATE INDEX "Gist_rng_idx" ON "Gist" USING GIST ("rng");

-- CreateIndex
CREATE INDEX "_AVeryLongRelationNameThatIsLongerThanSixtyThreeCharact_B_index" ON "_AVeryLongRelationNameThatIsLongerThanSixtyThreeCharactersInTot"("B");

-- AddForeignKey
ALTER TABLE "_AVeryLongRelationNameThatIsLongerThanSixtyThreeCharactersInTot" ADD CONSTRAINT "_AVeryLongRelationNameThatIsLongerThanSixtyThreeCharacte_A_fkey" FOREIGN KEY ("A") REFERENCES "ManyA"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_AVeryLongRelationNameThatIsLongerThanSixtyThreeCharactersInTot" ADD CONSTRAINT "_AVeryLongRelationNameThatIsLongerThanSixtyThreeCharacte_B_fkey" FOREIGN KEY ("B") REFERENCES "ManyB"("id") ON DELETE CASCADE ON UPDATE CASCADE;
