-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
CREATE SEQUENCE "public".t_num_seq;
ALTER TABLE "public"."T" ALTER COLUMN "num" SET DEFAULT nextval('"public".t_num_seq');
ALTER SEQUENCE "public".t_num_seq OWNED BY "public"."T"."num";

