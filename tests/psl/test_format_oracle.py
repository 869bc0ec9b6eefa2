"""The golden formatting cases, re-checked against the real ``prisma format`` 6.19.

Each ``format_cases/<name>.input.prisma`` (and each ``<name>.input/`` folder) is formatted by the
CLI and compared with the committed ``.expected`` file, so the golden files cannot drift from what
Prisma does. Skipped, with the reason, where Node.js is missing.

Regenerate the golden files after adding a case::

    /work/venv/bin/python tests/psl/test_format_oracle.py [name ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: oracle, oracle_fixtures

from oracle import FormatOutcome, PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401  (fixture)

from nexo.psl.format import format_source

CASES = Path(__file__).parent / "format_cases"


def _file_cases() -> list[str]:
    return sorted(p.name[: -len(".input.prisma")] for p in CASES.glob("*.input.prisma"))


def _folder_cases() -> list[str]:
    return sorted(p.name[: -len(".input")] for p in CASES.glob("*.input") if p.is_dir())


def _folder(path: Path) -> dict[str, str]:
    return {f.relative_to(path).as_posix(): f.read_bytes().decode("utf-8") for f in sorted(path.rglob("*.prisma"))}


@pytest.fixture(scope="module")
def cli_formatted(prisma_oracle: PrismaOracle) -> dict[str, FormatOutcome]:  # noqa: F811
    """Every case formatted by the CLI, two processes at a time (one CLI call takes about a second)."""
    names = _file_cases()
    outcomes = prisma_oracle.map(lambda n: prisma_oracle.format_path(CASES / f"{n}.input.prisma"), names)
    folders = _folder_cases()
    outcomes += prisma_oracle.map(lambda n: prisma_oracle.format_path(CASES / f"{n}.input"), folders)
    return dict(zip(names + [f"{n}/" for n in folders], outcomes))


@pytest.mark.parametrize("name", _file_cases())
def test_golden_file_matches_prisma(name: str, cli_formatted: dict[str, FormatOutcome]) -> None:
    outcome = cli_formatted[name]
    assert outcome.ok, outcome.result.output
    expected = (CASES / f"{name}.expected.prisma").read_bytes().decode("utf-8")
    assert outcome.formatted == expected


@pytest.mark.parametrize("name", _folder_cases())
def test_golden_folder_matches_prisma(name: str, cli_formatted: dict[str, FormatOutcome]) -> None:
    outcome = cli_formatted[f"{name}/"]
    assert outcome.ok, outcome.result.output
    assert outcome.files == _folder(CASES / f"{name}.expected")


def test_nexo_and_prisma_agree_on_the_repo_schema(prisma_oracle: PrismaOracle) -> None:  # noqa: F811
    repo_schema = Path(__file__).resolve().parents[2] / "schema.prisma"
    outcome = prisma_oracle.format_path(repo_schema)
    assert outcome.ok, outcome.result.output
    text = repo_schema.read_bytes().decode("utf-8")
    assert outcome.formatted == text
    assert format_source(text) == text


def _regenerate(names: list[str]) -> None:
    """Write the ``.expected`` files from the CLI (the dev server's socket, or $DATABASE_URL)."""
    import os

    url = os.environ.get(
        "DATABASE_URL",
        "postgresql://postgres@localhost/nexo?host=" + str(Path(__file__).resolve().parents[2] / ".nexo" / "pgdata"),
    )
    oracle = PrismaOracle(url)
    for name in names or _file_cases() + _folder_cases():
        if (CASES / f"{name}.input").is_dir():
            outcome = oracle.format_path(CASES / f"{name}.input")
            if outcome.ok:
                for rel, text in outcome.files.items():
                    target = CASES / f"{name}.expected" / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(text.encode("utf-8"))
        else:
            outcome = oracle.format_path(CASES / f"{name}.input.prisma")
            if outcome.ok:
                (CASES / f"{name}.expected.prisma").write_bytes(outcome.formatted.encode("utf-8"))
        print(("ok    " if outcome.ok else "FAILED ") + name)
        if not outcome.ok:
            print(outcome.result.output)


if __name__ == "__main__":
    _regenerate(sys.argv[1:])
