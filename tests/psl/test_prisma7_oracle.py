"""nexo's two dialects against the real CLIs (issue 17): every corpus schema as Prisma 6.19 expects it (with
``url``) and as Prisma 7 expects it (the same schema without ``url``/``directUrl``/``shadowDatabaseUrl``).

- Prisma 7's own diagnostics (the ``lint`` export of 7.10.1's schema WebAssembly module) for every case:
  nexo's dialect "7" reports each with the same file, span and message, and takes the same decision;
- ``prisma format`` 7.x (the CLI, offline) on the repo's schema, the valid corpus and the small cases below:
  same verdict, same (line, message) pairs, same bytes as ``nexo format`` under dialect "7";
- the small cases also through 6.19 (``prisma format``) with their ``url``, under dialect "6".
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import oracle7
from corpus_util import INVALID, VALID, case_id, sources
from oracle import PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401

from nexo.psl import validate_sources
from nexo.psl.format import format_sources

pytestmark = [pytest.mark.oracle]
REPO_SCHEMA = Path(__file__).resolve().parents[2] / "schema.prisma"
_URL_LINE = re.compile(r"(?m)^[ \t]*(url|directUrl|shadowDatabaseUrl)[ \t]*=.*\n")
_ERROR = re.compile(r"(?ms)^error: (.*?)\n  -->  .*?:(\d+)\n")

#: small cases of what Prisma 7 changed for PostgreSQL schemas (each written for 7; 6 gets ``url`` added)
SMALL7 = {
    "no_url": 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n',
    "prisma_client_generator": (
        'generator client {\n  provider = "prisma-client"\n  output = "../generated/prisma"\n}\n\n'
        'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n'
    ),
    "urls_left_in_schema": (
        'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n  directUrl = env("DIRECT")\n'
        '  shadowDatabaseUrl = "postgresql://u@h/shadow"\n}\n\nmodel A {\n  id Int @id\n}\n'
    ),
    "url_not_a_string": 'datasource db {\n  provider = "postgresql"\n  url = 1\n}\n\nmodel A {\n  id Int @id\n}\n',
    "metrics_removed": (
        'generator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["metrics"]\n}\n\n'
        'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n'
    ),
    "partial_indexes_known": (
        'generator client {\n  provider = "prisma-client"\n  previewFeatures = ["partialIndexes", "typedSql"]\n}\n\n'
        'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n'
    ),
    "unknown_preview_feature": (
        'generator client {\n  provider = "prisma-client"\n  previewFeatures = ["nope"]\n}\n\n'
        'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n}\n'
    ),
    "unformatted": (
        'datasource db {\n provider = "postgresql"\n}\nmodel User {\n id Int @id @default(autoincrement())\n'
        "  posts Post[]\n}\nmodel Post {\n  id Int @id\n  authorId Int\n  author User @relation(fields: [authorId], "
        "references: [id])\n}\n"
    ),
}


def without_urls(text: str) -> str:
    return _URL_LINE.sub("", text)


def with_url(text: str) -> str:
    return text.replace('  provider = "postgresql"\n', '  provider = "postgresql"\n  url = env("DATABASE_URL")\n', 1)


def _skip() -> None:
    why = oracle7.unavailable()
    if why:
        pytest.skip(f"Prisma 7 oracle unavailable: {why}")


def cli_diagnostics(output: str) -> list[tuple[int, str]]:
    return sorted((int(m.group(2)), m.group(1)) for m in _ERROR.finditer(output))


CASES = VALID + INVALID


@pytest.fixture(scope="module")
def lint_results() -> dict[Path, list[tuple[str, int, int, str, bool]]]:
    _skip()
    schemas = [[(n, without_urls(t)) for n, t in sources(case)] for case in CASES]
    return dict(zip(CASES, oracle7.lint7(schemas)))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{case_id(c)}")
def test_dialect7_matches_prisma7_diagnostics(case: Path, lint_results: dict) -> None:  # type: ignore[type-arg]
    files = [(n, without_urls(t)) for n, t in sources(case)]
    theirs = sorted((f, s, e, m) for f, s, e, m, warning in lint_results[case] if not warning)
    ours = validate_sources(files, "7")
    mine = sorted((d.file, d.span.start, d.span.end, d.message) for d in ours.diagnostics)
    nexo_only = [d for d in mine if "is not supported by nexo" in d[3] or "nonempty" in d[3]]
    assert [t for t in theirs if t not in mine] == [], f"nexo lacks these\nnexo has {mine}"
    assert [d for d in mine if d not in theirs and d not in nexo_only] == []
    assert ours.ok == (not theirs and not nexo_only)


#: each as Prisma 7 expects it: corpus schemas lose their URLs, the small cases are written for 7 already
CLI_CASES: dict[str, str] = {
    "repo_schema": without_urls(REPO_SCHEMA.read_text(encoding="utf-8")),
    **{f"valid/{case_id(c)}": without_urls(sources(c)[0][1]) for c in VALID if c.is_file()},
    **SMALL7,
}


@pytest.fixture(scope="module")
def format7_results() -> dict[str, oracle7.Result7]:
    _skip()
    names = list(CLI_CASES)
    return dict(zip(names, oracle7.many(oracle7.format7, [CLI_CASES[n] for n in names])))


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_format_and_verdict_match_prisma7_cli(name: str, format7_results: dict[str, oracle7.Result7]) -> None:
    text = CLI_CASES[name]
    r = format7_results[name]
    ours = validate_sources([("schema.prisma", text)], "7")
    assert ours.ok == (r.returncode == 0), r.output
    if r.returncode == 0:
        formatted = format_sources({"schema.prisma": text})["schema.prisma"]
        assert formatted == r.formatted
        assert validate_sources([("schema.prisma", formatted)], "7").ok
    else:
        assert sorted((d.line, d.message) for d in ours.diagnostics) == cli_diagnostics(r.output)


def test_prisma7_validate_cli_agrees_on_url() -> None:
    """``prisma validate`` 7.x itself (not only format) on the schema with and without ``url``."""
    _skip()
    good, bad = oracle7.many(oracle7.validate7, [SMALL7["no_url"], with_url(SMALL7["no_url"])])
    assert good.returncode == 0 and validate_sources([("schema.prisma", SMALL7["no_url"])], "7").ok
    assert bad.returncode == 1
    ours = validate_sources([("schema.prisma", with_url(SMALL7["no_url"]))], "7")
    assert sorted((d.line, d.message) for d in ours.diagnostics) == cli_diagnostics(bad.output)


@pytest.mark.parametrize("name", list(SMALL7))
def test_small_cases_under_prisma6(name: str, prisma_oracle: PrismaOracle) -> None:  # noqa: F811
    """The same cases as 6.19 expects them (``url`` added where 7 has none): 6.19's verdict, lines, bytes."""
    text = SMALL7[name] if "url =" in SMALL7[name] else with_url(SMALL7[name])
    r = prisma_oracle.format_text(text)
    ours = validate_sources([("schema.prisma", text)], "6")
    assert ours.ok == r.ok, r.result.output
    if r.ok:
        assert format_sources({"schema.prisma": text})["schema.prisma"] == r.formatted
    else:
        assert sorted((d.line, d.message) for d in ours.diagnostics) == cli_diagnostics(r.result.output)
