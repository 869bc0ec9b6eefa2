"""Shared helpers for the PSL corpus tests.

The corpus lives in ``corpus/valid`` and ``corpus/invalid``; a case is a ``.prisma`` file or a folder
of them (a multi-file schema). Every invalid case has an ``.expected`` file beside it holding the full
report ``nexo validate`` prints for it: one ``error:`` block per diagnostic (message, ``file:line:column``,
the lines around it with the offending text underlined) and the ``Validation Error Count``. File names
in it are relative to the corpus folder (``unknown_type.prisma``, ``multifile_errors/b.prisma``).

``test_validate_oracle.py`` checks those reports against the real Prisma CLI (decision, lines and
messages) and against Prisma's own spans (what is underlined).

To (re)record the ``.expected`` file of a case after checking it against Prisma::

    python tests/psl/corpus_util.py record [name ...]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
VALID_DIR = CORPUS / "valid"
INVALID_DIR = CORPUS / "invalid"


def _cases(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".prisma" or p.is_dir())


VALID = _cases(VALID_DIR)
INVALID = _cases(INVALID_DIR)
_BLOCK = re.compile(r"(?ms)^error: (.*?)\n  -->  (.+?):(\d+):(\d+)\n")


def case_id(path: Path) -> str:
    return path.stem if path.suffix else path.name


def expected_path(case: Path) -> Path:
    return case.with_suffix(".expected") if case.suffix else case.parent / f"{case.name}.expected"


def sources(case: Path) -> list[tuple[str, str]]:
    """The files of a case as ``(name, text)``, named relative to its corpus folder, in Prisma's order."""
    if case.is_dir():
        files = sorted((f for f in case.rglob("*.prisma") if f.is_file()), key=lambda f: f.relative_to(case).as_posix())
    else:
        files = [case]
    return [(f.relative_to(case.parent).as_posix(), f.read_bytes().decode("utf-8")) for f in files]


def report(case: Path) -> str:
    """What ``nexo validate`` reports for a case (file names relative to the corpus folder)."""
    from nexo.psl import validate_sources

    result = validate_sources(sources(case))
    return result.render() + "\n"


def parse_report(text: str) -> list[tuple[str, int, int, str]]:
    """The (file, line, column, message) of every ``error:`` block of a report, sorted."""
    return sorted((m.group(2), int(m.group(3)), int(m.group(4)), m.group(1)) for m in _BLOCK.finditer(text))


def read_expected(case: Path) -> list[tuple[int, str]]:
    """(line, message) pairs recorded for an invalid case (what the Prisma CLI prints)."""
    return sorted((line, message) for _file, line, _col, message in parse_report(expected_path(case).read_text()))


def _record(names: list[str]) -> None:
    sys.path.insert(0, str(CORPUS.parents[2]))
    for case in INVALID:
        if names and case_id(case) not in names:
            continue
        expected_path(case).write_text(report(case))
        print("recorded", expected_path(case).name)


if __name__ == "__main__":
    if sys.argv[1:2] == ["record"]:
        _record(sys.argv[2:])
    else:
        print(__doc__)
