-- CreateTable
CREATE TABLE "Thing" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Thing_pkey" PRIMARY KEY ("id")
);
