"""The *to* side read from a live database (``--to-url``, ``--to-migrations``, ``--to-schema-datasource``):
nexo prints what Prisma 6.19.0 prints.

For every case with an ``expected_to_live.sql`` (written by Prisma, see ``diffcases.py``): after's
from-empty script is applied to a fresh database, nexo introspects it (the schemas of before's
datasource, as ``migrate diff`` reads a database beside a schema) and diffs before.prisma against it
with ``after_is_live``. For a single-schema database Prisma creates the ``public`` schema first, names
the objects of both sides with it (but the old enum type it drops and the tables whose enum default it
drops, taken from the schema side), writes index columns with ``ASC``, reads a date/time type without
precision as ``(6)`` and a ``dbgenerated`` default in PostgreSQL's own text.

``expected_both_live.sql``: both sides are databases (``--from-migrations A --to-migrations B``). The
oracle's adapter replays both histories into one database without emptying it in between, so Prisma's
answer is right only for an empty *from* history: the cases without a before.prisma.

The round trip: the to-live script, applied to before's database, leaves after's database (the
extensions the after schema declares installed first: Prisma never diffs a database's extensions), up
to the precision ``(6)`` a date/time column gets written with, and as for the schema diff
(``roundtrip_fails.txt``, ``roundtrip_differs.txt``) unless :data:`TO_LIVE_FAILS` /
:data:`TO_LIVE_DIFFERS` say otherwise. Not for a multi-schema after whose schemas the diff does not
read (only before's ``schemas`` are: cases 06, 73, 93).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffcases import (
    DiffCase,
    all_cases,
    by_hand_extensions,
    install_extensions,
    model_or_none,
    run_script,
)
from pgservers import conn_with_extensions, unavailable_reason
from test_diff_cases import catalog, differences, expected_differences, expected_failure, reset

from nexo.migrate.differ import diff
from nexo.schema import Database, introspect

CASES = [c for c in all_cases() if (c.folder / "expected_to_live.sql").is_file()]
BOTH_LIVE = [c for c in all_cases() if (c.folder / "expected_both_live.sql").is_file()]

#: Prisma's to-live scripts PostgreSQL refuses (nexo's is the same text): the error each gives. Index
#: columns read from a database always carry ``ASC``, which GIN, BRIN and HASH indexes do not take; a
#: column that stops autoincrementing drops the schema's unnamed sequence, ``""``.
TO_LIVE_FAILS = {
    "42_index_sort_and_method_change": 'access method "gin" does not support ASC/DESC options',
    "70_autoincrement_remove": 'zero-length delimited identifier at or near """"',
    "92_default_opclass_written_or_not": 'access method "brin" does not support ASC/DESC options',
}
#: cases whose to-live round trip leaves other differences than the schema diff's
TO_LIVE_DIFFERS: dict[str, set[str]] = {
    # the database's default is an expression, never the schema's dbgenerated() without argument: it is set
    "94_default_kinds": set(),
    # a database's Timestamptz is Timestamptz(6), which Timestamptz(3) is not: the type is set
    "79_native_datetime_types": set(),
}


def _reads_all_of_after(case: DiffCase) -> bool:
    """Whether the diff reads every schema the after database has (only before's ``schemas`` are read)."""
    before, after = model_or_none(case.before), model_or_none(case.after)
    read = set(before.namespaces) if before is not None else set()
    return after is None or not set(after.namespaces) - read


ROUND_TRIP = [c for c in CASES if _reads_all_of_after(c)]
_PRECISION = re.compile(r"^(timestamp|time)\(6\)( with(?:out)? time zone)$")


def _without_default_precision(cat: dict[str, dict[str, tuple]]) -> dict[str, dict[str, tuple]]:
    """``timestamp(6) with time zone`` read as ``timestamp with time zone`` (the same values)."""
    columns = {k: (*r[:3], _PRECISION.sub(r"\1\2", r[3]), *r[4:]) for k, r in cat["columns"].items()}
    return {**cat, "columns": columns}


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 90
    assert len(BOTH_LIVE) >= 10 and all(c.before is None for c in BOTH_LIVE)


