"""Row-level security as the database has it: tenant tables, RLS flags, policies, a lint, and
whether a role escapes RLS (superuser, BYPASSRLS, table owner).

A *tenant table* is an ordinary or partitioned table in the target schema that has the tenant column
(``account_id`` by default). Everything here only reads the catalogs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

DEFAULT_TENANT_COLUMN = "account_id"


@dataclass(frozen=True)
class TableRls:
    table: str
    rls_enabled: bool
    rls_forced: bool
    policies: int
    #: policies whose USING or WITH CHECK is the constant ``true``
    permissive_true: list[str]
    #: an index whose first column is the tenant column exists
    tenant_index: bool
    owner: str
    #: commands (SELECT, INSERT, UPDATE, DELETE) the application role is granted on the table
    app_privileges: list[str] = field(default_factory=list)
    #: commands a permissive policy applying to the application role covers
    app_policy_commands: list[str] = field(default_factory=list)
    #: sequences the table's columns use (serial, identity, nextval defaults) that the application role
    #: may not use although it may insert
    app_missing_sequences: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RoleRls:
    role: str
    exists: bool
    superuser: bool = False
    bypassrls: bool = False
    #: tenant tables this role owns (owners bypass RLS unless it is forced)
    owns: list[str] = field(default_factory=list)

    @property
    def escapes_rls(self) -> bool:
        return self.superuser or self.bypassrls

    def warnings(self, forced_tables: set[str]) -> list[str]:
        out: list[str] = []
        if not self.exists:
            return out
        if self.superuser:
            out.append(f"role {self.role} is a superuser: RLS does not apply to it")
        if self.bypassrls:
            out.append(f"role {self.role} has BYPASSRLS: RLS does not apply to it")
        unforced = [t for t in self.owns if t not in forced_tables]
        if unforced:
            out.append(
                f"role {self.role} owns {', '.join(unforced)} without FORCE ROW LEVEL SECURITY: RLS does not apply to it there"
            )
        return out


@dataclass(frozen=True)
class RlsReport:
    schema: str
    tenant_column: str
    tables: list[TableRls]
    policy_count: int
    connected: RoleRls
    app_role: RoleRls
    #: the application role may use the schema
    app_schema_usage: bool = True

    @property
    def tenant_tables(self) -> int:
        return len(self.tables)

    @property
    def protected(self) -> int:
        """Tenant tables with RLS enabled and forced."""
        return sum(1 for t in self.tables if t.rls_enabled and t.rls_forced)

    @property
    def complete(self) -> bool:
        return bool(self.tables) and not self.lint()

    def lint(self) -> list[str]:
        """Problems a reviewer must look at, one sentence each."""
        issues: list[str] = []
        for t in self.tables:
            if not t.rls_enabled:
                issues.append(f"{t.table}: row-level security is not enabled")
            elif not t.rls_forced:
                issues.append(f"{t.table}: row-level security is not forced (the owner {t.owner} bypasses it)")
            if t.policies == 0:
                issues.append(f"{t.table}: no policy (with RLS on, nobody but owners and superusers sees a row)")
            for p in t.permissive_true:
                issues.append(
                    f"{t.table}: policy {p} is USING (true) / WITH CHECK (true): it lets every tenant through"
                )
            if not t.tenant_index:
                issues.append(
                    f"{t.table}: no index starts with {self.tenant_column}: every policy check scans the table "
                    f"(in schema.prisma, give the model of {t.table} an @@index whose first field is the one mapped "
                    f"to {self.tenant_column}, then run nexo db:migrate:dev)"
                )
        return issues

    def app_role_problems(self) -> list[str]:
        """What keeps the application role from working, or from being filtered, on the tenant tables:
        judged as that role (its privileges and the policies that apply to it), whoever is connected."""
        if not self.tables:
            return []
        role = self.app_role
        if not role.exists:
            return [f"application role {role.role} does not exist (app_role in [tool.nexo])"]
        forced = {t.table for t in self.tables if t.rls_forced}
        out = [f"application {w}" for w in role.warnings(forced)]
        if not self.app_schema_usage:
            out.append(f"application role {role.role} has no USAGE on schema {self.schema}: GRANT USAGE ON SCHEMA ...")
        for t in self.tables:
            if not t.app_privileges:
                out.append(
                    f"{t.table}: application role {role.role} has no privilege on it (permission denied in the app): "
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ... TO {role.role}"
                )
                continue
            if t.rls_enabled:
                uncovered = [c for c in t.app_privileges if c not in t.app_policy_commands]
                if uncovered:
                    out.append(
                        f"{t.table}: no policy for {', '.join(uncovered)} applies to application role {role.role} "
                        "(with RLS on, those commands see or change no row)"
                    )
            if t.app_missing_sequences:
                out.append(
                    f"{t.table}: application role {role.role} may INSERT but not use sequence(s) "
                    f"{', '.join(t.app_missing_sequences)}: GRANT USAGE ON SEQUENCE ... TO {role.role}"
                )
        return out

    def connection_notes(self) -> list[str]:
        """Facts about the connected role that are information only: when the configured application role
        is a different role, connecting as a superuser or the owner (to migrate, to check) is expected."""
        forced = {t.table for t in self.tables if t.rls_forced}
        return [f"connected as {w[5:]}" if w.startswith("role ") else w for w in self.connected.warnings(forced)]

    def role_problems(self) -> list[str]:
        """The role findings ``db:version --check`` fails on: the application role's, and the connected
        role's when it is the application role itself."""
        problems = self.app_role_problems()
        if self.connected.role == self.app_role.role and self.tables:
            problems = [*self.connection_notes(), *problems]
        return problems

    def role_warnings(self) -> list[str]:
        forced = {t.table for t in self.tables if t.rls_forced}
        warnings = [f"connected as {w[5:]}" if w.startswith("role ") else w for w in self.connected.warnings(forced)]
        if self.app_role.role != self.connected.role:
            if not self.app_role.exists:
                warnings.append(f"application role {self.app_role.role} does not exist yet")
            warnings += [f"application {w}" for w in self.app_role.warnings(forced)]
        return warnings

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": self.schema,
            "tenant_column": self.tenant_column,
            "tenant_tables": self.tenant_tables,
            "protected_tables": self.protected,
            "policy_count": self.policy_count,
            "complete": self.complete,
            "lint": self.lint(),
            "role_warnings": self.role_warnings(),
            "role_problems": self.role_problems(),
            "connection_notes": self.connection_notes(),
            "tables": [asdict(t) for t in self.tables],
            "connected_role": asdict(self.connected),
            "app_role": asdict(self.app_role),
        }


