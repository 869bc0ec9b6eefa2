-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "alpha";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "zeta";

-- CreateEnum
CREATE TYPE "public"."Flag" AS ENUM ('ON', 'OFF');

-- CreateTable
CREATE TABLE "zeta"."Z" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Z_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alpha"."A" (
    "id" INTEGER NOT NULL,
    "flag" "public"."Flag" NOT NULL DEFAULT 'ON',
    "zId" INTEGER NOT NULL,

    CONSTRAINT "A_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "alpha"."A" ADD CONSTRAINT "A_zId_fkey" FOREIGN KEY ("zId") REFERENCES "zeta"."Z"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

