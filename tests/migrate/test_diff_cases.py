"""nexo's migration differ reproduces ``prisma migrate diff`` byte for byte on every case in ``diff_cases/``.

The expected files were written by the real Prisma CLI 6.19.0 (``diffcases.py`` regenerates them;
``test_diff_oracle.py`` re-runs the CLI to prove they still match). These tests need no Node.js.
The round trip applies the scripts to a real PostgreSQL: before's from-empty script, then the diff,
must leave the same database as after's from-empty script; and the migrated database, introspected
and diffed against after.prisma (what ``migrate dev`` does next), needs nothing more — or exactly
what Prisma would do again (``expected_rediff.sql``). A case that needs an extension the test server
lacks runs on the server with PostgreSQL's contrib extensions (``contrib_conn``); an extension whose
type the scripts use without creating it is installed by hand first, as a Prisma user would.
"""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffcases import (
    EMPTY_STDOUT,
    DiffCase,
    all_cases,
    by_hand_extensions,
    install_extensions,
    model_or_none,
    nexo_plan,
    run_script,
    stdout_script,
    stdout_summary,
)
from pgservers import available_extensions, conn_with_extensions, unavailable_reason

from nexo.migrate.differ import diff
from nexo.schema import introspect

CASES = all_cases()


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 60
    assert sum(1 for c in CASES if c.before is None) >= 5  # from-empty cases
    for case in CASES:
        assert case.expected_sql.is_file(), f"{case}: expected.sql missing (run tests/migrate/diffcases.py)"
        assert case.expected_summary.is_file(), f"{case}: expected_summary.txt missing"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_script_matches_prisma(case: DiffCase) -> None:
    assert stdout_script(nexo_plan(case)) == case.expected_sql.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_summary_matches_prisma(case: DiffCase) -> None:
    assert stdout_summary(nexo_plan(case)) == case.expected_summary.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- round trip
SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema', 'pg_toast')"


def catalog(conn: psycopg.Connection) -> dict[str, dict[str, tuple]]:
    """Everything a Prisma schema describes, comparable between two databases.

    Column order and enum label order are not compared (Prisma appends new columns and values and
    never reorders them), nor the names of serial sequences (a column made autoincrementing gets
    Prisma's ``t_c_seq``, a SERIAL column PostgreSQL's ``T_c_seq``). Each kind maps an object's
    key (``public.T.col``) to its description.
    """
    ns = f"n.nspname NOT IN {SYSTEM_SCHEMAS} AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast%'"
    q = {
        "schemas": f"SELECT n.nspname FROM pg_namespace n WHERE {ns}",
        "tables": f"SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {ns} AND c.relkind IN ('r', 'p')",
        "columns": "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        " regexp_replace(pg_get_expr(d.adbin, d.adrelid), '^nextval\\(.*\\)$', 'nextval(...)')"
        " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        f" WHERE {ns} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
        "constraints": "SELECT n.nspname, c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)"
        " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {ns}",
        "indexes": "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes"
        f" WHERE schemaname NOT IN {SYSTEM_SCHEMAS}",
        "enums": "SELECT n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumlabel)"
        " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid"
        f" WHERE {ns} GROUP BY 1, 2",
        "extensions": "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'",
    }
    key_len = {"schemas": 1, "tables": 2, "columns": 3, "constraints": 3, "indexes": 3, "enums": 2, "extensions": 1}
    out: dict[str, dict[str, tuple]] = {}
    for kind, query in q.items():
        rows = conn.execute(query).fetchall()
        out[kind] = {".".join(str(x) for x in r[: key_len[kind]]): tuple(r) for r in rows}
    return out


def differences(a: dict[str, dict[str, tuple]], b: dict[str, dict[str, tuple]]) -> set[str]:
    """``"<kind> <key>"`` for every object present or described differently in only one catalog."""
    out = set()
    for kind in a.keys() | b.keys():
        x, y = a.get(kind, {}), b.get(kind, {})
        out |= {f"{kind} {k}" for k in x.keys() | y.keys() if x.get(k) != y.get(k)}
    return out


def reset(conn: psycopg.Connection) -> None:
    """Back to a brand-new database: only an empty ``public`` schema."""
    for (name,) in conn.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'").fetchall():
        conn.execute(f'DROP EXTENSION IF EXISTS "{name}" CASCADE')
    for (name,) in conn.execute(
        f"SELECT nspname FROM pg_namespace WHERE nspname NOT IN {SYSTEM_SCHEMAS}"
        " AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast%'"
    ).fetchall():
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')
    conn.execute('CREATE SCHEMA "public"')


run = run_script


def expected_failure(case: DiffCase) -> str | None:
    """Some of Prisma's scripts fail on PostgreSQL: ``roundtrip_fails.txt`` holds the error they give."""
    f = case.folder / "roundtrip_fails.txt"
    return f.read_text(encoding="utf-8").strip() if f.exists() else None


def expected_differences(case: DiffCase) -> set[str]:
    """Objects Prisma's differ does not see as changed (``roundtrip_differs.txt``, one ``<kind> <key>`` a line).

    E.g. a DateTime default literal, a timestamp losing its precision, an ``Unsupported`` type or an
    equal number written differently: the migrated database keeps the old form.
    """
    f = case.folder / "roundtrip_differs.txt"
    if not f.exists():
        return set()
    return {
        line.strip() for line in f.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")
    }


def expected_rediff(case: DiffCase) -> str:
    """What Prisma's next ``migrate dev`` would write once the diff is applied (``expected_rediff.sql``,
    written by the Prisma CLI; see ``diffcases.py``), the empty migration when the file is absent."""
    f = case.folder / "expected_rediff.sql"
    return f.read_text(encoding="utf-8") if f.exists() else EMPTY_STDOUT


@pytest.mark.parametrize("case", CASES, ids=str)
def test_round_trip(case: DiffCase, conn: psycopg.Connection, request: pytest.FixtureRequest) -> None:
    before, after = model_or_none(case.before), model_or_none(case.after)
    declared = {x.name for m in (before, after) if m is not None for x in m.extensions}
    by_hand = by_hand_extensions(case)  # types Prisma's scripts use without creating their extension
    # a fresh database on the contrib server when the test server lacks one of them
    conn = conn_with_extensions(request, conn, declared | by_hand)
    reason = unavailable_reason(request, conn, by_hand, "the scripts use their types")
    if reason:
        pytest.skip(reason)
    install_extensions(conn, by_hand)
    missing = sorted(declared - available_extensions(conn))
    if missing:
        # this server lacks an extension the case declares: Prisma's CREATE EXTENSION must say so
        with pytest.raises(psycopg.Error) as err:
            run(conn, diff(None, before).script())
            run(conn, diff(before, after).script())
        assert f'extension "{missing[0]}" is not available' in str(err.value) or any(
            f'"{m}" is not available' in str(err.value) for m in missing
        )
        return
    plan = diff(before, after)
    failure = expected_failure(case)
    if failure is not None:
        with pytest.raises(psycopg.Error) as err:
            run(conn, diff(None, before).script())
            run(conn, plan.script())
        assert failure in str(err.value)
        return
    run(conn, diff(None, before).script())
    run(conn, plan.script())
    if after is not None:
        live = introspect(conn, schemas=list(after.namespaces) or None)
        assert diff(live, after, before_is_live=True).stdout() == expected_rediff(case)
    migrated = catalog(conn)
    reset(conn)
    install_extensions(conn, by_hand)
    run(conn, diff(None, after).script())
    assert differences(migrated, catalog(conn)) == expected_differences(case)
