-- AlterEnum
BEGIN;
CREATE TYPE "Level_new" AS ENUM ('LOW');
ALTER TABLE "Account" ALTER COLUMN "level" TYPE "Level_new" USING ("level"::text::"Level_new");
ALTER TYPE "Level" RENAME TO "Level_old";
ALTER TYPE "Level_new" RENAME TO "Level";
DROP TYPE "public"."Level_old";
COMMIT;

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "Status" ADD VALUE 'BANNED';
ALTER TYPE "Status" ADD VALUE 'DELETED';

-- DropForeignKey
ALTER TABLE "Post" DROP CONSTRAINT "Post_accountId_fkey";

-- DropIndex
DROP INDEX "Account_email_key";

-- DropIndex
DROP INDEX "Account_name_idx";

-- AlterTable
ALTER TABLE "Account" DROP COLUMN "dropMe",
DROP COLUMN "oldName",
ADD COLUMN     "added" TEXT NOT NULL,
ADD COLUMN     "addedDef" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "addedList" INTEGER[],
ADD COLUMN     "addedOpt" INTEGER,
ADD COLUMN     "newName" TEXT NOT NULL,
ALTER COLUMN "age" SET DATA TYPE TEXT,
ALTER COLUMN "score" SET DATA TYPE BIGINT,
ALTER COLUMN "big" SET DATA TYPE DOUBLE PRECISION,
ALTER COLUMN "price" SET DATA TYPE DECIMAL(12,4),
ALTER COLUMN "nick" SET NOT NULL,
ALTER COLUMN "bio" DROP NOT NULL,
ALTER COLUMN "counter" SET DEFAULT 5,
ALTER COLUMN "status" SET DEFAULT 'INACTIVE',
ALTER COLUMN "tags" SET NOT NULL,
ALTER COLUMN "tags" SET DATA TYPE TEXT,
ALTER COLUMN "code" SET DATA TYPE VARCHAR(20);

-- AlterTable
ALTER TABLE "PkChange" DROP CONSTRAINT "PkChange_pkey",
ADD CONSTRAINT "PkChange_pkey" PRIMARY KEY ("a", "b");

-- AlterTable
CREATE SEQUENCE serialize_num_seq;
ALTER TABLE "Serialize" ALTER COLUMN "num" SET DEFAULT nextval('serialize_num_seq');
ALTER SEQUENCE serialize_num_seq OWNED BY "Serialize"."num";

-- DropTable
DROP TABLE "Obsolete";

-- DropEnum
DROP TYPE "Gone";

-- CreateTable
CREATE TABLE "Fresh" (
    "id" SERIAL NOT NULL,

    CONSTRAINT "Fresh_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Account_slug_key" ON "Account"("slug");

-- CreateIndex
CREATE INDEX "Account_email_idx" ON "Account"("email");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- RenameIndex
ALTER INDEX "old_age_idx" RENAME TO "new_age_idx";

