"""``[tool.nexo.citus]`` and the Citus readiness lint (``nexo validate --citus``), without a cluster;
test_cluster.py proves on the real cluster that what the lint refuses Citus refuses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nexo.citus import DISTRIBUTED, LOCAL, REFERENCE, TablePlan, plan_schema, readiness
from nexo.config import CitusConfig, load_config
from nexo.errors import ConfigError
from nexo.psl import validate_path

from .projects import READY_SCHEMA, SUBLINK_SQL, line_of, write_project

REPO = Path(__file__).resolve().parent.parent.parent


def nexo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nexo.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_config_defaults_and_values(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.nexo]\ntenant_column = "org_id"\n[tool.nexo.citus]\n')
    cfg = load_config(tmp_path).citus
    assert cfg == CitusConfig(distribution_column="org_id", root_table="accounts", root_key="id")
    write_project(tmp_path)
    cfg = load_config(tmp_path).citus
    assert cfg is not None and cfg.reference == ("currencies",) and cfg.distribution_column == "account_id"
    (tmp_path / "pyproject.toml").write_text("[tool.nexo]\n")
    assert load_config(tmp_path).citus is None
    assert "citus" not in load_config(tmp_path).extra


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('root = "accounts"', 'must be "table.column"'),
        ("reference = 3", "reference must be a list"),
        ('reference = ["a"]\nlocal = ["a"]', "both reference and local"),
        ("shards = 4", "unknown key(s) shards"),
    ],
)
def test_config_errors(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.nexo]\n[tool.nexo.citus]\n{body}\n")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(tmp_path)


def test_plan_of_the_ready_project(tmp_path: Path) -> None:
    config = load_config(write_project(tmp_path))
    assert config.citus is not None
    plans = plan_schema(validate_path(config.schema).raise_for_errors(), config.citus)
    assert plans == {
        "accounts": TablePlan("accounts", DISTRIBUTED, "id"),
        "currencies": TablePlan("currencies", REFERENCE),
        "contacts": TablePlan("contacts", DISTRIBUTED, "account_id", "accounts"),
        "notes": TablePlan("notes", DISTRIBUTED, "account_id", "accounts"),
    }


def test_ready_project_has_no_findings(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    assert readiness(load_config(root)) == []
    done = nexo("validate", "--citus", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "ready for Citus" in done.stdout


def test_each_refused_form_is_reported_with_its_fix(tmp_path: Path) -> None:
    schema = (
        READY_SCHEMA.replace(
            'id           String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid',
            'id           String   @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid',
        )
        .replace("  @@id([accountId, id])\n  @@unique([accountId, email])\n", "  @@unique([email])\n", 1)
        .replace("fields: [accountId, contactId], references: [accountId, id]", "fields: [contactId], references: [id]")
        .replace("contactId], references: [id], onDelete: Cascade, onUpdate: NoAction", "contactId], references: [id]")
        .replace(
            "  contacts Contact[]\n  notes    Note[]\n", "  contacts Contact[]\n  notes    Note[]\n  logs     Log[]\n"
        )
    )
    schema += """
