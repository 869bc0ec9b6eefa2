-- CreateTable
CREATE TABLE "Geo" (
    "id" INTEGER NOT NULL,
    "point" point NOT NULL,
    "area" polygon,
    "path" path[],
    "search" tsvector DEFAULT to_tsvector('english', ''),
    "range" int4range NOT NULL,
    "location" geography(Point, 4326),

    CONSTRAINT "Geo_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Geo_range_key" ON "Geo"("range");

-- CreateIndex
CREATE INDEX "Geo_search_idx" ON "Geo" USING GIN ("search");

-- CreateIndex
CREATE INDEX "Geo_point_idx" ON "Geo" USING GIST ("point");
