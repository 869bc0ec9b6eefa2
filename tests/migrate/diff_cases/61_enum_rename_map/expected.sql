-- CreateEnum
CREATE TYPE "mood_t" AS ENUM ('HAPPY', 'SAD');

-- AlterTable
ALTER TABLE "Person" DROP COLUMN "mood",
ADD COLUMN     "mood" "mood_t" NOT NULL DEFAULT 'HAPPY';

-- DropEnum
DROP TYPE "Mood";

