-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

