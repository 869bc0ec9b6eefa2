-- DropForeignKey
ALTER TABLE "Member" DROP CONSTRAINT "Member_tenant_orgCode_fkey";

-- AlterTable
ALTER TABLE "Org" ADD COLUMN     "name" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "Member_tenant_orgCode_idx" ON "Member"("tenant", "orgCode");

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_tenant_orgCode_fkey" FOREIGN KEY ("tenant", "orgCode") REFERENCES "Org"("tenant", "code") ON DELETE NO ACTION ON UPDATE CASCADE;

