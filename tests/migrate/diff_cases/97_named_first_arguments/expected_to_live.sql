-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "public"."roles" AS ENUM ('member', 'admin');

-- CreateTable
CREATE TABLE "public"."users" (
    "id" SERIAL NOT NULL,
    "email_address" TEXT NOT NULL,
    "name" VARCHAR(40) NOT NULL DEFAULT 'anon',
    "role" "public"."roles" NOT NULL DEFAULT 'member',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pk" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "users_created_idx" ON "public"."users"("created_at" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_uq" ON "public"."users"("email_address" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "users_name_role_uq" ON "public"."users"("name" ASC, "role" ASC);

