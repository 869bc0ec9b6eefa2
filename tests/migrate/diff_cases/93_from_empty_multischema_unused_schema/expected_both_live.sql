-- CreateEnum
CREATE TYPE "public"."Flag" AS ENUM ('ON', 'OFF');

