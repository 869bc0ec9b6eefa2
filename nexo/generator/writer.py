"""Writing the generated package: only nexo's own files are ever replaced, unchanged files are left
alone (so imports and file watchers see no change), and every file is replaced atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .emit import HEADER_MARK
from .errors import GenerateError


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _ours(path: Path) -> bool:
    if path.suffix == ".prisma":  # the packaged schema copy, marked on its first line
        with path.open("rb") as fh:
            return fh.read(len(HEADER_MARK) + 1).decode("utf-8", "replace") == "//" + HEADER_MARK[1:]
    if path.suffix != ".py":
        return path.name == "py.typed" and path.stat().st_size == 0
    with path.open("rb") as fh:
        return fh.read(len(HEADER_MARK)).decode("utf-8", "replace") == HEADER_MARK


def check_output(output: Path, files: dict[str, str]) -> None:
    """Refuse (before writing anything) when the output holds files of the same names nexo did not write."""
    if output.exists() and not output.is_dir():
        raise GenerateError(f"The output path {output} exists and is not a folder")
    foreign = [rel for rel in sorted(files) if (output / rel).is_file() and not _ours(output / rel)]
    if foreign:
        raise GenerateError(
            f"The output folder {output} already holds files nexo did not generate: {', '.join(foreign)}. "
            "Nothing was written. Choose another output in the generator block, or move those files away."
        )


def write_package(output: Path, files: dict[str, str]) -> WriteReport:
    """Write ``files`` (relative path -> text) under ``output``."""
    check_output(output, files)
    report = WriteReport()
    for rel in sorted(files):
        target = output / rel
        data = files[rel].encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            report.unchanged.append(rel)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # a cached .pyc of the old text could be reused when size and mtime second match
        cache = target.parent / "__pycache__"
        if cache.is_dir():
            for pyc in cache.glob(f"{target.stem}.*.pyc"):
                pyc.unlink(missing_ok=True)
        report.written.append(rel)
    return report


def copy_tree(files: dict[str, str], dest: Path) -> None:
    """Write ``files`` into a fresh folder (the scratch copy the partial type generator imports)."""
    if dest.exists():
        shutil.rmtree(dest)
    for rel, text in files.items():
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
