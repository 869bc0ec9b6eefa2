"""Where a project's schema and migrations are, found the way Prisma 6/7 finds them.

When ``[tool.nexo]`` names ``schema`` / ``migrations`` those win. Otherwise, in Prisma's order: the
``--schema`` flag, ``prisma.config.ts`` (or ``.js`` …; its literal ``schema`` and ``migrations.path``
values, read as text: Node is never run), ``package.json``'s ``"prisma": {"schema": ...}``, then
``prisma/schema.prisma``, the ``prisma/schema/`` multi-file folder and ``./schema.prisma``. Migrations
live beside the schema in ``migrations/`` (as Prisma), or in nexo's own ``prisma_migrations/``.

:class:`Layout` records which file was used for what and everything that was looked for, so every
report can say it, and a missing migrations folder is an error that names the places tried rather
than an empty history that looks "up to date".
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from nexo.errors import ConfigError

#: the file names Prisma reads its configuration from, in the order it tries them
PRISMA_CONFIG_NAMES = (
    "prisma.config.ts",
    "prisma.config.mts",
    "prisma.config.cts",
    "prisma.config.js",
    "prisma.config.mjs",
    "prisma.config.cjs",
    ".config/prisma.ts",
    ".config/prisma.mts",
    ".config/prisma.cts",
    ".config/prisma.js",
    ".config/prisma.mjs",
    ".config/prisma.cjs",
)
#: nexo's own name for the migrations folder (``nexo init``, this repo)
NEXO_MIGRATIONS = "prisma_migrations"


# --- prisma.config.ts: a literal-only reader ------------------------------------------------------


@dataclass(frozen=True)
class PrismaConfigFile:
    """The literal values nexo reads from ``prisma.config.ts``; ``None`` where the file does not set one.

    Paths are as written (relative to the file's folder); :meth:`path` resolves them. ``datasource_url``
    and ``shadow_database_url`` keep an ``env("NAME")`` call as the text ``env("NAME")``."""

    file: Path
    schema: str | None = None
    migrations_path: str | None = None
    seed: str | None = None
    datasource_url: str | None = None
    shadow_database_url: str | None = None
    #: the file declares a ``datasource`` (Prisma 7's place for connection URLs)
    has_datasource: bool = False
    #: keys whose value is an expression nexo cannot evaluate without Node, with the expression text
    unreadable: dict[str, str] = field(default_factory=dict)

    def path(self, value: str) -> Path:
        p = Path(value)
        return p if p.is_absolute() else self.file.parent / p

    def require(self, key: str) -> str | None:
        """The literal value of ``key``; a :class:`ConfigError` naming the file when it is an expression."""
        if key in self.unreadable:
            raise ConfigError(
                f"{self.file.name}: {key} is `{self.unreadable[key]}`, which nexo cannot read without running Node "
                f'(it reads string literals, path.join(...) of literals and env("NAME")). '
                f"Write the value as a string there, or set it in pyproject.toml's [tool.nexo] table "
                f'({"schema" if key == "schema" else "migrations"} = "...").',
                file=self.file,
            )
        return {
            "schema": self.schema,
            "migrations.path": self.migrations_path,
            "migrations.seed": self.seed,
            "datasource.url": self.datasource_url,
            "datasource.shadowDatabaseUrl": self.shadow_database_url,
        }[key]


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<lcomment>//[^\n]*)
  | (?P<bcomment>/\*.*?\*/)
  | (?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<tmpl>`(?:[^`\\$]|\\.|\$(?!\{))*`)
  | (?P<ident>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<num>\d[\d_.eE+xXa-fA-F]*)
  | (?P<punct>\.\.\.|=>|[{}()\[\],:;.=<>?!&|+\-*/%`$@\#^~])
    """,
    re.S | re.X,
)


class _Unsupported:
    """A value nexo does not evaluate; ``text`` is its source."""

    def __init__(self, text: str) -> None:
        self.text = text


@dataclass(frozen=True)
class _Call:
    name: str
    args: list[object]
    text: str


@dataclass(frozen=True)
class _Ref:
    name: str


def _unescape(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:  # a character the reader does not know (regex literal, unicode ...): keep it as punctuation
            out.append(("punct", text[pos], pos))
            pos += 1
            continue
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "lcomment", "bcomment"):
            out.append((kind, m.group(), pos))
        pos = m.end()
    return out


