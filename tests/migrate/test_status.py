"""status / render_status / summary in every situation of prisma-compat §4.6."""

from __future__ import annotations

import pytest
from status_cases import N1, N2, N3, build

from nexo.migrate import render_status, status, summary

FOUND2 = "2 migrations found in prisma/migrations\n"
FOUND3 = "3 migrations found in prisma/migrations\n"


def test_not_managed(conn, tmp_path):
    st = status(conn, build("not_managed", conn, tmp_path))
    assert not st.managed and not st.up_to_date and st.exit_code == 1
    assert render_status(st) == (
        "No migration found in prisma/migrations\n"
        "The current database is not managed by Prisma Migrate.\n        \n"
        "Read more about how to baseline an existing production database:\nhttps://pris.ly/d/migrate-baseline\n"
    )


def test_no_table_with_folders_reads_as_not_yet_applied(conn, tmp_path):
    st = status(conn, build("no_table_with_folders", conn, tmp_path))
    assert not st.managed and st.history == "database_is_behind" and st.exit_code == 1
    assert st.unapplied == [N1, N2] and st.deploy_pending == [N1, N2]
    assert render_status(st) == (
        FOUND2 + f"Following migrations have not yet been applied:\n{N1}\n{N2}\n\n"
        "To apply migrations in development run prisma migrate dev.\n"
        "To apply migrations in production run prisma migrate deploy.\n"
    )


def test_up_to_date(conn, tmp_path):
    st = status(conn, build("up_to_date", conn, tmp_path))
    assert st.up_to_date and st.exit_code == 0 and st.history == "in_sync"
    assert st.applied == [N1, N2] and st.failed == [] and st.edited == []
    assert render_status(st) == FOUND2 + "\nDatabase schema is up to date!\n"


def test_one_pending_uses_the_singular(conn, tmp_path):
    st = status(conn, build("one_pending", conn, tmp_path))
    assert st.unapplied == [N2] and st.exit_code == 1
    assert render_status(st) == (
        FOUND2 + f"Following migration have not yet been applied:\n{N2}\n\n"
        "To apply migrations in development run prisma migrate dev.\n"
        "To apply migrations in production run prisma migrate deploy.\n"
    )


def test_two_pending(conn, tmp_path):
    st = status(conn, build("two_pending", conn, tmp_path))
    assert st.unapplied == [N2, N3] and st.deploy_pending == [N2, N3]
    assert render_status(st).startswith(FOUND3 + f"Following migrations have not yet been applied:\n{N2}\n{N3}\n\n")


def test_failed(conn, tmp_path):
    st = status(conn, build("failed", conn, tmp_path))
    assert st.failed == [N2] and st.exit_code == 1 and st.history == "in_sync"
    assert render_status(st) == (
        FOUND2 + f"Following migration have failed:\n{N2}\n\n"
        "During development if the failed migration(s) have not been deployed to a production database you can then "
        "fix the migration(s) and run prisma migrate dev.\n\n"
        "The failed migration(s) can be marked as rolled back or applied:\n      \n"
        f'- If you rolled back the migration(s) manually:\nprisma migrate resolve --rolled-back "{N2}"\n\n'
        f'- If you fixed the database manually (hotfix):\nprisma migrate resolve --applied "{N2}"\n\n'
        "Read more about how to resolve migration issues in a production database:\nhttps://pris.ly/d/migrate-resolve\n"
    )


def test_diverged(conn, tmp_path):
    st = status(conn, build("diverged", conn, tmp_path))
    assert st.history == "histories_diverge" and st.last_common == N1
    assert st.unapplied == [N2, N3] and st.db_only == ["20240102000000_other"] and st.exit_code == 1
    assert render_status(st) == (
        FOUND3 + "Your local migration history and the migrations table from your database are different:\n\n"
        f"The last common migration is: {N1}\n\n"
        f"The migrations have not yet been applied:\n{N2}\n{N3}\n\n"
        "The migration from the database are not found locally in prisma/migrations:\n20240102000000_other\n"
    )


def test_diverged_from_the_start_has_no_common_migration(conn, tmp_path):
    st = status(conn, build("diverged_from_the_start", conn, tmp_path))
    assert st.last_common is None
    assert "The last common migration is: null\n" in render_status(st)


def test_database_ahead_is_up_to_date_but_reported(conn, tmp_path):
    st = status(conn, build("database_ahead", conn, tmp_path))
    assert st.history == "migrations_directory_is_behind" and st.db_only == [N2]
    assert st.up_to_date and st.exit_code == 0
    assert render_status(st) == "1 migration found in prisma/migrations\n\nDatabase schema is up to date!\n"


def test_edited_migration_is_reported_separately(conn, tmp_path):
    st = status(conn, build("edited", conn, tmp_path))
    assert st.edited == [N2] and st.up_to_date
    assert render_status(st) == FOUND2 + "\nDatabase schema is up to date!\n"


def test_rolled_back_only_counts_as_present_but_deploy_would_apply_it(conn, tmp_path):
    st = status(conn, build("rolled_back_only", conn, tmp_path))
    assert st.up_to_date and st.rolled_back_only == [N2] and st.deploy_pending == [N2]
    assert st.edited == []  # the rolled-back row's checksum is not an "applied" checksum


def test_crlf_copy_of_an_applied_migration_is_not_edited(conn, tmp_path):
    d = build("up_to_date", conn, tmp_path)
    path = d / N1 / "migration.sql"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert status(conn, d).edited == []


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not_managed", (False, None, 0, 0, 0)),
        ("up_to_date", (True, N2, 2, 0, 0)),
        ("two_pending", (True, N1, 1, 2, 0)),
        ("failed", (True, N1, 1, 0, 1)),  # the failed one is failed, not pending
        ("rolled_back_only", (True, N1, 1, 1, 0)),
    ],
)
def test_summary(conn, tmp_path, case, expected):
    s = summary(conn, build(case, conn, tmp_path))
    assert (s.table_exists, s.latest_applied, s.applied_count, s.pending_count, s.failed_count) == expected


def test_status_reports_a_lock_file_mismatch(conn, tmp_path):
    d = build("up_to_date", conn, tmp_path)
    (d / "migration_lock.toml").write_text('provider = "mysql"\n')
    st = status(conn, d)
    assert st.lock_error is not None and st.lock_error.code == "P3019" and st.exit_code == 1
    assert render_status(st).startswith("Error: P3019\n\n")


def test_status_writes_nothing(conn, tmp_path):
    d = build("no_table_with_folders", conn, tmp_path)
    status(conn, d)
    summary(conn, d)
    assert conn.execute("SELECT to_regclass('_prisma_migrations')").fetchone() == (None,)