def _database_of(request: pytest.FixtureRequest, conn: psycopg.Connection, case: DiffCase) -> psycopg.Connection:
    """A connection where the case's scripts can run (the contrib server when an extension needs it);
    skips when no server of this run has the extensions."""
    before, after = model_or_none(case.before), model_or_none(case.after)
    needed = by_hand_extensions(case) | {x.name for m in (before, after) if m is not None for x in m.extensions}
    conn = conn_with_extensions(request, conn, needed)
    reason = unavailable_reason(request, conn, needed, "the scripts create or use them")
    if reason:
        pytest.skip(reason)
    return conn


def _introspected(conn: psycopg.Connection, script: str, before: Database | None) -> Database:
    run_script(conn, script)
    schemas = list(before.namespaces) if before is not None and before.namespaces else None
    return introspect(conn, schemas=schemas)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_diff_to_a_live_database_matches_prisma(
    case: DiffCase, conn: psycopg.Connection, request: pytest.FixtureRequest
) -> None:
    conn = _database_of(request, conn, case)
    before, after = model_or_none(case.before), model_or_none(case.after)
    install_extensions(conn, by_hand_extensions(case))
    live = _introspected(conn, diff(None, after).script(), before)
    got = diff(before, live, after_is_live=True).stdout()
    assert got == (case.folder / "expected_to_live.sql").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", BOTH_LIVE, ids=str)
def test_diff_between_two_live_databases_matches_prisma(
    case: DiffCase, conn: psycopg.Connection, request: pytest.FixtureRequest
) -> None:
    conn = _database_of(request, conn, case)
    install_extensions(conn, by_hand_extensions(case))
    empty = introspect(conn)
    live = _introspected(conn, diff(None, model_or_none(case.after)).script(), None)
    got = diff(empty, live, before_is_live=True, after_is_live=True).stdout()
    assert got == (case.folder / "expected_both_live.sql").read_text(encoding="utf-8")


def test_the_default_is_unchanged_for_a_live_after(conn: psycopg.Connection) -> None:
    """Without ``after_is_live`` (drift reports, ``migrate dev``) a live after is diffed as before."""
    case = next(c for c in CASES if c.name.startswith("13_"))
    before = model_or_none(case.before)
    live = _introspected(conn, diff(None, model_or_none(case.after)).script(), before)
    plain = diff(before, live).script()
    assert '"public".' not in plain and "CreateSchema" not in plain and " ASC" not in plain
    assert (
        diff(before, live, after_is_live=True)
        .script()
        .startswith('-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";')
    )


def test_the_round_trip_leaves_out_only_the_unread_schemas() -> None:
    assert sorted(c.name[:2] for c in CASES if c not in ROUND_TRIP) == [
        "06",
        "73",
        "93",
        "97",
    ]  # 97: named first arguments across two schemas
    assert set(TO_LIVE_FAILS) | set(TO_LIVE_DIFFERS) <= {c.name for c in ROUND_TRIP}


@pytest.mark.parametrize("case", ROUND_TRIP, ids=str)
def test_round_trip(case: DiffCase, conn: psycopg.Connection, request: pytest.FixtureRequest) -> None:
    """before's database + the to-live script = after's database (what Prisma's script would do)."""
    conn = _database_of(request, conn, case)
    before, after = model_or_none(case.before), model_or_none(case.after)
    by_hand = by_hand_extensions(case)
    declared = {x.name for m in (before, after) if m is not None for x in m.extensions}
    install_extensions(conn, by_hand)
    live = _introspected(conn, diff(None, after).script(), before)
    script = diff(before, live, after_is_live=True).script()
    wanted = _without_default_precision(catalog(conn))
    reset(conn)
    install_extensions(conn, by_hand | declared)  # the database the script is for has them
    failure = TO_LIVE_FAILS.get(case.name, expected_failure(case))
    if failure is not None:
        with pytest.raises(psycopg.Error) as err:
            run_script(conn, diff(None, before).script())
            run_script(conn, script)
        assert failure in str(err.value)
        return
    run_script(conn, diff(None, before).script())
    run_script(conn, script)
    found = differences(_without_default_precision(catalog(conn)), wanted) - {f"extensions {x}" for x in declared}
    assert found == TO_LIVE_DIFFERS.get(case.name, expected_differences(case))
