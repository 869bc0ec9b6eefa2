-- CreateTable
CREATE TABLE "OpClasses" (
    "id" INTEGER NOT NULL,
    "ip" INET NOT NULL,
    "doc" JSONB NOT NULL,
    "docb" JSONB NOT NULL,
    "list" INTEGER[],
    "txt" TEXT NOT NULL,
    "vc" VARCHAR(40) NOT NULL,
    "ch" CHAR(4) NOT NULL,
    "bit" BIT(8) NOT NULL,
    "vbit" VARBIT(8) NOT NULL,
    "bin" BYTEA NOT NULL,
    "day" DATE NOT NULL,
    "f4" REAL NOT NULL,
    "f8" DOUBLE PRECISION NOT NULL,
    "i2" SMALLINT NOT NULL,
    "i4" INTEGER NOT NULL,
    "i8" BIGINT NOT NULL,
    "num" DECIMAL(65,30) NOT NULL,
    "oid" OID NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL,
    "tstz" TIMESTAMPTZ NOT NULL,
    "tm" TIME NOT NULL,
    "tmtz" TIMETZ NOT NULL,
    "uid" UUID NOT NULL,

    CONSTRAINT "OpClasses_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OpClasses_ip_idx" ON "OpClasses" USING GIST ("ip" inet_ops);

-- CreateIndex
CREATE INDEX "OpClasses_doc_idx" ON "OpClasses" USING GIN ("doc" jsonb_ops);

-- CreateIndex
CREATE INDEX "OpClasses_docb_idx" ON "OpClasses" USING GIN ("docb" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "OpClasses_list_idx" ON "OpClasses" USING GIN ("list" array_ops);

-- CreateIndex
CREATE INDEX "spgist_inet" ON "OpClasses" USING SPGIST ("ip" inet_ops);

-- CreateIndex
CREATE INDEX "OpClasses_txt_idx" ON "OpClasses" USING SPGIST ("txt" text_ops);

-- CreateIndex
CREATE INDEX "spgist_varchar" ON "OpClasses" USING SPGIST ("vc" text_ops);

-- CreateIndex
CREATE INDEX "OpClasses_bit_vbit_idx" ON "OpClasses" USING BRIN ("bit" bit_minmax_ops, "vbit" varbit_minmax_ops);

-- CreateIndex
CREATE INDEX "OpClasses_ch_idx" ON "OpClasses" USING BRIN ("ch" bpchar_bloom_ops);

-- CreateIndex
CREATE INDEX "brin_ch_minmax" ON "OpClasses" USING BRIN ("ch" bpchar_minmax_ops);

-- CreateIndex
CREATE INDEX "OpClasses_bin_txt_idx" ON "OpClasses" USING BRIN ("bin" bytea_bloom_ops, "txt" text_bloom_ops);

-- CreateIndex
CREATE INDEX "brin_minmax_text" ON "OpClasses" USING BRIN ("bin" bytea_minmax_ops, "txt" text_minmax_ops, "vc" text_minmax_ops);

-- CreateIndex
CREATE INDEX "OpClasses_day_f4_f8_i2_i4_i8_num_oid_idx" ON "OpClasses" USING BRIN ("day" date_bloom_ops, "f4" float4_bloom_ops, "f8" float8_bloom_ops, "i2" int2_bloom_ops, "i4" int4_bloom_ops, "i8" int8_bloom_ops, "num" numeric_bloom_ops, "oid" oid_bloom_ops);

-- CreateIndex
CREATE INDEX "brin_minmax" ON "OpClasses" USING BRIN ("day" date_minmax_ops, "f4" float4_minmax_ops, "f8" float8_minmax_ops, "i2" int2_minmax_ops, "i4" int4_minmax_ops, "i8" int8_minmax_ops, "num" numeric_minmax_ops, "oid" oid_minmax_ops);

-- CreateIndex
CREATE INDEX "brin_minmax_multi" ON "OpClasses" USING BRIN ("day" date_minmax_multi_ops, "f4" float4_minmax_multi_ops, "f8" float8_minmax_multi_ops, "i2" int2_minmax_multi_ops, "i4" int4_minmax_multi_ops, "i8" int8_minmax_multi_ops, "num" numeric_minmax_multi_ops, "oid" oid_minmax_multi_ops);

-- CreateIndex
CREATE INDEX "brin_inet_inclusion" ON "OpClasses" USING BRIN ("ip" inet_inclusion_ops);

-- CreateIndex
CREATE INDEX "brin_inet_bloom" ON "OpClasses" USING BRIN ("ip" inet_bloom_ops);

-- CreateIndex
CREATE INDEX "brin_inet_minmax" ON "OpClasses" USING BRIN ("ip" inet_minmax_ops);

-- CreateIndex
CREATE INDEX "brin_inet_minmax_multi" ON "OpClasses" USING BRIN ("ip" inet_minmax_multi_ops);

-- CreateIndex
CREATE INDEX "OpClasses_ts_tstz_tm_tmtz_uid_idx" ON "OpClasses" USING BRIN ("ts" timestamp_bloom_ops, "tstz" timestamptz_bloom_ops, "tm" time_bloom_ops, "tmtz" timetz_bloom_ops, "uid" uuid_bloom_ops);

-- CreateIndex
CREATE INDEX "brin_time_minmax" ON "OpClasses" USING BRIN ("ts" timestamp_minmax_ops, "tstz" timestamptz_minmax_ops, "tm" time_minmax_ops, "tmtz" timetz_minmax_ops, "uid" uuid_minmax_ops);

-- CreateIndex
CREATE INDEX "brin_time_minmax_multi" ON "OpClasses" USING BRIN ("ts" timestamp_minmax_multi_ops, "tstz" timestamptz_minmax_multi_ops, "tm" time_minmax_multi_ops, "tmtz" timetz_minmax_multi_ops, "uid" uuid_minmax_multi_ops);

-- CreateIndex
CREATE INDEX "raw_ops" ON "OpClasses"("txt" text_pattern_ops);
