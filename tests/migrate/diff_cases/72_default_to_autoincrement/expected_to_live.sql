-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterTable
CREATE SEQUENCE "public".counter_seq_seq;
ALTER TABLE "public"."Counter" ALTER COLUMN "seq" SET DEFAULT nextval('"public".counter_seq_seq');
ALTER SEQUENCE "public".counter_seq_seq OWNED BY "public"."Counter"."seq";