class _Reader:
    """A recursive-descent reader for the subset of JavaScript a config object literal uses."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, k: int = 0) -> tuple[str, str, int] | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def at(self, value: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok is not None and tok[0] == "punct" and tok[1] == value

    def skip_expression(self) -> str:
        """Skip to the next ``,`` / ``}`` / ``)`` / ``]`` / ``;`` at depth 0; returns the skipped text."""
        start = self.peek()
        depth = 0
        end_pos = start[2] if start else len(self.text)
        while (tok := self.peek()) is not None:
            if tok[0] == "punct":
                if tok[1] in "([{":
                    depth += 1
                elif tok[1] in ")]}":
                    if depth == 0:
                        break
                    depth -= 1
                elif tok[1] in ",;" and depth == 0:
                    break
            end_pos = tok[2] + len(tok[1])
            self.take()
        return self.text[start[2] : end_pos].strip() if start else ""

    def value(self) -> object:
        tok = self.peek()
        if tok is None:
            return _Unsupported("")
        start = tok[2]
        result: object
        if tok[0] == "str":
            self.take()
            result = _unescape(tok[1])
        elif tok[0] == "tmpl":
            self.take()
            result = tok[1][1:-1]
        elif tok[0] == "punct" and tok[1] == "{":
            result = self.object()
        elif tok[0] == "ident":
            name = self.take()[1]
            while self.at(".") and (nxt := self.peek(1)) is not None and nxt[0] == "ident":
                self.take()
                name += "." + self.take()[1]
            if self.at("("):
                self.take()
                args: list[object] = []
                while not self.at(")") and self.peek() is not None:
                    args.append(self.value())
                    if self.at(","):
                        self.take()
                    elif not self.at(")"):
                        self.skip_expression()
                        if self.at(","):
                            self.take()
                if self.at(")"):
                    self.take()
                end = self.toks[self.i - 1][2] + 1
                result = _Call(name, args, self.text[start:end])
            else:
                result = _Ref(name)
        else:
            return _Unsupported(self.skip_expression())
        # TypeScript's non-null assertion (`process.env.DATABASE_URL!`) changes nothing at run time
        if self.at("!") and (self.peek(1) is None or any(self.at(p, 1) for p in ",})];")):
            self.take()
        # `as const`, `satisfies PrismaConfig`, a binary operator ...: anything after the value makes it unreadable
        if not (self.peek() is None or self.at(",") or self.at("}") or self.at(")") or self.at(";")):
            nxt = self.peek()
            assert nxt is not None
            if nxt[0] == "ident" and nxt[1] in ("as", "satisfies"):
                self.skip_expression()
                return result
            self.skip_expression()
            last = self.toks[self.i - 1]
            return _Unsupported(self.text[start : last[2] + len(last[1])].strip())
        return result

    def object(self) -> dict[str, object]:
        assert self.at("{")
        self.take()
        out: dict[str, object] = {}
        while (tok := self.peek()) is not None and not self.at("}"):
            if self.at("..."):
                self.take()
                self.skip_expression()
            elif tok[0] in ("ident", "str", "num"):
                key = _unescape(tok[1]) if tok[0] == "str" else tok[1]
                self.take()
                if self.at(":"):
                    self.take()
                    out[key] = self.value()
                elif self.at("("):  # a method: seed() { ... }
                    out[key] = _Unsupported(self.skip_expression())
                else:  # shorthand {schema}
                    out[key] = _Unsupported(key)
            else:
                self.skip_expression()
            if self.at(","):
                self.take()
            elif not self.at("}"):
                self.skip_expression()
                if self.at(","):
                    self.take()
        if self.at("}"):
            self.take()
        return out


def _default_export(reader: _Reader) -> object:
    """The value after ``export default`` (or ``module.exports =``), following one ``const NAME = ...``."""
    toks = reader.toks
    for j, (kind, text, _) in enumerate(toks):
        is_export = kind == "ident" and text == "export" and j + 1 < len(toks) and toks[j + 1][1] == "default"
        is_cjs = (
            kind == "ident"
            and text == "module"
            and j + 3 < len(toks)
            and toks[j + 1][1] == "."
            and toks[j + 2][1] == "exports"
            and toks[j + 3][1] == "="
        )
        if is_export or is_cjs:
            reader.i = j + (2 if is_export else 4)
            value = reader.value()
            if isinstance(value, _Ref):
                return _const_value(reader, value.name)
            return value
    return None


def _const_value(reader: _Reader, name: str) -> object:
    toks = reader.toks
    for j, (kind, text, _) in enumerate(toks):
        if kind == "ident" and text in ("const", "let", "var") and j + 1 < len(toks) and toks[j + 1][1] == name:
            k = j + 2
            if k < len(toks) and toks[k][1] == ":":  # const config: PrismaConfig = {...}
                while k < len(toks) and toks[k][1] != "=":
                    k += 1
            if k < len(toks) and toks[k][1] == "=":
                reader.i = k + 1
                return reader.value()
    return _Unsupported(name)


_PATH_JOIN = {"path.join", "path.resolve", "join", "resolve", "path.posix.join", "posix.join"}
_DIRNAME = {"__dirname", "import.meta.dirname"}


def _literal(value: object, base: Path) -> tuple[str | None, str | None]:
    """``(text, None)`` for a value nexo can read, ``(None, source)`` for one it cannot."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, _Call):
        if value.name in _PATH_JOIN:
            parts: list[str] = []
            for a in value.args:
                if isinstance(a, _Ref) and a.name in _DIRNAME:
                    parts.append(str(base))
                elif isinstance(a, str):
                    parts.append(a)
                else:
                    return None, value.text
            return (os.path.join(*parts) if parts else "."), None
        if value.name == "env" and len(value.args) == 1 and isinstance(value.args[0], str):
            return f'env("{value.args[0]}")', None
        return None, value.text
    if isinstance(value, _Ref) and value.name.startswith("process.env."):
        return f'env("{value.name[len("process.env.") :]}")', None
    if isinstance(value, _Ref):
        return None, value.name
    if isinstance(value, _Unsupported):
        return None, value.text
    return None, "{...}"


