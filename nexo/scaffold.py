"""``nexo rls:scaffold``: a new versioned ``sql/`` file that protects every tenant table still lacking it.

A *tenant table* is a table of ``schema.prisma`` with the configured tenant column (``tenant_column``,
``account_id`` by default). For each one the database does not already protect, the file has, as the
project's own ``sql/20260123_1800_initial_rls_setup.sql`` does: ``GRANT`` of the four commands to the
application role (and ``USAGE, SELECT`` on the table's sequences), ``ENABLE`` and ``FORCE ROW LEVEL
SECURITY`` and the ``tenant_isolation`` policy that compares the tenant column with the tenant setting,
read once per query and ``NULL`` when unset. The ``.down.sql`` twin undoes exactly that. The role, the
setting and the column are written as the SQL layer's ``${app_role}`` / ``${tenant_setting}`` /
``${tenant_column}`` placeholders, so the file follows ``[tool.nexo]``.

:func:`render_bootstrap` is the same for a brand-new project (``nexo init``): it also creates the role.
:func:`tables_without_policy` is the hint ``db:migrate:dev`` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from nexo.errors import NexoError

if TYPE_CHECKING:
    import psycopg

    from nexo.config import Config
    from nexo.schema.model import Database

POLICY_NAME = "tenant_isolation"
COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


class ScaffoldError(NexoError):
    code = "NEXO_RLS_SCAFFOLD"


@dataclass(frozen=True)
class TenantTable:
    """A tenant table of the schema and what it still lacks in the database."""

    name: str
    schema: str | None
    #: the tenant column's SQL type (the policy casts the setting to it)
    column_type: str
    has_sequences: bool = False
    lacks: tuple[str, ...] = ("grants", "enable", "force", "policy")

    @property
    def ref(self) -> str:
        q = '"' + self.name.replace('"', '""') + '"'
        return q if not self.schema else '"' + self.schema.replace('"', '""') + '".' + q


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tenant_tables(db: Database, tenant_column: str) -> list[TenantTable]:
    """The schema's tables that have ``tenant_column``, in declaration order."""
    out: list[TenantTable] = []
    for t in db.tables:
        col = t.column(tenant_column)
        if col is None:
            continue
        cast = col.type if not col.is_list else col.sql_type
        out.append(
            TenantTable(
                name=t.name,
                schema=t.schema,
                column_type=cast,
                has_sequences=any(c.autoincrement for c in t.columns),
            )
        )
    return out


_STATE_SQL = """
SELECT c.relrowsecurity, c.relforcerowsecurity,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),
       CASE WHEN %(role_exists)s THEN
            has_table_privilege(%(role)s, c.oid, 'SELECT') AND has_table_privilege(%(role)s, c.oid, 'INSERT')
        AND has_table_privilege(%(role)s, c.oid, 'UPDATE') AND has_table_privilege(%(role)s, c.oid, 'DELETE')
       ELSE false END,
       EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                WHERE d.classid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.deptype IN ('a', 'i')
                  -- CASE: the planner may test the privilege before the relkind (a TOAST table is no sequence)
                  AND CASE WHEN s.relkind = 'S'
                           THEN NOT (%(role_exists)s AND has_sequence_privilege(%(role)s, s.oid, 'USAGE'))
                           ELSE false END)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname = %(table)s AND n.nspname = coalesce(%(schema)s, current_schema()) AND c.relkind IN ('r', 'p')
"""


def with_database_state(conn: psycopg.Connection, tables: Sequence[TenantTable], app_role: str) -> list[TenantTable]:
    """``tables`` with ``lacks`` read from the database (a table it does not have yet lacks everything)."""
    from dataclasses import replace

    role_exists = conn.execute("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", (app_role,)).fetchone()
    exists = bool(role_exists and role_exists[0])
    out: list[TenantTable] = []
    for t in tables:
        row = conn.execute(
            _STATE_SQL, {"role_exists": exists, "role": app_role, "table": t.name, "schema": t.schema}
        ).fetchone()
        if row is None:
            out.append(t)
            continue
        enabled, forced, policies, granted, seq_missing = row
        lacks = []
        if not granted or seq_missing:
            lacks.append("grants")
        if not enabled:
            lacks.append("enable")
        if not forced:
            lacks.append("force")
        if not policies:
            lacks.append("policy")
        out.append(replace(t, lacks=tuple(lacks)))
    return out


_ROLE_SETUP = """-- The application role --------------------------------------------------------------------------
-- It logs in, owns nothing, is no superuser and has no BYPASSRLS, so row-level security applies to it.
-- Give it a password yourself: ALTER ROLE "${app_role}" LOGIN PASSWORD '...';
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
"""

_ROLE_SETUP_DOWN = """DO $$
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
"""

