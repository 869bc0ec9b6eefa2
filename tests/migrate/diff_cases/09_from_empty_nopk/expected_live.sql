-- CreateTable
CREATE TABLE "NoPk" (
    "a" INTEGER NOT NULL,
    "b" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "Node" (
    "id" INTEGER NOT NULL,
    "nextId" INTEGER,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NoPk_a_b_key" ON "NoPk"("a", "b");

-- CreateIndex
CREATE UNIQUE INDEX "Node_nextId_key" ON "Node"("nextId");

-- AddForeignKey
ALTER TABLE "Node" ADD CONSTRAINT "Node_nextId_fkey" FOREIGN KEY ("nextId") REFERENCES "Node"("id") ON DELETE SET NULL ON UPDATE CASCADE;

