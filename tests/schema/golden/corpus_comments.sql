-- CreateEnum
CREATE TYPE "E" AS ENUM ('A', 'B');

-- CreateTable
CREATE TABLE "things" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "things_pkey" PRIMARY KEY ("id")
);
