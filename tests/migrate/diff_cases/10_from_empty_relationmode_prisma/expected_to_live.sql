-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "public"."M1" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "M1_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."M2" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "M2_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."P" (
    "id" INTEGER NOT NULL,
    "uId" INTEGER NOT NULL,

    CONSTRAINT "P_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."U" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "U_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."_M1ToM2" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_M1ToM2_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE INDEX "P_uId_idx" ON "public"."P"("uId" ASC);

-- CreateIndex
CREATE INDEX "_M1ToM2_B_index" ON "public"."_M1ToM2"("B" ASC);

