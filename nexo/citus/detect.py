"""Citus on a live database: is it there (extension, version, nodes), and how each table is laid out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from .layout import LOCAL, Finding

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class TableLayout:
    """One table of the current schema as Citus has it: ``kind`` distributed / reference / local."""

    table: str
    kind: str
    column: str | None = None
    colocation_id: int | None = None
    shard_count: int | None = None


@dataclass
class CitusReport:
    """What ``db:version`` shows about Citus: version, nodes, tables and the readiness findings."""

    version: str
    workers: int
    nodes: list[str]
    tables: list[TableLayout]
    findings: list[Finding] = field(default_factory=list)
    configured: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "workers": self.workers,
            "nodes": self.nodes,
            "configured": self.configured,
            "tables": [asdict(t) for t in self.tables],
            "findings": [f.to_dict() for f in self.findings],
        }


def citus_version(conn: psycopg.Connection) -> str | None:
    """The installed ``citus`` extension's version, or ``None`` when this database is not a Citus database."""
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'citus'").fetchone()
    return str(row[0]) if row else None


def is_citus(conn: psycopg.Connection) -> bool:
    return citus_version(conn) is not None


def inspect(conn: psycopg.Connection) -> CitusReport | None:
    """Citus's view of this database (``None`` without the extension); read-only."""
    version = citus_version(conn)
    if version is None:
        return None
    nodes = [
        (str(name), int(port), int(group))
        for name, port, group in conn.execute(
            "SELECT nodename, nodeport, groupid FROM pg_dist_node WHERE noderole = 'primary' AND isactive "
            "ORDER BY groupid, nodeport"
        )
    ]
    labels = [f"{'coordinator' if g == 0 else 'worker'} {n}:{p}" for n, p, g in nodes]
    rows = conn.execute(
        """SELECT c.relname, t.citus_table_type, t.distribution_column, t.colocation_id, t.shard_count
             FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN citus_tables t ON t.table_name = c.oid
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
            ORDER BY c.relname"""
    ).fetchall()
    tables = [
        TableLayout(
            str(name),
            str(kind) if kind else LOCAL,
            str(col) if col and col != "<none>" else None,
            int(coloc) if coloc is not None and kind else None,
            int(shards) if shards is not None and kind == "distributed" else None,
        )
        for name, kind, col, coloc, shards in rows
    ]
    return CitusReport(version, sum(1 for _, _, g in nodes if g != 0), labels, tables)
