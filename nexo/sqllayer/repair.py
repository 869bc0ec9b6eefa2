"""Checksum repair: re-record an applied file's checksum after a reviewed edit (nothing is run)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexo.sqllayer.errors import RepairError
from nexo.sqllayer.files import SqlFile, version_key
from nexo.sqllayer.history import RowValues, default_applied_by, ensure_table, insert_row
from nexo.sqllayer.planning import check_connection, status
from nexo.sqllayer.results import RepairResult

if TYPE_CHECKING:
    import psycopg


def repair_checksum(
    conn: psycopg.Connection, files: list[SqlFile], version: str, *, applied_by: str | None = None
) -> RepairResult:
    """Re-record the checksum of applied ``version`` after a reviewed edit of its file.

    Appends a ``repair`` row carrying the file's current checksum (and schema version); the
    earlier rows stay as they were. Nothing is executed. Use it only when the database already
    matches the edited file (a comment or formatting change): the file is not run again.
    """
    check_connection(conn)
    try:
        key = version_key(version)
    except ValueError:
        raise RepairError(f"{version!r} is not a version (digits separated by '_' or '.').") from None
    st = status(conn, files)
    entry = next((e for e in st.applied if e.key == key), None)
    if entry is None:
        listed = ", ".join(e.version or "" for e in st.applied) or "none"
        raise RepairError(
            f"Version {version} is not applied, so there is no checksum to re-record (applied: {listed}). "
            "A pending file simply runs on the next migrate."
        )
    if entry.file is None:
        raise RepairError(
            f"Version {version} ({entry.script}) is applied but its file is not in the sql folder; restore the "
            "file before re-recording its checksum."
        )
    f = entry.file
    if f.checksum == entry.checksum:
        return RepairResult(
            version=f.version or version,
            script=f.script,
            old_checksum=entry.checksum,
            new_checksum=f.checksum,
            recorded=False,
        )
    schema = st.schema
    ensure_table(conn, schema)
    who = applied_by or default_applied_by(conn)
    values = RowValues(
        version=f.version,
        name=f.name,
        kind="repair",
        script=f.script,
        checksum=f.checksum,
        schema_version=f.schema_version,
        applied_by=who,
        transactional=f.transactional,
    )
    with conn.transaction():
        insert_row(conn, schema, values, execution_ms=0, success=True, error=None)
    return RepairResult(
        version=f.version or version,
        script=f.script,
        old_checksum=entry.checksum,
        new_checksum=f.checksum,
        recorded=True,
    )