def read_prisma_config(path: Path) -> PrismaConfigFile:
    """Read the literal values of a ``prisma.config.ts``/``.js`` file (never runs it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}", file=path) from exc
    reader = _Reader(text)
    exported = _default_export(reader)
    if isinstance(exported, _Call) and exported.name in ("defineConfig", "config.defineConfig") and exported.args:
        exported = exported.args[0]
        if isinstance(exported, _Ref):
            exported = _const_value(reader, exported.name)
    if exported is None:
        raise ConfigError(
            f"{path.name}: no `export default defineConfig({{...}})` (or `export default {{...}}`) found; "
            "set schema and migrations in pyproject.toml's [tool.nexo] table instead",
            file=path,
        )
    if not isinstance(exported, dict):
        raise ConfigError(
            f"{path.name}: the default export is `{_literal(exported, path.parent)[1]}`, not an object literal; "
            "nexo reads the literal values of prisma.config.ts without running Node. "
            'Set schema = "..." and migrations = "..." in pyproject.toml\'s [tool.nexo] table instead.',
            file=path,
        )
    values: dict[str, str | None] = {}
    unreadable: dict[str, str] = {}

    def read(key: str, value: object) -> None:
        text, source = _literal(value, path.parent)
        if source is not None:
            unreadable[key] = source
        values[key] = text

    if "schema" in exported:
        read("schema", exported["schema"])
    for outer, inner, key in (
        ("migrations", "path", "migrations.path"),
        ("migrations", "seed", "migrations.seed"),
        ("datasource", "url", "datasource.url"),
        ("datasource", "shadowDatabaseUrl", "datasource.shadowDatabaseUrl"),
    ):
        block = exported.get(outer)
        if isinstance(block, dict) and inner in block:
            read(key, block[inner])
        elif outer in exported and not isinstance(block, dict):
            unreadable[key] = _literal(block, path.parent)[1] or outer
    return PrismaConfigFile(
        file=path,
        schema=values.get("schema"),
        migrations_path=values.get("migrations.path"),
        seed=values.get("migrations.seed"),
        datasource_url=values.get("datasource.url"),
        shadow_database_url=values.get("datasource.shadowDatabaseUrl"),
        has_datasource="datasource" in exported,
        unreadable=unreadable,
    )


def find_prisma_config(root: Path) -> Path | None:
    for name in PRISMA_CONFIG_NAMES:
        p = root / name
        if p.is_file():
            return p
    return None


def read_package_json_prisma(root: Path) -> tuple[Path, dict[str, object]] | None:
    """``package.json``'s ``"prisma"`` object, or ``None`` (no file, no key)."""
    pj = root / "package.json"
    if not pj.is_file():
        return None
    try:
        data = json.loads(pj.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"package.json is not valid JSON: {exc}", file=pj) from exc
    prisma = data.get("prisma") if isinstance(data, dict) else None
    return (pj, prisma) if isinstance(prisma, dict) else None


