-- DropIndex
DROP INDEX "Profile_userId_key";

