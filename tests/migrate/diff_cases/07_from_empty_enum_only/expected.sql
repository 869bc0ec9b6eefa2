-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