# --- the layout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The schema and migrations a project uses, where each came from, and what was looked for."""

    root: Path
    schema: Path
    #: where the schema path came from, e.g. ``[tool.nexo] schema``, ``prisma.config.ts``, ``default location``
    schema_source: str
    schema_found: bool
    migrations: Path
    migrations_source: str
    migrations_found: bool
    #: every place tried for the migrations folder, in order (relative to ``root`` where possible)
    migrations_looked_for: tuple[str, ...] = ()
    #: every place tried for the schema, in order
    schema_looked_for: tuple[str, ...] = ()
    prisma_config: PrismaConfigFile | None = None
    package_json: Path | None = None

    def rel(self, p: Path) -> str:
        return _rel(self.root, p)

    def missing_migrations_message(self) -> str:
        """The error a command that needs the migrations folder gives when there is none."""
        looked = ", ".join(self.migrations_looked_for) or self.rel(self.migrations)
        return (
            f"No migrations folder found (looked for: {looked}; schema {self.rel(self.schema)} "
            f"from {self.schema_source}).\n"
            'Nothing was checked against the database. Point nexo at the folder with migrations = "..." in '
            "pyproject.toml's [tool.nexo] table (nexo init --from-prisma writes it), or create the first "
            "migration with nexo db:migrate:dev."
        )

    def lines(self) -> list[str]:
        """One line per file used, for text reports."""
        if self.schema_found:
            out = [f"Schema: {self.rel(self.schema)} ({self.schema_source})"]
        else:  # never "schema.prisma (default location (not found))": say where nexo looked
            out = [f"Schema: none found (looked for {', '.join(self.schema_looked_for) or self.rel(self.schema)})"]
        if self.migrations_found:
            out.append(f"Migrations: {self.rel(self.migrations)}/ ({self.migrations_source})")
        else:
            out.append(
                f"Migrations: none found (looked for {', '.join(self.migrations_looked_for) or self.rel(self.migrations)})"
            )
        if self.prisma_config is not None:
            out.append(f"Prisma config: {self.rel(self.prisma_config.file)} (literal values read)")
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "root": str(self.root),
            "schema": str(self.schema),
            "schema_source": self.schema_source,
            "schema_found": self.schema_found,
            "migrations": str(self.migrations),
            "migrations_source": self.migrations_source,
            "migrations_found": self.migrations_found,
            "migrations_looked_for": list(self.migrations_looked_for),
            "schema_looked_for": list(self.schema_looked_for),
            "prisma_config": None if self.prisma_config is None else str(self.prisma_config.file),
            "package_json": None if self.package_json is None else str(self.package_json),
        }


def _datasource_dir(folder: Path) -> Path | None:
    """The folder of the ``.prisma`` file (under ``folder``) that holds the ``datasource`` block."""
    pattern = re.compile(r"^\s*datasource\s+\w+\s*\{", re.M)
    for f in sorted(folder.rglob("*.prisma")):
        try:
            if pattern.search(f.read_text(encoding="utf-8", errors="replace")):
                return f.parent
        except OSError:
            continue
    return None


