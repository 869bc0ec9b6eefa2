"""The migration-diff cases under ``tests/migrate/diff_cases/`` and how to (re)generate their expected output.

A case is a folder ``NN_name/`` with ``before.prisma`` and/or ``after.prisma`` (a missing file is
Prisma's ``--from-empty`` / ``--to-empty``) and files written once by the real Prisma CLI 6.19.0:

* ``expected.sql`` — stdout of ``prisma migrate diff --from-… --to-… --script`` (the script plus
  the one ``\\n`` stdout adds);
* ``expected_summary.txt`` — stdout of the same command without ``--script``;
* ``expected_live.sql`` (cases with an ``after.prisma``) — stdout of ``prisma migrate diff
  --from-migrations DIR --to-schema-datamodel after.prisma --script``, where ``DIR`` holds one
  migration, Prisma's from-empty script of ``before.prisma``: the previous state is then a database
  replayed and introspected by Prisma, as in ``migrate dev``. Prisma 6.19's driver adapter cannot
  read PostgreSQL's ``name`` catalog columns, so this runs with a copy of ``@prisma/adapter-pg``
  patched to read unknown column types as text (the engine itself is untouched).
* ``expected_to_live.sql`` — stdout of ``prisma migrate diff --from-schema-datamodel before.prisma
  --to-migrations DIR --script`` (``--from-empty`` without a before), where ``DIR`` holds Prisma's
  from-empty script of after.prisma (nothing without an after): the *to* side is a database, as with
  ``--to-url`` or ``--to-schema-datasource``. Prisma 6.19 then names a single-schema database's
  objects with ``public`` and creates that schema first (:func:`nexo.migrate.differ.diff`'s
  ``after_is_live``). Through the same patched adapter. Not written for case 05, whose database
  (postgis) crashes Prisma's WebAssembly engine ("RuntimeError: unreachable").
* ``expected_rediff.sql`` (only where it is not the empty migration) — what ``migrate dev`` would
  write next, once the diff is applied: stdout of ``prisma migrate diff --from-migrations DIR
  --to-schema-datamodel after.prisma --script`` where ``DIR`` holds before's from-empty script and
  ``expected.sql``. Prisma keeps re-setting some defaults (a DateTime literal it never diffs between
  schemas, a ``dbgenerated`` text PostgreSQL respells or that reads like a literal). Not written for
  a schema with the ``postgresqlExtensions`` preview feature: ``--from-migrations`` describes the
  migrated database without the schema's preview features, so Prisma's diff re-creates every
  extension there (observed on case 91), which ``migrate dev`` — both sides described with the
  schema's features — and nexo do not.

A schema may use an extension's type without declaring the extension (``@db.Citext`` without
``extensions = [citext]``): Prisma's scripts then use the type without creating it, as for a user who
installed the extension by hand. The live and rediff runs do the same (a first migration creates
it, see :func:`by_hand_extensions`) on a server that has it: the embedded one lacks PostgreSQL's
contrib extensions, so those cases run on ``pgservers.ContribServer``'s server.

Regenerate them after adding or changing a case (needs Node.js; runs the CLI 2 at a time)::

    python tests/migrate/diffcases.py [--live | --rediff | --to-live] [NAME_SUBSTRING ...]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nexo.migrate.differ import MigrationPlan, diff
from nexo.psl import validate_path
from nexo.schema import Database, relational_model

CASES_DIR = Path(__file__).resolve().parent / "diff_cases"


@dataclass(frozen=True)
class DiffCase:
    name: str
    folder: Path

    @property
    def before(self) -> Path | None:
        p = self.folder / "before.prisma"
        return p if p.exists() else None

    @property
    def after(self) -> Path | None:
        p = self.folder / "after.prisma"
        return p if p.exists() else None

    @property
    def expected_sql(self) -> Path:
        return self.folder / "expected.sql"

    @property
    def expected_summary(self) -> Path:
        return self.folder / "expected_summary.txt"

    def __str__(self) -> str:
        return self.name


def all_cases() -> list[DiffCase]:
    return [
        DiffCase(d.name, d) for d in sorted(CASES_DIR.iterdir()) if d.is_dir() and not d.name.startswith((".", "_"))
    ]


@cache
def load_model(path: Path) -> Database:
    """The relational model of a schema file (which must be valid)."""
    result = validate_path(path)
    if result.schema is None:
        raise AssertionError(f"{path} is not a valid schema:\n{result.render()}")
    return relational_model(result.schema)


def model_or_none(path: Path | None) -> Database | None:
    return None if path is None else load_model(path)


def nexo_plan(case: DiffCase) -> MigrationPlan:
    return diff(model_or_none(case.before), model_or_none(case.after))


def stdout_script(plan: MigrationPlan) -> str:
    """What ``migrate diff --script`` prints."""
    return plan.stdout(script=True)


def stdout_summary(plan: MigrationPlan) -> str:
    """What ``migrate diff`` prints without ``--script``."""
    return plan.stdout(script=False)


def run_script(conn, script: str) -> None:
    """A migration script as Prisma's native engine sends it: one simple query (one implicit transaction)."""
    if script.strip() and script != "-- This is an empty migration.":
        conn.execute(script.encode("utf-8"), prepare=False)  # bytes → simple query protocol, many statements