_TABLES_SQL = """
SELECT c.relname,
       c.relrowsecurity,
       c.relforcerowsecurity,
       pg_get_userbyid(c.relowner),
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),
       coalesce((SELECT array_agg(p.polname ORDER BY p.polname) FROM pg_policy p
                  WHERE p.polrelid = c.oid
                    AND (lower(btrim(pg_get_expr(p.polqual, p.polrelid))) = 'true'
                         OR lower(btrim(pg_get_expr(p.polwithcheck, p.polrelid))) = 'true')), '{}'),
       EXISTS (SELECT 1 FROM pg_index i
                WHERE i.indrelid = c.oid AND i.indkey[0] = a.attnum)
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = %(col)s AND NOT a.attisdropped
 WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p')
 ORDER BY c.relname
"""

_ROLE_SQL = """
SELECT r.rolsuper, r.rolbypassrls,
       coalesce((SELECT array_agg(c.relname ORDER BY c.relname)
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = %(col)s AND NOT a.attisdropped
                  WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p') AND c.relowner = r.oid), '{}')
  FROM pg_roles r WHERE r.rolname = %(role)s
"""


_COMMANDS = ("SELECT", "INSERT", "UPDATE", "DELETE")
_POLCMD = {"r": ("SELECT",), "a": ("INSERT",), "w": ("UPDATE",), "d": ("DELETE",), "*": _COMMANDS}

