-- nexo:schema-version 1.1.0
--
-- The CRM made ready for Citus, with the same behaviour on a single server (run after the Prisma
-- migration 20260123190000_composite_tenant_keys, which puts account_id into every key).
--
--   * current_tenant(): the tenant setting ${tenant_setting} as a uuid (NULL when unset or empty), a
--     STABLE SQL function that PostgreSQL inlines into each policy, so an index on account_id is still
--     used. Every policy is re-created on it: Citus rejects the (SELECT ...) sub-select the first
--     file used ("unexpected non-SELECT command in SubLink" on a distributed table).
--   * the updated_at triggers are re-created with citus.enable_unsafe_triggers on, which Citus
--     requires to distribute a table with triggers (they only touch the row being written, so they are
--     safe on a shard). On PostgreSQL without Citus the setting is a harmless custom variable.
--   * unlink_employee: deleting a user clears employees.user_id (what onDelete: SetNull did). The
--     foreign key employees(account_id, user_id) -> users(account_id, id) is NO ACTION because both
--     PostgreSQL (SET NULL would null account_id too) and Citus (no SET NULL on a key with the
--     distribution column, even SET NULL (user_id)) refuse SET NULL there.
-- ${tenant_setting} and ${app_role} are placeholders filled in from [tool.nexo] by nexo.

SET LOCAL citus.enable_unsafe_triggers = on;

CREATE OR REPLACE FUNCTION "current_tenant"() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('${tenant_setting}', true), '')::uuid $$;
GRANT EXECUTE ON FUNCTION "current_tenant"() TO "${app_role}";

-- Policies on current_tenant() ----------------------------------------------------------------------
DROP POLICY IF EXISTS "tenant_isolation" ON "accounts";
CREATE POLICY "tenant_isolation" ON "accounts"
    USING ("id" = "current_tenant"()) WITH CHECK ("id" = "current_tenant"());

DROP POLICY IF EXISTS "tenant_isolation" ON "users";
CREATE POLICY "tenant_isolation" ON "users"
    USING ("account_id" = "current_tenant"()) WITH CHECK ("account_id" = "current_tenant"());

DROP POLICY IF EXISTS "tenant_isolation" ON "roles";
CREATE POLICY "tenant_isolation" ON "roles"
    USING ("account_id" = "current_tenant"()) WITH CHECK ("account_id" = "current_tenant"());

DROP POLICY IF EXISTS "tenant_isolation" ON "user_roles";
CREATE POLICY "tenant_isolation" ON "user_roles"
    USING ("account_id" = "current_tenant"()) WITH CHECK ("account_id" = "current_tenant"());

DROP POLICY IF EXISTS "tenant_isolation" ON "clients";
CREATE POLICY "tenant_isolation" ON "clients"
    USING ("account_id" = "current_tenant"()) WITH CHECK ("account_id" = "current_tenant"());

DROP POLICY IF EXISTS "tenant_isolation" ON "suppliers";
CREATE POLICY "tenant_isolation" ON "suppliers"
    USING ("account_id" = "current_tenant"()) WITH CHECK ("account_id" = "current_tenant"());

DROP POLICY IF EXISTS "tenant_isolation" ON "employees";
CREATE POLICY "tenant_isolation" ON "employees"
    USING ("account_id" = "current_tenant"()) WITH CHECK ("account_id" = "current_tenant"());

DROP POLICY IF EXISTS "tenant_isolation" ON "professionals";
CREATE POLICY "tenant_isolation" ON "professionals"
    USING ("account_id" = "current_tenant"()) WITH CHECK ("account_id" = "current_tenant"());

-- updated_at triggers, re-created with citus.enable_unsafe_triggers on ------------------------------
DROP TRIGGER IF EXISTS "set_updated_at" ON "accounts";
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "accounts" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
DROP TRIGGER IF EXISTS "set_updated_at" ON "users";
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
DROP TRIGGER IF EXISTS "set_updated_at" ON "roles";
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "roles" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
DROP TRIGGER IF EXISTS "set_updated_at" ON "clients";
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "clients" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
DROP TRIGGER IF EXISTS "set_updated_at" ON "suppliers";
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "suppliers" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
DROP TRIGGER IF EXISTS "set_updated_at" ON "employees";
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "employees" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();
DROP TRIGGER IF EXISTS "set_updated_at" ON "professionals";
CREATE TRIGGER "set_updated_at" BEFORE UPDATE ON "professionals" FOR EACH ROW EXECUTE FUNCTION "nexo_set_updated_at"();

-- Deleting a user unlinks its employee (employees.user_id becomes NULL) -----------------------------
CREATE OR REPLACE FUNCTION "nexo_unlink_employee"() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE "employees" SET "user_id" = NULL WHERE "account_id" = OLD."account_id" AND "user_id" = OLD."id";
    RETURN OLD;
END
$$;

DROP TRIGGER IF EXISTS "unlink_employee" ON "users";
CREATE TRIGGER "unlink_employee" BEFORE DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION "nexo_unlink_employee"();
