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
                    f"{t.table}: no index starts with {self.tenant_column}: every policy check scans the table"
                )
        return issues

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
    tables = [
        TableRls(
            table=r[0],
            rls_enabled=r[1],
            rls_forced=r[2],
            owner=r[3],
            policies=int(r[4]),
            permissive_true=list(r[5]),
            tenant_index=bool(r[6]),
        )
        for r in rows
    ]
    policy_count = conn.execute("SELECT count(*) FROM pg_policies WHERE schemaname = %s", (schema,)).fetchone()[0]  # type: ignore[index]
    current_user = conn.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
    return RlsReport(
        schema=schema,
        tenant_column=tenant_column,
        tables=tables,
        policy_count=int(policy_count),
        connected=_role(conn, current_user, schema, tenant_column),
        app_role=_role(conn, app_role, schema, tenant_column),
    )
