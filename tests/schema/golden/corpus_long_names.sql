-- CreateTable
CREATE TABLE "Long_Model_Name_That_Is_Really_Very_Long_Indeed_And_Goes_On_Forever" (
    "id" INTEGER NOT NULL,
    "a_field_with_a_rather_long_name_as_well_xyz" INTEGER NOT NULL,

    CONSTRAINT "Long_Model_Name_That_Is_Really_Very_Long_Indeed_And_Goes_O_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Target" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Other" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Other_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_A_Relation_Name_That_Is_Far_Longer_Than_Sixty_Three_Characters" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_A_Relation_Name_That_Is_Far_Longer_Than_Sixty_Three_Ch_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE INDEX "Long_Model_Name_That_Is_Really_Very_Long_Indeed_And_Goes_On_idx" ON "Long_Model_Name_That_Is_Really_Very_Long_Indeed_And_Goes_On_Forever"("a_field_with_a_rather_long_name_as_well_xyz");

-- CreateIndex
CREATE UNIQUE INDEX "Long_Model_Name_That_Is_Really_Very_Long_Indeed_And_Goes_On_key" ON "Long_Model_Name_That_Is_Really_Very_Long_Indeed_And_Goes_On_Forever"("a_field_with_a_rather_long_name_as_well_xyz", "id");

-- CreateIndex
CREATE INDEX "_A_Relation_Name_That_Is_Far_Longer_Than_Sixty_Three_Ch_B_index" ON "_A_Relation_Name_That_Is_Far_Longer_Than_Sixty_Three_Characters"("B");

-- AddForeignKey
ALTER TABLE "Long_Model_Name_That_Is_Really_Very_Long_Indeed_And_Goes_On_Forever" ADD CONSTRAINT "Long_Model_Name_That_Is_Really_Very_Long_Indeed_And_Goes_O_fkey" FOREIGN KEY ("a_field_with_a_rather_long_name_as_well_xyz") REFERENCES "Target"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_A_Relation_Name_That_Is_Far_Longer_Than_Sixty_Three_Characters" ADD CONSTRAINT "_A_Relation_Name_That_Is_Far_Longer_Than_Sixty_Three_Cha_A_fkey" FOREIGN KEY ("A") REFERENCES "Other"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_A_Relation_Name_That_Is_Far_Longer_Than_Sixty_Three_Characters" ADD CONSTRAINT "_A_Relation_Name_That_Is_Far_Longer_Than_Sixty_Three_Cha_B_fkey" FOREIGN KEY ("B") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
