-- CreateEnum
CREATE TYPE "public"."Color" AS ENUM ('RED', 'GREEN');

-- CreateEnum
CREATE TYPE "public"."role_t" AS ENUM ('USER', 'admin', 'SUPER_USER');

-- CreateTable
CREATE TABLE "public"."EnumUse" (
    "id" INTEGER NOT NULL,
    "role" "public"."role_t" NOT NULL DEFAULT 'USER',
    "role2" "public"."role_t" NOT NULL DEFAULT 'admin',
    "colors" "public"."Color"[] DEFAULT ARRAY['RED', 'GREEN']::"public"."Color"[],
    "colOpt" "public"."Color",

    CONSTRAINT "EnumUse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Ids1" (
    "id" TEXT NOT NULL,
    "u7" TEXT NOT NULL,
    "u4" TEXT NOT NULL,
    "c1" TEXT NOT NULL,
    "c2" TEXT NOT NULL,
    "nano" TEXT NOT NULL,
    "nan8" TEXT NOT NULL,
    "uuidNative" UUID NOT NULL,

    CONSTRAINT "Ids1_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Ids2" (
    "id" BIGSERIAL NOT NULL,

    CONSTRAINT "Ids2_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Ids3" (
    "id" INTEGER NOT NULL,
    "seq" SERIAL NOT NULL,
    "sm" SMALLSERIAL NOT NULL,

    CONSTRAINT "Ids3_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Native" (
    "id" INTEGER NOT NULL,
    "vc" VARCHAR(255) NOT NULL,
    "vcn" VARCHAR NOT NULL,
    "ch" CHAR(10) NOT NULL,
    "txt" TEXT NOT NULL,
    "uuid" UUID NOT NULL,
    "xml" XML NOT NULL,
    "inet" INET NOT NULL,
    "cit" CITEXT NOT NULL,
    "bit" BIT(3) NOT NULL,
    "vbit" VARBIT(8) NOT NULL,
    "sm" SMALLINT NOT NULL,
    "i" INTEGER NOT NULL,
    "oid" OID NOT NULL,
    "bi" BIGINT NOT NULL,
    "real" REAL NOT NULL,
    "dp" DOUBLE PRECISION NOT NULL,
    "num" DECIMAL(10,2) NOT NULL,
    "money" MONEY NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL,
    "ts6" TIMESTAMP(6) NOT NULL,
    "tstz" TIMESTAMPTZ(3) NOT NULL,
    "tstz0" TIMESTAMPTZ(6) NOT NULL,
    "date" DATE NOT NULL,
    "time" TIME(3) NOT NULL,
    "timetz" TIMETZ(3) NOT NULL,
    "json" JSON NOT NULL,
    "jsonb" JSONB NOT NULL,
    "bytea" BYTEA NOT NULL,
    "b" BOOLEAN NOT NULL,
    "vcList" VARCHAR(20)[],
    "dtD" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tsD" TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uuidD" UUID NOT NULL DEFAULT gen_random_uuid(),
    "decD" DECIMAL(10,2) NOT NULL DEFAULT 0,

    CONSTRAINT "Native_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Scalars" (
    "id" SERIAL NOT NULL,
    "str" TEXT NOT NULL,
    "strOpt" TEXT,
    "bool" BOOLEAN NOT NULL DEFAULT true,
    "int" INTEGER NOT NULL DEFAULT 42,
    "bigint" BIGINT NOT NULL DEFAULT 9007199254740993,
    "float" DOUBLE PRECISION NOT NULL DEFAULT 1.5,
    "dec" DECIMAL(65,30) NOT NULL DEFAULT 12.34,
    "dt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dtUpd" TIMESTAMP(3) NOT NULL,
    "json" JSONB NOT NULL DEFAULT '{"a": 1}',
    "jsonOpt" JSONB,
    "bytes" BYTEA NOT NULL,
    "strList" TEXT[],
    "intList" INTEGER[] DEFAULT ARRAY[1, 2, 3]::INTEGER[],
    "strListD" TEXT[] DEFAULT ARRAY['a', 'b']::TEXT[],
    "boolList" BOOLEAN[],
    "dtList" TIMESTAMP(3)[],
    "strD" TEXT NOT NULL DEFAULT 'hello ''world''',
    "strEmpty" TEXT NOT NULL DEFAULT '',
    "negInt" INTEGER NOT NULL DEFAULT -5,
    "floatInt" DOUBLE PRECISION NOT NULL DEFAULT 3,
    "dbg" TEXT NOT NULL DEFAULT gen_random_uuid(),
    "dtDbg" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "bytesD" BYTEA NOT NULL DEFAULT '\x68656c6c6f',

    CONSTRAINT "Scalars_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Unsup" (
    "id" INTEGER NOT NULL,
    "loc" point,
    "tsv" tsvector NOT NULL,

    CONSTRAINT "Unsup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."mapped_table" (
    "mapped_id" INTEGER NOT NULL,
    "some_name" TEXT NOT NULL,

    CONSTRAINT "mapped_table_pkey" PRIMARY KEY ("mapped_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "mapped_table_some_name_key" ON "public"."mapped_table"("some_name" ASC);

