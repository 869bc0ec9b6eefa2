"""nexo against the Prisma CLI 6.19 on third-party schemas it has never seen (issue 12).

The corpus (``corpus.py``: real projects' PostgreSQL schemas, prisma-engines' PSL validation and
reformatter files) lives in a local cache, never in the repository. When it is absent every test
here is skipped with the reason (``python tests/realworld/corpus.py verify`` says what is missing).

Six checks per corpus file, each against the real CLI (its results are kept in the oracle's cache
folder under a hash of the input, so only new files run the CLI again):

- ``verdict``: ``prisma validate`` and nexo accept or reject alike, with the same (line, message) errors;
- ``warnings``: the "Prisma schema warning(s)" block ``prisma validate`` prints is the one ``nexo validate``
  prints (nexo's own warnings, printed after it, are not Prisma's and not compared);
- ``format``: ``prisma format`` and ``nexo format`` give the same bytes (or both refuse);
- ``diff``: ``prisma migrate diff --from-empty --to-schema-datamodel F --script`` and nexo's
  ``db:migrate:diff`` print the same bytes (or both fail, with Prisma's message);
- ``apply``: nexo's script applied to a fresh database ends as Prisma's does (both succeed, or both
  fail with the same SQLSTATE), with the extensions a user installs by hand (a column of an
  extension's type, a ``dbgenerated`` function of one) installed first;
- ``roundtrip``: that database diffed back to the schema (nexo: ``--from-url``; Prisma 6.19, whose
  driver adapter cannot serve ``--from-url``, the same database built from ``--from-migrations``)
  prints what Prisma prints, normally the empty migration.

A real project's schema whose datasource has no ``url`` is written for Prisma 7 (the URL lives in
``prisma.config.ts``): it is checked under nexo's dialect "7" against Prisma 7's CLI (``tests/oracle7.py``,
offline) for ``verdict``, ``warnings`` and ``format``. Prisma 7's ``migrate diff`` needs its native schema
engine, which cannot run here, so ``diff``, ``apply`` and ``roundtrip`` compare nexo's dialect-7 run with
6.19's on the same schema with ``url = env("DATABASE_URL")`` added to the datasource (the migration SQL
of both releases is the same for PostgreSQL).

Differences nexo keeps on purpose or has not fixed yet are listed in :data:`KNOWN` with their cause
and run as strict xfails (a fixed one fails until it is taken off the list). ``NEXO_CORPUS_STRICT=1``
ignores the list (to count agreements).
"""

from __future__ import annotations

import os
import re
import sys
import uuid
from functools import cache
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "migrate"))

import oracle7
from corpus import Source, corpus_dir, present, problems
from oracle import OracleResult, PrismaOracle
from pgservers import EXTENSION_TYPES, available_extensions
from psycopg import sql

from nexo.db.urls import with_database
from nexo.layout import schema_has_url
from nexo.psl import validate_sources

CASES = present()
CHECKS = ("verdict", "warnings", "format", "diff", "apply", "roundtrip")
EMPTY = "-- This is an empty migration."
_ERROR = re.compile(r"(?ms)^error: (.*?)\n  -->  .*?:(\d+)\n")

#: (case id, check) → why nexo differs from Prisma 6.19 there (strict xfail)
KNOWN: dict[tuple[str, str], str] = {}

#: functions a ``dbgenerated`` default may call that exist only once an extension is installed
EXTENSION_FUNCTIONS = {"uuid_generate_v4": "uuid-ossp", "uuid_generate_v1": "uuid-ossp", "gen_random_bytes": "pgcrypto"}


def case_id(source: Source) -> str:
    return f"{source.kind}/{source.name.removesuffix('.prisma')}"


def _params() -> list[object]:
    if not CASES:
        return []
    strict = bool(os.environ.get("NEXO_CORPUS_STRICT"))
    out = []
    for source, path in CASES:
        for check in CHECKS:
            reason = None if strict else KNOWN.get((case_id(source), check))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            out.append(pytest.param(source, path, check, id=f"{case_id(source)}-{check}", marks=marks))
    return out


def test_corpus_present() -> None:
    """The corpus is in the cache (skipped, with what is missing, otherwise)."""
    missing = problems()
    if not CASES:
        pytest.skip(f"no real-world corpus in {corpus_dir()} (python tests/realworld/corpus.py verify / fetch)")
    if missing:
        print("\n".join(missing))
    assert len(CASES) >= 1


