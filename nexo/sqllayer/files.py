"""Discovery of the SQL layer's files: names, versions, order, checksums and directives.

Accepted names in ``sql/`` (the top level of the folder; sub-folders are not scanned):

* ``<version>_<name>.sql``: a versioned file, applied once. The version is digits with ``_`` or
  ``.`` separators (``20260123_1800``, ``1.2.3``); files are ordered by the version's numeric
  parts, not by string order (``2_x`` runs before ``10_x``). Trailing zero parts do not count,
  so ``1.0`` and ``1`` are the same version (and therefore duplicates).
* ``<version>_<name>.down.sql``: the rollback twin of the versioned file with the same stem.
* ``R__<name>.sql``: a repeatable file, re-applied after all versioned files, in name order,
  whenever its checksum changes (functions, views, policies edited in place).

Names are letters, digits, ``_`` and ``-``. Where a versioned name could be read two ways, the
version takes every leading ``<digits>`` group followed by ``_``/``.`` and digits: in
``20260123_1800_2fa.sql`` the version is ``20260123_1800`` and the name ``2fa``.

Directives are ``-- nexo:`` comment lines among the file's leading comment lines:
``-- nexo:no-transaction`` (run statement by statement in autocommit, not atomic),
``-- nexo:schema-version 1.2.0`` (the semantic schema version the file brings the database to;
versioned files only) and ``-- nexo:no-placeholders`` (send ``${...}`` text as written instead
of filling in placeholders, see :mod:`nexo.sqllayer.script`).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from nexo.sqllayer.errors import DirectiveError, DuplicateVersionError, SqlFileNameError

Kind = Literal["versioned", "repeatable", "rollback"]

_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
_VERSION = r"\d+(?:[._]\d+)*"
_VERSIONED_RE = re.compile(rf"^(?P<version>{_VERSION})_(?P<name>{_NAME})\.sql$")
_DOWN_RE = re.compile(rf"^(?P<version>{_VERSION})_(?P<name>{_NAME})\.down\.sql$")
_REPEATABLE_RE = re.compile(rf"^R__(?P<name>{_NAME})\.sql$")
_DIRECTIVE_RE = re.compile(r"^\s*--\s*nexo:(?P<name>\S*)\s*(?P<arg>.*?)\s*$")
_SEMVER_RE = re.compile(
    r"^(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)

DIRECTIVES = ("no-transaction", "schema-version", "no-placeholders")

EXPECTED_PATTERNS = (
    "  <version>_<name>.sql        versioned, e.g. 20260123_1800_initial_rls_setup.sql\n"
    "  <version>_<name>.down.sql   its rollback twin\n"
    "  R__<name>.sql               repeatable, e.g. R__tenant_policies.sql\n"
    "where <version> is digits separated by '_' or '.', and <name> is letters, digits, '_' and '-'."
)


def checksum_bytes(data: bytes) -> str:
    """The checksum nexo records for a file: sha-256 (hex) of its bytes after two normalisations,
    so that a checkout with other line endings does not look "changed": a leading UTF-8 byte-order
    mark is dropped and every CRLF becomes LF. Any other change, whitespace included, counts."""
    return hashlib.sha256(normalise_bytes(data)).hexdigest()


def normalise_bytes(data: bytes) -> bytes:
    """File bytes as nexo checksums and runs them: no UTF-8 BOM, LF line endings."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.replace(b"\r\n", b"\n")


def version_key(version: str) -> tuple[int, ...]:
    """The sort and identity key of a version: its numeric parts, trailing zero parts dropped."""
    parts = [int(p) for p in re.split(r"[._]", version)]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def semver_key(value: str) -> tuple[int, int, int]:
    """``(major, minor, patch)`` of a semantic version string (validated by discovery)."""
    m = _SEMVER_RE.match(value)
    if not m:
        raise ValueError(f"not a semantic version: {value!r}")
    return int(m["major"]), int(m["minor"]), int(m["patch"])


@dataclass(frozen=True)
class SqlFile:
    """One file of the SQL layer, read once: what runs is exactly what was checksummed."""

    path: Path
    kind: Kind
    #: version as written in the file name; ``None`` for repeatables
    version: str | None
    name: str
    checksum: str
    transactional: bool
    schema_version: str | None
    #: the rollback twin's path (versioned files only)
    down_path: Path | None
    #: first non-directive header comment, else the name with spaces
    description: str
    #: the file's text (UTF-8, BOM dropped, LF line endings): the exact SQL that runs
    text: str = field(repr=False, compare=False)
    #: ``${name}`` placeholders are filled in (off with ``-- nexo:no-placeholders``)
    placeholders: bool = True
    #: the rollback twin, read like any other file
    down: SqlFile | None = field(default=None, repr=False, compare=False)
    #: things a person should look at that do not stop the run (an empty file)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def script(self) -> str:
        """The file name, as recorded in ``migration_history.script``."""
        return self.path.name

    @property
    def key(self) -> tuple[int, ...] | None:
        return version_key(self.version) if self.version is not None else None

    @property
    def label(self) -> str:
        """How messages refer to the file: its version or ``R__name``."""
        return self.version if self.version is not None else f"R__{self.name}"


