"""The schema corpus: valid schemas validate; invalid ones give exactly the recorded report.

The recorded report (``invalid/<case>.expected``) pins every diagnostic completely: code P1012, the
message, the file, line and column, the underlined text and the error count, all errors of the
schema in one run. ``test_validate_oracle.py`` checks the same reports against the real Prisma CLI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from corpus_util import INVALID, VALID, case_id, expected_path, parse_report, report, sources

from nexo.psl import PslError, validate_path, validate_sources
from nexo.psl.commands import validate_command

REPO_SCHEMA = Path(__file__).resolve().parents[2] / "schema.prisma"


def test_corpus_size() -> None:
    assert len(VALID) + len(INVALID) >= 40
    assert len(INVALID) >= 25
    for case in INVALID:
        assert expected_path(case).is_file(), case


@pytest.mark.parametrize("case", VALID, ids=case_id)
def test_valid_schema(case: Path) -> None:
    result = validate_path(case)
    assert result.diagnostics == [], result.render()
    assert result.ok and result.schema is not None


@pytest.mark.parametrize("case", INVALID, ids=case_id)
def test_invalid_schema_report(case: Path) -> None:
    expected = expected_path(case).read_text()
    got = report(case)
    assert got == expected
    result = validate_sources(sources(case))
    assert result.schema is None
    assert len(result.diagnostics) >= 1
    assert got.rstrip().endswith(f"Validation Error Count: {len(result.diagnostics)}")
    names = {name for name, _ in sources(case)}
    blocks = parse_report(got)
    assert len(blocks) == len(result.diagnostics)
    for d in result.diagnostics:
        assert d.code == "P1012"
        assert d.file in names
        assert d.line >= 1 and d.column >= 1
        assert d.span.end >= d.span.start
        assert d.message and not d.message.endswith(" ")
    with pytest.raises(PslError) as info:
        result.raise_for_errors()
    assert info.value.code == "P1012" and "Validation Error Count" in str(info.value)


@pytest.mark.parametrize("case", INVALID, ids=case_id)
def test_every_error_is_underlined(case: Path) -> None:
    """Each reported error marks its text with ``^`` under the first line of its span."""
    got = report(case)
    blocks = re.split(r"(?m)^error: ", got)[1:]
    assert blocks
    for block in blocks:
        assert "\n   | " in block and "^" in block.split("  -->  ", 1)[1], block


def test_repo_schema_validates() -> None:
    result = validate_command(REPO_SCHEMA).result
    assert result.ok, result.render()
    names = [m.name for m in result.schema.models]  # type: ignore[union-attr]
    assert "Account" in names and "User" in names


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(PslError) as info:
        validate_path(tmp_path / "nope.prisma")
    assert info.value.code == "P1012"
    assert "does not exist" in str(info.value)
    with pytest.raises(PslError, match="No .prisma files"):
        validate_path(tmp_path)