_HEADER = """-- {title}
--
-- Written by nexo {command} for the tenant tables of {schema_name} (tables with ${{tenant_column}}):
--   * the application role ${{app_role}} may run {commands} on them (and use their sequences);
--   * row-level security is enabled AND forced, so the table owner is filtered too;
--   * the policy {policy} lets a row through only when ${{tenant_column}} equals the setting
--     ${{tenant_setting}}, read once per query (scalar subquery); unset or empty, the setting is NULL and
--     no row matches.
-- ${{app_role}}, ${{tenant_setting}} and ${{tenant_column}} are placeholders nexo fills in from [tool.nexo].
"""


def _setting(column_type: str) -> str:
    return f"(SELECT NULLIF(current_setting('${{tenant_setting}}', true), '')::{column_type.lower()})"


def render(
    tables: Sequence[TenantTable],
    *,
    title: str,
    command: str = "rls:scaffold",
    schema_name: str = "schema.prisma",
    role_setup: bool = False,
    schema_version: str | None = None,
) -> tuple[str, str]:
    """The up and down SQL for ``tables`` (only what each one ``lacks``)."""
    up: list[str] = []
    if schema_version:
        up.append(f"-- nexo:schema-version {schema_version}\n--\n")
    up.append(
        _HEADER.format(
            title=title, command=command, schema_name=schema_name, commands=", ".join(COMMANDS), policy=POLICY_NAME
        )
    )
    down = [
        f"-- Undo: {title}.\n-- The role ${{app_role}} is kept: roles are cluster-wide and may hold grants elsewhere.\n"
    ]
    if role_setup:
        up.append("\n" + _ROLE_SETUP)
    for t in tables:
        ref = t.ref
        block = [f"\n-- {t.name} " + "-" * max(4, 96 - len(t.name))]
        undo = [f"\n-- {t.name}"]
        if "grants" in t.lacks:
            block.append(f'GRANT {", ".join(COMMANDS)} ON {ref} TO "${{app_role}}";')
            undo.append(f'REVOKE {", ".join(COMMANDS)} ON {ref} FROM "${{app_role}}";')
            if t.has_sequences:
                literal = ref.replace("'", "''")
                block.append(
                    "DO $$\nDECLARE\n    seq regclass;\nBEGIN\n"
                    "    FOR seq IN SELECT d.objid::regclass FROM pg_depend d\n"
                    "                 JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'\n"
                    f"                WHERE d.refobjid = '{literal}'::regclass AND d.deptype IN ('a', 'i') LOOP\n"
                    "        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', seq, '${app_role}');\n"
                    "    END LOOP;\nEND\n$$;"
                )
                undo.append(
                    "DO $$\nDECLARE\n    seq regclass;\nBEGIN\n"
                    "    FOR seq IN SELECT d.objid::regclass FROM pg_depend d\n"
                    "                 JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'\n"
                    f"                WHERE d.refobjid = '{literal}'::regclass AND d.deptype IN ('a', 'i') LOOP\n"
                    "        EXECUTE format('REVOKE USAGE, SELECT ON SEQUENCE %s FROM %I', seq, '${app_role}');\n"
                    "    END LOOP;\nEND\n$$;"
                )
        if "enable" in t.lacks:
            block.append(f"ALTER TABLE {ref} ENABLE ROW LEVEL SECURITY;")
        if "force" in t.lacks:
            block.append(f"ALTER TABLE {ref} FORCE ROW LEVEL SECURITY;")
        if "policy" in t.lacks:
            cond = f'"${{tenant_column}}" = {_setting(t.column_type)}'
            block.append(f'CREATE POLICY "{POLICY_NAME}" ON {ref}\n    USING ({cond})\n    WITH CHECK ({cond});')
            undo.append(f'DROP POLICY IF EXISTS "{POLICY_NAME}" ON {ref};')
        if "force" in t.lacks:
            undo.append(f"ALTER TABLE {ref} NO FORCE ROW LEVEL SECURITY;")
        if "enable" in t.lacks:
            undo.append(f"ALTER TABLE {ref} DISABLE ROW LEVEL SECURITY;")
        up.append("\n".join(block) + "\n")
        down.append("\n".join(undo) + "\n")
    if role_setup:
        down.append("\n" + _ROLE_SETUP_DOWN)
    return "".join(up), "".join(down)


def next_version(sql_dir: Path, now: datetime | None = None) -> str:
    """A version after every existing one, in the project's ``YYYYMMDD_HHMM`` style."""
    from nexo.sqllayer import discover

    t = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    existing = {f.version for f in discover(sql_dir) if f.version} if sql_dir.is_dir() else set()

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.replace(".", "_").split("_"))

    newest = max(existing, key=key) if existing else None
    version = t.strftime("%Y%m%d_%H%M")
    if newest is not None and key(version) <= key(newest):
        try:
            version = (datetime.strptime(newest, "%Y%m%d_%H%M") + timedelta(minutes=1)).strftime("%Y%m%d_%H%M")
        except ValueError:  # another version style: continue it
            version = f"{newest}_1"
    return version


