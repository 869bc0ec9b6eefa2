-- AlterTable
ALTER TABLE "T" ADD COLUMN     "token" TEXT NOT NULL,
ADD COLUMN     "ulid" TEXT NOT NULL;

