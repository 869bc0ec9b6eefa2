-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "public"."Kätze" AS ENUM ('lööps', 'schnurrend');

-- CreateTable
CREATE TABLE "public"."Bësitzer" (
    "id" INTEGER NOT NULL,
    "überaus_langer_name_für_eine_spalte_nahe_der_grenze_ä" INTEGER NOT NULL,

    CONSTRAINT "Bësitzer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Lööp" (
    "id" SERIAL NOT NULL,
    "lööps" TEXT[],
    "kätze" "public"."Kätze" NOT NULL DEFAULT 'lööps',
    "名前" TEXT NOT NULL,
    "größe" INTEGER,
    "bësitzerId" INTEGER NOT NULL,

    CONSTRAINT "Lööp_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Bësitzer_überaus_langer_name_für_eine_spalte_nahe_der_gr_key" ON "public"."Bësitzer"("überaus_langer_name_für_eine_spalte_nahe_der_grenze_ä" ASC);

-- CreateIndex
CREATE INDEX "Lööp_größe_kätze_idx" ON "public"."Lööp"("größe" ASC, "kätze" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "Lööp_名前_key" ON "public"."Lööp"("名前" ASC);

-- AddForeignKey
ALTER TABLE "public"."Lööp" ADD CONSTRAINT "Lööp_bësitzerId_fkey" FOREIGN KEY ("bësitzerId") REFERENCES "public"."Bësitzer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

