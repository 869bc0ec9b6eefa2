-- CreateTable
CREATE TABLE "Functions" (
    "id" SERIAL NOT NULL,
    "counter" BIGSERIAL NOT NULL,
    "small" SMALLSERIAL NOT NULL,
    "uuid4" TEXT NOT NULL,
    "uuid7" UUID NOT NULL,
    "uuidPlain" TEXT NOT NULL,
    "cuid1" TEXT NOT NULL,
    "cuid2" TEXT NOT NULL,
    "cuidPlain" TEXT NOT NULL,
    "nano" TEXT NOT NULL,
    "nano12" TEXT NOT NULL,
    "ulid" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "day" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stamps" TIMESTAMP(3)[] DEFAULT CURRENT_TIMESTAMP,
    "token" TEXT NOT NULL DEFAULT md5(random()::text),
    "opaque" tsvector DEFAULT to_tsvector('simple', ''),
    "empty" TEXT,
    "tags" TEXT[] DEFAULT '{a,b}'::text[],

    CONSTRAINT "Functions_pkey" PRIMARY KEY ("id")
);
