-- CreateEnum
CREATE TYPE "mood_t" AS ENUM ('happy', 'SAD');

-- DropForeignKey
ALTER TABLE "Pet" DROP CONSTRAINT "Pet_ownerId_fkey";

-- AlterTable
ALTER TABLE "Pet" DROP COLUMN "ownerId",
ADD COLUMN     "owner_id" INTEGER NOT NULL;

-- DropTable
DROP TABLE "OldName";

-- DropTable
DROP TABLE "people";

-- DropEnum
DROP TYPE "Mood";

-- CreateTable
CREATE TABLE "persons" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "mood" "mood_t" NOT NULL DEFAULT 'happy',

    CONSTRAINT "persons_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NewName" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "NewName_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Pet" ADD CONSTRAINT "pet_owner_fk" FOREIGN KEY ("owner_id") REFERENCES "persons"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