def by_hand_extensions(case: DiffCase, *, after_too: bool = True) -> set[str]:
    """Extensions whose types the case's schemas (before's only, unless ``after_too``) use without
    declaring them: Prisma's scripts do not create them, a user installs them by hand."""
    from pgservers import column_type_extensions  # tests/ is on sys.path (pytest, or the tools below)

    before, after = model_or_none(case.before), model_or_none(case.after)
    declared = {x.name for m in (before, after) if m is not None for x in m.extensions}
    return column_type_extensions(before, after if after_too else None) - declared


def install_extensions(conn, names: set[str]) -> None:
    """What the user does by hand for :func:`by_hand_extensions`."""
    for name in sorted(names):
        conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{name}"')


def _by_hand_migration(migrations: Path, case: DiffCase, *, after_too: bool) -> None:
    """The first migration of a history Prisma replays: the extensions installed by hand, if the
    history (before's from-empty script, and the case's diff if ``after_too``) needs any."""
    names = sorted(by_hand_extensions(case, after_too=after_too))
    if names:
        (migrations / "20240100000000_extensions").mkdir()
        (migrations / "20240100000000_extensions" / "migration.sql").write_text(
            "".join(f'CREATE EXTENSION IF NOT EXISTS "{n}";\n' for n in names)
        )


def server_for(case: DiffCase, primary_url: str, contrib, *, after_too: bool = True) -> str | None:
    """``primary_url``, or the URL of ``contrib`` (a ``pgservers.ContribServer``) for a case whose
    history needs an extension installed by hand (see :func:`by_hand_extensions`); None when there is
    no such server (``contrib.reason`` says why)."""
    if not by_hand_extensions(case, after_too=after_too):
        return primary_url
    return contrib.url()


def regenerate(names: list[str]) -> None:  # pragma: no cover - maintenance tool
    tests_dir = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(tests_dir))
    import tempfile

    import pgserver
    from oracle import PrismaOracle

    cases = [c for c in all_cases() if not names or any(n in c.name for n in names)]
    with tempfile.TemporaryDirectory(prefix="nexo-regen-") as tmp:
        srv = pgserver.get_server(Path(tmp) / "pg", cleanup_mode="stop")
        oracle = PrismaOracle(srv.get_uri())

        def run(case: DiffCase) -> str:
            out = []
            for script, target in ((True, case.expected_sql), (False, case.expected_summary)):
                r = oracle.migrate_diff(from_schema=case.before, to_schema=case.after, script=script)
                if not r.ok:
                    return f"{case.name}: prisma failed ({r.returncode}):\n{r.output}"
                target.write_text(r.stdout)
                out.append(target.name)
            return f"{case.name}: wrote {', '.join(out)}"

        try:
            for line in oracle.map(run, cases, workers=2):
                print(line)
        finally:
            srv.cleanup()  # before the folder goes: pgserver's own exit handler needs its files to stop it


