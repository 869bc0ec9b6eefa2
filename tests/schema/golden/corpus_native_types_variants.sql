-- CreateTable
CREATE TABLE "Natives" (
    "id" UUID NOT NULL,
    "code" CHAR NOT NULL,
    "flags" BIT NOT NULL,
    "bits" VARBIT,
    "free" VARCHAR,
    "at" TIMESTAMP NOT NULL,
    "at0" TIMESTAMP(0) NOT NULL,
    "at6" TIMESTAMPTZ(6),
    "time" TIME NOT NULL,
    "timetz" TIMETZ NOT NULL,
    "timetz3" TIMETZ(3) NOT NULL,
    "price" DECIMAL NOT NULL,
    "exact" DECIMAL(10,0) NOT NULL,
    "codes" CHAR(3)[],
    "amounts" MONEY[],
    "days" DATE[],
    "ips" INET[],
    "docs" JSON[],

    CONSTRAINT "Natives_pkey" PRIMARY KEY ("id")
);