def resolve_layout(
    root: Path,
    *,
    tool_schema: str | None = None,
    tool_migrations: str | None = None,
    schema_flag: Path | str | None = None,
) -> Layout:
    """Find the schema and the migrations folder of the project in ``root``.

    ``tool_schema`` / ``tool_migrations`` are ``[tool.nexo]``'s values (they win); ``schema_flag`` is a
    command's ``--schema``."""
    root = root.resolve()
    # prisma.config.ts and package.json are read only when [tool.nexo] / --schema leave something to find
    # (a broken package.json must not stop a project that configures both paths)
    need_schema = tool_schema is None and schema_flag is None
    config_file = find_prisma_config(root) if need_schema or tool_migrations is None else None
    pconf = read_prisma_config(config_file) if config_file is not None else None
    pkg = read_package_json_prisma(root) if need_schema and (pconf is None or pconf.schema is None) else None

    def under(value: str | Path, base: Path = root) -> Path:
        p = Path(value)
        return p if p.is_absolute() else base / p

    looked: list[str] = []
    schema: Path | None = None
    source = ""
    if tool_schema is not None:
        schema, source = under(tool_schema), "[tool.nexo] schema"
    elif schema_flag is not None:
        schema, source = Path(os.path.abspath(schema_flag)), "--schema"
    elif pconf is not None and (pconf.schema is not None or "schema" in pconf.unreadable):
        value = pconf.require("schema")
        assert value is not None
        schema, source = pconf.path(value), f"{pconf.file.name} schema"
    elif pkg is not None and isinstance(pkg[1].get("schema"), str):
        schema, source = under(str(pkg[1]["schema"])), 'package.json "prisma": {"schema"}'
    else:
        for candidate in (root / "prisma" / "schema.prisma", root / "prisma" / "schema", root / "schema.prisma"):
            looked.append(_rel(root, candidate))
            if candidate.is_file() or (candidate.is_dir() and any(candidate.rglob("*.prisma"))):
                schema, source = candidate, "default location"
                break
        if schema is None:
            schema, source = root / "schema.prisma", "default location (not found)"
    schema_found = schema.is_file() or (schema.is_dir() and any(schema.rglob("*.prisma")))

    m_looked: list[str] = []
    migrations: Path | None = None
    m_source = ""
    if tool_migrations is not None:
        migrations, m_source = under(tool_migrations), "[tool.nexo] migrations"
        m_looked.append(_rel(root, migrations))
    elif pconf is not None and (pconf.migrations_path is not None or "migrations.path" in pconf.unreadable):
        value = pconf.require("migrations.path")
        assert value is not None
        migrations, m_source = pconf.path(value), f"{pconf.file.name} migrations.path"
        m_looked.append(_rel(root, migrations))
    else:
        candidates: list[Path] = []
        if schema.is_dir():
            ds = _datasource_dir(schema)
            if ds is not None:
                candidates.append(ds / "migrations")
            candidates += [schema / "migrations", schema.parent / "migrations"]
        else:
            candidates.append(schema.parent / "migrations")
        candidates += [schema.parent / NEXO_MIGRATIONS, root / NEXO_MIGRATIONS]
        unique: list[Path] = []
        for c in candidates:
            if c not in unique:
                unique.append(c)
        m_looked = [_rel(root, c) + "/" for c in unique]
        for c in unique:
            if c.is_dir():
                migrations = c
                m_source = "beside the schema" if c.name == "migrations" else "nexo's default folder"
                break
        if migrations is None:
            # not there yet: nexo's own folder when the project is nexo-style (schema at the root), else Prisma's
            nexo_style = schema.parent == root and not schema.is_dir()
            migrations = root / NEXO_MIGRATIONS if nexo_style else unique[0]
            m_source = "default location (not found)"
    return Layout(
        root=root,
        schema=schema,
        schema_source=source,
        schema_found=schema_found,
        migrations=migrations,
        migrations_source=m_source,
        migrations_found=migrations.is_dir(),
        migrations_looked_for=tuple(m_looked),
        schema_looked_for=tuple(looked),
        prisma_config=pconf,
        package_json=pkg[0] if pkg is not None else None,
    )


def _rel(root: Path, p: Path) -> str:
    try:
        return p.relative_to(root).as_posix() or "."
    except ValueError:
        return str(p)


def looks_like_prisma_project(folder: Path) -> bool:
    """A folder Prisma would treat as a project: a prisma.config file, package.json with ``"prisma"``,
    ``prisma/schema.prisma`` or a ``prisma/schema/`` folder."""
    if find_prisma_config(folder) is not None:
        return True
    if (folder / "prisma" / "schema.prisma").is_file() or (folder / "prisma" / "schema").is_dir():
        return True
    try:
        return read_package_json_prisma(folder) is not None
    except ConfigError:
        return False


