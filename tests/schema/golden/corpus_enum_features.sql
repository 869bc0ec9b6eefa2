-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "billing";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "billing"."invoice_state" AS ENUM ('draft', 'sent', 'PAID');

-- CreateEnum
CREATE TYPE "public"."Currency" AS ENUM ('EUR', 'USD');

-- CreateTable
CREATE TABLE "billing"."Invoice" (
    "id" INTEGER NOT NULL,
    "state" "billing"."invoice_state" NOT NULL DEFAULT 'draft',
    "history" "billing"."invoice_state"[] DEFAULT ARRAY['draft', 'sent']::"billing"."invoice_state"[],
    "currency" "public"."Currency",

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);
