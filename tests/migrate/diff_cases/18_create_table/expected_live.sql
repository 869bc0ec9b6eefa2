-- CreateTable
CREATE TABLE "Tag" (
    "id" UUID NOT NULL,
    "label" VARCHAR(40) NOT NULL,
    "rank" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tag_label_key" ON "Tag"("label");

-- CreateIndex
CREATE INDEX "Tag_rank_idx" ON "Tag"("rank" DESC);

