"""Shared helpers for the PSL corpus tests: where the corpus is and how expected-diagnostics files read.

An ``invalid/<name>.expected`` file lists the diagnostics Prisma 6.19 reports for ``<name>.prisma``:
one record per diagnostic, ``<line>: <message>``; a message spanning several lines continues on the
following lines (which do not start with ``<digits>: ``).
"""

from __future__ import annotations

import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
VALID = sorted(p for p in (CORPUS / "valid").iterdir() if p.suffix == ".prisma" or p.is_dir())
INVALID = sorted((CORPUS / "invalid").glob("*.prisma"))
_RECORD = re.compile(r"^(\d+): (.*)$")


def read_expected(path: Path) -> list[tuple[int, str]]:
    records: list[list] = []
    for line in path.read_text().splitlines():
        m = _RECORD.match(line)
        if m:
            records.append([int(m.group(1)), m.group(2)])
        elif records:
            records[-1][1] += "\n" + line
    return [(int(n), str(msg)) for n, msg in records]


def case_id(path: Path) -> str:
    return path.stem if path.suffix else path.name
