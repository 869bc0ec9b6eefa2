"""deploy / plan against a real PostgreSQL: ledger rows exactly as Prisma's, atomic failures, refusals."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from migrate_helpers import catalog_snapshot, rows, tables

from nexo.migrate import (
    FailedMigrationsFound,
    MigrationFailed,
    MigrationFileMissing,
    ProviderMismatch,
    SchemaNotEmpty,
    deploy,
    plan,
    resolve_rolled_back,
)
from nexo.migrate.ledger import CREATE_TABLE_SQL

REPO = Path(__file__).resolve().parents[2]

INIT = '-- CreateTable\nCREATE TABLE "Account" (\n    "id" TEXT NOT NULL,\n\n    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")\n);\n'
POST = '-- CreateTable\nCREATE TABLE "Post" (\n    "id" SERIAL NOT NULL,\n    "title" TEXT NOT NULL,\n\n    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")\n);\n'
FAILING = (
    "-- CreateTable\n"
    'CREATE TABLE "ok_before_fail" (id int);\n'
    "\n"
    "CREATE TYPE \"mood\" AS ENUM ('a', 'b');\n"
    "SELECT 1/0;\n"
    'CREATE TABLE "after_fail" (id int);\n'
)


def test_deploy_on_empty_database_writes_prisma_rows(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT, "20240102000000_post": POST})
    before = datetime.now(UTC) - timedelta(seconds=5)
    result = deploy(conn, d)
    assert result.table_created and result.found == 2
    assert result.applied_names == ["20240101000000_init", "20240102000000_post"]
    assert all(m.mode == "transaction" and m.seconds >= 0 for m in result.applied)
    got = rows(conn)
    assert [list(r) for r in got] == [
        [
            "id",
            "checksum",
            "finished_at",
            "migration_name",
            "logs",
            "rolled_back_at",
            "started_at",
            "applied_steps_count",
        ]
    ] * 2
    for r, name, sql in zip(got, ["20240101000000_init", "20240102000000_post"], [INIT, POST], strict=True):
        assert r["migration_name"] == name
        assert r["checksum"] == hashlib.sha256(sql.encode()).hexdigest()
        assert r["applied_steps_count"] == 1
        assert r["logs"] is None and r["rolled_back_at"] is None
        assert r["finished_at"] is not None and r["started_at"] <= r["finished_at"]
        assert r["started_at"] >= before
        assert len(r["id"]) == 36 and r["id"][14] == "4"  # uuid v4
    assert {"Account", "Post", "_prisma_migrations"} <= tables(conn)


def test_table_definition_is_prismas(conn, make_migrations, db_url):
    deploy(conn, make_migrations({"20240101000000_init": INIT}))
    cols = conn.execute(
        "SELECT column_name, data_type, character_maximum_length, is_nullable, column_default"
        " FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position"
    ).fetchall()
    assert cols == [
        ("id", "character varying", 36, "NO", None),
        ("checksum", "character varying", 64, "NO", None),
        ("finished_at", "timestamp with time zone", None, "YES", None),
        ("migration_name", "character varying", 255, "NO", None),
        ("logs", "text", None, "YES", None),
        ("rolled_back_at", "timestamp with time zone", None, "YES", None),
        ("started_at", "timestamp with time zone", None, "NO", "now()"),
        ("applied_steps_count", "integer", None, "NO", "0"),
    ]
    pk = conn.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = '_prisma_migrations'::regclass AND contype = 'p'"
    ).fetchone()
    assert pk == ("_prisma_migrations_pkey",)
    assert CREATE_TABLE_SQL.startswith("CREATE TABLE _prisma_migrations (\n    id  ")


def test_second_deploy_applies_nothing(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT})
    deploy(conn, d)
    snapshot = rows(conn)
    again = deploy(conn, d)
    assert again.applied == [] and not again.table_created
    assert rows(conn) == snapshot


def test_new_migration_is_applied_on_next_deploy(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT})
    deploy(conn, d)
    make_migrations({"20240102000000_post": POST}, into=d)
    assert deploy(conn, d).applied_names == ["20240102000000_post"]
    assert [r["migration_name"] for r in rows(conn)] == ["20240101000000_init", "20240102000000_post"]


def test_repo_migration_applies_cleanly(conn, project):
    d = project / "prisma_migrations"
    result = deploy(conn, d)
    assert len(result.applied) == len([p for p in d.iterdir() if p.is_dir()]) >= 1
    assert {"accounts", "users"} <= tables(conn)
    (name,) = result.applied_names[:1]
    raw = (d / name / "migration.sql").read_bytes()
    assert rows(conn)[0]["checksum"] == hashlib.sha256(raw).hexdigest()


def test_reference_example_folders_apply(conn, example_migrations):
    result = deploy(conn, example_migrations("dev_steps"))
    assert result.applied_names == [
        "20261124184543_aedd_foo_bar_camel_case_its_2nd_step",
        "20261124184601",
        "20261124184812_cast_a",
        "20261124184825_cast_b",
    ]
    assert {"Person", "Pet", "Extra", "Cast"} <= tables(conn)


def test_p3005_when_schema_not_empty(conn, make_migrations):
    conn.execute("CREATE TABLE legacy (id int)")
    conn.execute("CREATE VIEW only_a_view AS SELECT 1 AS x")
    d = make_migrations({"20240101000000_init": INIT})
    with pytest.raises(SchemaNotEmpty) as info:
        deploy(conn, d)
    err = info.value
    assert err.code == "P3005"
    assert str(err).startswith(
        "Error: P3005\n\nThe database schema is not empty. Read more about how to baseline an existing production "
        "database: https://pris.ly/d/migrate-baseline"
    )
    assert err.tables == ["legacy"]
    assert "_prisma_migrations" not in tables(conn)


def test_views_and_other_schemas_do_not_make_the_schema_non_empty(conn, make_migrations):
    conn.execute("CREATE VIEW v AS SELECT 1 AS x")
    conn.execute("CREATE SCHEMA other")
    conn.execute("CREATE TABLE other.t (id int)")
    assert deploy(conn, make_migrations({"20240101000000_init": INIT})).applied_names == ["20240101000000_init"]


def test_failing_migration_leaves_nothing_and_a_failed_row(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT, "20270101000000_fail": FAILING, "20280101000000_later": POST})
    events: list[tuple[str, str]] = []
    deploy(conn, make_migrations({"20240101000000_init": INIT}, into=d / ".." / "first"))
    before = catalog_snapshot(conn)
    with pytest.raises(MigrationFailed) as info:
        deploy(conn, d, on_step=lambda ev: events.append((ev.name, ev.phase)))
    err = info.value
    assert err.code == "P3018"
    assert err.rolled_back is True and err.mode == "transaction"
    assert err.database_error_code == "22012"
    assert err.statement is not None and err.statement.line == 5 and err.statement.text == "SELECT 1/0"
    assert err.line == 5 and err.file == str(d / "20270101000000_fail" / "migration.sql")
    text = str(err)
    assert text.startswith(
        "Error: P3018\n\nA migration failed to apply. New migrations cannot be applied before the error is recovered "
        "from. Read more about how to resolve migration issues in a production database: "
        "https://pris.ly/d/migrate-resolve\n\nMigration name: 20270101000000_fail\n\nDatabase error code: 22012\n\n"
        "Database error:\nERROR: division by zero"
    )
    assert "Failed statement (line 5 of" in text and "Rolled back" in text
    # nothing of the failed migration is left (its table, its type), and the later one never ran
    after = catalog_snapshot(conn)
    after["relations"] = [r for r in after["relations"] if "_prisma_migrations" not in r[1]]
    before["relations"] = [r for r in before["relations"] if "_prisma_migrations" not in r[1]]
    assert after == before
    assert "ok_before_fail" not in tables(conn) and "Post" not in tables(conn)
    failed = [r for r in rows(conn) if r["migration_name"] == "20270101000000_fail"]
    assert len(failed) == 1
    assert failed[0]["finished_at"] is None and failed[0]["rolled_back_at"] is None
    assert failed[0]["applied_steps_count"] == 0
    assert "division by zero" in failed[0]["logs"] and "Migration name: 20270101000000_fail" in failed[0]["logs"]
    assert not any(r["migration_name"] == "20280101000000_later" for r in rows(conn))
    assert events == [("20270101000000_fail", "start"), ("20270101000000_fail", "failed")]


def test_error_position_maps_to_the_script_line(conn, make_migrations):
    sql = "CREATE TABLE a (id int);\n\n-- comment\nCREATE TABLE b (\n    id int,\n    x nosuchtype\n);\n"
    d = make_migrations({"20240101000000_bad": sql})
    with pytest.raises(MigrationFailed) as info:
        deploy(conn, d)
    err = info.value
    assert err.database_error_code == "42704"
    assert err.statement.line == 4 and err.line == 6
    assert (
        "Position:\n  1 CREATE TABLE a (id int);\n  2\n  3 -- comment\n  4 CREATE TABLE b (\n  5     id int,\n  6     x nosuchtype"
        in err.database_error
    )
    assert "a" not in tables(conn)


def test_p3009_after_a_failure_and_recovery_by_rolled_back(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT, "20270101000000_fail": FAILING})
    with pytest.raises(MigrationFailed):
        deploy(conn, d)
    started = rows(conn)[1]["started_at"].astimezone(UTC)
    with pytest.raises(FailedMigrationsFound) as info:
        deploy(conn, d)
    err = info.value
    assert err.code == "P3009"
    stamp = started.strftime("%Y-%m-%d %H:%M:%S")
    frac = started.microsecond
    if frac:
        stamp += f".{frac // 1000:03d}" if frac % 1000 == 0 else f".{frac:06d}"
    assert err.prisma_message == (
        "migrate found failed migrations in the target database, new migrations will not be applied. Read more "
        "about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n"
        f"The `20270101000000_fail` migration started at {stamp} UTC failed"
    )
    # the plan reports the same refusal and writes nothing
    p = plan(conn, d)
    assert [type(b).__name__ for b in p.blockers] == ["FailedMigrationsFound"]
    # fix the file, mark it rolled back, deploy again: a new row, the old one kept
    (d / "20270101000000_fail" / "migration.sql").write_text('CREATE TABLE "fixed" (id int);\n')
    resolve_rolled_back(conn, "20270101000000_fail")
    assert deploy(conn, d).applied_names == ["20270101000000_fail"]
    fail_rows = [r for r in rows(conn) if r["migration_name"] == "20270101000000_fail"]
    assert len(fail_rows) == 2
    old, new = fail_rows
    assert old["rolled_back_at"] is not None and old["finished_at"] is None
    assert old["checksum"] == hashlib.sha256(FAILING.encode()).hexdigest()
    assert new["finished_at"] is not None and new["rolled_back_at"] is None and new["applied_steps_count"] == 1
    assert new["checksum"] == hashlib.sha256(b'CREATE TABLE "fixed" (id int);\n').hexdigest()
    assert "fixed" in tables(conn)


def test_p3009_lists_one_line_per_failed_row(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT})
    deploy(conn, d)
    for name, ts in (
        ("20270101000000_fail", "2026-11-24 18:39:48.204+00"),
        ("20290101000000_fail2", "2026-11-24 18:40:00+00"),
    ):
        conn.execute(
            "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, logs) VALUES (gen_random_uuid()::text, 'x', %s, %s, 'boom')",
            (ts, name),
        )
    with pytest.raises(FailedMigrationsFound) as info:
        deploy(conn, d)
    assert info.value.prisma_message.endswith(
        "\nThe `20270101000000_fail` migration started at 2026-11-24 18:39:48.204 UTC failed"
        "\nThe `20290101000000_fail2` migration started at 2026-11-24 18:40:00 UTC failed"
    )


def test_concurrently_runs_statement_by_statement_and_is_reported(conn, make_migrations):
    sql = (
        'CREATE TABLE "t" ("id" INTEGER NOT NULL, "email" TEXT);\n\n'
        '-- CreateIndex\nCREATE INDEX CONCURRENTLY "t_email_idx" ON "t"("email");\n'
    )
    d = make_migrations({"20240101000000_concurrent": sql})
    p = plan(conn, d)
    assert p.pending[0].mode == "statements" and "CREATE INDEX CONCURRENTLY (line 4)" in p.pending[0].reason
    result = deploy(conn, d)
    (applied,) = result.applied
    assert applied.mode == "statements" and "CREATE INDEX CONCURRENTLY" in applied.reason
    assert result.statement_by_statement == [applied]
    assert conn.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_email_idx'::regclass").fetchone() == (
        True,
    )
    assert rows(conn)[0]["finished_at"] is not None


def test_statement_mode_failure_lists_what_stayed_applied(conn, make_migrations):
    sql = (
        'CREATE TABLE "t" ("id" INTEGER NOT NULL, "email" TEXT);\n'
        'CREATE INDEX CONCURRENTLY "t_email_idx" ON "t"("email");\n'
        'CREATE TABLE "t" (id int);\n'
    )
    d = make_migrations({"20240101000000_concurrent": sql})
    with pytest.raises(MigrationFailed) as info:
        deploy(conn, d)
    err = info.value
    assert err.rolled_back is False and err.mode == "statements"
    assert err.database_error_code == "42P07" and err.statement.line == 3
    assert [s.line for s in err.committed] == [1, 2]
    assert "Partially applied" in str(err) and 'line 1: CREATE TABLE "t"' in str(err)
    assert "t" in tables(conn)
    assert rows(conn)[0]["logs"].startswith("A migration failed to apply.")


def test_alter_enum_with_its_own_begin_commit(conn, make_migrations):
    init = (
        "-- CreateEnum\nCREATE TYPE \"Mood\" AS ENUM ('happy', 'sad', 'meh');\n\n"
        '-- CreateTable\nCREATE TABLE "Person" (\n    "id" INTEGER NOT NULL,\n'
        '    "mood" "Mood" NOT NULL DEFAULT \'happy\',\n\n    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")\n);\n'
    )
    alter = (
        "-- AlterEnum\n"
        "BEGIN;\n"
        "CREATE TYPE \"Mood_new\" AS ENUM ('happy', 'SAD');\n"
        'ALTER TABLE "Person" ALTER COLUMN "mood" DROP DEFAULT;\n'
        'ALTER TABLE "Person" ALTER COLUMN "mood" TYPE "Mood_new" USING ("mood"::text::"Mood_new");\n'
        'ALTER TYPE "Mood" RENAME TO "Mood_old";\n'
        'ALTER TYPE "Mood_new" RENAME TO "Mood";\n'
        'DROP TYPE "Mood_old";\n'
        'ALTER TABLE "Person" ALTER COLUMN "mood" SET DEFAULT \'happy\';\n'
        "COMMIT;\n"
    )
    d = make_migrations({"20240101000000_init": init, "20240102000000_alter_enum": alter})
    result = deploy(conn, d)
    assert [m.mode for m in result.applied] == ["transaction", "statements"]
    assert "its own BEGIN/COMMIT (line 2)" in result.applied[1].reason
    labels = conn.execute(
        "SELECT array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = '\"Mood\"'::regtype"
    ).fetchone()[0]
    assert labels == ["happy", "SAD"]
    assert conn.execute("SELECT count(*) FROM pg_type WHERE typname IN ('Mood_old', 'Mood_new')").fetchone() == (0,)
    assert all(r["finished_at"] is not None for r in rows(conn))


def test_failure_inside_the_scripts_own_block_rolls_that_block_back(conn, make_migrations):
    sql = 'CREATE TABLE "before_block" (id int);\nBEGIN;\nCREATE TABLE "in_block" (id int);\nSELECT 1/0;\nCOMMIT;\n'
    d = make_migrations({"20240101000000_blocks": sql})
    with pytest.raises(MigrationFailed) as info:
        deploy(conn, d)
    err = info.value
    assert [s.line for s in err.committed] == [1]
    assert [s.line for s in err.rolled_back_block] == [2, 3]
    assert "BEGIN/COMMIT block (from line 2) was rolled back" in str(err)
    assert "before_block" in tables(conn) and "in_block" not in tables(conn)
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_p3015_missing_migration_sql_refused_before_anything_is_written(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT})
    (d / "20240102000000_empty").mkdir()
    p = plan(conn, d)
    assert [b.code for b in p.blockers] == ["P3015"] and p.pending[1].checksum is None
    with pytest.raises(MigrationFileMissing) as info:
        deploy(conn, d)
    assert info.value.code == "P3015"
    assert info.value.prisma_message == (
        "Could not find the migration file at migration.sql. Please delete the directory or restore the migration file."
    )
    assert info.value.file == str(d / "20240102000000_empty" / "migration.sql")
    assert "_prisma_migrations" not in tables(conn) and "Account" not in tables(conn)


def test_p3019_lock_file_provider_mismatch(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT}, lock='provider = "mysql"\n')
    with pytest.raises(ProviderMismatch) as info:
        deploy(conn, d)
    assert info.value.code == "P3019"
    assert info.value.prisma_message.startswith(
        "The datasource provider `postgresql` specified in your schema does not match the one specified in the "
        "migration_lock.toml, `mysql`."
    )
    assert "_prisma_migrations" not in tables(conn)


def test_plan_lists_pending_with_checksums_and_writes_nothing(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT, "20240102000000_post": POST})
    before = catalog_snapshot(conn)
    p = plan(conn, d)
    assert p.ok and p.would_create_table and not p.table_exists
    assert [(m.name, m.checksum, m.mode) for m in p.pending] == [
        ("20240101000000_init", hashlib.sha256(INIT.encode()).hexdigest(), "transaction"),
        ("20240102000000_post", hashlib.sha256(POST.encode()).hexdigest(), "transaction"),
    ]
    assert catalog_snapshot(conn) == before
    deploy(conn, make_migrations({"20240101000000_init": INIT}, into=d.parent / "partial"))
    p2 = plan(conn, d)
    assert [m.name for m in p2.pending] == ["20240102000000_post"] and p2.table_exists


def test_plan_reports_p3005_and_p3019_together(conn, make_migrations):
    conn.execute("CREATE TABLE legacy (id int)")
    d = make_migrations({"20240101000000_init": INIT}, lock="# nothing\n")
    before = catalog_snapshot(conn)
    p = plan(conn, d)
    assert [b.code for b in p.blockers] == ["P3019", "P3005"]
    assert "`<PROVIDER NOT FOUND>`" in p.blockers[0].message
    assert not p.ok and catalog_snapshot(conn) == before


def test_rolled_back_only_migration_is_pending_again(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT, "20270101000000_fail": "SELECT 1/0;\n"})
    with pytest.raises(MigrationFailed):
        deploy(conn, d)
    resolve_rolled_back(conn, "20270101000000_fail")
    assert [m.name for m in plan(conn, d).pending] == ["20270101000000_fail"]


def test_edited_applied_migration_is_not_reapplied(conn, make_migrations):
    d = make_migrations({"20240101000000_init": INIT})
    deploy(conn, d)
    (d / "20240101000000_init" / "migration.sql").write_text(INIT + "-- edited\n")
    assert deploy(conn, d).applied == []


def test_migration_with_percent_signs_and_dollar_bodies(conn, make_migrations):
    sql = (
        "CREATE TABLE t (s text DEFAULT '100%');\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\n"
        "INSERT INTO t VALUES ('50% off; really');\n"
    )
    deploy(conn, make_migrations({"20240101000000_pct": sql}))
    assert conn.execute("SELECT s FROM t").fetchall() == [("50% off; really",)]
    assert conn.execute("SELECT f()").fetchone() == (1,)