@dataclass(frozen=True)
class _Header:
    transactional: bool
    schema_version: str | None
    description: str | None
    placeholders: bool


def _parse_header(path: Path, text: str, kind: Kind) -> _Header:
    lines = text.split("\n")
    in_header = True
    transactional = True
    placeholders = True
    schema_version: str | None = None
    description: str | None = None
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        if in_header and stripped and not stripped.startswith("--"):
            in_header = False
        m = _DIRECTIVE_RE.match(line)
        if m is None:
            if in_header and stripped.startswith("--") and description is None:
                body = stripped.lstrip("-").strip()
                if any(ch.isalnum() for ch in body):
                    description = body
            continue
        name, arg = m["name"], m["arg"]
        if not in_header:
            raise DirectiveError(
                f"The directive '-- nexo:{name}' in {path.name} is not among the file's leading comment "
                "lines, so it would have no effect. Move it to the top of the file, before the first statement.",
                file=path,
                line=lineno,
            )
        if name not in DIRECTIVES:
            raise DirectiveError(
                f"Unknown directive '-- nexo:{name}' in {path.name}. Known directives: "
                + ", ".join(f"'-- nexo:{d}'" for d in DIRECTIVES)
                + ".",
                file=path,
                line=lineno,
            )
        if name in seen:
            raise DirectiveError(
                f"The directive '-- nexo:{name}' appears twice in {path.name} (lines {seen[name]} and {lineno}); keep one.",
                file=path,
                line=lineno,
            )
        seen[name] = lineno
        if name in ("no-transaction", "no-placeholders"):
            if arg:
                raise DirectiveError(
                    f"'-- nexo:{name}' takes no value (found {arg!r}) in {path.name}.", file=path, line=lineno
                )
            if name == "no-transaction":
                transactional = False
            else:
                placeholders = False
        else:  # schema-version
            if kind != "versioned":
                raise DirectiveError(
                    f"'-- nexo:schema-version' is only allowed in versioned files; {path.name} is a "
                    f"{'repeatable' if kind == 'repeatable' else 'rollback'} file. Declare the schema version "
                    "in the versioned file that brings the database to it.",
                    file=path,
                    line=lineno,
                )
            if not _SEMVER_RE.match(arg):
                raise DirectiveError(
                    f"'-- nexo:schema-version' in {path.name} needs a semantic version like 1.2.0 "
                    f"(MAJOR.MINOR.PATCH), found {arg!r}.",
                    file=path,
                    line=lineno,
                )
            schema_version = arg
    return _Header(transactional, schema_version, description, placeholders)


def read_sql_file(path: Path, kind: Kind, version: str | None, name: str) -> SqlFile:
    """Read, checksum and parse one file (its twin is attached by :func:`discover`)."""
    data = path.read_bytes()
    normalised = normalise_bytes(data)
    try:
        text = normalised.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = normalised[: exc.start].count(b"\n") + 1
        raise DirectiveError(
            f"{path.name} is not valid UTF-8 (byte {exc.start}); save it as UTF-8.", file=path, line=line
        ) from None
    header = _parse_header(path, text, kind)
    warnings: tuple[str, ...] = ()
    if not _has_sql(text):
        warnings = (
            f"{path.name} is empty (no SQL statement): it is recorded as applied without running anything; "
            "add its SQL or delete it",
        )
    return SqlFile(
        path=path,
        kind=kind,
        version=version,
        name=name,
        checksum=hashlib.sha256(normalised).hexdigest(),
        transactional=header.transactional,
        schema_version=header.schema_version,
        down_path=None,
        description=header.description or name.replace("_", " "),
        text=text,
        placeholders=header.placeholders,
        warnings=warnings,
    )


def _has_sql(text: str) -> bool:
    """Whether ``text`` holds anything but blanks and comments."""
    without = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    without = re.sub(r"--[^\n]*", " ", without)
    return bool(without.strip(" \t\n\r;"))


def _check_entry(path: Path, sql_dir: Path, root: Path) -> None:
    """Refuse what the flat ``sql/`` folder cannot hold: a folder named like a file, a symbolic link that
    points outside the project (or nowhere)."""
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not target.exists():
            raise SqlFileNameError(
                f"{path.name} is a symbolic link to {os.readlink(path)}, which does not exist. "
                "Restore the file it points to, or delete the link.",
                file=path,
            )
        if not target.is_relative_to(root.resolve()):
            raise SqlFileNameError(
                f"{path.name} is a symbolic link to {target}, outside the project ({root.resolve()}). "
                "What runs must be in the repository, reviewed and checksummed with it: copy the file into "
                f"{sql_dir.name}/ instead of linking to it.",
                file=path,
            )
    if path.is_dir():
        raise SqlFileNameError(
            f"{path.name} is a folder, not a file: the SQL layer is one flat folder of .sql files, and nexo does "
            f"not look into sub-folders. Rename the folder (not ending in .sql), or move its files into "
            f"{sql_dir.name}/ itself.",
            file=path,
        )


