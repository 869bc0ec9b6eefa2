-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "public"."Tag" (
    "id" UUID NOT NULL,
    "label" VARCHAR(40) NOT NULL,
    "rank" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tag_label_key" ON "public"."Tag"("label" ASC);

-- CreateIndex
CREATE INDEX "Tag_rank_idx" ON "public"."Tag"("rank" DESC);

