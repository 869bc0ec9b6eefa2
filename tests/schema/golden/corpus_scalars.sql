-- CreateTable
CREATE TABLE "Scalars" (
    "id" SERIAL NOT NULL,
    "str" TEXT NOT NULL DEFAULT 'it''s',
    "strOpt" TEXT,
    "bool" BOOLEAN NOT NULL DEFAULT false,
    "int" INTEGER NOT NULL DEFAULT -7,
    "big" BIGINT NOT NULL DEFAULT 9007199254740993,
    "flt" DOUBLE PRECISION NOT NULL DEFAULT 2.5,
    "dec" DECIMAL(65,30) NOT NULL DEFAULT 0.01,
    "dt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "upd" TIMESTAMP(3) NOT NULL,
    "js" JSONB NOT NULL DEFAULT '{}',
    "bytes" BYTEA NOT NULL DEFAULT '\x000102',
    "strs" TEXT[] DEFAULT ARRAY['x', 'y']::TEXT[],
    "ints" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "floats" DOUBLE PRECISION[],
    "unsup" circle,
    "gen" TEXT NOT NULL DEFAULT md5(random()::text),

    CONSTRAINT "Scalars_pkey" PRIMARY KEY ("id")
);
