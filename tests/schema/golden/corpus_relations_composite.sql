-- CreateTable
CREATE TABLE "Parent" (
    "a" INTEGER NOT NULL,
    "b" TEXT NOT NULL,

    CONSTRAINT "Parent_pkey" PRIMARY KEY ("a","b")
);

-- CreateTable
CREATE TABLE "Child" (
    "id" INTEGER NOT NULL,
    "pa" INTEGER NOT NULL,
    "pb" TEXT NOT NULL,

    CONSTRAINT "Child_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "Child" ADD CONSTRAINT "child_parent_fk" FOREIGN KEY ("pa", "pb") REFERENCES "Parent"("a", "b") ON DELETE SET DEFAULT ON UPDATE CASCADE;