def patched_adapter_folder(cache: Path, folder: Path) -> Path:
    """A CLI folder like ``cache`` whose ``@prisma/adapter-pg`` reads unknown column types as text."""
    import shutil

    modules = folder / "node_modules"
    (modules / "@prisma").mkdir(parents=True)
    for entry in (cache / "node_modules").iterdir():
        if entry.name != "@prisma":
            (modules / entry.name).symlink_to(entry)
    for entry in (cache / "node_modules" / "@prisma").iterdir():
        if entry.name != "adapter-pg":
            (modules / "@prisma" / entry.name).symlink_to(entry)
    adapter = modules / "@prisma" / "adapter-pg"
    shutil.copytree(cache / "node_modules" / "@prisma" / "adapter-pg", adapter)
    for name in ("index.js", "index.mjs"):
        js = adapter / "dist" / name
        text = js.read_text()
        throw = "throw new UnsupportedNativeDataType(fieldTypeId);"
        assert text.count(throw) == 1, js
        enum = "import_driver_adapter_utils.ColumnTypeEnum" if name == "index.js" else "ColumnTypeEnum"
        js.write_text(text.replace(throw, f"return {enum}.Text;"))
    for name in ("package.json", "prisma.config.ts", "empty-engine"):
        shutil.copy2(cache / name, folder / name)
    return folder


