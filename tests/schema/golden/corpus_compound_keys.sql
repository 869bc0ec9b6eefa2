-- CreateTable
CREATE TABLE "Tenant" (
    "region" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "tenant_pk" PRIMARY KEY ("region","code")
);

-- CreateTable
CREATE TABLE "Member" (
    "id" INTEGER NOT NULL,
    "tenantRegion" TEXT NOT NULL,
    "tenantCode" INTEGER NOT NULL,
    "tenantName" TEXT NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Named" (
    "memberId" INTEGER NOT NULL,

    CONSTRAINT "Named_pkey" PRIMARY KEY ("memberId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_name_region_key" ON "Tenant"("name", "region");

-- CreateIndex
CREATE UNIQUE INDEX "Member_tenantName_tenantRegion_key" ON "Member"("tenantName", "tenantRegion");

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_tenantRegion_tenantCode_fkey" FOREIGN KEY ("tenantRegion", "tenantCode") REFERENCES "Tenant"("region", "code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Named" ADD CONSTRAINT "Named_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
