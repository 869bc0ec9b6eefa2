"""The relational model of every valid schema, rendered as a from-empty migration, against golden files.

``golden/<case>.sql`` is what ``prisma migrate diff --from-empty --to-schema-datamodel <schema> --script``
prints for ``examples/<case>.prisma`` (or, for ``corpus_<name>.sql``, for the PSL corpus schema
``tests/psl/corpus/valid/<name>``). The first test compares nexo's render with the golden files; the
oracle test re-checks the golden files against the real Prisma CLI 6.19, so they cannot drift from
what Prisma does. (The CLI's leading ``CREATE SCHEMA IF NOT EXISTS "public"`` step of a single-schema
database is not part of a ``migration.sql`` written by ``migrate dev``; it is left out.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from oracle import PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401  (fixture)

from nexo.psl import validate_path
from nexo.schema import relational_model, render_create_script

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
EXAMPLES = HERE / "examples"
CORPUS = HERE.parent / "psl" / "corpus" / "valid"
CASES = sorted(p.stem for p in GOLDEN.glob("*.sql"))
# Prisma's migrate diff refuses a schema without a datasource; nothing to compare there.
NOT_RENDERED = {"no_datasource"}


def schema_of(case: str) -> Path:
    if case.startswith("corpus_"):
        name = case[len("corpus_") :]
        folder = CORPUS / name
        return folder if folder.is_dir() else CORPUS / f"{name}.prisma"
    return EXAMPLES / f"{case}.prisma"


def render(case: str) -> str:
    schema = validate_path(schema_of(case)).raise_for_errors()
    return render_create_script(relational_model(schema))


@pytest.mark.parametrize("case", CASES)
def test_render_matches_golden(case: str) -> None:
    assert render(case) == (GOLDEN / f"{case}.sql").read_text()


def test_every_valid_corpus_schema_has_a_golden_render() -> None:
    names = {p.stem if p.suffix else p.name for p in CORPUS.iterdir() if p.suffix == ".prisma" or p.is_dir()}
    missing = sorted(n for n in names - NOT_RENDERED if f"corpus_{n}" not in CASES)
    assert missing == []


def _cli_script(stdout: str) -> str:
    text = stdout.rstrip("\n") + "\n"
    return re.sub(r'\A-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n', "", text)


@pytest.mark.parametrize("case", CASES)
def test_golden_matches_prisma_migrate_diff(case: str, prisma_oracle: PrismaOracle) -> None:  # noqa: F811
    result = prisma_oracle.migrate_diff(to_schema=schema_of(case))
    assert result.returncode == 0, result.output
    assert _cli_script(result.stdout) == (GOLDEN / f"{case}.sql").read_text()
