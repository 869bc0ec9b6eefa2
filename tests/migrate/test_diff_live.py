"""The previous state read from a live database, as ``prisma migrate dev`` diffs: nexo matches Prisma.

For every case with an ``expected_live.sql`` (written by Prisma 6.19.0, see ``diffcases.py``):
before's from-empty script is applied to a fresh database, nexo introspects it
(:func:`nexo.schema.introspect`) and diffs that against ``after.prisma`` with ``before_is_live``.
The result must be Prisma's text: same steps, in the order Prisma's introspection gives (tables and
enums by name), with the few statements Prisma names with their schema in that situation.
A case whose before uses an extension's type without declaring it (``@db.Citext``) runs where that
extension is, installed by hand first (``diffcases.by_hand_extensions``), as Prisma's run did.
"""

from __future__ import annotations

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
    load_model,
    model_or_none,
    run_script,
)
from pgservers import conn_with_extensions, unavailable_reason

from nexo.migrate.differ import diff
from nexo.schema import introspect

CASES = [c for c in all_cases() if (c.folder / "expected_live.sql").is_file()]


def test_there_are_enough_live_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=str)
def test_diff_from_a_live_database_matches_prisma(
    case: DiffCase, conn: psycopg.Connection, request: pytest.FixtureRequest
) -> None:
    assert case.after is not None
    after = load_model(case.after)
    by_hand = by_hand_extensions(case, after_too=False)  # types before's script uses, installed by hand
    conn = conn_with_extensions(request, conn, by_hand)
    reason = unavailable_reason(request, conn, by_hand, "before's script uses their types")
    if reason:
        pytest.skip(reason)
    install_extensions(conn, by_hand)
    run_script(conn, diff(None, model_or_none(case.before)).script())
    live = introspect(conn, schemas=list(after.namespaces) or None)
    got = diff(live, after, before_is_live=True).stdout()
    assert got == (case.folder / "expected_live.sql").read_text(encoding="utf-8")
