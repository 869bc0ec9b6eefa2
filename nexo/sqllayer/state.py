"""The SQL layer's state: what the ledger says, compared with the files on disk.

Rules (rows are read in id order, every attempt is a row):

* a version is *applied* when it has a successful ``versioned`` row that no later successful
  ``rollback`` row undid (failed rows of either kind never change whether it is applied);
  versions are matched by their numeric key, so ``1.0`` in the ledger is file ``1_x.sql``;
* its *recorded checksum* is that of the successful ``versioned`` row, or of a later ``repair`` row;
* a file has *failed* when its latest apply attempt failed and it has not succeeded since
  (it is retried by the next apply, so it is also *pending*);
* a repeatable is *pending* when it never succeeded, when its checksum differs from the latest
  successful run of that name, or when a successful rollback came after that run (the rollback
  may have dropped what the repeatable built; apply re-creates it after the versioned files).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from nexo.sqllayer.files import SqlFile, version_key
from nexo.sqllayer.history import HistoryRow, current_schema, read_rows

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class AppliedEntry:
    """A versioned file (or repeatable) as the ledger records it."""

    version: str | None
    name: str
    script: str
    checksum: str
    schema_version: str | None
    #: id of the ledger row that applied it (application order)
    history_id: int
    applied_at: datetime | None
    applied_by: str | None
    execution_ms: int | None
    transactional: bool | None
    #: the file on disk, if there is one
    file: SqlFile | None = None

    @property
    def key(self) -> tuple[int, ...] | None:
        return version_key(self.version) if self.version is not None else None

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "name": self.name,
            "script": self.script,
            "checksum": self.checksum,
            "schema_version": self.schema_version,
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "applied_by": self.applied_by,
            "execution_ms": self.execution_ms,
            "transactional": self.transactional,
            "file_on_disk": self.file is not None,
        }


@dataclass(frozen=True)
class FailedEntry:
    """A file whose latest apply attempt failed."""

    kind: str
    version: str | None
    name: str
    script: str
    error: str | None
    attempted_at: datetime | None
    file: SqlFile

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "version": self.version,
            "name": self.name,
            "script": self.script,
            "error": self.error,
            "attempted_at": self.attempted_at.isoformat() if self.attempted_at else None,
        }


@dataclass(frozen=True)
class ChangedEntry:
    """An applied versioned file whose content differs from what was applied."""

    file: SqlFile
    applied_checksum: str

    @property
    def current_checksum(self) -> str:
        return self.file.checksum

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.file.version,
            "script": self.file.script,
            "applied_checksum": self.applied_checksum,
            "current_checksum": self.current_checksum,
        }


@dataclass
class LayerStatus:
    """Where the database stands against the ``sql/`` folder."""

    table_exists: bool
    #: schema holding migration_history
    schema: str
    #: applied versioned files, in version order
    applied: list[AppliedEntry] = field(default_factory=list)
    #: versioned files apply would run, in order (failed ones included: they are retried)
    pending: list[SqlFile] = field(default_factory=list)
    failed: list[FailedEntry] = field(default_factory=list)
    changed: list[ChangedEntry] = field(default_factory=list)
    #: applied versions whose file is gone
    missing_on_disk: list[AppliedEntry] = field(default_factory=list)
    #: pending versioned files that sort before the latest applied version
    out_of_order: list[SqlFile] = field(default_factory=list)
    #: repeatables that are new or changed since their last successful run, in run order
    repeatable_pending: list[SqlFile] = field(default_factory=list)
    #: latest successful run of each repeatable, by name
    repeatable_applied: list[AppliedEntry] = field(default_factory=list)
    latest_version: str | None = None
    latest_schema_version: str | None = None

    @property
    def up_to_date(self) -> bool:
        """Nothing pending, failed or changed."""
        return not (self.pending or self.failed or self.changed or self.repeatable_pending)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, with stable keys (see the module docstring for their meaning)."""
        return {
            "table_exists": self.table_exists,
            "schema": self.schema,
            "latest_version": self.latest_version,
            "latest_schema_version": self.latest_schema_version,
            "up_to_date": self.up_to_date,
            "applied": [e.to_dict() for e in self.applied],
            "pending": [file_dict(f) for f in self.pending],
            "failed": [e.to_dict() for e in self.failed],
            "changed": [e.to_dict() for e in self.changed],
            "missing_on_disk": [e.to_dict() for e in self.missing_on_disk],
            "out_of_order": [file_dict(f) for f in self.out_of_order],
            "repeatable_pending": [file_dict(f) for f in self.repeatable_pending],
            "repeatable_applied": [e.to_dict() for e in self.repeatable_applied],
        }


