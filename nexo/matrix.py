"""The version matrix: every version that matters for one database, in one place.

``collect`` reads the two ledgers, the server and the client libraries; ``render_table``,
``to_json`` and ``render_markdown`` present the result. ``problems`` is what ``--check`` fails on.
The JSON keys are stable and documented in the README (section "db:version --json").
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import nexo
from nexo import _compiled
from nexo.citus import CitusReport
from nexo.config import Config
from nexo.db import Target
from nexo.db.errors import DatabaseError
from nexo.layout import PrismaDialect
from nexo.migrate.drift import DriftReport
from nexo.rls import RlsReport, inspect_rls

if TYPE_CHECKING:
    from collections.abc import Callable

    import psycopg
    from rich.console import Console

MATRIX_FORMAT = 1

#: the ranges nexo is built and tested for: (lowest, highest exclusive) as version tuples
SUPPORTED = {
    "PostgreSQL": ((13,), (19,), "13 – 18"),
    "Python": ((3, 11), (3, 15), "3.11 – 3.14"),
    "psycopg": ((3, 2), (4,), "3.2 – 3.x"),
    "libpq": ((13,), (19,), "13 – 18"),
    "Prisma CLI": ((5,), (8,), "5 – 7 (optional)"),
    "Prisma CLI (package.json)": ((5,), (8,), "5 – 7"),
}


@dataclass(frozen=True)
class SoftwareRow:
    component: str
    found: str
    supported: str
    #: ``ok``, ``warn``, ``fail`` or ``n/a``
    status: str
    note: str = ""


@dataclass(frozen=True)
class PrismaPart:
    table_exists: bool
    latest: str | None
    applied: int
    pending: list[str]
    failed: list[str]
    edited: list[str]
    found_locally: int


@dataclass(frozen=True)
class SqlPart:
    table_exists: bool
    latest_version: str | None
    schema_version: str | None
    applied: int
    pending: list[str]
    failed: list[str]
    changed: list[str]
    repeatable_pending: list[str]
    missing_on_disk: list[str]


@dataclass
class Matrix:
    database: dict[str, object]
    prisma: PrismaPart
    sql: SqlPart
    software: list[SoftwareRow]
    rls: RlsReport
    history: list[dict[str, object]] = field(default_factory=list)
    #: the database against schema.prisma (``None``: not computed)
    drift: DriftReport | None = None
    #: the error text when the migrations folder was not found (``--check`` fails on it)
    migrations_missing: str | None = None
    #: ``tenant_column`` is set in ``[tool.nexo]``: a schema with no such table then fails ``--check``
    tenant_column_declared: bool = True
    #: Citus's view of the database (``None``: not a Citus database)
    citus: CitusReport | None = None
    generated_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def problems(self) -> list[str]:
        """Everything ``db:version --check`` fails on."""
        out: list[str] = []
        if self.migrations_missing:
            out.append(self.migrations_missing.splitlines()[0])
        if self.prisma.pending:
            out.append(f"{len(self.prisma.pending)} Prisma migration(s) pending: {', '.join(self.prisma.pending)}")
        if self.prisma.failed:
            out.append(f"Prisma migration(s) failed: {', '.join(self.prisma.failed)}")
        if self.prisma.edited:
            out.append(f"Prisma migration(s) edited after they were applied: {', '.join(self.prisma.edited)}")
        if self.sql.pending:
            out.append(f"{len(self.sql.pending)} SQL-layer file(s) pending: {', '.join(self.sql.pending)}")
        if self.sql.repeatable_pending:
            out.append(f"repeatable SQL file(s) new or changed: {', '.join(self.sql.repeatable_pending)}")
        if self.sql.failed:
            out.append(f"SQL-layer file(s) failed: {', '.join(self.sql.failed)}")
        if self.sql.changed:
            out.append(f"SQL-layer file(s) changed after they were applied: {', '.join(self.sql.changed)}")
        if self.drift is not None and self.drift.drifted:
            shown = "; ".join(self.drift.differences[:6]) + ("; ..." if len(self.drift.differences) > 6 else "")
            out.append(f"database schema does not match schema.prisma (drift): {shown}")
        elif self.drift is not None and self.drift.error:
            out.append(f"drift not checked: {self.drift.error.splitlines()[0]}")
        if self.rls.tenant_tables == 0 and self.tenant_column_declared:
            out.append(
                f"no tenant table: tenant_column = {self.rls.tenant_column!r} is set in [tool.nexo] but no table "
                f"of schema {self.rls.schema} has that column"
            )
        out += [f"RLS: {issue}" for issue in self.rls.lint()]
        out += [f"RLS: {w}" for w in self.rls.role_problems()]
        if self.citus is not None:
            out += [f"Citus: {f.text()}" for f in self.citus.findings]
        out += [
            f"{r.component} {r.found} is outside the supported range {r.supported}"
            for r in self.software
            if r.status == "fail"
        ]
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "format": MATRIX_FORMAT,
            "generated_at": self.generated_at,
            "database": self.database,
            "schema_version": {
                "prisma": self.prisma.latest,
                "sql": self.sql.latest_version,
                "semantic": self.sql.schema_version,
            },
            "prisma_migrations": asdict(self.prisma),
            "sql_layer": asdict(self.sql),
            "software": [asdict(r) for r in self.software],
            "rls": self.rls.to_dict(),
            "drift": self.drift.to_dict() if self.drift is not None else None,
            "migrations_missing": self.migrations_missing,
            "citus": self.citus.to_dict() if self.citus is not None else None,
            "problems": self.problems(),
            "ok": not self.problems(),
        }


def _vtuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def _row(component: str, found: str | None, note: str = "") -> SoftwareRow:
    lo, hi, label = SUPPORTED[component]
    if not found:
        return SoftwareRow(component, "not found", label, "n/a", note)
    v = _vtuple(found)
    status = "ok" if lo <= v < hi else "fail"
    return SoftwareRow(component, found, label, status, note)


def prisma_cli_version(root: Path) -> str | None:
    """The version of a Prisma CLI installed in the project or on PATH (nexo never needs one)."""
    candidates = [root / "node_modules" / ".bin" / "prisma", shutil.which("prisma")]
    for exe in candidates:
        if exe and Path(exe).exists():
            try:
                out = subprocess.run(
                    [str(exe), "--version"],
                    capture_output=True,
                    text=True,
                    timeout=30,
                    env={
                        "PRISMA_HIDE_UPDATE_MESSAGE": "1",
                        "CHECKPOINT_DISABLE": "1",
                        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
                    },
                ).stdout
            except (OSError, subprocess.SubprocessError):
                continue
            m = re.search(r"^prisma\s*:\s*(\S+)", out, re.M)
            if m:
                return m.group(1)
    return None


def software_rows(conn: psycopg.Connection, root: Path, dialect: PrismaDialect | None = None) -> list[SoftwareRow]:
    import psycopg

    server = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    libpq = psycopg.pq.version()
    libpq_text = f"{libpq // 10000}.{libpq % 10000}"
    prisma = prisma_cli_version(root)
    rows = [
        _row("PostgreSQL", server.split()[0]),
        SoftwareRow("nexo", nexo.__version__, nexo.__version__, "ok", _compiled.STATE),
        _row("Python", platform.python_version()),
        _row("psycopg", psycopg.__version__, f"impl {psycopg.pq.__impl__}"),
        _row("libpq", libpq_text),
    ]
    if prisma:
        rows.append(_row("Prisma CLI", prisma, "optional: nexo does not use it"))
    else:
        rows.append(SoftwareRow("Prisma CLI", "not installed", SUPPORTED["Prisma CLI"][2], "ok", "not required"))
    if dialect is not None:
        # the Prisma version whose schema rules nexo applies, and why; the CLI version the team's package.json pins
        label = "Prisma 7 (7.x)" if dialect.version == "7" else "Prisma 6 (6.19)"
        rows.append(SoftwareRow("Prisma dialect", label, "6 (6.19) / 7 (7.x)", "ok", dialect.source))
        if dialect.cli_version is not None:
            rows.append(
                _row("Prisma CLI (package.json)", dialect.cli_version, "the version the project's package.json names")
            )
    return rows


def database_info(conn: psycopg.Connection, target: Target) -> dict[str, object]:
    row = conn.execute(
        "SELECT current_database(), current_schema(), current_user, version(), current_setting('server_version_num')::int"
    ).fetchone()
    assert row is not None
    return {
        "url": target.masked,
        "source": target.source,
        "name": row[0],
        "schema": row[1],
        "user": row[2],
        "server": row[3],
        "server_version_num": row[4],
    }


def render_table(m: Matrix, console: Console) -> None:
    """Print the matrix as Rich tables."""
    from rich.table import Table

    marks = {"ok": "[green]✔[/]", "warn": "[yellow]![/]", "fail": "[red]✘[/]", "n/a": "[dim]–[/]"}
    t = Table(title=f"nexo version matrix · {m.database['name']} ({m.database['url']})", title_justify="left")
    t.add_column("Item", style="bold")
    t.add_column("Value")
    t.add_column("Supported / detail")
    t.add_column("", justify="center")

    def mark(ok: bool, warn: bool = False) -> str:
        return marks["ok"] if ok else (marks["warn"] if warn else marks["fail"])

    p, s = m.prisma, m.sql
    t.add_row(
        "Schema version (Prisma)",
        p.latest or "none applied",
        f"{p.applied} applied of {p.found_locally} local",
        mark(not p.pending and not p.failed),
    )
    t.add_row(
        "Prisma pending / failed",
        f"{len(p.pending)} / {len(p.failed)}",
        ", ".join(p.pending + p.failed) or "",
        mark(not p.pending and not p.failed),
    )
    if p.edited:
        t.add_row("Prisma edited after apply", str(len(p.edited)), ", ".join(p.edited), marks["fail"])
    t.add_row(
        "Schema version (SQL layer)",
        s.latest_version or "none applied",
        f"semantic {s.schema_version or '–'}; {s.applied} applied",
        mark(not s.pending and not s.failed),
    )
    t.add_row(
        "SQL pending / failed",
        f"{len(s.pending) + len(s.repeatable_pending)} / {len(s.failed)}",
        ", ".join(s.pending + s.repeatable_pending + s.failed),
        mark(not s.pending and not s.failed and not s.repeatable_pending),
    )
    if s.changed:
        t.add_row("SQL changed after apply", str(len(s.changed)), ", ".join(s.changed), marks["fail"])
    if m.drift is not None:
        d = m.drift
        if d.checked:
            detail = "\n".join(d.differences[:8]) + ("\n..." if len(d.differences) > 8 else "")
            t.add_row(
                "Drift vs schema.prisma",
                "none" if d.in_sync else f"{len(d.differences)} line(s)",
                detail,
                mark(bool(d.in_sync)),
            )
        else:
            t.add_row(
                "Drift vs schema.prisma",
                "not checked",
                (d.error or d.reason or "").splitlines()[0],
                mark(not d.error, warn=True),
            )
    for r in m.software:
        t.add_row(r.component, r.found, r.supported + (f" ({r.note})" if r.note else ""), marks[r.status])
    if m.citus is not None:
        c = m.citus
        t.add_row("Citus", c.version, f"{c.workers} worker(s): " + ", ".join(c.nodes), mark(c.workers > 0, warn=True))
        t.add_row(
            "Citus tables",
            ", ".join(f"{sum(1 for x in c.tables if x.kind == k)} {k}" for k in ("distributed", "reference", "local")),
            "\n".join(
                f"{x.table}: {x.kind}"
                + (f" by {x.column}" if x.column else "")
                + (f", co-location {x.colocation_id}" if x.colocation_id is not None else "")
                + (f", {x.shard_count} shards" if x.shard_count is not None else "")
                for x in c.tables
            ),
            mark(True),
        )
        t.add_row(
            "Citus readiness",
            "clean" if not c.findings else f"{len(c.findings)} finding(s)",
            "\n".join(f.text() for f in c.findings),
            mark(not c.findings),
        )
    rls = m.rls
    if rls.tenant_tables == 0:  # information, unless [tool.nexo] names a tenant column no table has
        t.add_row(
            "RLS (enabled + forced)",
            "no tenant tables",
            f"schema {rls.schema}: no table has column {rls.tenant_column}",
            mark(False) if m.tenant_column_declared else marks["n/a"],
        )
    else:
        t.add_row(
            "RLS (enabled + forced)",
            f"{rls.protected}/{rls.tenant_tables} tenant tables",
            f"schema {rls.schema}, column {rls.tenant_column}",
            mark(rls.complete),
        )
    t.add_row(
        "RLS policies", str(rls.policy_count), "", mark(rls.policy_count > 0) if rls.tenant_tables else marks["n/a"]
    )
    lint = rls.lint()
    t.add_row("RLS lint", "clean" if not lint else f"{len(lint)} issue(s)", "\n".join(lint), mark(not lint))
    role_problems = rls.role_problems()
    t.add_row(
        f"Application role {rls.app_role.role}",
        "privileges and policies complete" if not role_problems else f"{len(role_problems)} problem(s)",
        "\n".join(role_problems),
        mark(not role_problems),
    )
    notes = [n for n in rls.connection_notes() if n not in role_problems]
    if notes:
        t.add_row("Connected role", f"{len(notes)} note(s)", "\n".join(notes), mark(True))
    console.print(t)


def render_markdown(m: Matrix) -> str:
    """A version document: current state, compatibility matrix and the history from both ledgers."""
    d = m.to_dict()
    lines = [
        "# Database version",
        "",
        f"Generated by nexo {nexo.__version__} at {m.generated_at} for database `{m.database['name']}` ({m.database['url']}).",
        "",
        "## Current state",
        "",
        "| Item | Value |",
        "|---|---|",
        f"| Schema version (Prisma migrations) | {m.prisma.latest or 'none applied'} |",
        f"| Schema version (SQL layer) | {m.sql.latest_version or 'none applied'} |",
        f"| Semantic schema version | {m.sql.schema_version or '–'} |",
        f"| Pending (Prisma / SQL) | {len(m.prisma.pending)} / {len(m.sql.pending) + len(m.sql.repeatable_pending)} |",
        f"| Failed (Prisma / SQL) | {len(m.prisma.failed)} / {len(m.sql.failed)} |",
        f"| RLS | {m.rls.protected}/{m.rls.tenant_tables} tenant tables enabled and forced, {m.rls.policy_count} policies |",
        f"| Drift vs schema.prisma | {_drift_cell(m.drift)} |",
        "",
        "## Compatibility matrix",
        "",
        "| Component | Found | Supported | Status |",
        "|---|---|---|---|",
    ]
    for r in m.software:
        lines.append(
            f"| {r.component} | {r.found} | {r.supported}{' (' + r.note + ')' if r.note else ''} | {r.status} |"
        )
    lines += ["", "## Version history", "", "| Applied at (UTC) | Ledger | Step | Result |", "|---|---|---|---|"]
    for h in m.history:
        lines.append(f"| {h['at']} | {h['ledger']} | {h['step']} | {h['result']} |")
    problems: list[str] = list(d["problems"])  # type: ignore[call-overload]
    lines += ["", "## Checks", ""]
    lines += [f"- {p}" for p in problems] if problems else ["- All checks pass."]
    return "\n".join(lines) + "\n"


def _drift_cell(d: DriftReport | None) -> str:
    if d is None:
        return "not computed"
    if not d.checked:
        return "not checked: " + (d.error or d.reason or "").splitlines()[0].replace("|", "\\|")
    if d.in_sync:
        return "none"
    return "<br>".join(x.strip().replace("|", "\\|") for x in d.differences)


def _history(conn: psycopg.Connection, prisma_table: bool, sql_table: bool) -> list[dict[str, object]]:
    """Both ledgers merged in time order, for the Markdown version document."""
    events: list[tuple[datetime, dict[str, object]]] = []
    if prisma_table:
        for started, name, finished, rolled_back in conn.execute(
            "SELECT started_at, migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at"
        ):
            result = "applied" if finished else ("rolled back" if rolled_back else "failed")
            events.append((started, {"ledger": "prisma", "step": name, "result": result}))
    if sql_table:
        for at, version, name, kind, success, sv in conn.execute(
            "SELECT applied_at, version, name, kind, success, schema_version FROM migration_history ORDER BY id"
        ):
            label = f"{version}_{name}" if version else f"R__{name}"
            result = ("applied" if kind != "rollback" else "rolled back") if success else "failed"
            if kind == "repair":
                result = "checksum re-recorded"
            if sv and success and kind == "versioned":
                result += f" (schema {sv})"
            events.append((at, {"ledger": "sql", "step": label, "result": result}))
    events.sort(key=lambda e: e[0])
    return [{"at": at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), **e} for at, e in events]


def collect(config: Config, *, on_target: Callable[[str], None] | None = None) -> Matrix:
    """Read everything the matrix shows from the configured database (read-only)."""
    import psycopg

    from nexo import migrate as prisma
    from nexo import orchestrate, sqllayer

    files = orchestrate.sql_files(config)
    with orchestrate.session(config, on_target) as (conn, target):
        try:
            pst = prisma.status(conn, config.migrations_dir)
            sst = sqllayer.status(conn, files)
        except psycopg.errors.InsufficientPrivilege as exc:
            user = conn.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
            raise DatabaseError(
                f"The role {user} cannot read the migration ledgers ({str(exc).strip()}).\n"
                f'Run db:version as the role that migrates, or grant read access: GRANT SELECT ON "_prisma_migrations", '
                f'"migration_history" TO "{user}";'
            ) from None
        prisma_part = PrismaPart(
            table_exists=pst.table_exists,
            latest=max(pst.applied, key=prisma.locale_sort_key) if pst.applied else None,
            applied=len(pst.applied),
            pending=list(pst.deploy_pending),
            failed=list(pst.failed),
            edited=list(pst.edited),
            found_locally=len(pst.local),
        )
        sql_part = SqlPart(
            table_exists=sst.table_exists,
            latest_version=sst.latest_version,
            schema_version=sst.latest_schema_version,
            applied=len(sst.applied),
            pending=[f.script for f in sst.pending],
            failed=[f.script for f in sst.failed],
            changed=[c.file.script for c in sst.changed],
            repeatable_pending=[f.script for f in sst.repeatable_pending],
            missing_on_disk=[a.script for a in sst.missing_on_disk],
        )
        rls = inspect_rls(conn, app_role=config.app_role, tenant_column=config.tenant_column)
        citus_report = citus_part(conn, config)
        return Matrix(
            database=database_info(conn, target),
            prisma=prisma_part,
            sql=sql_part,
            software=software_rows(conn, config.root, config.prisma),
            rls=rls,
            history=_history(conn, pst.table_exists, sst.table_exists),
            drift=orchestrate.drift_report(conn, config),
            migrations_missing=None
            if config.migrations_dir.is_dir()
            else (
                config.layout.missing_migrations_message() if config.layout else f"{config.migrations_dir} not found"
            ),
            tenant_column_declared=config.tenant_column_declared,
            citus=citus_report,
        )


def citus_part(conn: psycopg.Connection, config: Config) -> CitusReport | None:
    """Citus's view of the database plus the readiness lint of the project (``None`` without Citus)."""
    from nexo import citus
    from nexo.psl import PslError

    report = citus.inspect(conn)
    if report is None:
        return None
    report.configured = config.citus is not None
    try:
        report.findings = citus.readiness(config)
    except (PslError, OSError):
        report.findings = []  # an invalid or missing schema is reported by the drift check
    return report