# --- which Prisma: 6.19's rules or 7's ------------------------------------------------------------

#: the Prisma versions nexo knows the rules of
PRISMA_DIALECTS = ("6", "7")
_URL_PROPERTY = re.compile(r"^[ \t]*url[ \t]*=", re.M)
_DATASOURCE_BLOCK = re.compile(r"^[ \t]*datasource[ \t]+\w+[ \t]*\{(?P<body>[^}]*)\}", re.M)
_LINE_COMMENT = re.compile(r"//[^\n]*")


@dataclass(frozen=True)
class PrismaDialect:
    """The Prisma version whose rules a project follows, why, and the CLI version its package.json names."""

    version: str
    source: str
    #: the ``prisma`` dependency of package.json as written (``"7.3.0"``, ``"^7.3.0"``), or None
    cli_version: str | None = None
    cli_version_file: Path | None = None

    def to_dict(self) -> dict[str, object]:
        return {"version": self.version, "source": self.source, "cli_version": self.cli_version}


def package_json_prisma_version(root: Path) -> tuple[Path, str] | None:
    """The ``prisma`` dependency (``dependencies`` or ``devDependencies``) of ``root/package.json``."""
    pj = root / "package.json"
    if not pj.is_file():
        return None
    try:
        data = json.loads(pj.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a broken package.json is reported where its "prisma" key is read
    if not isinstance(data, dict):
        return None
    for key in ("dependencies", "devDependencies"):
        deps = data.get(key)
        if isinstance(deps, dict) and isinstance(deps.get("prisma"), str):
            return pj, deps["prisma"]
    return None


def _major(spec: str) -> int | None:
    """The major version a dependency spec asks for (``"^7.3.0"`` → 7, ``"~6.19"`` → 6, ``"latest"`` → None)."""
    m = re.search(r"(\d+)(?:\.[\dx*]+)*", spec.split("||")[0])
    return int(m.group(1)) if m and not spec.strip().startswith(("file:", "link:", "git", "http")) else None


def schema_has_url(schema: Path) -> bool | None:
    """Whether the schema's datasource block sets ``url``; None when no datasource block was found."""
    files = sorted(schema.rglob("*.prisma")) if schema.is_dir() else [schema] if schema.is_file() else []
    for f in files:
        try:
            text = _LINE_COMMENT.sub("", f.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        m = _DATASOURCE_BLOCK.search(text)
        if m is not None:
            return _URL_PROPERTY.search(m.group("body")) is not None
    return None


def detect_dialect(root: Path, schema: Path, tool_value: object = None) -> PrismaDialect:
    """Prisma 7 when ``[tool.nexo] prisma`` says so, or the project's prisma.config.ts declares a
    ``datasource``, or package.json depends on ``prisma`` >= 7, or the schema's datasource has no ``url``;
    Prisma 6 (6.19) otherwise. ``tool_value`` (``[tool.nexo] prisma``, ``"6"`` or ``"7"``) overrides."""
    pinned = package_json_prisma_version(root)
    cli = (pinned[1], pinned[0]) if pinned is not None else (None, None)
    if tool_value is not None:
        value = str(tool_value)
        if value not in PRISMA_DIALECTS:
            raise ConfigError(
                f'[tool.nexo] prisma = {tool_value!r}: expected "6" or "7" (the Prisma version whose rules apply)',
                file=root / "pyproject.toml",
            )
        return PrismaDialect(value, "[tool.nexo] prisma", *cli)
    config_file = find_prisma_config(root)
    if config_file is not None:
        try:
            has_datasource = read_prisma_config(config_file).has_datasource
        except ConfigError:
            has_datasource = False
        if has_datasource:
            return PrismaDialect("7", f"{_rel(root, config_file)} declares a datasource", *cli)
    if pinned is not None:
        major = _major(pinned[1])
        if major is not None and major >= 7:
            return PrismaDialect("7", f'package.json depends on prisma "{pinned[1]}"', *cli)
    if schema_has_url(schema) is False:
        return PrismaDialect("7", f"the datasource in {_rel(root, schema)} has no url", *cli)
    return PrismaDialect("6", "default", *cli)
