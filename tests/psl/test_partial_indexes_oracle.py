"""Prisma 7's partial indexes (``where:`` on ``@unique``/``@@unique``/``@@index``, the ``partialIndexes`` preview
feature) against the real CLIs (issue 17).

- every case below through the ``lint`` export of Prisma 7.10.1's schema WebAssembly module: nexo's dialect "7"
  reports the same diagnostics (span and message), the feature enabled (``+``) or not;
- the valid cases through ``prisma format`` 7.x: same verdict and bytes as ``nexo format`` under dialect "7";
- two of them through Prisma 6.19 (``url`` added): 6.19 rejects them, and dialect "6" says what 6.19 says.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import oracle7
from oracle import PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401

from nexo.psl import validate_sources
from nexo.psl.format import format_sources

pytestmark = [pytest.mark.oracle]

TEMPLATE = (
    'generator client {\n  provider = "prisma-client-js"\n{feature}}\n\ndatasource db {\n  provider = "postgresql"\n}\n\n'
    "enum Role {\n  A\n  B\n}\n\nmodel User {\n  id Int @id\n  email String\n  active Boolean\n  n Int?\n  f Float\n"
    "  role Role\n  j Json?\n  posts Post[]\n  {line}\n}\nmodel Post {\n  id Int @id\n  uid Int\n"
    "  u User @relation(fields: [uid], references: [id])\n}\n"
)
FEATURE = '  previewFeatures = ["partialIndexes"]\n'
#: a line added to model ``User``; ``+`` enables the preview feature
CASES = [
    '@@index([email], where: raw("active"))',
    '+@@index([email], where: raw("active"))',
    '+@@unique([email], where: raw("active"))',
    "+@@index([email], where: {active: true})",
    "+@@index([email], where: {active: false, n: null})",
    "+@@index([email], where: {n: {not: null}})",
    "+@@index([email], where: {n: {not: 3}})",
    '+@@index([email], where: {email: "x"})',
    "+@@index([email], where: {f: 1.5})",
    "+@@index([email], where: {role: A})",
    '+@@index([email], where: {role: "A"})',
    "+@@index([email], where: {j: null})",
    "+@@index([email], where: {posts: null})",
    "+@@index([email], where: {nope: true})",
    "+@@index([email], where: {})",
    '+@@index([email], where: raw(""))',
    "+@@index([email], where: raw(1))",
    '+@@index([email], where: "active")',
    "+@@index([email], where: true)",
    "+@@index([email], where: {n: {is: null}})",
    "+@@index([email], where: {n: {not: null, x: 1}})",
    "+@@index([email], where: {n: [1]})",
    '+@@index([email], where: {active: true}, name: "x", map: "y")',
    '+@@fulltext([email], where: raw("a"))',
    '+@@id([email], where: raw("a"))',
    '+@@index([email], where: raw("a"), where: raw("b"))',
    '+@@index([email], where: foo("a"))',
    '+@@index([email], where: raw("a", "b"))',
    "+@@index([email], where: {n: {not: {not: null}}})",
    "+@@index([email], where: {u: null})",
    '+@@index([email], where: {id: 1, email: "O\'Brien"})',
    "+@@index([email], where: {n: -3})",
    "+@@index([email], where: {active: true,})",
    '+@@index([email], where: {"active": true})',
    "+@@index([email], where: { active : true , n : null })",
    "+@@index([email], where: {active true})",
    "+@@index([email], name: {active: true})",
    "+@@index([email], map: {active: true})",
    "+@@unique([email], where: {role: 1})",
    "+@@unique([email], where: {role: true})",
    "+@@unique([email], where: {j: 1})",
    "+@@unique([email], where: {j: {not: null}})",
    '+@@unique([email], where: {n: "x"})',
    '+@@unique([email], where: {active: "x"})',
    "+@@unique([email], where: {active: 1})",
    "+@@unique([email], where: {email: 1})",
    "+@@unique([email], where: {email: true})",
    '+@@index([email], where: raw("a"), type: Hash)',
    '+@@index([email], where: {n: {not: "x"}})',
    "+@@index([email], where: {n: {not: true}})",
    "+@@index([email], where: {n: {not: role}})",
    "+@@index([email], where: {n: 1e3})",
    '+@@index([email], where: {email: "it\'s"})',
    "+@@index([email], where: {id: 1, id: 2})",
    "+@@index([email], where: {active: true}) @@index([n], where: {active: false})",
    "+@@index([email], where: raw(x))",
    "+@@index([email], where: raw())",
    '+@@index([email], where: [raw("a")])',
    "@@index([email], where: {})",
    "@@index([email], where: raw(1))",
    '@@unique([email], where: "x")',
    "+@@index([email], map: {})",
    '+@@index([email], map: {a: {b: 1}, c: [1, "x"], d: raw("q")})',
    '+@@index([email], where: {active: true}) @@unique([n], where: raw("n > 0"))',
    'email2 String @unique(where: raw("x"))',
    "+email2 String @unique(where: {active: true})",
    "+email2 String @unique(where: {})",
    '+email2 String @unique(where: "a")',
    "+email2 String @unique(where: {email2: 1})",
    "+@@index([email], where: {email: null, active: {not: null}, f: {not: 2.5}, n: {not: -1}})",
    '+@@unique([email], where: {f: "x"})',
    "+@@unique([email], where: {id: null})",
    '+@@index([email], where: {j: "x"})',
    "+@@index([email], where: {j: {not: null}})",
    "+@@index([email], where: {f: {not: 1}})",
]
#: other field types (Bytes, DateTime, Unsupported, Decimal, BigInt), the feature enabled
TYPED = (
    'generator client {\n  provider = "prisma-client-js"\n  previewFeatures = ["partialIndexes"]\n}\n\n'
    'datasource db {\n  provider = "postgresql"\n}\n\nmodel T {\n  id Int @id\n  b Bytes\n  d DateTime\n'
    '  u Unsupported("circle")?\n  c Decimal\n  g BigInt\n  {line}\n}\n'
)
TYPED_CASES = [
    '@@index([id], where: {b: "x"})',
    "@@index([id], where: {b: null})",
    '@@index([id], where: {d: "2020-01-01"})',
    "@@index([id], where: {d: 1})",
    '@@index([id], where: {u: "x"})',
    "@@index([id], where: {u: null})",
    "@@index([id], where: {u: {not: 1}})",
    "@@index([id], where: {c: 1.5})",
    '@@index([id], where: {g: "1"})',
    "@@index([id], where: {d: true})",
]
_ERROR = re.compile(r"(?ms)^error: (.*?)\n  -->  .*?:(\d+)\n")


def schema(case: str) -> str:
    feature, line = (FEATURE, case[1:]) if case.startswith("+") else ("", case)
    return TEMPLATE.replace("{feature}", feature).replace("{line}", line)


def with_url(text: str) -> str:
    return text.replace('  provider = "postgresql"\n', '  provider = "postgresql"\n  url = env("DATABASE_URL")\n', 1)


def _skip() -> None:
    why = oracle7.unavailable()
    if why:
        pytest.skip(f"Prisma 7 oracle unavailable: {why}")


@pytest.fixture(scope="module")
def lint_results() -> dict[str, list[tuple[str, int, int, str, bool]]]:
    _skip()
    texts = [schema(c) for c in CASES] + [TYPED.replace("{line}", c) for c in TYPED_CASES]
    return dict(zip(texts, oracle7.lint7([[("schema.prisma", t)] for t in texts])))


@pytest.mark.parametrize("case", CASES + [f"typed:{c}" for c in TYPED_CASES])
def test_dialect7_matches_prisma7(case: str, lint_results: dict) -> None:  # type: ignore[type-arg]
    text = TYPED.replace("{line}", case[6:]) if case.startswith("typed:") else schema(case)
    theirs = sorted((s, e, m) for _, s, e, m, warning in lint_results[text] if not warning)
    ours = validate_sources([("schema.prisma", text)], "7")
    assert sorted((d.span.start, d.span.end, d.message) for d in ours.diagnostics) == theirs
    assert ours.ok == (not theirs)
    if ours.ok:
        indexes = [ix for m in ours.schema.models for ix in m.indexes]  # type: ignore[union-attr]
        assert any(ix.where for ix in indexes)


VALID = [c for c in CASES if c.startswith("+")][:14]


@pytest.fixture(scope="module")
def format_results() -> dict[str, oracle7.Result7]:
    _skip()
    return dict(zip(VALID, oracle7.many(oracle7.format7, [schema(c) for c in VALID])))


@pytest.mark.parametrize("case", VALID)
def test_format_matches_prisma7(case: str, format_results: dict[str, oracle7.Result7]) -> None:
    r = format_results[case]
    ours = validate_sources([("schema.prisma", schema(case))], "7")
    assert ours.ok == (r.returncode == 0), r.output
    if r.returncode == 0:
        assert format_sources({"schema.prisma": schema(case)}, "7")["schema.prisma"] == r.formatted


@pytest.mark.parametrize(
    "case", ['+@@index([email], where: raw("active"))', "+@@index([email], where: {active: true})"]
)
def test_prisma6_keeps_rejecting(case: str, prisma_oracle: PrismaOracle, tmp_path: Path) -> None:  # noqa: F811
    text = with_url(schema(case))
    (tmp_path / "schema.prisma").write_text(text)
    r = prisma_oracle.validate(tmp_path / "schema.prisma")
    assert not r.ok
    ours = validate_sources([("schema.prisma", text)], "6")
    expected = sorted((int(m.group(2)), m.group(1)) for m in _ERROR.finditer(r.output))
    assert expected and sorted((d.line, d.message) for d in ours.diagnostics) == expected
