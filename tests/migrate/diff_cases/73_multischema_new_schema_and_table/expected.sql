-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "audit";

-- AlterTable
ALTER TABLE "base"."Item" ADD COLUMN     "label" TEXT NOT NULL;

-- CreateTable
CREATE TABLE "audit"."Event" (
    "id" INTEGER NOT NULL,
    "userId" INTEGER NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Event_userId_idx" ON "audit"."Event"("userId");

