"""Small multi-tenant projects for the Citus tests: one Citus-ready, and variants Citus refuses."""

from __future__ import annotations

from pathlib import Path

PYPROJECT = """[tool.nexo]
tenant_setting = "app.current_account_id"
tenant_column = "account_id"
app_role = "nexo_citus_app"

[tool.nexo.citus]
root = "accounts.id"
reference = ["currencies"]
"""

READY_SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Account {
  id       String    @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  name     String
  contacts Contact[]
  notes    Note[]

  @@map("accounts")
}

model Currency {
  code     String    @id
  name     String
  contacts Contact[]

  @@map("currencies")
}

model Contact {
  id           String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  accountId    String   @map("account_id") @db.Uuid
  email        String
  currencyCode String   @map("currency_code")
  account      Account  @relation(fields: [accountId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  currency     Currency @relation(fields: [currencyCode], references: [code])
  notes        Note[]

  @@id([accountId, id])
  @@unique([accountId, email])
  @@map("contacts")
}

model Note {
  id        String  @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  accountId String  @map("account_id") @db.Uuid
  contactId String  @map("contact_id") @db.Uuid
  body      String
  account   Account @relation(fields: [accountId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  contact   Contact @relation(fields: [accountId, contactId], references: [accountId, id], onDelete: Cascade, onUpdate: NoAction)

  @@id([accountId, id])
  @@map("notes")
}
"""

#: the SQL layer in the form Citus accepts: the tenant expression in a STABLE SQL function
READY_SQL = """CREATE FUNCTION current_tenant() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid $$;

ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contacts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "contacts"
    USING ("account_id" = current_tenant()) WITH CHECK ("account_id" = current_tenant());
"""

#: the single-server form: a sub-select in the policy, and an updated_at trigger
SUBLINK_SQL = """CREATE POLICY "tenant_isolation" ON "notes"
    USING ("account_id" = (SELECT NULLIF(current_setting('app.current_account_id', true), '')::uuid));

CREATE TRIGGER "touch" BEFORE UPDATE ON "contacts" FOR EACH ROW EXECUTE FUNCTION "touch"();
"""


def write_project(root: Path, schema: str = READY_SCHEMA, sql: str = READY_SQL) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "schema.prisma").write_text(schema, encoding="utf-8")
    (root / "sql").mkdir(exist_ok=True)
    (root / "sql" / "20260101_0000_rls.sql").write_text(sql, encoding="utf-8")
    (root / "prisma_migrations").mkdir(exist_ok=True)
    return root


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in the text")
