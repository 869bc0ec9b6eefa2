-- CreateTable
CREATE TABLE "NoPk" (
    "a" INTEGER NOT NULL,
    "b" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "Chain" (
    "id" INTEGER NOT NULL,
    "nextId" INTEGER,

    CONSTRAINT "Chain_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NoPk_a_b_key" ON "NoPk"("a", "b");

-- CreateIndex
CREATE UNIQUE INDEX "Chain_nextId_key" ON "Chain"("nextId");

-- AddForeignKey
ALTER TABLE "Chain" ADD CONSTRAINT "Chain_nextId_fkey" FOREIGN KEY ("nextId") REFERENCES "Chain"("id") ON DELETE SET NULL ON UPDATE CASCADE;
