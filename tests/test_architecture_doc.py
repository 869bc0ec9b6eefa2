"""docs/ARCHITECTURE.md keeps up with the package: its module map has one row for every module and package
under ``nexo/`` and none for a module that no longer exists, every ``nexo`` module it names exists, its quote
of the import contract's layers is the one in pyproject.toml, and its marks (mypyc-compiled, generated sync
twin) are where ``nexo/_compiled.py`` and ``nexo/client/_codegen.py`` say. No database, no import of nexo.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ARCHITECTURE.md"
DOC_NAME = "docs/ARCHITECTURE.md"

#: a row of the module map: its first cell is one backticked path under nexo/
_ROW = re.compile(r"^\|\s*`(nexo/[^`]*)`\s*\|(.*)\|\s*$")
#: a path under nexo/ anywhere in the text, in backticks
_PATH = re.compile(r"`(nexo/[\w./]*)`")
#: a dotted name of the package anywhere in the text, in backticks
_DOTTED = re.compile(r"`(nexo(?:\.\w+)+)`")


def modules(root: Path) -> set[str]:
    """Every module (``nexo/x/y.py``) and package (``nexo/x/``) of the package under ``root``."""
    package = root / "nexo"
    found = {"nexo/"}
    for path in package.rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        found.add(rel)
        if path.name == "__init__.py":
            found.add(rel.removesuffix("__init__.py"))
    return found


def map_rows(doc: str) -> list[tuple[int, str, str]]:
    """(line, path, job) of every row of the module map."""
    rows = []
    for number, line in enumerate(doc.splitlines(), 1):
        if m := _ROW.match(line):
            rows.append((number, m[1], m[2].strip()))
    return rows


def _defines(source: str, name: str) -> bool:
    return re.search(rf"^(?:class |def |async def )?{re.escape(name)}\b", source, re.M) is not None


def _dotted_exists(root: Path, dotted: str) -> bool:
    """``nexo.a.b`` is a module or package under ``root``, or a name defined at the top of one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        base = root.joinpath(*parts[:cut])
        source = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        if source.is_file():
            rest = parts[cut:]
            return not rest or (len(rest) == 1 and _defines(source.read_text(encoding="utf-8"), rest[0]))
    return False


def _tuple_of(path: Path, name: str) -> tuple[str, ...]:
    """The literal tuple assigned to ``name`` at the top of ``path`` (read, not imported)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple), f"{path}: {name} is not a tuple"
            return value
    raise AssertionError(f"{path} assigns no {name}")


def problems(root: Path, doc: str) -> list[str]:
    """What in ``doc`` (the text of docs/ARCHITECTURE.md) does not match the package under ``root``."""
    out: list[str] = []
    actual = modules(root)
    rows = map_rows(doc)
    seen: dict[str, int] = {}
    for line, path, _ in rows:
        if path in seen:
            out.append(f"{DOC_NAME}:{line}: {path} has a second row (first at line {seen[path]})")
        seen.setdefault(path, line)
    for path in sorted(actual - set(seen)):
        out.append(f"{path} is missing from the module map of {DOC_NAME}: add a row saying its one job")
    for path in sorted(set(seen) - actual):
        out.append(f"{DOC_NAME}:{seen[path]}: the module map names {path}, which no longer exists")
    for number, text in enumerate(doc.splitlines(), 1):
        row = _ROW.match(text)
        for path in _PATH.findall(text):
            if not (root / path).exists() and not (row and row[1] == path):  # a row's own path: reported above
                out.append(f"{DOC_NAME}:{number}: names {path}, which does not exist")
        for dotted in _DOTTED.findall(text):
            if not _dotted_exists(root, dotted):
                out.append(f"{DOC_NAME}:{number}: names {dotted}, which is no module (or name of one) of nexo")

    # the quote of the pipeline contract's layers
    contracts = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layered = next(c for c in contracts["contracts"] if c["type"] == "layers" and "containers" not in c)
    for layer in layered["layers"]:
        if f'"{layer}",' not in doc:
            out.append(f"{DOC_NAME} does not quote the import contract's layer {layer!r} (pyproject.toml)")

    # the marks
    compiled = {f"{m.replace('.', '/')}.py" for m in _tuple_of(root / "nexo" / "_compiled.py", "MODULES")}
    twins = {f"nexo/client/{m}_sync.py" for m in _tuple_of(root / "nexo" / "client" / "_codegen.py", "MODULES")}
    for line, path, job in rows:
        marked = "**mypyc**" in job
        if path in compiled and not marked:
            out.append(f"{DOC_NAME}:{line}: {path} is compiled (nexo/_compiled.py) but not marked **mypyc**")
        if marked and path not in compiled:
            out.append(f"{DOC_NAME}:{line}: {path} is marked **mypyc** but nexo/_compiled.py does not compile it")
        generated = "**generated**" in job and "nexo/client/_codegen.py" in job
        if path in twins and not generated:
            out.append(
                f"{DOC_NAME}:{line}: {path} is a generated sync twin: say **generated** by nexo/client/_codegen.py"
            )
        if "**generated**" in job and path not in twins:
            out.append(
                f"{DOC_NAME}:{line}: {path} is marked **generated** but nexo/client/_codegen.py does not write it"
            )
    return out


def test_the_doc_matches_the_package() -> None:
    found = problems(ROOT, DOC.read_text(encoding="utf-8"))
    assert not found, "\n".join(found)


def test_a_module_missing_from_the_map_is_named() -> None:
    doc = DOC.read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `nexo/db/lock.py` |"))
    found = problems(ROOT, doc.replace(row + "\n", ""))
    assert found == [f"nexo/db/lock.py is missing from the module map of {DOC_NAME}: add a row saying its one job"]


def test_a_module_that_no_longer_exists_is_named(tmp_path: Path) -> None:
    doc = DOC.read_text(encoding="utf-8")
    (tmp_path / "nexo").mkdir()
    for path in modules(ROOT) - {"nexo/"}:  # a copy of the package (the files' text only where read) ...
        target = tmp_path / path
        if path.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((ROOT / path).read_bytes())
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    (tmp_path / "nexo" / "studio" / "static").mkdir()
    (tmp_path / "nexo" / "py.typed").touch()
    assert problems(tmp_path, doc) == []
    (tmp_path / "nexo" / "rls.py").unlink()  # ... without one module
    line = next(n for n, p, _ in map_rows(doc) if p == "nexo/rls.py")
    found = problems(tmp_path, doc)
    assert found == [f"{DOC_NAME}:{line}: the module map names nexo/rls.py, which no longer exists"]


def test_a_wrong_mark_is_named() -> None:
    doc = DOC.read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `nexo/psl/parser.py` |"))
    found = problems(ROOT, doc.replace(row, row.replace("**mypyc** — ", "")))
    assert len(found) == 1 and "nexo/psl/parser.py is compiled" in found[0], found
