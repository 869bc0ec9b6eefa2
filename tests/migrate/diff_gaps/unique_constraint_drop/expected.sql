-- DropIndex
ALTER TABLE "T" DROP CONSTRAINT "T_x_key";

-- DropIndex
DROP INDEX "T_z_key";

-- DropIndex
ALTER TABLE "T" DROP CONSTRAINT "my_unique_y";

