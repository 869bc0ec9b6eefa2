"""resolve --applied / --rolled-back: Prisma's preconditions (P3008/P3011/P3012/P3017) and row effects."""

from __future__ import annotations

import hashlib

import pytest
from migrate_helpers import rows, tables

from nexo.migrate import (
    MigrationAlreadyApplied,
    MigrationFailed,
    MigrationNeverApplied,
    MigrationNotFailed,
    MigrationNotFound,
    MigrationsTableMissing,
    ProviderMismatch,
    deploy,
    resolve_applied,
    resolve_rolled_back,
)

INIT = 'CREATE TABLE "Account" ("id" TEXT NOT NULL);\n'
FAIL = 'CREATE TABLE "half" (id int);\nSELECT 1/0;\n'


@pytest.fixture
def failed_db(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT, "20270101000000_fail": FAIL})
    with pytest.raises(MigrationFailed):
        deploy(conn, d)
    return d


def test_rolled_back_sets_rolled_back_at_on_failed_rows_only(conn, failed_db):
    before = rows(conn)
    result = resolve_rolled_back(conn, "20270101000000_fail")
    assert result.message == "Migration 20270101000000_fail marked as rolled back."
    after = rows(conn)
    assert after[0] == before[0]
    assert after[1]["rolled_back_at"] is not None and result.rolled_back_ids == [after[1]["id"]]
    assert {k: v for k, v in after[1].items() if k != "rolled_back_at"} == {
        k: v for k, v in before[1].items() if k != "rolled_back_at"
    }
    # repeating succeeds silently and changes nothing
    again = resolve_rolled_back(conn, "20270101000000_fail")
    assert again.rolled_back_ids == [] and rows(conn) == after


def test_p3011_never_applied(conn, failed_db):
    with pytest.raises(MigrationNeverApplied) as info:
        resolve_rolled_back(conn, "20270101000000")
    assert str(info.value) == (
        "Error: P3011\n\nMigration `20270101000000` cannot be rolled back because it was never applied to the "
        'database. Hint: did you pass in the whole migration name? (example: "20201207184859_initial_migration")'
    )


def test_p3012_not_in_a_failed_state(conn, failed_db):
    with pytest.raises(MigrationNotFailed) as info:
        resolve_rolled_back(conn, "20240101000000_init")
    assert str(info.value) == (
        "Error: P3012\n\nMigration `20240101000000_init` cannot be rolled back because it is not in a failed state."
    )


def test_rolled_back_without_migrations_table(conn):
    with pytest.raises(MigrationsTableMissing) as info:
        resolve_rolled_back(conn, "x")
    assert "without migrations table" in str(info.value)
    assert "_prisma_migrations" not in tables(conn)


def test_applied_after_manual_fix(conn, failed_db):
    before = rows(conn)
    result = resolve_applied(conn, failed_db, "20270101000000_fail")
    assert result.message == "Migration 20270101000000_fail marked as applied."
    after = rows(conn)
    assert len(after) == 3
    failed_row = next(r for r in after if r["id"] == before[1]["id"])
    assert failed_row["rolled_back_at"] is not None and failed_row["finished_at"] is None
    new = next(r for r in after if r["id"] == result.applied_id)
    assert new["migration_name"] == "20270101000000_fail"
    assert new["started_at"] == new["finished_at"] and new["finished_at"] is not None
    assert new["logs"] == "" and new["applied_steps_count"] == 0 and new["rolled_back_at"] is None
    assert new["checksum"] == hashlib.sha256(FAIL.encode()).hexdigest()
    assert failed_row["rolled_back_at"] <= new["started_at"]
    # the migration is now applied: deploy has nothing to do, and the half table was never created
    assert deploy(conn, failed_db).applied == []
    assert "half" not in tables(conn)


def test_p3008_already_applied(conn, failed_db):
    with pytest.raises(MigrationAlreadyApplied) as info:
        resolve_applied(conn, failed_db, "20240101000000_init")
    assert (
        str(info.value)
        == "Error: P3008\n\nThe migration `20240101000000_init` is already recorded as applied in the database."
    )
    resolve_applied(conn, failed_db, "20270101000000_fail")
    with pytest.raises(MigrationAlreadyApplied):
        resolve_applied(conn, failed_db, "20270101000000_fail")


def test_p3017_unknown_directory(conn, failed_db):
    with pytest.raises(MigrationNotFound) as info:
        resolve_applied(conn, failed_db, "20270101000000")
    assert info.value.prisma_message == (
        "The migration 20270101000000 could not be found. Please make sure that the migration exists, and that you "
        'included the whole name of the directory. (example: "20201207184859_initial_migration")'
    )
    (failed_db / "20300101000000_noscript").mkdir()
    with pytest.raises(MigrationNotFound):
        resolve_applied(conn, failed_db, "20300101000000_noscript")


def test_applied_baselines_a_database_without_table(conn, make_migrations):
    conn.execute('CREATE TABLE "Account" ("id" TEXT NOT NULL)')
    d = make_migrations({"20240101000000_init": INIT, "20240102000000_next": 'CREATE TABLE "b" (id int);\n'})
    result = resolve_applied(conn, d, "20240101000000_init")
    assert result.table_created and result.rolled_back_ids == []
    (row,) = rows(conn)
    assert row["migration_name"] == "20240101000000_init" and row["logs"] == ""
    assert deploy(conn, d).applied_names == ["20240102000000_next"]


def test_applied_checks_the_lock_file(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT}, lock='provider = "sqlite"\n')
    with pytest.raises(ProviderMismatch):
        resolve_applied(conn, d, "20240101000000_init")
    assert "_prisma_migrations" not in tables(conn)
