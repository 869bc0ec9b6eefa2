-- nexo:schema-version 1.0.0
--
-- Row-level security for the multi-tenant CRM.
--
-- Every tenant table is filtered by account_id against the tenant setting ${tenant_setting}:
--   * RLS is enabled AND forced, so the table owner is filtered too (superusers and roles with
--     BYPASSRLS still see everything: the application must never connect as one of those);
--   * the setting is read once per query (scalar subquery), and an unset or empty setting becomes
--     NULL, so the policy yields zero rows instead of an error or every row. PostgreSQL returns ''
--     for a custom setting once any earlier transaction on the same connection set it.
--   * the application role ${app_role} owns nothing, is no superuser and has no BYPASSRLS.
-- ${tenant_setting} and ${app_role} are placeholders filled in from [tool.nexo] by nexo.

-- The application role --------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${app_role}') THEN
        CREATE ROLE "${app_role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), '${app_role}');
END
$$;

-- Read-only access to the ledgers, so a service can check its schema version (nexo db:version --check).
-- _prisma_migrations is missing on a database made with nexo db:push, hence the checks.
DO $$
DECLARE
    ledger text;
BEGIN
    FOREACH ledger IN ARRAY ARRAY['_prisma_migrations', 'migration_history'] LOOP
        IF to_regclass(format('%I', ledger)) IS NOT NULL THEN
            EXECUTE format('GRANT SELECT ON %I TO %I', ledger, '${app_role}');
        END IF;
    END LOOP;
END
$$;

GRANT SELECT, UPDATE ON "accounts" TO "${app_role}";
GRANT SELECT, INSERT, UPDATE, DELETE ON
    "users", "roles", "user_roles", "clients", "suppliers", "employees", "professionals"
    TO "${app_role}";

-- The tenant itself: an account sees and edits only its own row ---------------------------------
ALTER TABLE "accounts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "accounts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "accounts"
    USING ("id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

-- Tenant-owned tables -----------------------------------------------------------------------------
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "users"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

ALTER TABLE "roles" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "roles" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "roles"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

ALTER TABLE "user_roles" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_roles" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "user_roles"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

ALTER TABLE "clients" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "clients" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "clients"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

ALTER TABLE "suppliers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "suppliers" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "suppliers"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

ALTER TABLE "employees" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "employees" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "employees"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

ALTER TABLE "professionals" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "professionals" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "professionals"
    USING ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid))
    WITH CHECK ("account_id" = (SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid));

-- updated_at maintained by the database, whoever writes the row ----------------------------------
CREATE OR REPLACE FUNCTION "nexo_set_updated_at"() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW."updated_at" := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "accounts" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "roles" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "clients" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "suppliers" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "employees" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "professionals" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