# ----------------------------------------------------------------------------------------- nexo side
@cache
def dialect_of(path: Path, kind: str) -> str:
    """ "7" for a real project's schema whose datasource has no ``url`` (Prisma 7's layout), else "6"."""
    return "7" if kind == "realworld" and schema_has_url(path) is False else "6"


@cache
def nexo_validation(path: Path, dialect: str = "6"):
    return validate_sources([(path.name, path.read_bytes().decode("utf-8"))], dialect)


_DATASOURCE_OPEN = re.compile(r"(?m)^(\s*datasource\s+\w+\s*\{[^\n]*\n)")


def with_url(path: Path, work: Path) -> Path:
    """A copy of a Prisma 7 schema with ``url = env("DATABASE_URL")`` first in its datasource (what 6.19 needs)."""
    text = path.read_bytes().decode("utf-8")
    copy = work / f"url6-{path.name}"
    copy.write_bytes(
        _DATASOURCE_OPEN.sub(lambda m: m.group(1) + '  url = env("DATABASE_URL")\n', text, count=1).encode()
    )
    return copy


def prisma_warnings(stderr: str) -> str:
    """The "Prisma schema warning(s):" block of the CLI's stderr (empty when it printed none)."""
    m = re.search(r"(?ms)^Prisma schema warnings?:\n(?:- .*?\n)+", stderr)
    return m.group(0) if m else ""


def cli_errors(output: str) -> list[tuple[int, str]]:
    return sorted((int(m.group(2)), m.group(1)) for m in _ERROR.finditer(output))


def nexo_diff(path: Path) -> tuple[int, str]:
    """What ``nexo db:migrate:diff --from-empty --to-schema-datamodel path --script`` prints: (exit, text)."""
    from nexo.errors import NexoError
    from nexo.migrate.diffcmd import Source as DiffSource
    from nexo.migrate.diffcmd import migrate_diff

    try:
        outcome = migrate_diff(DiffSource("empty"), DiffSource("schema", str(path)), server_url=None)
    except NexoError as exc:
        return 1, exc.message
    return 0, outcome.stdout(script=True)


# --------------------------------------------------------------------------------------- Prisma side
def _cached(oracle: PrismaOracle, kind: str, path: Path, run) -> OracleResult:
    return oracle.cached(f"realworld-{kind}", "realworld", [path.read_bytes()], run)


def schema_env(oracle: PrismaOracle, path: Path) -> dict[str, str]:
    """Every variable the schema's ``env()`` calls name, set to the test database's URL (Prisma's
    CLI checks they are set before it validates)."""
    names = re.findall(r'env\(\s*"([^"]+)"\s*\)', path.read_bytes().decode("utf-8"))
    return {name: oracle.database_url for name in names}


def prisma_validate(oracle: PrismaOracle, path: Path) -> OracleResult:
    return _cached(
        oracle,
        "validate",
        path,
        lambda: oracle.run("validate", "--schema", str(path.resolve()), env=schema_env(oracle, path)),
    )


def prisma_diff(oracle: PrismaOracle, path: Path) -> OracleResult:
    args = ("migrate", "diff", "--from-empty", "--to-schema-datamodel", str(path.resolve()), "--script")
    return _cached(oracle, "diff", path, lambda: oracle.run(*args, env=schema_env(oracle, path)))


# ------------------------------------------------------------------------------------------ database
def by_hand_extensions(script: str) -> set[str]:
    """Extensions the schema uses without its script creating them (a user installs those by hand)."""
    used = {ext for name, ext in EXTENSION_TYPES.items() if re.search(rf'[ "]{name}[" ,(\[\n]', script)}
    used |= {ext for fn, ext in EXTENSION_FUNCTIONS.items() if f"{fn}(" in script}
    return used - created_extensions(script)


def created_extensions(script: str) -> set[str]:
    return set(re.findall(r'CREATE EXTENSION IF NOT EXISTS "([^"]+)"', script))


