-- DropTable
DROP TABLE "base"."Item";

-- CreateTable
CREATE TABLE "auth"."Item" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);

