-- CreateTable
CREATE TABLE "Shown" (
    "id" INTEGER NOT NULL,
    "secret" TEXT NOT NULL,

    CONSTRAINT "Shown_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Legacy" (
    "id" INTEGER NOT NULL,
    "shownId" INTEGER NOT NULL,

    CONSTRAINT "Legacy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NoKey" (
    "value" TEXT NOT NULL
);

-- AddForeignKey
ALTER TABLE "Legacy" ADD CONSTRAINT "Legacy_shownId_fkey" FOREIGN KEY ("shownId") REFERENCES "Shown"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
