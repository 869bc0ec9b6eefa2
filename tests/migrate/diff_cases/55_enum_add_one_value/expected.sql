-- AlterEnum
ALTER TYPE "Status" ADD VALUE 'BANNED';