@dataclass
class ScaffoldResult:
    #: tenant tables of the schema, with what each lacked
    tables: list[TenantTable]
    up: Path | None = None
    down: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def scaffolded(self) -> list[TenantTable]:
        return [t for t in self.tables if t.lacks]

    def to_dict(self) -> dict[str, object]:
        return {
            "tenant_tables": [t.name for t in self.tables],
            "scaffolded": [{"table": t.name, "lacked": list(t.lacks)} for t in self.scaffolded],
            "file": None if self.up is None else str(self.up),
            "down_file": None if self.down is None else str(self.down),
            "notes": self.notes,
        }

    def lines(self) -> list[str]:
        if not self.tables:
            return self.notes or ["No tenant tables in the schema: nothing to scaffold."]
        if self.up is None:
            return [*self.notes, f"All {len(self.tables)} tenant table(s) are protected: nothing to scaffold."]
        out = [f"Wrote {self.up} and its rollback twin {self.down.name if self.down else ''}:"]
        out += [f"  └─ {t.name}: {', '.join(t.lacks)}" for t in self.scaffolded]
        out.append("Review the file, then apply it with nexo db:migrate.")
        return out


def scaffold(
    config: Config, *, name: str = "rls", now: datetime | None = None, conn: psycopg.Connection | None = None
) -> ScaffoldResult:
    """Write ``sql/<version>_<name>.sql`` (+ ``.down.sql``) for the tenant tables that lack protection.

    Reads the schema for the tenant tables and the database for what they already have (pending
    SQL-layer files must be applied first: they may already protect a table)."""
    from nexo.migrate.diffcmd import load_schema_model

    db, _ = load_schema_model(config.schema)
    tables = tenant_tables(db, config.tenant_column)
    result = ScaffoldResult(tables)
    if not tables:
        result.notes.append(
            f"No tenant tables: no table of {config.schema.name} has the column {config.tenant_column} "
            "(tenant_column in [tool.nexo])."
        )
        return result
    if conn is None:
        from nexo.db import connect, resolve_target

        with connect(resolve_target(config).url, application_name="nexo") as own:
            return _scaffold_with(config, own, tables, result, name, now)
    return _scaffold_with(config, conn, tables, result, name, now)


def _scaffold_with(
    config: Config,
    conn: psycopg.Connection,
    tables: list[TenantTable],
    result: ScaffoldResult,
    name: str,
    now: datetime | None,
) -> ScaffoldResult:
    from nexo import sqllayer
    from nexo.sqllayer.placeholders import with_placeholders

    if config.sql_dir.is_dir():
        files = with_placeholders(
            sqllayer.discover(config.sql_dir),
            {
                "app_role": config.app_role,
                "tenant_setting": config.tenant_setting,
                "tenant_column": config.tenant_column,
            },
        )
        pending = sqllayer.status(conn, files).pending
        if pending:
            raise ScaffoldError(
                f"SQL-layer file(s) not applied yet: {', '.join(f.script for f in pending)}. They may already "
                "protect some tables: apply them first (nexo db:migrate), then run nexo rls:scaffold again."
            )
    result.tables = with_database_state(conn, tables, config.app_role)
    todo = result.scaffolded
    if not todo:
        return result
    version = next_version(config.sql_dir, now)
    up_text, down_text = render(todo, title=f"Row-level security for {', '.join(t.name for t in todo)}")
    config.sql_dir.mkdir(parents=True, exist_ok=True)
    result.up = config.sql_dir / f"{version}_{name}.sql"
    result.down = config.sql_dir / f"{version}_{name}.down.sql"
    result.up.write_text(up_text, encoding="utf-8")
    result.down.write_text(down_text, encoding="utf-8")
    return result


def tables_without_policy(config: Config, conn: psycopg.Connection) -> list[str]:
    """Tenant tables of the schema the database has but that have no policy (``db:migrate:dev``'s hint)."""
    from nexo.migrate.diffcmd import load_schema_model

    try:
        db, _ = load_schema_model(config.schema)
    except NexoError:
        return []
    state = with_database_state(conn, tenant_tables(db, config.tenant_column), config.app_role)
    exists = {
        r[0]
        for r in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        ).fetchall()
    }
    return [t.name for t in state if "policy" in t.lacks and (t.schema is not None or t.name in exists)]


def policy_hint(config: Config, url: str) -> list[str]:
    """The tenant tables without a policy on the database at ``url`` (empty when it cannot tell)."""
    from nexo.db import connect

    try:
        with connect(url, application_name="nexo") as conn:
            return tables_without_policy(config, conn)
    except NexoError:
        return []