_APP_SQL = """
SELECT c.relname,
       ARRAY(SELECT cmd FROM unnest(%(cmds)s::text[]) AS cmd
              WHERE has_table_privilege(%(role)s, c.oid, cmd)),
       ARRAY(SELECT DISTINCT p.polcmd::text FROM pg_policy p
              WHERE p.polrelid = c.oid AND p.polpermissive
                AND (0::oid = ANY (p.polroles)
                     OR EXISTS (SELECT 1 FROM unnest(p.polroles) AS r(oid)
                                 WHERE pg_has_role(%(role)s, r.oid, 'MEMBER')))),
       ARRAY(SELECT DISTINCT s.oid::regclass::text
               FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
              WHERE d.refobjid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                AND CASE WHEN s.relkind = 'S' THEN NOT has_sequence_privilege(%(role)s, s.oid, 'USAGE') END
             UNION
             SELECT DISTINCT s.oid::regclass::text
               FROM pg_attrdef ad
               JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
               JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
              WHERE ad.adrelid = c.oid
                AND CASE WHEN s.relkind = 'S' THEN NOT has_sequence_privilege(%(role)s, s.oid, 'USAGE') END)
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = %(schema)s AND c.relname = ANY (%(tables)s::text[]) AND c.relkind IN ('r', 'p')
"""


def _app_facts(
    conn: psycopg.Connection, role: str, schema: str, tables: list[str]
) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """Per table: the commands ``role`` is granted, the commands a policy that applies to it covers, the
    sequences it may not use (only reported when it may insert)."""
    rows = conn.execute(_APP_SQL, {"role": role, "schema": schema, "tables": tables, "cmds": list(_COMMANDS)})
    facts: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for name, privileges, polcmds, sequences in rows.fetchall():
        covered = {cmd for code in polcmds for cmd in _POLCMD.get(code, ())}
        privileges = list(privileges)
        facts[name] = (
            privileges,
            [c for c in _COMMANDS if c in covered],
            sorted(sequences) if "INSERT" in privileges else [],
        )
    return facts


def _role(conn: psycopg.Connection, role: str, schema: str, col: str) -> RoleRls:
    row = conn.execute(_ROLE_SQL, {"role": role, "schema": schema, "col": col}).fetchone()
    if row is None:
        return RoleRls(role=role, exists=False)
    return RoleRls(role=role, exists=True, superuser=bool(row[0]), bypassrls=bool(row[1]), owns=list(row[2]))


def inspect_rls(
    conn: psycopg.Connection, *, app_role: str, tenant_column: str = DEFAULT_TENANT_COLUMN, schema: str | None = None
) -> RlsReport:
    """Read the RLS state of ``schema`` (default: the connection's current schema)."""
    if schema is None:
        schema = conn.execute("SELECT current_schema()").fetchone()[0]  # type: ignore[index]
    rows = conn.execute(_TABLES_SQL, {"schema": schema, "col": tenant_column}).fetchall()
    app = _role(conn, app_role, schema, tenant_column)
    facts = _app_facts(conn, app_role, schema, [r[0] for r in rows]) if app.exists and rows else {}
    tables = [
        TableRls(
            table=r[0],
            rls_enabled=r[1],
            rls_forced=r[2],
            owner=r[3],
            policies=int(r[4]),
            permissive_true=list(r[5]),
            tenant_index=bool(r[6]),
            app_privileges=facts.get(r[0], ([], [], []))[0],
            app_policy_commands=facts.get(r[0], ([], [], []))[1],
            app_missing_sequences=facts.get(r[0], ([], [], []))[2],
        )
        for r in rows
    ]
    schema_usage = True
    if app.exists:
        schema_usage = bool(
            conn.execute("SELECT has_schema_privilege(%s, %s, 'USAGE')", (app_role, schema)).fetchone()[0]  # type: ignore[index]
        )
    policy_count = conn.execute("SELECT count(*) FROM pg_policies WHERE schemaname = %s", (schema,)).fetchone()[0]  # type: ignore[index]
    current_user = conn.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
    return RlsReport(
        schema=schema,
        tenant_column=tenant_column,
        tables=tables,
        policy_count=int(policy_count),
        connected=_role(conn, current_user, schema, tenant_column),
        app_role=app,
        app_schema_usage=schema_usage,
    )
