-- DropIndex
DROP INDEX "T_x_key";

-- DropIndex
DROP INDEX "T_z_key";

-- DropIndex
DROP INDEX "my_unique_y";