model Log {
  id        Int     @id @default(autoincrement())
  accountId String  @db.Uuid
  account   Account @relation(fields: [accountId], references: [id])

  @@map("logs")
}
"""
    root = write_project(tmp_path, schema, SUBLINK_SQL)
    found = readiness(load_config(root))
    by_code: dict[str, list[str]] = {}
    for f in found:
        by_code.setdefault(f.code, []).append(f"{f.file}:{f.line} {f.table}: {f.fix}")
    contact_id = line_of(schema, "id           String   @id")
    assert by_code["citus-primary-key"] == [
        f"schema.prisma:{contact_id} contacts: replace @id on field id with @@id([accountId, id]) in model Contact"
    ]
    assert by_code["citus-unique"] == [
        f"schema.prisma:{line_of(schema, '@@unique([email])')} contacts: @@unique([accountId, email]) in model Contact"
    ]
    assert by_code["citus-foreign-key"] == [
        f"schema.prisma:{line_of(schema, 'fields: [contactId]')} notes: @relation(fields: [accountId, contactId], "
        "references: [accountId, id]) on Note.contact, with @@unique([accountId, id]) (or @@id) in model Contact"
    ]
    # logs keeps its tenant in a column named accountId (not account_id): a local table pointing at accounts
    assert by_code["citus-fk-from-local"] == [
        f"schema.prisma:{line_of(schema, 'account   Account @relation(fields: [accountId], references: [id])')} "
        "logs: add a field account_id to model Log so it is distributed too, or remove the relation"
    ]
    sql = "sql/20260101_0000_rls.sql"
    assert [x.split(" ", 1)[0] for x in by_code["citus-policy-sublink"]] == [f"{sql}:1"]
    assert "USING (account_id = current_tenant())" in by_code["citus-policy-sublink"][0]
    assert [x.split(" ", 1)[0] for x in by_code["citus-trigger"]] == [f"{sql}:4"]
    assert set(by_code) == {
        "citus-primary-key",
        "citus-unique",
        "citus-foreign-key",
        "citus-fk-from-local",
        "citus-policy-sublink",
        "citus-trigger",
    }

    done = nexo("validate", "--citus", "--json", cwd=root)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["valid"] is True and data["citus"]["ready"] is False
    assert data["error"]["code"] == "NEXO_CITUS_NOT_READY"
    assert len(data["citus"]["findings"]) == len(found)

    # the trigger is accepted when the file turns on citus.enable_unsafe_triggers
    (root / "sql" / "20260101_0000_rls.sql").write_text("SET citus.enable_unsafe_triggers = on;\n" + SUBLINK_SQL)
    assert "citus-trigger" not in {f.code for f in readiness(load_config(root))}


def test_on_update_cascade_on_the_distribution_key_is_reported(tmp_path: Path) -> None:
    schema = READY_SCHEMA.replace(
        "references: [id], onDelete: Cascade, onUpdate: NoAction)\n  currency",
        "references: [id], onDelete: Cascade)\n  currency",
    )
    assert schema != READY_SCHEMA
    found = readiness(load_config(write_project(tmp_path, schema)))
    assert [(f.code, f.line, f.fix) for f in found] == [
        (
            "citus-fk-action",
            line_of(schema, "account      Account  @relation"),
            "add onUpdate: NoAction to @relation of Contact.account",
        )
    ]


def test_repo_crm_is_citus_ready() -> None:
    """The repo's CRM with its [tool.nexo.citus] (accounts a reference table): 0 findings."""
    config = load_config(REPO)
    assert config.citus is not None and config.citus.reference == ("accounts",)
    assert readiness(config) == []
    plans = plan_schema(validate_path(config.schema).raise_for_errors(), config.citus)
    assert plans["accounts"] == TablePlan("accounts", REFERENCE)
    assert plans["users"] == TablePlan("users", DISTRIBUTED, "account_id")
    tenant = {"roles", "user_roles", "clients", "suppliers", "employees", "professionals"}
    assert {t: p for t, p in plans.items() if t in tenant} == {
        t: TablePlan(t, DISTRIBUTED, "account_id", "users") for t in tenant
    }
    done = nexo("validate", "--citus", cwd=REPO)
    assert done.returncode == 0 and "ready for Citus" in done.stdout, done.stdout + done.stderr


def test_repo_crm_before_it_was_ready_reports_every_change(tmp_path: Path) -> None:
    """The CRM as it was (first migration's schema, first SQL file) with accounts distributed by id: each
    refused form is reported, and the unique slug of the root table names the reference-table option."""
    # the PSL corpus keeps the CRM schema as it was before it became Citus-ready
    schema = (REPO / "tests" / "psl" / "corpus" / "valid" / "repo_schema.prisma").read_text()
    assert "@@id([userId, roleId])" in schema
    root = tmp_path / "crm"
    (root / "sql").mkdir(parents=True)
    (root / "schema.prisma").write_text(schema)
    (root / "sql" / "20260123_1800_initial_rls_setup.sql").write_text(
        (REPO / "sql" / "20260123_1800_initial_rls_setup.sql").read_text()
    )
    (root / "pyproject.toml").write_text('[tool.nexo]\n\n[tool.nexo.citus]\nroot = "accounts.id"\n')
    found = readiness(load_config(root))
    fixes = {(f.code, f.table): f for f in found}
    user_pk = fixes["citus-primary-key", "users"]
    assert user_pk.fix == "replace @id on field id with @@id([accountId, id]) in model User"
    assert (user_pk.file, user_pk.line) == ("schema.prisma", line_of(schema, "model User {") + 1)
    assert fixes["citus-primary-key", "user_roles"].fix == "@@id([accountId, userId, roleId]) in model UserRole"
    emp_fk = [f for f in found if f.code == "citus-foreign-key" and f.table == "employees"]
    assert [f.fix for f in emp_fk] == [
        "@relation(fields: [accountId, userId], references: [accountId, id]) on Employee.user, "
        "with @@unique([accountId, id]) (or @@id) in model User"
    ]
    slug = fixes["citus-unique", "accounts"]
    assert slug.fix == (
        'add "accounts" to reference = [...] in [tool.nexo.citus] (a reference table is copied to every node and '
        "keeps (slug) unique across all tenants), or replace @unique on field slug with @@unique([id, slug]) in "
        "model Account (then (slug) is no longer unique on its own)"
    )
    policies = {f.table for f in found if f.code == "citus-policy-sublink"}
    triggers = {f.table for f in found if f.code == "citus-trigger"}
    tenant_tables = {"users", "roles", "user_roles", "clients", "suppliers", "employees", "professionals"}
    assert policies == tenant_tables | {"accounts"}
    assert triggers == tenant_tables - {"user_roles"} | {"accounts"}
    assert len(found) == 34
    # the SQL layer's second file re-creates every policy on current_tenant() and every trigger with
    # citus.enable_unsafe_triggers on: the layer as a whole has no SQL finding left
    (root / "sql" / "20260123_1900_citus_ready.sql").write_text(
        (REPO / "sql" / "20260123_1900_citus_ready.sql").read_text()
    )
    assert not [f for f in readiness(load_config(root)) if f.file.startswith("sql/")]


