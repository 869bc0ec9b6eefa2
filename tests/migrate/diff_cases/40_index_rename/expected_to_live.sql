-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- RenameIndex
ALTER INDEX "public"."T_b_key" RENAME TO "t_b_unique";

-- RenameIndex
ALTER INDEX "public"."old_a" RENAME TO "new_a";

