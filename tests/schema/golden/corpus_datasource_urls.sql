-- CreateTable
CREATE TABLE "Account" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);
