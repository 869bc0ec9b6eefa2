"""compute_status(): the ledger rules on synthetic rows (no database needed)."""

from __future__ import annotations

from pathlib import Path

from nexo.sqllayer import discover
from nexo.sqllayer.history import HistoryRow
from nexo.sqllayer.state import compute_status


def _row(
    i: int,
    kind: str,
    version: str | None,
    name: str,
    checksum: str,
    success: bool = True,
    schema_version: str | None = None,
) -> HistoryRow:
    script = f"R__{name}.sql" if version is None else f"{version}_{name}.sql"
    return HistoryRow(
        i,
        version,
        name,
        kind,
        script,
        checksum,
        schema_version,
        None,
        1,
        success,
        None if success else "boom",
        "me",
        "0.1.0",
        True,
    )


def test_failed_rows_never_unapply_and_rollback_rows_do(write, sql_dir: Path):
    write("1_a.sql", "SELECT 1;")
    write("2_b.sql", "SELECT 2;")
    a, b = discover(sql_dir)
    rows = [
        _row(1, "versioned", "1", "a", a.checksum, schema_version="1.0.0"),
        _row(2, "versioned", "1", "a", a.checksum, success=False),  # a stray failure after success
        _row(3, "versioned", "2", "b", b.checksum, schema_version="1.1.0"),
        _row(4, "rollback", "2", "b", "twin", success=False),  # failed rollback: still applied
    ]
    st = compute_status([a, b], rows, "public")
    assert [e.version for e in st.applied] == ["1", "2"] and st.failed == [] and st.pending == []
    assert st.latest_schema_version == "1.1.0"
    rows.append(_row(5, "rollback", "2", "b", "twin"))
    st = compute_status([a, b], rows, "public")
    assert [e.version for e in st.applied] == ["1"] and [f.script for f in st.pending] == ["2_b.sql"]
    assert st.latest_schema_version == "1.0.0" and st.failed == []
    rows.append(_row(6, "versioned", "2", "b", b.checksum, success=False))
    st = compute_status([a, b], rows, "public")
    assert [f.script for f in st.failed] == ["2_b.sql"] and [f.script for f in st.pending] == ["2_b.sql"]


def test_repair_row_replaces_the_recorded_checksum(write, sql_dir: Path):
    write("1_a.sql", "SELECT 1;")
    (a,) = discover(sql_dir)
    rows = [_row(1, "versioned", "1", "a", "old")]
    assert [c.applied_checksum for c in compute_status([a], rows, "public").changed] == ["old"]
    rows.append(_row(2, "repair", "1", "a", a.checksum))
    st = compute_status([a], rows, "public")
    assert st.changed == [] and st.applied[0].checksum == a.checksum and st.up_to_date


def test_ledger_versions_match_files_by_numeric_key(write, sql_dir: Path):
    write("20260123_1800_a.sql", "SELECT 1;")
    (a,) = discover(sql_dir)
    st = compute_status([a], [_row(1, "versioned", "20260123.1800.0", "a", a.checksum)], "public")
    assert st.pending == [] and st.missing_on_disk == [] and st.applied[0].file == a


def test_no_ledger_means_everything_pending(write, sql_dir: Path):
    write("1_a.sql", "SELECT 1;")
    write("R__v.sql", "SELECT 1;")
    files = discover(sql_dir)
    st = compute_status(files, None, "public")
    assert not st.table_exists and [f.script for f in st.pending] == ["1_a.sql"]
    assert [f.script for f in st.repeatable_pending] == ["R__v.sql"]
    assert st.latest_version is None and not st.up_to_date
