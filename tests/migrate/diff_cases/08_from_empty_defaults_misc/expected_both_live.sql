-- CreateTable
CREATE TABLE "public"."D" (
    "id" INTEGER NOT NULL,
    "dt" TIMESTAMP(3) NOT NULL DEFAULT '2024-01-02 03:04:05.678'::timestamp without time zone,
    "dt2" TIMESTAMPTZ(6) NOT NULL DEFAULT '2024-01-02 01:04:05+00'::timestamp with time zone,
    "dec" DECIMAL(65,30) NOT NULL DEFAULT 123456789.123456789,
    "big" BIGINT NOT NULL DEFAULT -9223372036854775808,
    "flt" DOUBLE PRECISION NOT NULL DEFAULT 10000000000,
    "flt2" DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    "js" JSONB NOT NULL DEFAULT '[]',
    "jsl" JSONB[] DEFAULT ARRAY['{}', '[1]']::JSONB[],
    "bl" BOOLEAN[] DEFAULT ARRAY[true, false]::BOOLEAN[],
    "ign" TEXT NOT NULL DEFAULT 'x',
    "dtl" TIMESTAMP(3)[] DEFAULT ARRAY['2024-01-01 00:00:00'::timestamp(3) without time zone],
    "dl" DECIMAL(65,30)[] DEFAULT ARRAY[1.5, 2]::DECIMAL(65,30)[],
    "btl" BYTEA[],
    "emptyL" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "uuidL" UUID[],
    "upd" TIMESTAMP(3),

    CONSTRAINT "D_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Ignored" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Ignored_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."WithComments" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "WithComments_pkey" PRIMARY KEY ("id")
);

