-- AlterEnum
ALTER TYPE "public"."Status" ADD VALUE 'BANNED';