def live_prisma_diff(base, shim: Path, admin_url: str, case: DiffCase, work: Path):
    """Prisma's ``migrate diff --from-migrations … --to-schema-datamodel after.prisma --script`` for ``case``.

    ``base`` is a :class:`oracle.PrismaOracle` (it writes before's from-empty migration), ``shim`` a
    folder from :func:`patched_adapter_folder`, ``admin_url`` a superuser URL on a server where a
    scratch database (Prisma's shadow database here) is created and dropped. Returns the
    ``OracleResult`` of the diff (or of the failing first step).
    """
    import uuid

    import psycopg
    from oracle import PrismaOracle
    from psycopg import sql

    from nexo.db.urls import with_database

    assert case.after is not None
    migrations = work / f"migrations_{uuid.uuid4().hex[:8]}"
    migrations.mkdir(parents=True)
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    _by_hand_migration(migrations, case, after_too=False)
    if case.before is not None:
        first = base.migrate_diff(from_schema=None, to_schema=case.before, script=True)
        if not first.ok:
            return first
        if first.stdout.strip() != "-- This is an empty migration.":
            (migrations / "20240101000000_before").mkdir()
            (migrations / "20240101000000_before" / "migration.sql").write_text(first.stdout)
    db = f"nexo_live_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(db)))
    try:
        oracle = PrismaOracle(with_database(admin_url, db), cache_dir=shim)
        oracle._installed = True  # the patched copy is complete; never npm-install into it
        return oracle.run(
            "migrate",
            "diff",
            "--from-migrations",
            str(migrations),
            "--to-schema-datamodel",
            str(case.after.resolve()),
            "--script",
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def rediff_prisma(base, shim: Path, admin_url: str, case: DiffCase, work: Path):
    """Prisma's diff from a database migrated by before's from-empty script and ``expected.sql`` to after.

    Arguments as for :func:`live_prisma_diff`; returns the ``OracleResult`` of the diff (or of the
    failing first step).
    """
    import uuid

    import psycopg
    from oracle import PrismaOracle
    from psycopg import sql

    from nexo.db.urls import with_database

    assert case.after is not None
    migrations = work / f"rediff_{uuid.uuid4().hex[:8]}"
    migrations.mkdir(parents=True)
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    _by_hand_migration(migrations, case, after_too=True)
    if case.before is not None:
        first = base.migrate_diff(from_schema=None, to_schema=case.before, script=True)
        if not first.ok:
            return first
        if first.stdout.strip() != "-- This is an empty migration.":
            (migrations / "20240101000000_before").mkdir()
            (migrations / "20240101000000_before" / "migration.sql").write_text(first.stdout)
    step = case.expected_sql.read_text(encoding="utf-8")
    if step.strip() != "-- This is an empty migration.":
        (migrations / "20240102000000_diff").mkdir()
        (migrations / "20240102000000_diff" / "migration.sql").write_text(step)
    db = f"nexo_rediff_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(db)))
    try:
        oracle = PrismaOracle(with_database(admin_url, db), cache_dir=shim)
        oracle._installed = True
        return oracle.run(
            "migrate",
            "diff",
            "--from-migrations",
            str(migrations),
            "--to-schema-datamodel",
            str(case.after.resolve()),
            "--script",
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


EMPTY_STDOUT = "-- This is an empty migration.\n\n"


def _print_all(produce, contrib, srv) -> None:
    """Print the line of each case ``produce()`` returns, then stop both servers, whatever happens."""
    try:
        for line in produce():
            print(line)
    finally:
        contrib.close()
        srv.cleanup()  # before the folder goes: pgserver's own exit handler needs its files to stop it


def _regenerate_with(prefix: str, cases: list[DiffCase], write: Callable[..., str]) -> None:  # pragma: no cover
    """Run ``write(case, server_url, contrib, oracle, shim, root)`` for each case, two at a time, on a
    scratch server (and the contrib server for extension cases) with the patched-adapter Prisma CLI;
    print what each one did."""
    tests_dir = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(tests_dir))
    import tempfile

    import pgserver
    from oracle import PrismaOracle, default_cache_dir
    from pgservers import ContribServer

    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        root = Path(tmp)
        srv = pgserver.get_server(root / "pg", cleanup_mode="stop")
        contrib = ContribServer(srv.get_uri())
        base = PrismaOracle(srv.get_uri())
        base.ensure_installed()
        shim = patched_adapter_folder(default_cache_dir(), root / "cli")
        _print_all(
            lambda: base.map(lambda c: write(c, srv.get_uri(), contrib, base, shim, root), cases, workers=2),
            contrib,
            srv,
        )


def _selected(names: list[str], *, with_after: bool) -> list[DiffCase]:
    return [
        c
        for c in all_cases()
        if (c.after is not None or not with_after) and (not names or any(n in c.name for n in names))
    ]


def regenerate_rediff(names: list[str]) -> None:  # pragma: no cover - maintenance tool
    """Write (or remove, when Prisma sees nothing more to do) ``expected_rediff.sql``."""

    def write(case: DiffCase, server: str, contrib, base, shim: Path, root: Path) -> str:
        target = case.folder / "expected_rediff.sql"
        if load_model(case.after).manages_extensions:  # type: ignore[arg-type]
            return f"{case.name}: skipped (postgresqlExtensions, see the module documentation)"
        url = server_for(case, server, contrib)
        if url is None:
            return f"{case.name}: skipped ({contrib.reason})"
        r = rediff_prisma(base, shim, url, case, root)
        if not r.ok:
            return f"{case.name}: prisma failed ({r.returncode}): {r.output[-600:]}"
        if r.stdout == EMPTY_STDOUT:
            target.unlink(missing_ok=True)
            return f"{case.name}: nothing more to do"
        target.write_text(r.stdout)
        return f"{case.name}: wrote expected_rediff.sql"

    _regenerate_with("nexo-regen-rediff-", _selected(names, with_after=True), write)


def live_prisma_diff_from_sql(shim: Path, admin_url: str, before_sql: str, after: Path, work: Path):
    """Prisma's ``migrate diff --from-migrations … --to-schema-datamodel after --script`` where the one
    migration is ``before_sql`` (hand-written DDL); arguments as for :func:`live_prisma_diff`."""
    import uuid

    import psycopg
    from oracle import PrismaOracle
    from psycopg import sql

    from nexo.db.urls import with_database

    migrations = work / f"migrations_{uuid.uuid4().hex[:8]}"
    (migrations / "20240101000000_before").mkdir(parents=True)
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    (migrations / "20240101000000_before" / "migration.sql").write_text(before_sql)
    db = f"nexo_live_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(db)))
    try:
        oracle = PrismaOracle(with_database(admin_url, db), cache_dir=shim)
        oracle._installed = True
        return oracle.run(
            "migrate",
            "diff",
            "--from-migrations",
            str(migrations),
            "--to-schema-datamodel",
            str(after.resolve()),
            "--script",
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def _from_empty_migrations(base, migrations: Path, case: DiffCase, schema: Path | None, stamp: str):
    """``migrations`` (created) holding the extensions ``case`` installs by hand, then Prisma's from-empty
    script of ``schema`` (none for a missing schema or an empty script); an ``OracleResult`` when Prisma
    fails to write that script, else None."""
    migrations.mkdir(parents=True)
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    _by_hand_migration(migrations, case, after_too=True)
    if schema is None:
        return None
    first = base.migrate_diff(from_schema=None, to_schema=schema, script=True)
    if not first.ok:
        return first
    if first.stdout.strip() != "-- This is an empty migration.":
        (migrations / f"{stamp}_schema").mkdir()
        (migrations / f"{stamp}_schema" / "migration.sql").write_text(first.stdout)
    return None


def to_live_server(case: DiffCase, primary_url: str, contrib) -> str | None:
    """Where the databases of a to-live diff of ``case`` are built: ``primary_url`` when its server has
    every extension the case's scripts create or use (declared ones included: after's script creates
    them), else the contrib server's URL (None when there is none, ``contrib.reason`` says why)."""
    from pgservers import available_extensions

    models = (model_or_none(case.before), model_or_none(case.after))
    needed = by_hand_extensions(case) | {x.name for m in models if m is not None for x in m.extensions}
    if needed <= available_extensions(primary_url):
        return primary_url
    return contrib.url()


def to_live_prisma_diff(base, shim: Path, admin_url: str, case: DiffCase, work: Path, *, from_live: bool = False):
    """Prisma's ``migrate diff --from-schema-datamodel before.prisma --to-migrations DIR --script`` for
    ``case`` (``--from-empty`` without a before), where ``DIR`` holds Prisma's from-empty script of
    after.prisma (no migration without an after: an empty database). With ``from_live`` the *from* side
    is a database too: ``--from-migrations`` of before's from-empty script. Arguments as for
    :func:`live_prisma_diff`; returns the ``OracleResult`` of the diff (or of the failing first step).
    """
    import uuid

    import psycopg
    from oracle import PrismaOracle
    from psycopg import sql

    from nexo.db.urls import with_database

    tag = uuid.uuid4().hex[:8]
    to_dir = work / f"to_live_{tag}"
    failed = _from_empty_migrations(base, to_dir, case, case.after, "20240101000000")
    if failed is not None:
        return failed
    if from_live:
        from_dir = work / f"from_live_{tag}"
        failed = _from_empty_migrations(base, from_dir, case, case.before, "20240101000000")
        if failed is not None:
            return failed
        source = ["--from-migrations", str(from_dir)]
    elif case.before is not None:
        source = ["--from-schema-datamodel", str(case.before.resolve())]
    else:
        source = ["--from-empty"]
    db = f"nexo_to_live_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(db)))
    try:
        oracle = PrismaOracle(with_database(admin_url, db), cache_dir=shim)
        oracle._installed = True
        return oracle.run("migrate", "diff", *source, "--to-migrations", str(to_dir), "--script")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def regenerate_live(names: list[str]) -> None:  # pragma: no cover - maintenance tool
    """Write ``expected_live.sql`` (see the module documentation)."""

    def write(case: DiffCase, server: str, contrib, base, shim: Path, root: Path) -> str:
        url = server_for(case, server, contrib, after_too=False)
        if url is None:
            return f"{case.name}: skipped ({contrib.reason})"
        r = live_prisma_diff(base, shim, url, case, root)
        if not r.ok:
            return f"{case.name}: prisma failed ({r.returncode}): {r.output[-600:]}"
        (case.folder / "expected_live.sql").write_text(r.stdout)
        return f"{case.name}: wrote expected_live.sql"

    _regenerate_with("nexo-regen-live-", _selected(names, with_after=True), write)


def regenerate_to_live(names: list[str]) -> None:  # pragma: no cover - maintenance tool
    """Write ``expected_to_live.sql`` (see the module documentation)."""

    def write(case: DiffCase, server: str, contrib, base, shim: Path, root: Path) -> str:
        url = to_live_server(case, server, contrib)
        if url is None:
            return f"{case.name}: skipped ({contrib.reason})"
        r = to_live_prisma_diff(base, shim, url, case, root)
        if not r.ok:
            return f"{case.name}: prisma failed ({r.returncode}): {r.output[-600:]}"
        (case.folder / "expected_to_live.sql").write_text(r.stdout)
        return f"{case.name}: wrote expected_to_live.sql"

    _regenerate_with("nexo-regen-to-live-", _selected(names, with_after=False), write)


if __name__ == "__main__":  # pragma: no cover
    args = sys.argv[1:]
    if "--to-live" in args:
        regenerate_to_live([a for a in args if a != "--to-live"])
    elif "--live" in args:
        regenerate_live([a for a in args if a != "--live"])
    elif "--rediff" in args:
        regenerate_rediff([a for a in args if a != "--rediff"])
    else:
        regenerate(args)