def file_dict(f: SqlFile) -> dict[str, object]:
    """A file's identity for JSON output."""
    return {
        "kind": f.kind,
        "version": f.version,
        "name": f.name,
        "script": f.script,
        "checksum": f.checksum,
        "transactional": f.transactional,
        "schema_version": f.schema_version,
        "has_rollback_twin": f.down is not None,
        "description": f.description,
    }


@dataclass
class _VersionState:
    applied: HistoryRow | None = None
    checksum: str | None = None
    schema_version: str | None = None
    failed: HistoryRow | None = None


def _entry(row: HistoryRow, checksum: str, file: SqlFile | None, schema_version: str | None) -> AppliedEntry:
    return AppliedEntry(
        version=row.version,
        name=row.name,
        script=row.script,
        checksum=checksum,
        schema_version=schema_version,
        history_id=row.id,
        applied_at=row.applied_at,
        applied_by=row.applied_by,
        execution_ms=row.execution_ms,
        transactional=row.transactional,
        file=file,
    )


def compute_status(files: list[SqlFile], rows: list[HistoryRow] | None, schema: str) -> LayerStatus:
    """The status for ``files`` given the ledger ``rows`` (``None``: no ledger table)."""
    versions: dict[tuple[int, ...], _VersionState] = {}
    repeatables: dict[str, _VersionState] = {}
    last_rollback_id = 0
    for row in rows or []:
        if row.kind == "rollback" and row.success:
            last_rollback_id = row.id
        if row.kind == "repeatable":
            st = repeatables.setdefault(row.name, _VersionState())
            if row.success:
                st.applied, st.checksum, st.failed = row, row.checksum, None
            else:
                st.failed = row
            continue
        if row.version is None:
            continue
        try:
            key = version_key(row.version)
        except ValueError:
            continue
        st = versions.setdefault(key, _VersionState())
        if row.kind == "versioned":
            if row.success:
                st.applied, st.checksum, st.schema_version, st.failed = row, row.checksum, row.schema_version, None
            elif st.applied is None:  # a failure never un-applies an applied version
                st.failed = row
        elif row.kind == "rollback":
            if row.success:
                st.applied, st.checksum, st.schema_version, st.failed = None, None, None, None
        elif row.kind == "repair":
            if row.success and st.applied is not None:
                st.checksum, st.schema_version = row.checksum, row.schema_version

    by_key = {f.key: f for f in files if f.kind == "versioned"}
    status = LayerStatus(table_exists=rows is not None, schema=schema)
    for key in sorted(versions):
        st = versions[key]
        file = by_key.get(key)
        if st.applied is not None:
            assert st.checksum is not None
            entry = _entry(st.applied, st.checksum, file, st.schema_version)
            status.applied.append(entry)
            if file is None:
                status.missing_on_disk.append(entry)
            elif file.checksum != st.checksum:
                status.changed.append(ChangedEntry(file=file, applied_checksum=st.checksum))
        elif st.failed is not None and file is not None:
            status.failed.append(
                FailedEntry(
                    "versioned", file.version, file.name, file.script, st.failed.error, st.failed.applied_at, file
                )
            )
    applied_keys = {e.key for e in status.applied if e.key is not None}
    latest_key = max(applied_keys) if applied_keys else None
    for f in files:
        if f.kind == "versioned" and f.key not in applied_keys:
            status.pending.append(f)
            if latest_key is not None and f.key is not None and f.key < latest_key:
                status.out_of_order.append(f)
    for f in files:
        if f.kind != "repeatable":
            continue
        st = repeatables.get(f.name, _VersionState())
        if st.checksum == f.checksum and st.applied is not None and st.applied.id > last_rollback_id:
            continue
        status.repeatable_pending.append(f)
        if st.failed is not None:
            status.failed.append(
                FailedEntry("repeatable", None, f.name, f.script, st.failed.error, st.failed.applied_at, f)
            )
    for name in sorted(repeatables):
        st = repeatables[name]
        if st.applied is not None and st.checksum is not None:
            status.repeatable_applied.append(
                _entry(
                    st.applied,
                    st.checksum,
                    next((f for f in files if f.kind == "repeatable" and f.name == name), None),
                    None,
                )
            )
    if status.applied:
        status.latest_version = status.applied[-1].version
        for e in reversed(status.applied):
            if e.schema_version:
                status.latest_schema_version = e.schema_version
                break
    return status


def read_status(conn: psycopg.Connection, files: list[SqlFile]) -> LayerStatus:
    """Read the ledger and compare it with ``files``; writes nothing, creates nothing."""
    schema = current_schema(conn)
    return compute_status(files, read_rows(conn, schema), schema)
