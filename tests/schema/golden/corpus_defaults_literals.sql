-- CreateEnum
CREATE TYPE "Color" AS ENUM ('RED', 'green', 'BLUE');

-- CreateTable
CREATE TABLE "Literals" (
    "id" INTEGER NOT NULL,
    "text" TEXT NOT NULL DEFAULT 'say "hi"
	then été 😀 / \ done',
    "empty" TEXT NOT NULL DEFAULT '',
    "int" INTEGER NOT NULL DEFAULT -42,
    "bigint" BIGINT NOT NULL DEFAULT 9223372036854775807,
    "float" DOUBLE PRECISION NOT NULL DEFAULT -0.5,
    "floatInt" DOUBLE PRECISION NOT NULL DEFAULT 3,
    "dec" DECIMAL(65,30) NOT NULL DEFAULT 12.345,
    "decText" DECIMAL(65,30) NOT NULL DEFAULT -1.50,
    "yes" BOOLEAN NOT NULL DEFAULT true,
    "no" BOOLEAN NOT NULL DEFAULT false,
    "at" TIMESTAMP(3) NOT NULL DEFAULT '2024-02-29 23:59:59.123 +05:30',
    "atUtc" TIMESTAMP(3) NOT NULL DEFAULT '1999-12-31 00:00:00 +00:00',
    "doc" JSONB NOT NULL DEFAULT '{"a": [1, 2.5, null, true], "b": {}}',
    "bytes" BYTEA NOT NULL DEFAULT '\x68656c6c6f',
    "color" "Color" NOT NULL DEFAULT 'green',
    "colors" "Color"[] DEFAULT ARRAY['RED', 'BLUE']::"Color"[],
    "noColors" "Color"[] DEFAULT ARRAY[]::"Color"[],
    "texts" TEXT[] DEFAULT ARRAY['a', 'b']::TEXT[],
    "ints" INTEGER[] DEFAULT ARRAY[1, -2, 3]::INTEGER[],
    "bigints" BIGINT[] DEFAULT ARRAY[1]::BIGINT[],
    "floats" DOUBLE PRECISION[] DEFAULT ARRAY[1.5, 2]::DOUBLE PRECISION[],
    "decs" DECIMAL(65,30)[] DEFAULT ARRAY[1.1, 2.2]::DECIMAL(65,30)[],
    "flags" BOOLEAN[] DEFAULT ARRAY[true, false]::BOOLEAN[],
    "dates" TIMESTAMP(3)[] DEFAULT ARRAY['2020-01-01 00:00:00 +00:00']::TIMESTAMP(3)[],
    "docs" JSONB[] DEFAULT ARRAY['[]', '{}']::JSONB[],
    "blobs" BYTEA[] DEFAULT ARRAY['\x', '\x00']::BYTEA[],

    CONSTRAINT "Literals_pkey" PRIMARY KEY ("id")
);
