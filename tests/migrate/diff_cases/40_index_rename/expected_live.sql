-- RenameIndex
ALTER INDEX "T_b_key" RENAME TO "t_b_unique";

-- RenameIndex
ALTER INDEX "old_a" RENAME TO "new_a";

