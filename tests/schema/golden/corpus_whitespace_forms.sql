-- CreateTable
CREATE TABLE "Spaced" (
    "id" SERIAL NOT NULL,
    "name" TEXT,
    "tags" TEXT[],
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "the_note" TEXT,

    CONSTRAINT "Spaced_pkey" PRIMARY KEY ("id")
);
