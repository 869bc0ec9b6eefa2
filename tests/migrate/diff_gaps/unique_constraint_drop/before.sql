-- Unique constraints written by hand (Prisma itself only creates unique indexes)
CREATE TABLE "T" (
    "id" INTEGER NOT NULL,
    "x" TEXT NOT NULL,
    "y" TEXT,
    "z" TEXT,

    CONSTRAINT "T_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "T" ADD CONSTRAINT "T_x_key" UNIQUE ("x");

ALTER TABLE "T" ADD CONSTRAINT "my_unique_y" UNIQUE ("y");

CREATE UNIQUE INDEX "T_z_key" ON "T"("z");
