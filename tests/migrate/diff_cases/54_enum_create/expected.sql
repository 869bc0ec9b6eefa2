-- CreateEnum
CREATE TYPE "status_t" AS ENUM ('ACTIVE', 'inactive');

-- AlterTable
ALTER TABLE "T" ADD COLUMN     "status" "status_t" NOT NULL DEFAULT 'inactive';

