-- AlterTable
ALTER TABLE "T" RENAME CONSTRAINT "T_pkey" TO "t_primary";

