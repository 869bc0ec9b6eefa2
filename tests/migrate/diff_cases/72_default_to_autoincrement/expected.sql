-- AlterTable
CREATE SEQUENCE counter_seq_seq;
ALTER TABLE "Counter" ALTER COLUMN "seq" SET DEFAULT nextval('counter_seq_seq');
ALTER SEQUENCE counter_seq_seq OWNED BY "Counter"."seq";