def apply_outcome(admin_url: str, script: str, by_hand: set[str]) -> tuple[str, str | None]:
    """(database name, None or the SQLSTATE and message the script failed with) on a fresh database."""
    name = f"nexo_rw_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    with psycopg.connect(with_database(admin_url, name), autocommit=True) as conn:
        for ext in sorted(by_hand):
            conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(ext)))
        if script.strip() in ("", EMPTY):
            return name, None
        try:
            conn.execute(script.encode("utf-8"), prepare=False)  # one simple query, as Prisma sends it
        except psycopg.Error as exc:
            return name, f"{exc.sqlstate}: {str(exc).splitlines()[0]}"
    return name, None


def drop(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def server_for(extensions: set[str], primary: str, contrib) -> str | None:
    if extensions <= available_extensions(primary):
        return primary
    url = contrib.url()
    if url is not None and extensions <= available_extensions(url):
        return url
    return None


# --------------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize(("source", "path", "check"), _params())
def test_same_as_prisma(
    source: Source,
    path: Path,
    check: str,
    prisma_oracle: PrismaOracle,
    pg_server_url: str,
    contrib_server,
    tmp_path: Path,
) -> None:
    dialect = dialect_of(path, source.kind)
    if dialect == "7":
        _check_prisma7(path, check, tmp_path)
        if check in ("verdict", "warnings", "format"):
            return
        path6 = with_url(path, tmp_path)
        assert nexo_validation(path6).ok == nexo_validation(path, "7").ok
    elif check in ("diff", "apply", "roundtrip") and schema_has_url(path) is False:
        # an engines file without url: `db:migrate:diff --to-schema-datamodel` reads it as Prisma 7 does (no url
        # needed); 7's migrate diff cannot run here, so its SQL is compared with 6.19's on a copy with a url
        path6 = with_url(path, tmp_path)
    else:
        path6 = path
    ours = nexo_validation(path)
    theirs = prisma_validate(prisma_oracle, path6)
    if check == "verdict":
        assert ours.ok == theirs.ok, (
            f"nexo ok={ours.ok}, prisma exit={theirs.returncode}\n{theirs.output}\n---\n{ours.render()}"
        )
        if not theirs.ok:
            assert sorted((d.line, d.message) for d in ours.diagnostics) == cli_errors(theirs.output)
        return
    if check == "warnings":
        assert prisma_warnings(theirs.stderr) == ours.render_warnings().split("warning: ", 1)[0]
        return
    if check == "format":
        _check_format(prisma_oracle, path, tmp_path)
        return
    code, text = nexo_diff(path)
    if not theirs.ok:  # Prisma rejects the schema, so it has nothing to diff, apply or round-trip: nor has nexo
        assert code != 0, f"Prisma rejects the schema, nexo diffs it:\n{text}\n--- Prisma:\n{theirs.output}"
        return
    expected = prisma_diff(prisma_oracle, path6)
    if check == "diff":
        if expected.ok:
            assert (code, text) == (0, expected.stdout)
        else:
            assert code != 0, text
            assert f"Error: {text.splitlines()[0]}" in expected.output, (text, expected.output)
        return
    if not expected.ok:  # Prisma's diff fails on this schema, so there is no script to apply: nexo's fails too
        assert code != 0, f"Prisma's diff fails ({expected.output.strip().splitlines()[-1]}), nexo's does not"
        return
    script = text if code == 0 else ""
    by_hand = by_hand_extensions(expected.stdout)
    admin = server_for(by_hand | created_extensions(expected.stdout), pg_server_url, contrib_server)
    if admin is None:
        pytest.skip(f"no server here has the extensions {sorted(by_hand)} (contrib: {contrib_server.reason})")
    db_nexo, nexo_failure = apply_outcome(admin, script, by_hand)
    try:
        if check == "apply":
            if script == expected.stdout:
                prisma_failure = nexo_failure
            else:
                db_prisma, prisma_failure = apply_outcome(admin, expected.stdout, by_hand)
                drop(admin, db_prisma)
            assert nexo_failure == prisma_failure
            return
        if nexo_failure is not None:
            pytest.skip(f"the script does not apply ({nexo_failure}): the apply check covers it")
        _check_roundtrip(prisma_oracle, path, with_database(admin, db_nexo), admin, by_hand, tmp_path, path6)
    finally:
        drop(admin, db_nexo)


def _check_format(oracle: PrismaOracle, path: Path, work: Path) -> None:
    """``nexo format`` on a copy: same exit status and same bytes in the file afterwards as ``prisma format``."""
    from nexo.psl.commands import format_command
    from nexo.psl.errors import PslError

    data = path.read_bytes()
    outcome = oracle.format_text(data.decode("utf-8"), filename=path.name)
    copy = work / path.name
    copy.write_bytes(data)
    try:
        format_command(copy)
        ok = True
    except PslError:
        ok = False
    assert ok == outcome.ok, outcome.result.output
    assert copy.read_bytes().decode("utf-8") == outcome.formatted


def _check_prisma7(path: Path, check: str, work: Path) -> None:
    """``verdict``, ``warnings`` and ``format`` of a Prisma 7 schema: nexo's dialect "7" against Prisma 7's CLI."""
    from nexo.psl.commands import format_command
    from nexo.psl.errors import PslError

    why = oracle7.unavailable()
    if why is not None:
        pytest.skip(f"Prisma 7 oracle: {why}")
    text = path.read_bytes().decode("utf-8")
    ours = nexo_validation(path, "7")
    if check == "verdict":
        theirs = oracle7.validate7(text)
        assert ours.ok == (theirs.returncode == 0), f"{theirs.output}\n---\n{ours.render()}"
        if not ours.ok:
            assert sorted((d.line, d.message) for d in ours.diagnostics) == cli_errors(theirs.output)
    elif check == "warnings":
        theirs = oracle7.validate7(text)
        assert prisma_warnings(theirs.output) == ours.render_warnings().split("warning: ", 1)[0]
    elif check == "format":
        theirs = oracle7.format7(text)
        copy = work / "schema.prisma"
        copy.write_bytes(path.read_bytes())
        try:
            format_command(copy, dialect="7")
            ok = True
        except PslError:
            ok = False
        assert ok == (theirs.returncode == 0), theirs.output
        assert copy.read_bytes().decode("utf-8") == theirs.formatted


def _check_roundtrip(
    oracle: PrismaOracle, path: Path, db_url: str, admin: str, by_hand: set[str], work: Path, path6: Path
) -> None:
    from nexo.migrate.diffcmd import Source as DiffSource
    from nexo.migrate.diffcmd import migrate_diff

    ours = migrate_diff(DiffSource("url", db_url), DiffSource("schema", str(path)), server_url=None).stdout(script=True)
    if "postgresqlExtensions" in path.read_bytes().decode("utf-8"):
        # Prisma's --from-migrations reads the database without the schema's preview features and so
        # re-creates every extension (see tests/migrate/diffcases.py); migrate dev, which reads both
        # sides with them, sees no change: the round trip must end there.
        assert ours == EMPTY + "\n\n"
        return
    theirs = _cached(
        oracle,
        f"rediff-{'+'.join(sorted(by_hand))}",
        path6,
        lambda: _prisma_rediff(oracle, path6, admin, by_hand, work),
    )
    assert theirs.ok, theirs.output
    assert ours == theirs.stdout


def _prisma_rediff(oracle: PrismaOracle, path: Path, admin: str, by_hand: set[str], work: Path) -> OracleResult:
    """``prisma migrate diff --from-migrations DIR --to-schema-datamodel path --script`` where DIR holds
    the extensions installed by hand and Prisma's from-empty script: the database nexo's round trip
    reads, as Prisma's engine builds and introspects it (through the patched driver adapter)."""
    from diffcases import patched_adapter_folder

    shim = work / "cli"
    if not shim.exists():
        patched_adapter_folder(oracle.cache_dir, shim)
    migrations = work / "migrations"
    (migrations / "20240101000000_by_hand").mkdir(parents=True)
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    (migrations / "20240101000000_by_hand" / "migration.sql").write_text(
        "".join(f'CREATE EXTENSION IF NOT EXISTS "{e}";\n' for e in sorted(by_hand)) or "SELECT 1;\n"
    )
    first = prisma_diff(oracle, path)
    if first.stdout.strip() != EMPTY:
        (migrations / "20240101000001_schema").mkdir()
        (migrations / "20240101000001_schema" / "migration.sql").write_text(first.stdout)
    name = f"nexo_rw_shadow_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        cli = PrismaOracle(with_database(admin, name), cache_dir=shim)
        cli._installed = True
        return cli.run(
            "migrate",
            "diff",
            "--from-migrations",
            str(migrations),
            "--to-schema-datamodel",
            str(path),
            "--script",
            env=schema_env(cli, path),
        )
    finally:
        drop(admin, name)
