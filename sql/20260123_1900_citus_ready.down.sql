-- Undo 20260123_1900_citus_ready: the policies go back to the sub-select form of the first file, the
-- unlink_employee trigger and current_tenant() are dropped (the updated_at triggers stay: the first file
-- owns them).

DROP TRIGGER IF EXISTS "unlink_employee" ON "users";
DROP FUNCTION IF EXISTS "nexo_unlink_employee"();

DROP POLICY IF EXISTS "tenant_isolation" ON "accounts";
CREATE POLICY "tenant_isolation" ON "accounts"
    USING ("id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

DROP POLICY IF EXISTS "tenant_isolation" ON "users";
CREATE POLICY "tenant_isolation" ON "users"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

DROP POLICY IF EXISTS "tenant_isolation" ON "roles";
CREATE POLICY "tenant_isolation" ON "roles"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

DROP POLICY IF EXISTS "tenant_isolation" ON "user_roles";
CREATE POLICY "tenant_isolation" ON "user_roles"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

DROP POLICY IF EXISTS "tenant_isolation" ON "clients";
CREATE POLICY "tenant_isolation" ON "clients"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

DROP POLICY IF EXISTS "tenant_isolation" ON "suppliers";
CREATE POLICY "tenant_isolation" ON "suppliers"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

DROP POLICY IF EXISTS "tenant_isolation" ON "employees";
CREATE POLICY "tenant_isolation" ON "employees"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

DROP POLICY IF EXISTS "tenant_isolation" ON "professionals";
CREATE POLICY "tenant_isolation" ON "professionals"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

DROP FUNCTION IF EXISTS "current_tenant"();
