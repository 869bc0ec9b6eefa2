-- DropIndex
DROP INDEX "Person_lastName_key";

-- AlterTable
ALTER TABLE "Person" DROP COLUMN "firstName",
DROP COLUMN "lastName",
ADD COLUMN     "first_name" TEXT NOT NULL,
ADD COLUMN     "last_name" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Person_last_name_key" ON "Person"("last_name");

