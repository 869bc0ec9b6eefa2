-- CreateTable
CREATE TABLE "cmp" (
    "x" INTEGER NOT NULL,
    "y_col" INTEGER NOT NULL,
    "z" TEXT NOT NULL,

    CONSTRAINT "c_pk" PRIMARY KEY ("x","y_col")
);

-- CreateIndex
CREATE INDEX "cmp_z_x_idx" ON "cmp"("z", "x");
