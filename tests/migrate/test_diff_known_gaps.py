"""Prisma behaviours nexo's differ does not reproduce yet, each with the case that shows it.

Every case here is an ``xfail(strict=True)``: it fails today for the stated reason, and the suite
turns red the day it starts passing, so the entry gets removed. ``expected.sql`` is Prisma 6.19.0's
``migrate diff --script`` stdout (regenerate like ``diff_cases``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffcases import load_model  # noqa: E402

from nexo.migrate.differ import diff  # noqa: E402

GAPS = Path(__file__).resolve().parent / "diff_gaps"


@pytest.mark.xfail(
    strict=True,
    reason="the relational model keeps only the rendered DEFAULT text: dbgenerated(\"'x'\") and \"x\" both render "
    "'x', so nexo sees no change where Prisma (which keeps the default's kind) sets the default again",
)
def test_dbgenerated_default_that_reads_like_a_literal() -> None:
    case = GAPS / "dbgenerated_literal"
    plan = diff(load_model(case / "before.prisma"), load_model(case / "after.prisma"))
    assert plan.stdout() == (case / "expected.sql").read_text(encoding="utf-8")
