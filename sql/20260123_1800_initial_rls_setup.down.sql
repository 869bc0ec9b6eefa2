-- Undo 20260123_1800_initial_rls_setup: triggers, policies, RLS flags and grants.
-- The role ${app_role} is kept: roles are cluster-wide and may hold grants in other databases.
-- Drop it yourself once nothing uses it: DROP OWNED BY "${app_role}"; DROP ROLE "${app_role}";

DROP TRIGGER IF EXISTS "set_updated_at" ON "accounts";
DROP TRIGGER IF EXISTS "set_updated_at" ON "users";
DROP TRIGGER IF EXISTS "set_updated_at" ON "roles";
DROP TRIGGER IF EXISTS "set_updated_at" ON "clients";
DROP TRIGGER IF EXISTS "set_updated_at" ON "suppliers";
DROP TRIGGER IF EXISTS "set_updated_at" ON "employees";
DROP TRIGGER IF EXISTS "set_updated_at" ON "professionals";
DROP FUNCTION IF EXISTS "nexo_set_updated_at"();

DROP POLICY IF EXISTS "tenant_isolation" ON "accounts";
DROP POLICY IF EXISTS "tenant_isolation" ON "users";
DROP POLICY IF EXISTS "tenant_isolation" ON "roles";
DROP POLICY IF EXISTS "tenant_isolation" ON "user_roles";
DROP POLICY IF EXISTS "tenant_isolation" ON "clients";
DROP POLICY IF EXISTS "tenant_isolation" ON "suppliers";
DROP POLICY IF EXISTS "tenant_isolation" ON "employees";
DROP POLICY IF EXISTS "tenant_isolation" ON "professionals";

ALTER TABLE "accounts" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "accounts" DISABLE ROW LEVEL SECURITY;
ALTER TABLE "users" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "users" DISABLE ROW LEVEL SECURITY;
ALTER TABLE "roles" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "roles" DISABLE ROW LEVEL SECURITY;
ALTER TABLE "user_roles" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "user_roles" DISABLE ROW LEVEL SECURITY;
ALTER TABLE "clients" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "clients" DISABLE ROW LEVEL SECURITY;
ALTER TABLE "suppliers" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "suppliers" DISABLE ROW LEVEL SECURITY;
ALTER TABLE "employees" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "employees" DISABLE ROW LEVEL SECURITY;
ALTER TABLE "professionals" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "professionals" DISABLE ROW LEVEL SECURITY;

REVOKE ALL ON "accounts", "users", "roles", "user_roles", "clients", "suppliers", "employees", "professionals"
    FROM "${app_role}";
DO $$
DECLARE
    ledger text;
BEGIN
    FOREACH ledger IN ARRAY ARRAY['_prisma_migrations', 'migration_history'] LOOP
        IF to_regclass(format('%I', ledger)) IS NOT NULL THEN
            EXECUTE format('REVOKE SELECT ON %I FROM %I', ledger, '${app_role}');
        END IF;
    END LOOP;
END
$$;
DO $$
BEGIN
    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM %I', current_schema(), '${app_role}');
END
$$;
