-- CreateTable
CREATE TABLE "Ids" (
    "id" TEXT NOT NULL,
    "u7" TEXT NOT NULL,
    "c" TEXT NOT NULL,
    "c2" TEXT NOT NULL,
    "n" TEXT NOT NULL,
    "n10" TEXT NOT NULL,
    "ul" TEXT NOT NULL,
    "nativ" UUID NOT NULL,

    CONSTRAINT "Ids_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Big" (
    "id" BIGSERIAL NOT NULL,

    CONSTRAINT "Big_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Small" (
    "id" SMALLSERIAL NOT NULL,
    "seq" SERIAL NOT NULL,

    CONSTRAINT "Small_pkey" PRIMARY KEY ("id")
);
