"""The schema corpus: valid schemas validate, invalid ones give exactly Prisma's diagnostics (line + message)."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_util import INVALID, VALID, case_id, read_expected

from nexo.psl import PslError, validate_path
from nexo.psl.commands import validate_command

REPO_SCHEMA = Path(__file__).resolve().parents[2] / "schema.prisma"


def test_corpus_size() -> None:
    assert len(VALID) + len(INVALID) >= 40
    assert len(INVALID) >= 25
    for p in INVALID:
        assert p.with_suffix(".expected").is_file(), p


@pytest.mark.parametrize("path", VALID, ids=case_id)
def test_valid_schema(path: Path) -> None:
    result = validate_path(path)
    assert result.diagnostics == [], result.render()
    assert result.ok and result.schema is not None


@pytest.mark.parametrize("path", INVALID, ids=case_id)
def test_invalid_schema(path: Path) -> None:
    result = validate_path(path)
    assert result.schema is None
    got = sorted((d.line, d.message) for d in result.diagnostics)
    assert got == sorted(read_expected(path.with_suffix(".expected"))), result.render()
    for d in result.diagnostics:
        assert d.code == "P1012"
        assert d.file == str(path)
        assert d.column >= 1
        with pytest.raises(PslError) as info:
            result.raise_for_errors()
        assert "Validation Error Count" in str(info.value)


def test_repo_schema_validates() -> None:
    result = validate_command(REPO_SCHEMA)
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
