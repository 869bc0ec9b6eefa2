-- CreateEnum
CREATE TYPE "Kind" AS ENUM ('A', 'B');

-- CreateTable
CREATE TABLE "Holder" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "notes" TEXT,
    "kind" "Kind" NOT NULL,

    CONSTRAINT "Holder_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Holder_name_idx" ON "Holder"("name");
