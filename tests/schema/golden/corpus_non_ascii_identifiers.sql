-- CreateEnum
CREATE TYPE "Kätze" AS ENUM ('lööps', 'schnurrend');

-- CreateTable
CREATE TABLE "Lööp" (
    "id" SERIAL NOT NULL,
    "lööps" TEXT[],
    "kätze" "Kätze" NOT NULL DEFAULT 'lööps',
    "名前" TEXT NOT NULL,
    "größe" INTEGER,
    "bësitzerId" INTEGER NOT NULL,

    CONSTRAINT "Lööp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Bësitzer" (
    "id" INTEGER NOT NULL,
    "überaus_langer_name_für_eine_spalte_nahe_der_grenze_ä" INTEGER NOT NULL,

    CONSTRAINT "Bësitzer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Lööp_名前_key" ON "Lööp"("名前");

-- CreateIndex
CREATE INDEX "Lööp_größe_kätze_idx" ON "Lööp"("größe", "kätze");

-- CreateIndex
CREATE UNIQUE INDEX "Bësitzer_überaus_langer_name_für_eine_spalte_nahe_der_gr_key" ON "Bësitzer"("überaus_langer_name_für_eine_spalte_nahe_der_grenze_ä");

-- AddForeignKey
ALTER TABLE "Lööp" ADD CONSTRAINT "Lööp_bësitzerId_fkey" FOREIGN KEY ("bësitzerId") REFERENCES "Bësitzer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
