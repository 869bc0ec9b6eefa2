"""The previous state read from a live database, as ``prisma migrate dev`` diffs: nexo matches Prisma.

For every case with an ``expected_live.sql`` (written by Prisma 6.19.0, see ``diffcases.py``):
before's from-empty script is applied to a fresh database, nexo introspects it
(:func:`nexo.schema.introspect`) and diffs that against ``after.prisma`` with ``before_is_live``.
The result must be Prisma's text: same steps, in the order Prisma's introspection gives (tables and
enums by name), with the few statements Prisma names with their schema in that situation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffcases import DiffCase, all_cases, load_model, model_or_none, run_script  # noqa: E402

from nexo.migrate.differ import diff  # noqa: E402
from nexo.schema import introspect  # noqa: E402

CASES = [c for c in all_cases() if (c.folder / "expected_live.sql").is_file()]


def test_there_are_enough_live_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=str)
def test_diff_from_a_live_database_matches_prisma(case: DiffCase, conn: psycopg.Connection) -> None:
    assert case.after is not None
    after = load_model(case.after)
    run_script(conn, diff(None, model_or_none(case.before)).script())
    live = introspect(conn, schemas=list(after.namespaces) or None)
    got = diff(live, after, before_is_live=True).stdout()
    assert got == (case.folder / "expected_live.sql").read_text(encoding="utf-8")
