-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "public"."Status" ADD VALUE 'BANNED';
ALTER TYPE "public"."Status" ADD VALUE 'DELETED';

-- AlterEnum
BEGIN;
CREATE TYPE "public"."Level_new" AS ENUM ('LOW');
ALTER TABLE "public"."Account" ALTER COLUMN "level" TYPE "public"."Level_new" USING ("level"::text::"public"."Level_new");
ALTER TYPE "public"."Level" RENAME TO "Level_old";
ALTER TYPE "public"."Level_new" RENAME TO "Level";
DROP TYPE "Level_old";
COMMIT;

-- DropForeignKey
ALTER TABLE "public"."Post" DROP CONSTRAINT "Post_accountId_fkey";

-- DropIndex
DROP INDEX "public"."Account_email_key";

-- DropIndex
DROP INDEX "public"."Account_name_idx";

-- AlterTable
ALTER TABLE "public"."Account" DROP COLUMN "dropMe",
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
ALTER TABLE "public"."PkChange" DROP CONSTRAINT "PkChange_pkey",
ADD CONSTRAINT "PkChange_pkey" PRIMARY KEY ("a", "b");

-- AlterTable
CREATE SEQUENCE "public".serialize_num_seq;
ALTER TABLE "public"."Serialize" ALTER COLUMN "num" SET DEFAULT nextval('"public".serialize_num_seq');
ALTER SEQUENCE "public".serialize_num_seq OWNED BY "public"."Serialize"."num";

-- DropTable
DROP TABLE "public"."Obsolete";

-- DropEnum
DROP TYPE "public"."Gone";

-- CreateTable
CREATE TABLE "public"."Fresh" (
    "id" SERIAL NOT NULL,

    CONSTRAINT "Fresh_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Account_email_idx" ON "public"."Account"("email" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "Account_slug_key" ON "public"."Account"("slug" ASC);

-- AddForeignKey
ALTER TABLE "public"."Post" ADD CONSTRAINT "Post_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "public"."Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- RenameIndex
ALTER INDEX "public"."old_age_idx" RENAME TO "new_age_idx";