def _bad_name(path: Path) -> SqlFileNameError:
    hint = ""
    flyway = re.match(rf"^[VvUu](?P<version>{_VERSION})__(?P<name>{_NAME})\.sql$", path.name)
    if flyway:
        hint = (
            f"\nThis looks like a Flyway name; nexo's form is {flyway['version']}_{flyway['name']}.sql "
            "(rollback twins end in .down.sql)."
        )
    elif re.match(rf"^{_VERSION}\.sql$", path.name):
        hint = "\nA versioned file needs a name after its version, e.g. 20260123_1800_add_policies.sql."
    elif not path.name.endswith(".sql"):
        hint = "\nThe extension must be lower-case '.sql'."
    return SqlFileNameError(
        f"Can't tell what kind of SQL-layer file {path.name} is. Expected one of:\n{EXPECTED_PATTERNS}{hint}\n"
        "Rename the file, or move it out of the sql folder.",
        file=path,
    )


def discover(sql_dir: Path, root: Path | None = None) -> list[SqlFile]:
    """The SQL layer in run order: versioned files by numeric version, then repeatables by name.

    Rollback twins are attached to their versioned file (``down_path`` / ``down``), not listed.
    A missing folder is an empty layer. Raises :class:`SqlFileNameError` for an unrecognised
    ``.sql`` name or an orphan twin, :class:`DuplicateVersionError` for two files with one version,
    and :class:`DirectiveError` for a bad directive, a non-UTF-8 file, or schema versions that go
    backwards as file versions go forwards. A folder named ``*.sql`` and a symbolic link that points
    outside ``root`` (the project; default: the sql folder's parent) or nowhere are
    :class:`SqlFileNameError`; an empty file is read with a warning (:attr:`SqlFile.warnings`).
    """
    sql_dir = Path(sql_dir)
    if not sql_dir.is_dir():
        return []
    versioned: dict[tuple[int, ...], SqlFile] = {}
    downs: dict[str, Path] = {}
    repeatables: list[SqlFile] = []
    project = Path(root) if root is not None else sql_dir.parent
    for path in sorted(sql_dir.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or not path.name.lower().endswith(".sql"):
            continue
        _check_entry(path, sql_dir, project)
        if not path.is_file():
            continue
        if m := _DOWN_RE.match(path.name):
            downs[path.name[: -len(".down.sql")]] = path
        elif m := _VERSIONED_RE.match(path.name):
            f = read_sql_file(path, "versioned", m["version"], m["name"])
            key = version_key(m["version"])
            if key in versioned:
                other = versioned[key]
                raise DuplicateVersionError(
                    f"Two SQL-layer files have the same version {m['version']}: {other.path.name} and {path.name}. "
                    "Each versioned file needs its own version; renumber one of them (e.g. with the current "
                    "date and time).",
                    file=path,
                )
            versioned[key] = f
        elif m := _REPEATABLE_RE.match(path.name):
            repeatables.append(read_sql_file(path, "repeatable", None, m["name"]))
        else:
            if re.match(r"^R__.*\.down\.sql$", path.name):
                raise SqlFileNameError(
                    f"{path.name}: repeatable files have no rollback twins (they are re-applied whenever "
                    "they change). Delete the file, or undo the change in R__ file itself.",
                    file=path,
                )
            raise _bad_name(path)

    stems: dict[str, tuple[int, ...]] = {f.path.name[: -len(".sql")]: key for key, f in versioned.items()}
    for stem, down_path in sorted(downs.items()):
        twin_of = stems.get(stem)
        if twin_of is None:
            raise SqlFileNameError(
                f"The rollback twin {down_path.name} has no versioned file {stem}.sql next to it. "
                "Rename it to match its versioned file, or delete it.",
                file=down_path,
            )
        f = versioned[twin_of]
        down = read_sql_file(down_path, "rollback", f.version, f.name)
        versioned[twin_of] = _with_down(f, down)

    ordered = [versioned[k] for k in sorted(versioned)]
    previous: SqlFile | None = None
    for f in ordered:
        if f.schema_version is None:
            continue
        if (
            previous is not None
            and previous.schema_version is not None
            and semver_key(f.schema_version) < semver_key(previous.schema_version)
        ):
            raise DirectiveError(
                f"{f.path.name} declares schema version {f.schema_version}, lower than {previous.schema_version} "
                f"declared by the earlier {previous.path.name}. Schema versions must not go backwards.",
                file=f.path,
            )
        previous = f
    repeatables.sort(key=lambda f: f.name)
    return ordered + repeatables


def _with_down(f: SqlFile, down: SqlFile) -> SqlFile:
    return replace(f, down_path=down.path, down=down)
