"""The real Prisma CLI (6.19.0) as a test oracle.

Compatibility tests compare nexo with what ``prisma validate``, ``prisma format`` and
``prisma migrate diff`` do on the same input. The CLI lives in a cache folder
(``~/.cache/nexo/prisma-6.19.0``, or ``$NEXO_PRISMA_CACHE``) holding ``node_modules`` with
``prisma@6.19.0`` and ``@prisma/adapter-pg@6.19.0``, a ``prisma.config.ts`` that routes the schema
engine through the WebAssembly engine and a driver adapter, and an empty ``empty-engine`` file
that stops the CLI from downloading native engines (see ``reference/prisma-oracle.md``).

:class:`PrismaOracle` installs that folder on first use (``npm install``, cached across runs) and
runs the commands, returning exit status, stdout and stderr. Every command needs a reachable
PostgreSQL for the adapter; pass the URL in whatever form the tests have (a pgserver URL with a
unix socket ``?host=/path`` is converted into the form node-postgres accepts).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

PRISMA_VERSION = "6.19.0"
PACKAGES = (f"prisma@{PRISMA_VERSION}", f"@prisma/adapter-pg@{PRISMA_VERSION}")
CACHE_ENV = "NEXO_PRISMA_CACHE"
T = TypeVar("T")
R = TypeVar("R")
ENGINE_PLACEHOLDER = "empty-engine"

CONFIG_TS = """\
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL!, idleTimeoutMillis: 50 }),
});
"""

PACKAGE_JSON = """\
{
  "name": "nexo-prisma-oracle",
  "version": "1.0.0",
  "private": true,
  "description": "The Prisma CLI used by nexo's compatibility tests.",
  "dependencies": {
    "@prisma/adapter-pg": "6.19.0",
    "prisma": "6.19.0"
  }
}
"""

# npm install of prisma takes a while on a cold cache; a single CLI call takes about a second.
INSTALL_TIMEOUT = 900.0
CALL_TIMEOUT = 120.0


class OracleUnavailable(RuntimeError):
    """The Prisma CLI cannot be run here (no node/npm, or the install failed); the text says why."""


@dataclass(frozen=True)
class OracleResult:
    """What one CLI call produced."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        """stdout and stderr together, for messages."""
        return self.stdout + self.stderr


@dataclass(frozen=True)
class FormatOutcome:
    """``prisma format`` run on a temporary copy: the call and the file's text afterwards."""

    result: OracleResult
    formatted: str
    files: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result.ok


