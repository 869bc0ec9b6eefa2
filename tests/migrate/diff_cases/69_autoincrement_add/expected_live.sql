-- AlterTable
CREATE SEQUENCE t_num_seq;
ALTER TABLE "T" ALTER COLUMN "num" SET DEFAULT nextval('t_num_seq');
ALTER SEQUENCE t_num_seq OWNED BY "T"."num";

