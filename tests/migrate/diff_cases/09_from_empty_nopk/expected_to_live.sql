-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "public"."NoPk" (
    "a" INTEGER NOT NULL,
    "b" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "public"."Node" (
    "id" INTEGER NOT NULL,
    "nextId" INTEGER,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NoPk_a_b_key" ON "public"."NoPk"("a" ASC, "b" ASC);

-- CreateIndex
CREATE UNIQUE INDEX "Node_nextId_key" ON "public"."Node"("nextId" ASC);

-- AddForeignKey
ALTER TABLE "public"."Node" ADD CONSTRAINT "Node_nextId_fkey" FOREIGN KEY ("nextId") REFERENCES "public"."Node"("id") ON DELETE SET NULL ON UPDATE CASCADE;