def default_cache_dir() -> Path:
    """Where the CLI is installed: ``$NEXO_PRISMA_CACHE`` or ``~/.cache/nexo/prisma-6.19.0``."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "nexo" / f"prisma-{PRISMA_VERSION}"


def missing_tools() -> list[str]:
    """The names of the Node tools this machine lacks (empty when the oracle can run)."""
    return [tool for tool in ("node", "npm", "npx") if shutil.which(tool) is None]


def node_postgres_url(url: str) -> str:
    """``url`` in a form node-postgres (the Prisma adapter) connects with.

    libpq accepts ``postgresql://postgres:@/db?host=/socket/dir`` (empty host, socket folder in the
    query) and keyword strings (``host=/x dbname=y``); node-postgres needs a host in the authority,
    so both become ``postgresql://user@localhost/db?host=/socket/dir``. URLs with a host are
    returned unchanged.
    """
    if "://" not in url:
        return _conninfo_to_url(url)
    parts = urlsplit(url)
    if parts.hostname:
        return url
    # keep the userinfo exactly as written (already percent-encoded); drop an empty password
    userinfo, _, _ = parts.netloc.rpartition("@")
    if userinfo.endswith(":"):
        userinfo = userinfo[:-1]
    netloc = (userinfo + "@" if userinfo else "") + "localhost" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path or "/postgres", parts.query, parts.fragment))


def _conninfo_to_url(conninfo: str) -> str:
    """A keyword/value conninfo string as a node-postgres URL."""
    from psycopg.conninfo import conninfo_to_dict

    params = {k: str(v) for k, v in conninfo_to_dict(conninfo).items() if v is not None}
    user = params.pop("user", "postgres")
    password = params.pop("password", None)
    dbname = params.pop("dbname", "postgres")
    host = params.pop("host", "localhost")
    port = params.pop("port", None)
    query: dict[str, str] = {}
    if host.startswith("/"):
        query["host"] = host
        host = "localhost"
    userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password else "") + "@"
    netloc = userinfo + host + (f":{port}" if port else "")
    query.update(params)
    return urlunsplit(("postgresql", netloc, "/" + dbname, urlencode(query), ""))


class PrismaOracle:
    """Runs the real Prisma CLI from its cache folder, installing it there when missing."""

    def __init__(self, database_url: str, cache_dir: Path | None = None, use_result_cache: bool = True) -> None:
        self.cache_dir = (cache_dir or default_cache_dir()).resolve()
        self.use_result_cache = use_result_cache
        self.database_url = node_postgres_url(database_url)
        self._install_lock = threading.Lock()
        self._installed = False

    # ----------------------------------------------------------------- installation
    @property
    def cli_path(self) -> Path:
        """The CLI's entry script inside the cache folder."""
        return self.cache_dir / "node_modules" / "prisma" / "build" / "index.js"

    def is_installed(self) -> bool:
        """True when the cache folder holds the pinned CLI, adapter, config and engine placeholder."""
        adapter = self.cache_dir / "node_modules" / "@prisma" / "adapter-pg" / "package.json"
        return (
            self.cli_path.is_file()
            and adapter.is_file()
            and _package_version(self.cache_dir / "node_modules" / "prisma" / "package.json") == PRISMA_VERSION
            and _package_version(adapter) == PRISMA_VERSION
        )

    def ensure_installed(self) -> None:
        """Install the CLI into the cache folder if needed; raise :class:`OracleUnavailable` if impossible."""
        with self._install_lock:
            if self._installed:
                return
            missing = missing_tools()
            if missing:
                raise OracleUnavailable(f"Prisma CLI oracle needs Node.js; missing on PATH: {', '.join(missing)}")
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            if not self.is_installed():
                self._npm_install()
            self._write_support_files()
            self._installed = True

    def _npm_install(self) -> None:
        package_json = self.cache_dir / "package.json"
        if not package_json.exists():
            package_json.write_text(PACKAGE_JSON)
        cmd = ["npm", "install", "--no-audit", "--no-fund", "--save-exact", *PACKAGES]
        try:
            proc = subprocess.run(
                cmd,
                cwd=self.cache_dir,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                env={**os.environ, "CHECKPOINT_DISABLE": "1"},
            )
        except subprocess.TimeoutExpired as exc:
            raise OracleUnavailable(
                f"`{' '.join(cmd)}` in {self.cache_dir} took longer than {exc.timeout:.0f} s"
            ) from exc
        (self.cache_dir / "install.log").write_text(proc.stdout + proc.stderr + f"\nrc={proc.returncode}\n")
        if proc.returncode != 0 or not self.is_installed():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise OracleUnavailable(f"`{' '.join(cmd)}` in {self.cache_dir} failed (exit {proc.returncode}):\n{tail}")

    def _write_support_files(self) -> None:
        config = self.cache_dir / "prisma.config.ts"
        if not config.exists() or config.read_text() != CONFIG_TS:
            config.write_text(CONFIG_TS)
        engine = self.cache_dir / ENGINE_PLACEHOLDER
        if not engine.exists():
            engine.write_bytes(b"")

    # ----------------------------------------------------------------- running
    def env(self) -> dict[str, str]:
        """The environment every CLI call runs with."""
        engine = str(self.cache_dir / ENGINE_PLACEHOLDER)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PRISMA_", "DATABASE_URL"))}
        env.update(
            CHECKPOINT_DISABLE="1",
            PRISMA_HIDE_UPDATE_MESSAGE="1",
            NO_COLOR="1",
            FORCE_COLOR="0",
            PRISMA_QUERY_ENGINE_LIBRARY=engine,
            PRISMA_SCHEMA_ENGINE_BINARY=engine,
            DATABASE_URL=self.database_url,
        )
        return env

    def run(self, *args: str, timeout: float = CALL_TIMEOUT, env: dict[str, str] | None = None) -> OracleResult:
        """Run ``prisma <args>`` from the cache folder (schema paths must be absolute); ``env`` adds
        variables (those a schema's ``env()`` calls name, for instance)."""
        self.ensure_installed()
        cmd = ["node", str(self.cli_path), *args]
        try:
            proc = subprocess.run(
                cmd,
                cwd=self.cache_dir,
                env={**self.env(), **(env or {})},
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            return OracleResult(
                tuple(args), -1, _text(exc.stdout), _text(exc.stderr) + f"\n[timed out after {timeout} s]"
            )
        return OracleResult(tuple(args), proc.returncode, proc.stdout, proc.stderr)

    def validate(self, schema: Path) -> OracleResult:
        """``prisma validate --schema <schema>`` (a file or a multi-file folder)."""
        return self.run("validate", "--schema", str(Path(schema).resolve()))

    def format_text(self, text: str, filename: str = "schema.prisma") -> FormatOutcome:
        """``prisma format`` on a temporary file holding ``text``; the file's text afterwards.

        The file is written and read back as bytes, so line endings are compared exactly.
        """
        outcome = self._format_files({filename: text}, folder=False)
        return FormatOutcome(outcome.result, outcome.files[filename], outcome.files)

    def format_path(self, schema: Path) -> FormatOutcome:
        """``prisma format`` on a temporary copy of ``schema`` (a file or a folder); the original is untouched.

        For a folder, ``files`` maps each file's relative path to its text afterwards, and
        ``formatted`` joins them in sorted relative-path order with a ``// ==> <relpath>`` header line
        before each, so callers can compare folders as one string.
        """
        schema = Path(schema)
        if schema.is_dir():
            return self._format_files(_read_folder(schema), folder=True)
        text = schema.read_bytes().decode("utf-8")
        outcome = self._format_files({schema.name: text}, folder=False)
        return FormatOutcome(outcome.result, outcome.files[schema.name], outcome.files)

    def _format_files(self, files: dict[str, str], folder: bool) -> FormatOutcome:
        """Run ``prisma format`` on ``files`` (relative path → text) written to a temporary folder.

        Results are kept in ``<cache>/results/`` under a hash of the CLI version and the input, so
        unchanged inputs are not formatted again on the next run (the CLI is deterministic).
        """
        key = _digest("format", str(folder), *(f"{name}\0{text}" for name, text in sorted(files.items())))
        cached = self._load_result(key)
        if cached is not None:
            return cached
        with tempfile.TemporaryDirectory(prefix="nexo-oracle-fmt-") as tmp:
            root = Path(tmp) / "schema"
            for name, text in files.items():
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(text.encode("utf-8"))
            schema_arg = root if folder else root / next(iter(files))
            result = self.run("format", "--schema", str(schema_arg))
            after = _read_folder(root)
        outcome = FormatOutcome(result, _join(after) if folder else next(iter(after.values())), after)
        if result.returncode in (0, 1):  # a finished run (not a timeout or crash) is worth keeping
            self._store_result(key, outcome)
        return outcome

    # ----------------------------------------------------------------- result cache
    @property
    def results_dir(self) -> Path:
        return self.cache_dir / "results"

    def cached(
        self,
        seed: str,
        name: str,
        parts: Iterable[bytes],
        run: Callable[[], OracleResult],
        keep: Sequence[int] = (0, 1),
    ) -> OracleResult:
        """``run()``, or its result kept from an earlier run with the same key: ``seed`` and ``parts``
        (everything the CLI's output depends on) under this Prisma version. The file is
        ``results/<name>-<sha256>.json``; a result is kept when its exit code is in ``keep`` (a finished
        run, not a timeout or crash). ``NEXO_ORACLE_NO_CACHE=1`` runs the CLI every time."""
        digest = hashlib.sha256(f"{seed}\0{PRISMA_VERSION}".encode())
        for part in parts:
            digest.update(b"\1" + part)
        path = self.results_dir / f"{name}-{digest.hexdigest()}.json"
        use = self.use_result_cache and not os.environ.get("NEXO_ORACLE_NO_CACHE")
        if use and path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            return OracleResult(tuple(data["args"]), data["returncode"], data["stdout"], data["stderr"])
        result = run()
        if use and result.returncode in keep:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(
                json.dumps(
                    {
                        "args": list(result.args),
                        "returncode": result.returncode,
                        "stdout": result.stdout,
                        "stderr": result.stderr,
                    }
                ),
                encoding="utf-8",
            )
            tmp.replace(path)
        return result

    def _load_result(self, key: str) -> FormatOutcome | None:
        if not self.use_result_cache:
            return None
        path = self.results_dir / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            result = OracleResult(tuple(data["args"]), int(data["returncode"]), data["stdout"], data["stderr"])
            return FormatOutcome(result, data["formatted"], dict(data["files"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store_result(self, key: str, outcome: FormatOutcome) -> None:
        if not self.use_result_cache:
            return
        self.results_dir.mkdir(parents=True, exist_ok=True)
        r = outcome.result
        data = {
            "args": list(r.args),
            "returncode": r.returncode,
            "stdout": r.stdout,
            "stderr": r.stderr,
            "formatted": outcome.formatted,
            "files": outcome.files,
        }
        tmp = self.results_dir / f"{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.results_dir / f"{key}.json")

    def migrate_diff(
        self,
        *,
        from_schema: Path | None = None,
        to_schema: Path | None = None,
        script: bool = True,
        extra: Sequence[str] = (),
    ) -> OracleResult:
        """``prisma migrate diff`` between two schema datamodels; ``None`` means ``--from-empty`` / ``--to-empty``."""
        args = ["migrate", "diff"]
        args += (
            ["--from-empty"] if from_schema is None else ["--from-schema-datamodel", str(Path(from_schema).resolve())]
        )
        args += ["--to-empty"] if to_schema is None else ["--to-schema-datamodel", str(Path(to_schema).resolve())]
        if script:
            args.append("--script")
        args += list(extra)
        return self.run(*args)

    def map(self, fn: Callable[[T], R], items: Iterable[T], workers: int = 2) -> list[R]:
        """``[fn(item) for item in items]`` with up to ``workers`` CLI processes at once (order kept)."""
        self.ensure_installed()
        items = list(items)
        if workers <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(fn, items))

    def validate_many(self, schemas: Iterable[Path], workers: int = 2) -> list[OracleResult]:
        """``validate`` for each schema, a few at a time."""
        return self.map(self.validate, schemas, workers)

    def format_many(self, texts: Iterable[str], workers: int = 2) -> list[FormatOutcome]:
        """``format_text`` for each text, a few at a time."""
        return self.map(self.format_text, texts, workers)


def _read_folder(folder: Path) -> dict[str, str]:
    """Every ``.prisma`` file under ``folder``: relative path → text, in sorted path order."""
    files = sorted(folder.rglob("*.prisma"), key=lambda p: p.relative_to(folder).as_posix())
    return {f.relative_to(folder).as_posix(): f.read_bytes().decode("utf-8") for f in files}


def _join(files: dict[str, str]) -> str:
    return "".join(f"// ==> {name}\n{text}" for name, text in files.items())


def _digest(*parts: str) -> str:
    h = hashlib.sha256(PRISMA_VERSION.encode())
    for part in parts:
        h.update(b"\1" + part.encode("utf-8"))
    return h.hexdigest()


def _package_version(package_json: Path) -> str | None:
    try:
        return str(json.loads(package_json.read_text()).get("version"))
    except (OSError, ValueError):
        return None


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
