-- CreateEnum
CREATE TYPE "role_kind" AS ENUM ('USER', 'admin', 'OWNER');

-- CreateEnum
CREATE TYPE "Status" AS ENUM ('ON', 'OFF');

-- CreateTable
CREATE TABLE "Account" (
    "id" INTEGER NOT NULL,
    "role" "role_kind" NOT NULL DEFAULT 'admin',
    "status" "Status",
    "many" "Status"[] DEFAULT ARRAY['ON', 'OFF']::"Status"[],

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);