def test_a_later_file_that_drops_the_policy_clears_the_finding(tmp_path: Path) -> None:
    root = write_project(tmp_path, sql=SUBLINK_SQL)
    assert {f.code for f in readiness(load_config(root))} == {"citus-policy-sublink", "citus-trigger"}
    (root / "sql" / "20260102_0000_fix.sql").write_text(
        'DROP POLICY IF EXISTS "tenant_isolation" ON "notes";\nDROP TRIGGER "touch" ON contacts;\n'
    )
    assert readiness(load_config(root)) == []
    # re-created later in the refused form: reported again, at the later file's line
    (root / "sql" / "20260103_0000_again.sql").write_text("-- again\n" + SUBLINK_SQL)
    assert [(f.code, f.file, f.line) for f in readiness(load_config(root))] == [
        ("citus-policy-sublink", "sql/20260103_0000_again.sql", 2),
        ("citus-trigger", "sql/20260103_0000_again.sql", 5),
    ]


def test_local_tables_are_left_alone(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    text = (root / "pyproject.toml").read_text().replace('reference = ["currencies"]', 'local = ["notes"]')
    (root / "pyproject.toml").write_text(text)
    config = load_config(root)
    assert config.citus is not None
    plans = plan_schema(validate_path(config.schema).raise_for_errors(), config.citus)
    assert plans["notes"].kind == LOCAL and plans["currencies"].kind == LOCAL
    codes = {(f.code, f.table) for f in readiness(config)}
    # a local table pointing at a distributed one, and a distributed table pointing at a local one
    assert ("citus-fk-from-local", "notes") in codes
    assert ("citus-fk-to-local", "contacts") in codes


#: the root and a reference table joined by an implicit many-to-many relation (valid for Prisma: single @id)
M2M_ROOT_SCHEMA = READY_SCHEMA.replace(
    '  notes    Note[]\n\n  @@map("accounts")', '  notes    Note[]\n  currencies Currency[]\n\n  @@map("accounts")'
).replace(
    '  contacts Contact[]\n\n  @@map("currencies")',
    '  contacts Contact[]\n  accounts Account[]\n\n  @@map("currencies")',
)

ACCOUNT_TO_CURRENCY = """model AccountToCurrency {
  accountId    String   @map("account_id") @db.Uuid
  currencyCode String
  account      Account  @relation(fields: [accountId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  currency     Currency @relation(fields: [currencyCode], references: [code], onDelete: Cascade)

  @@id([accountId, currencyCode])
}"""


def apply_m2m_fix(schema: str, fix: str) -> str:
    """schema.prisma with an implicit-m2m finding's fix applied: the two list fields retyped, the model added."""
    head, model = fix.split(", and add\n", 1)
    for owner, name, new_type in re.findall(r"\bin model (\w+) `(\w+) ([^`]+)`", head):
        block = schema.index(f"model {owner} {{")
        line = schema.index(f"  {name} ", block)
        end = schema.index("\n", line)
        schema = schema[:line] + f"  {name} {new_type}" + schema[end:]
    return schema + "\n" + model + "\n"


def test_implicit_many_to_many_with_a_distributed_table_is_reported(tmp_path: Path) -> None:
    schema = M2M_ROOT_SCHEMA
    found = readiness(load_config(write_project(tmp_path, schema)))
    assert [(f.code, f.table, f.file, f.line) for f in found] == [
        ("citus-implicit-m2m", "_AccountToCurrency", "schema.prisma", line_of(schema, "currencies Currency[]"))
    ]
    assert "join table _AccountToCurrency, which has no account_id column" in found[0].message
    assert found[0].fix == (
        "replace the implicit relation by an explicit join model that carries accountId: in model Account "
        "`currencies AccountToCurrency[]`, in model Currency `accounts AccountToCurrency[]`, and add\n"
        + ACCOUNT_TO_CURRENCY
    )
    # the fix applied: a valid schema, ready for Citus, the join model distributed with the root
    fixed = apply_m2m_fix(schema, found[0].fix)
    root = write_project(tmp_path / "fixed", fixed)
    config = load_config(root)
    assert readiness(config) == []
    assert config.citus is not None
    plans = plan_schema(validate_path(config.schema).raise_for_errors(), config.citus)
    assert plans["AccountToCurrency"] == TablePlan("AccountToCurrency", DISTRIBUTED, "account_id", "accounts")


def test_implicit_many_to_many_between_tenant_tables_is_reported(tmp_path: Path) -> None:
    """A single-server schema: contacts and tags with their own @id, joined implicitly. The lint reports the keys
    and the join table; all fixes applied give a schema without findings."""
    schema = (
        READY_SCHEMA.replace("  notes        Note[]\n", "  notes        Note[]\n  tags         Tag[]\n")
        .replace(
            '  notes    Note[]\n\n  @@map("accounts")', '  notes    Note[]\n  tags     Tag[]\n\n  @@map("accounts")'
        )
        .replace(
            'id           String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid',
            'id           String   @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid',
        )
        .replace("  @@id([accountId, id])\n  @@unique([accountId, email])", "  @@unique([accountId, id])")
    )
    schema += """
model Tag {
  id        String    @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  accountId String    @map("account_id") @db.Uuid
  label     String
  account   Account   @relation(fields: [accountId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  contacts  Contact[]

  @@map("tags")
}
"""
    found = readiness(load_config(write_project(tmp_path, schema)))
    assert {(f.code, f.table) for f in found} == {
        ("citus-primary-key", "contacts"),
        ("citus-primary-key", "tags"),
        ("citus-implicit-m2m", "_ContactToTag"),
    }
    (m2m,) = [f for f in found if f.code == "citus-implicit-m2m"]
    assert m2m.line == line_of(schema, "  tags         Tag[]")
    assert m2m.fix == (
        "replace the implicit relation by an explicit join model that carries accountId: in model Contact "
        "`tags ContactToTag[]`, in model Tag `contacts ContactToTag[]`, and add\n"
        "model ContactToTag {\n"
        '  accountId String  @map("account_id") @db.Uuid\n'
        "  contactId String  @db.Uuid\n"
        "  tagId     String  @db.Uuid\n"
        "  contact   Contact @relation(fields: [accountId, contactId], references: [accountId, id], "
        "onDelete: Cascade, onUpdate: NoAction)\n"
        "  tag       Tag     @relation(fields: [accountId, tagId], references: [accountId, id], "
        "onDelete: Cascade, onUpdate: NoAction)\n"
        "\n"
        "  @@id([accountId, contactId, tagId])\n"
        "  @@index([accountId, tagId])\n"
        "}"
    )
    # every fix applied (the keys as the other findings say, then the join model): ready for Citus
    fixed = (
        apply_m2m_fix(schema, m2m.fix)
        .replace("id           String   @id @default(", "id           String   @default(")
        .replace('  @@unique([accountId, id])\n  @@map("contacts")', '  @@id([accountId, id])\n  @@map("contacts")')
        .replace(
            'id        String    @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid\n  accountId String    @map',
            'id        String    @default(dbgenerated("gen_random_uuid()")) @db.Uuid\n  accountId String    @map',
        )
        .replace('  @@map("tags")', '  @@id([accountId, id])\n  @@map("tags")')
    )
    assert readiness(load_config(write_project(tmp_path / "fixed", fixed))) == []


def test_implicit_many_to_many_between_reference_tables_is_fine(tmp_path: Path) -> None:
    schema = (
        READY_SCHEMA
        + """
model Country {
  code       String     @id
  currencies Currency2[]

  @@map("countries")
}

model Currency2 {
  code      String    @id
  countries Country[]

  @@map("currencies2")
}
"""
    )
    root = write_project(tmp_path, schema)
    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text().replace('["currencies"]', '["currencies", "countries", "currencies2"]')
    )
    assert readiness(load_config(root)) == []
