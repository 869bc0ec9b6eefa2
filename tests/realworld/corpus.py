"""The real-world corpus: third-party Prisma schemas kept in a local cache, never in the repository.

Issue 12 measures nexo against the Prisma CLI on schemas nexo has never seen: public PostgreSQL
schemas of real projects, and prisma-engines' own PSL validation and reformatter test files. Those
files belong to their authors, so the repository only keeps :data:`MANIFEST` (``sources.json``): for
every file its kind, local name, source repository, path, commit and the sha256 of the bytes kept.
The files themselves live in ``$NEXO_CORPUS_DIR`` (default ``~/.cache/nexo/corpus``), one folder per
kind:

- ``realworld/``            a project's ``schema.prisma`` (or a folder of ``*.prisma`` files);
- ``engines-validation/``   ``psl/psl/tests/validation/**`` (PostgreSQL or no datasource);
- ``engines-reformatter/``  ``psl/psl/tests/reformatter/**`` inputs.

Commands::

    python tests/realworld/corpus.py list      # every source: kind, name, repo, path, commit
    python tests/realworld/corpus.py verify    # which cached files are missing or differ from the manifest
    python tests/realworld/corpus.py fetch     # fetch missing files from raw.githubusercontent.com (needs network)
    python tests/realworld/corpus.py add KIND NAME REPO PATH COMMIT [trimmed]   # record a file saved in the cache

prisma-engines' validation files end with the expected output as comments (``// error: ...``,
``// warning: ...``); the corpus compares with the real CLI instead, so such files are kept up to
the line before the first of those comments (``trimmed``: :func:`trim` applied to the upstream
bytes gives the kept ones).

``fetch`` downloads ``https://raw.githubusercontent.com/<repo>/<commit>/<path>`` and keeps it only
when its sha256 is the one recorded (a file transcribed by hand may differ in a byte; ``verify`` then
names it and ``add`` records the new digest).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST = Path(__file__).resolve().parent / "sources.json"
KINDS = ("realworld", "engines-validation", "engines-reformatter")
ENV = "NEXO_CORPUS_DIR"


@dataclass(frozen=True)
class Source:
    """One corpus file: where it came from and the digest of the bytes kept."""

    kind: str
    name: str  # file name inside the kind's folder (``owner__repo__detail.prisma``)
    repo: str
    path: str
    commit: str
    sha256: str
    trimmed: bool = False  # kept only the schema, cut before prisma-engines' expectation comments

    def local(self, root: Path) -> Path:
        return root / self.kind / self.name

    @property
    def url(self) -> str:
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit}/{self.path}"


def corpus_dir() -> Path:
    """Where the corpus is cached: ``$NEXO_CORPUS_DIR`` or ``~/.cache/nexo/corpus``."""
    env = os.environ.get(ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "nexo" / "corpus"


def load_manifest(path: Path = MANIFEST) -> list[Source]:
    if not path.is_file():
        return []
    return [Source(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]


def save_manifest(sources: list[Source], path: Path = MANIFEST) -> None:
    ordered = sorted(sources, key=lambda s: (KINDS.index(s.kind), s.name))
    path.write_text(json.dumps([asdict(s) for s in ordered], indent=1) + "\n", encoding="utf-8")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def trim(data: bytes) -> bytes:
    """The schema part of a prisma-engines test file: everything before its first expectation comment."""
    lines = data.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith((b"// error:", b"// warning:")):
            return b"".join(lines[:i])
    return data


def present(root: Path | None = None) -> list[tuple[Source, Path]]:
    """The manifest's files that are in the cache with the recorded digest, in manifest order."""
    root = root or corpus_dir()
    found = []
    for source in load_manifest():
        local = source.local(root)
        if local.is_file() and digest(local.read_bytes()) == source.sha256:
            found.append((source, local))
    return found


def problems(root: Path | None = None) -> list[str]:
    """One line per manifest entry missing from the cache or whose bytes differ."""
    root = root or corpus_dir()
    out = []
    for source in load_manifest():
        local = source.local(root)
        if not local.is_file():
            out.append(f"missing  {source.kind}/{source.name}  ({source.url})")
        elif digest(local.read_bytes()) != source.sha256:
            out.append(f"differs  {source.kind}/{source.name}  ({source.url})")
    return out


def fetch(root: Path | None = None) -> int:  # pragma: no cover - needs network
    root = root or corpus_dir()
    failed = 0
    for source in load_manifest():
        local = source.local(root)
        if local.is_file() and digest(local.read_bytes()) == source.sha256:
            continue
        try:
            with urllib.request.urlopen(source.url, timeout=30) as response:
                data = response.read()
            if source.trimmed:
                data = trim(data)
        except OSError as exc:
            print(f"failed   {source.kind}/{source.name}: {exc}")
            failed += 1
            continue
        if digest(data) != source.sha256:
            print(f"differs  {source.kind}/{source.name}: fetched sha256 {digest(data)}, manifest {source.sha256}")
            failed += 1
            continue
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(data)
        print(f"fetched  {source.kind}/{source.name}")
    return 1 if failed else 0


def add(kind: str, name: str, repo: str, path: str, commit: str, trimmed: bool = False) -> None:
    if kind not in KINDS:
        raise SystemExit(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    local = corpus_dir() / kind / name
    if not local.is_file():
        raise SystemExit(f"{local} does not exist: save the file there first")
    sources = [s for s in load_manifest() if not (s.kind == kind and s.name == name)]
    sources.append(Source(kind, name, repo, path, commit, digest(local.read_bytes()), trimmed))
    save_manifest(sources)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "list"
    if command == "list":
        for s in load_manifest():
            print(f"{s.kind:20} {s.name:70} {s.repo} {s.path} @ {s.commit[:12]}")
        return 0
    if command == "verify":
        lines = problems()
        for line in lines:
            print(line)
        print(f"{len(load_manifest()) - len(lines)} of {len(load_manifest())} files present in {corpus_dir()}")
        return 1 if lines else 0
    if command == "fetch":
        return fetch()
    if command == "add" and len(argv) in (6, 7):
        kind, name, repo, path, commit = argv[1:6]
        add(kind, name, repo, path, commit, trimmed=argv[6:] == ["trimmed"])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
