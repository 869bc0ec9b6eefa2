-- AlterEnum
BEGIN;
CREATE TYPE "auth"."Role_new" AS ENUM ('USER');
ALTER TABLE "auth"."User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "auth"."User" ALTER COLUMN "role" TYPE "auth"."Role_new" USING ("role"::text::"auth"."Role_new");
ALTER TYPE "auth"."Role" RENAME TO "Role_old";
ALTER TYPE "auth"."Role_new" RENAME TO "Role";
DROP TYPE "auth"."Role_old";
ALTER TABLE "auth"."User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;

-- DropForeignKey
ALTER TABLE "base"."Item" DROP CONSTRAINT "Item_ownerId_fkey";

-- AddForeignKey
ALTER TABLE "base"."Item" ADD CONSTRAINT "item_owner" FOREIGN KEY ("ownerId") REFERENCES "auth"."User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- RenameIndex
ALTER INDEX "base"."Item_ownerId_idx" RENAME TO "item_owner_idx";

