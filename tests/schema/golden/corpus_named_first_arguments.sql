-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "extra";

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

-- CreateTable
CREATE TABLE "extra"."posts" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "author_id" INTEGER NOT NULL,

    CONSTRAINT "posts_pk" PRIMARY KEY ("id","slug")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_uq" ON "public"."users"("email_address");

-- CreateIndex
CREATE INDEX "users_created_idx" ON "public"."users"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "users_name_role_uq" ON "public"."users"("name", "role");

-- AddForeignKey
ALTER TABLE "extra"."posts" ADD CONSTRAINT "posts_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
