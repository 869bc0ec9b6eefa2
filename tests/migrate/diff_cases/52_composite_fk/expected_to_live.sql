-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- DropForeignKey
ALTER TABLE "public"."Member" DROP CONSTRAINT "Member_tenant_orgCode_fkey";

-- AlterTable
ALTER TABLE "public"."Org" ADD COLUMN     "name" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "Member_tenant_orgCode_idx" ON "public"."Member"("tenant" ASC, "orgCode" ASC);

-- AddForeignKey
ALTER TABLE "public"."Member" ADD CONSTRAINT "Member_tenant_orgCode_fkey" FOREIGN KEY ("tenant", "orgCode") REFERENCES "public"."Org"("tenant", "code") ON DELETE NO ACTION ON UPDATE CASCADE;

