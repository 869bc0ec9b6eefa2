"""Fixtures for the SQL-layer tests: a sql folder in tmp_path and catalog snapshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def sql_dir(tmp_path: Path) -> Path:
    d = tmp_path / "sql"
    d.mkdir()
    return d


@pytest.fixture
def write(sql_dir: Path) -> Callable[..., Path]:
    """write(name, text, crlf=False): create or replace a file in the sql folder."""

    def _write(name: str, text: str, *, crlf: bool = False) -> Path:
        path = sql_dir / name
        data = text.encode("utf-8")
        if crlf:
            data = data.replace(b"\n", b"\r\n")
        path.write_bytes(data)
        return path

    return _write
