-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
ALTER TABLE "public"."T" DROP CONSTRAINT "t_pk_old",
RENAME CONSTRAINT "t_pk_old" TO "t_pk_new",
ADD CONSTRAINT "t_pk_new" PRIMARY KEY ("a", "b");

