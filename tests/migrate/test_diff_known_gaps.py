"""Where nexo's differ deliberately writes something else than Prisma 6.19.0, each with the case that shows it.

A folder in ``diff_gaps/`` holds the previous state (``before.sql``, hand-written DDL run on a fresh
database, as ``migrate dev`` would find it), the target ``after.prisma``, Prisma's script
(``prisma_live.sql``: stdout of ``prisma migrate diff --from-migrations DIR --to-schema-datamodel
after.prisma --script``, ``DIR`` holding ``before.sql`` as its one migration; ``test_diff_oracle.py``
re-runs the CLI to keep it honest) and nexo's (``expected.sql``). The tests show why nexo differs:
Prisma's script fails on PostgreSQL, nexo's runs and leaves the database matching the schema.

(The former entry here, a ``dbgenerated("'x'")`` default seen as the literal ``"x"``, is reproduced
since the model keeps each default's kind: it is diff case ``94_default_kinds``.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffcases import load_model, run_script

from nexo.migrate.differ import diff
from nexo.schema import introspect

GAPS = Path(__file__).resolve().parent / "diff_gaps"
CASES = sorted(d for d in GAPS.iterdir() if d.is_dir())


def test_every_gap_has_its_files() -> None:
    assert CASES
    for case in CASES:
        for name in ("before.sql", "after.prisma", "prisma_live.sql", "expected.sql"):
            assert (case / name).is_file(), f"{case.name}: {name} missing"


def test_unique_constraint_is_dropped_as_a_constraint(conn: psycopg.Connection) -> None:
    """A unique constraint created by hand is dropped with ``ALTER TABLE … DROP CONSTRAINT``.

    Prisma introspects it as a unique index and writes ``DROP INDEX``, which PostgreSQL refuses
    ("cannot drop index … because constraint … requires it"); a bare unique index (``T_z_key``) is
    dropped with ``DROP INDEX`` by both.
    """
    case = GAPS / "unique_constraint_drop"
    after = load_model(case / "after.prisma")
    run_script(conn, (case / "before.sql").read_text(encoding="utf-8"))
    live = introspect(conn)
    (table,) = live.tables
    assert {ix.name: (ix.unique, ix.constraint) for ix in table.indexes} == {
        "T_x_key": (True, True),
        "T_z_key": (True, False),
        "my_unique_y": (True, True),
    }

    plan = diff(live, after, before_is_live=True)
    ours = plan.stdout()
    assert ours == (case / "expected.sql").read_text(encoding="utf-8")
    prisma = (case / "prisma_live.sql").read_text(encoding="utf-8")
    # the same steps in the same order, only the statement for the two constraints differs
    assert [line for line in ours.splitlines() if line.startswith("--")] == [
        line for line in prisma.splitlines() if line.startswith("--")
    ]
    assert 'DROP INDEX "T_x_key";' in prisma and 'ALTER TABLE "T" DROP CONSTRAINT "T_x_key";' in ours

    with pytest.raises(psycopg.errors.DependentObjectsStillExist, match='cannot drop index "T_x_key"'):
        run_script(conn, prisma)
    run_script(conn, plan.script())
    again = introspect(conn)
    assert again.tables[0].indexes == ()
    assert diff(again, after, before_is_live=True).is_empty
