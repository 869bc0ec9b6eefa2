"""The ``nexo`` command line: argument parsing and printing only.

Each command calls one function of the package (``nexo.orchestrate``, ``nexo.matrix``,
``nexo.psl``) and prints what it returns. Exit codes: 0 ok, 1 a user-facing failure (bad input,
failed migration, failed check), 2 a usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from nexo import failure
from nexo.config import Config, load_config
from nexo.db.urls import mask_text
from nexo.errors import NexoError

if TYPE_CHECKING:
    from nexo.migrate.dev import AskName
    from nexo.migrate.reset import Confirm

T = TypeVar("T")

app = typer.Typer(
    name="nexo",
    help="One schema.prisma for a multi-tenant PostgreSQL: Prisma-format migrations, a versioned SQL layer "
    "(RLS, triggers, functions) and a version matrix.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _LazyConsole:
    """A Rich console made on first use: commands that print plain text (diff, validate, --version)
    never import Rich (~40 ms of start-up). ``console`` is the Rich console itself, for code that
    hands it on (progress bars, reports)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    @property
    def console(self) -> Any:  # rich.console.Console
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


out = _LazyConsole(highlight=False, soft_wrap=True)
err = _LazyConsole(stderr=True, highlight=False, soft_wrap=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="Database URL (default: DATABASE_URL, then the embedded server).", show_default=False
    ),
]
Project = Annotated[
    Path | None,
    typer.Option("--project", help="Project folder (default: the nearest one with [tool.nexo]).", show_default=False),
]

#: set while parsing a command given ``--json``: every failure is then one JSON object on stdout
_JSON_MODE = False


def _json_mode(value: bool) -> bool:
    global _JSON_MODE
    if value:
        _JSON_MODE = True
    return value


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.", callback=_json_mode)]


def _config(project: Path | None, database_url: str | None) -> Config:
    """The project's configuration; a bad pyproject.toml is a message naming it and exit 1, not a traceback."""
    return _run(lambda: load_config(project, database_url=database_url))


def _run(fn: Callable[[], T]) -> T:
    """Run a command body; turn nexo and database errors into a message (with ``--json``: one JSON object on
    stdout) and exit code 1."""
    try:
        return fn()
    except NexoError as exc:
        if _JSON_MODE:
            _json(failure.payload(exc))
        else:
            err.print(mask_text(str(exc)), markup=False)
        raise typer.Exit(1) from None
    except Exception as exc:
        psycopg = sys.modules.get("psycopg")  # a database error can only come from a loaded driver
        if psycopg is None or not isinstance(exc, psycopg.Error):
            if _JSON_MODE:  # still one JSON object for automation; the traceback goes to stderr
                _json(failure.payload(exc, code="NEXO_INTERNAL"))
            raise
        if _JSON_MODE:
            _json(failure.payload(exc))
        else:
            err.print(f"Error: database error\n\n{mask_text(str(exc).strip())}", markup=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        message = "Interrupted: the current step was rolled back; nothing half-applied was recorded."
        if _JSON_MODE:
            _json({"ok": False, "error": {"code": "NEXO_INTERRUPTED", "message": message, "hints": []}})
        else:
            err.print(message)
        raise typer.Exit(130) from None


def _usage_error(message: str) -> NoReturn:
    """A usage error found by a command itself (exit 2)."""
    if _JSON_MODE:
        _json(failure.usage_payload(message))
    else:
        err.print(message, markup=False)
    raise typer.Exit(2)


def _json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


def _say_target(description: str, quiet: bool) -> None:
    if not quiet:
        err.print(f"[dim]Database:[/] {description}")


def _say_files(config: Config, quiet: bool) -> None:
    """Which schema and migrations folder the command uses, and where each came from (stderr)."""
    if not quiet and config.layout is not None:
        for line in config.layout.lines():
            err.print(line, markup=False, style="dim")


def _with_files(data: dict[str, Any], config: Config) -> dict[str, Any]:
    return {**data, "files": config.files()}


def version_callback(value: bool) -> None:
    if value:
        from nexo import __version__, _compiled

        typer.echo(f"nexo {__version__} ({_compiled.STATE})")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print nexo's version.")
    ] = False,
) -> None:
    """nexo: Prisma-compatible migrations, an SQL layer and a version matrix for multi-tenant PostgreSQL."""


# --- embedded server --------------------------------------------------------------------------


@app.command("db:up")
def db_up(project: Project = None) -> None:
    """Start the embedded PostgreSQL (data in .nexo/pgdata) and print its URL."""
    from nexo import orchestrate

    url = _run(lambda: orchestrate.embedded_up(_config(project, None)))
    out.print(url, markup=False)


@app.command("db:down")
def db_down(project: Project = None) -> None:
    """Stop the embedded PostgreSQL."""
    from nexo import orchestrate

    stopped = _run(lambda: orchestrate.embedded_down(_config(project, None)))
    err.print("Embedded PostgreSQL stopped." if stopped else "Embedded PostgreSQL was not running.")


@app.command("db:url")
def db_url(project: Project = None, database_url: DatabaseUrl = None) -> None:
    """Print the URL of the database commands use (password masked)."""
    from nexo import orchestrate

    target = _run(lambda: orchestrate.target(_config(project, database_url)))
    out.print(target.masked, markup=False)


# --- migrate ----------------------------------------------------------------------------------


@app.command("db:migrate")
def db_migrate(
    project: Project = None,
    database_url: DatabaseUrl = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would run; change nothing.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Apply pending Prisma migrations, then pending SQL-layer files, under one lock."""
    from nexo import orchestrate, report

    config = _config(project, database_url)
    _say_files(config, as_json)
    if dry_run:
        plan = _run(lambda: orchestrate.dry_run(config, on_target=lambda d: _say_target(d, as_json)))
        blocked = [b for b in (plan.prisma_blocked, plan.sql_blocked) if b]
        if as_json:
            data = _with_files(plan.to_dict(), config)
            if blocked:
                data["error"] = failure.plan_blocked(blocked)
            _json(data)
        else:
            report.print_plan(plan, out.console)
        if blocked:  # db:migrate would refuse: a CI job must see it
            raise typer.Exit(1)
        return
    with report.progress(err.console, enabled=not as_json) as on_event:
        result = _run(
            lambda: orchestrate.migrate(config, on_event=on_event, on_target=lambda d: _say_target(d, as_json))
        )
    _json(_with_files(result.to_dict(), config)) if as_json else report.print_migrate(result, out.console)


@app.command("db:migrate:dry")
def db_migrate_dry(project: Project = None, database_url: DatabaseUrl = None, as_json: JsonFlag = False) -> None:
    """List exactly what db:migrate would run, in order, with checksums; change nothing."""
    db_migrate(project=project, database_url=database_url, dry_run=True, as_json=as_json)


@app.command("db:migrate:deploy")
def db_migrate_deploy(project: Project = None, database_url: DatabaseUrl = None, as_json: JsonFlag = False) -> None:
    """Apply pending Prisma migrations only (like prisma migrate deploy)."""
    from nexo import orchestrate, report

    config = _config(project, database_url)
    _say_files(config, as_json)
    with report.progress(err.console, enabled=not as_json) as on_event:
        result = _run(
            lambda: orchestrate.deploy(config, on_event=on_event, on_target=lambda d: _say_target(d, as_json))
        )
    _json(_with_files(result.to_dict(), config)) if as_json else report.print_migrate(result, out.console)


@app.command("db:migrate:status")
def db_migrate_status(project: Project = None, database_url: DatabaseUrl = None, as_json: JsonFlag = False) -> None:
    """Compare prisma_migrations/ and sql/ with the database (exit 1 when not up to date)."""
    from nexo import orchestrate, report

    config = _config(project, database_url)
    _say_files(config, as_json)
    st = _run(lambda: orchestrate.status(config, on_target=lambda d: _say_target(d, as_json), drift=True))
    if as_json:
        data = _with_files(st.to_dict(), config)
        if not st.up_to_date:
            data["error"] = failure.not_up_to_date(st.not_up_to_date())
        _json(data)
    else:
        report.print_status(
            st,
            out.console,
            directory_label=config.layout.rel(config.migrations_dir) if config.layout else "prisma_migrations",
        )
    if not st.up_to_date:
        raise typer.Exit(1)


@app.command("db:migrate:resolve")
def db_migrate_resolve(
    applied: Annotated[
        str | None, typer.Option("--applied", help="Record migration NAME as applied.", show_default=False)
    ] = None,
    rolled_back: Annotated[
        str | None,
        typer.Option("--rolled-back", help="Record failed migration NAME as rolled back.", show_default=False),
    ] = None,
    sql_checksum: Annotated[
        str | None,
        typer.Option(
            "--sql-checksum",
            help="Re-record the checksum of applied SQL-layer file VERSION after a reviewed edit (not run again).",
            show_default=False,
        ),
    ] = None,
    project: Project = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Resolve a failed Prisma migration: mark it --applied or --rolled-back (like prisma migrate resolve);
    or accept a reviewed edit of an applied SQL-layer file (--sql-checksum VERSION)."""
    from nexo import orchestrate

    if sum(x is not None for x in (applied, rolled_back, sql_checksum)) != 1:
        _usage_error("Give exactly one of --applied NAME, --rolled-back NAME or --sql-checksum VERSION.")
    config = _config(project, database_url)
    message = _run(
        lambda: orchestrate.resolve(
            config,
            applied=applied,
            rolled_back=rolled_back,
            sql_checksum=sql_checksum,
            on_target=lambda d: _say_target(d, False),
        )
    )
    out.print(message, markup=False)


@app.command("db:rollback")
def db_rollback(
    steps: Annotated[
        int | None, typer.Option("--steps", min=1, help="Roll back the last N SQL-layer files.", show_default=False)
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Roll back every SQL-layer file after VERSION.", show_default=False)
    ] = None,
    project: Project = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Run SQL-layer rollback twins (.down.sql) in reverse order; refuses if a twin is missing."""
    from nexo import orchestrate, report

    if steps is not None and to is not None:
        _usage_error("Give --steps N or --to VERSION, not both.")
    config = _config(project, database_url)
    result = _run(
        lambda: orchestrate.rollback(
            config, steps=steps if to is None else None, to=to, on_target=lambda d: _say_target(d, as_json)
        )
    )
    _json(report.rollback_dict(result)) if as_json else report.print_rollback(result, out.console)


@app.command("db:version")
def db_version(
    project: Project = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print a version document (history + matrix) in Markdown.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Exit 1 when anything is pending, failed or changed, the database drifted from the schema, "
            "or RLS is incomplete.",
        ),
    ] = False,
) -> None:
    """Show the version matrix: schema versions, pending/failed steps, software versions, RLS status."""
    from nexo import matrix

    config = _config(project, database_url)
    _say_files(config, as_json or markdown)
    m = _run(lambda: matrix.collect(config, on_target=lambda d: _say_target(d, as_json or markdown)))
    if as_json:
        data = _with_files(m.to_dict(), config)
        if check and data["problems"]:
            data["error"] = failure.check_failed(m.problems())
        _json(data)
    elif markdown:
        sys.stdout.write(matrix.render_markdown(m))
    else:
        matrix.render_table(m, out.console)
    if check:
        problems = m.problems()
        if problems:
            if not as_json:
                err.print("[red]Check failed:[/]")
                for p in problems:
                    err.print(f"  - {p}", markup=False)
            raise typer.Exit(1)
        if not as_json:
            err.print("[green]Check passed.[/]")


# --- schema (validate, format) ------------------------------------------------------------------

SchemaPath = Annotated[
    Path | None,
    typer.Option(
        "--schema", help="Schema file, or folder of .prisma files (default: [tool.nexo] schema).", show_default=False
    ),
]


def _schema_and_dialect(schema: Path | None, project: Path | None) -> tuple[Path, str]:
    """The schema to validate/format and the Prisma version whose rules apply to it (``"6"`` or ``"7"``):
    the project's (:func:`nexo.layout.detect_dialect`); for a ``--schema`` outside any readable project,
    Prisma 7's when that schema's datasource has no ``url``."""
    from nexo.errors import ConfigError
    from nexo.layout import schema_has_url

    if schema is None:
        config = _config(project, None)
        return config.schema, config.prisma.version
    try:
        return schema, load_config(project, schema=schema).prisma.version
    except ConfigError:
        return schema, "7" if schema_has_url(schema) is False else "6"


@app.command("validate")
def validate(
    schema: SchemaPath = None,
    project: Project = None,
    as_json: JsonFlag = False,
    citus: Annotated[
        bool,
        typer.Option("--citus", help="Also check Citus readiness ([tool.nexo.citus]): keys, foreign keys, sql/."),
    ] = False,
) -> None:
    """Validate the schema like prisma validate: print "valid" or every error (exit 1 on errors)."""
    from nexo.psl.commands import validate_command

    path, dialect = _schema_and_dialect(schema, project)
    report = _run(lambda: validate_command(path, dialect))
    warnings = report.result.render_warnings()
    if warnings and not as_json:  # before the verdict, on stderr, as Prisma prints them
        err.print(warnings.rstrip("\n"), markup=False)
    findings = None
    if citus and report.ok:
        from nexo.citus import readiness

        config = _config(project, None)
        findings = _run(lambda: readiness(config, schema=path))
    if as_json:
        data = report.to_dict()
        problem = None if report.ok else ("P1012", mask_text(report.text()))
        if findings is not None:
            data["citus"] = {"ready": not findings, "findings": [f.to_dict() for f in findings]}
            if findings:
                problem = ("NEXO_CITUS_NOT_READY", f"{len(findings)} Citus readiness finding(s).")
        _json(failure.with_error(data, problem))
    elif report.ok:
        out.print(report.text(), markup=False)
        if findings is not None:
            for f in findings:
                err.print(f.text(), markup=False)
            out.print(
                f"{len(findings)} Citus readiness finding(s)." if findings else "The schema is ready for Citus.",
                markup=False,
            )
    else:
        err.print(mask_text(report.text()), markup=False)
    if not report.ok or findings:
        raise typer.Exit(1)


@app.command("format")
def format_(
    schema: SchemaPath = None,
    project: Project = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 when a file is not formatted.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Rewrite the schema in Prisma's canonical format (like prisma format); --check only checks."""
    from nexo.psl.commands import format_command

    path, dialect = _schema_and_dialect(schema, project)
    result = _run(lambda: format_command(path, check=check, dialect=dialect))
    if result.warnings and not as_json:
        err.print(result.warnings.rstrip("\n"), markup=False)
    if as_json:
        problem = ("NEXO_FORMAT", "\n".join(result.messages())) if result.failed else None
        _json(failure.with_error(result.to_dict(), problem))
    else:
        for line in result.messages():
            (err if result.failed else out).print(line, markup=False)
    if result.failed:
        raise typer.Exit(1)


# --- schema-driven migrations: dev, diff, push, reset ------------------------------------------


def _terminal_confirm() -> Confirm | None:
    """A confirmation prompt on the terminal, or ``None`` when stdin is not one (or CI is set)."""
    import os

    if not sys.stdin.isatty() or os.environ.get("CI"):
        return None

    def confirm(explanation: str, question: str) -> bool:
        err.print(explanation, markup=False)
        return typer.confirm(question, default=False, err=True)

    return confirm


@contextmanager
def _progress_then_report(print_report: Callable[[Any, Any], None], as_json: bool) -> Iterator[tuple[Any, Any]]:
    """The progress callback for the database work, and the ``before_seed`` hook that ends the bar and
    prints the report (unless ``--json``) before a seed command writes to the terminal."""
    from contextlib import ExitStack

    from nexo import report

    with ExitStack() as bar:
        on_event = bar.enter_context(report.progress(err.console, enabled=not as_json))

        def before_seed(done: Any) -> None:
            bar.close()
            if not as_json:
                print_report(done, out.console)

        yield on_event, before_seed


def _terminal_ask_name() -> AskName | None:
    """Prisma's prompt for the new migration's name, or ``None`` when stdin is not a terminal (or CI is set)."""
    if _terminal_confirm() is None:
        return None

    def ask() -> str | None:
        try:
            name: str = typer.prompt("Enter a name for the new migration", default="", show_default=False, err=True)
            return name
        except typer.Abort:  # Ctrl-C or end of input
            return None

    return ask


ShadowUrl = Annotated[
    str | None,
    typer.Option(
        "--shadow-database-url",
        help="An existing database to use (and wipe) as shadow database (default: shadowDatabaseUrl of the "
        "datasource, else a temporary database on the same server, always dropped).",
        show_default=False,
    ),
]
AcceptDataLoss = Annotated[
    bool,
    typer.Option("--accept-data-loss", help="Apply destructive changes without asking (needed without a terminal)."),
]


@app.command("db:migrate:dev")
def db_migrate_dev(
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            "-n",
            show_default=False,
            help="Name of the new migration (slugged like Prisma). Asked for on a terminal when a migration is "
            "written; without one the folder is just the timestamp.",
        ),
    ] = None,
    create_only: Annotated[
        bool, typer.Option("--create-only", help="Write the migration but do not apply it.")
    ] = False,
    accept_data_loss: AcceptDataLoss = False,
    shadow_database_url: ShadowUrl = None,
    skip_generate: Annotated[
        bool, typer.Option("--skip-generate", help="Do not run the schema's client generators afterwards.")
    ] = False,
    skip_seed: Annotated[
        bool,
        typer.Option("--skip-seed", help="Do not run the seed command after creating a database that did not exist."),
    ] = False,
    project: Project = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a migration from schema.prisma changes and apply it, then the SQL layer, then the client
    generators (like prisma migrate dev). A missing database is created first, and then seeded."""
    from nexo import orchestrate, report

    config = _config(project, database_url)
    _say_files(config, as_json)
    with _progress_then_report(report.print_dev, as_json) as (on_event, before_seed):
        result = _run(
            lambda: orchestrate.migrate_dev(
                config,
                name=name,
                create_only=create_only,
                accept_data_loss=accept_data_loss,
                confirm=_terminal_confirm(),
                ask_name=_terminal_ask_name(),
                shadow_database_url=shadow_database_url,
                skip_generate=skip_generate,
                skip_seed=skip_seed,
                seed_output=sys.stderr if as_json else sys.stdout,  # --json: stdout holds the JSON only
                before_seed=before_seed,
                on_event=on_event,
                on_target=lambda d: _say_target(d, as_json),
                on_warnings=None if as_json else lambda text: err.print(text.rstrip("\n"), markup=False),
            )
        )
    unprotected = [] if create_only else _run(lambda: _tables_without_policy(config))
    if as_json:
        _json(
            _with_files(
                failure.with_error(
                    {**result.to_dict(), "tenant_tables_without_policy": unprotected},
                    failure.after_work(result.generate, result.seed, result.seed_error),
                ),
                config,
            )
        )
    elif unprotected:
        err.print(
            f"Hint: tenant table(s) without a row-level-security policy: {', '.join(unprotected)}. "
            "`nexo rls:scaffold` writes the sql/ file that protects them.",
            markup=False,
        )
    failed = report.print_generate_error(result.generate, err.console)
    if report.print_seed_error(result.seed, err.console, result.seed_error) or failed:
        raise typer.Exit(1)


def _tables_without_policy(config: Config) -> list[str]:
    from nexo import orchestrate, scaffold

    return scaffold.policy_hint(config, orchestrate.target(config).url)


@app.command("db:migrate:diff")
def db_migrate_diff(
    from_empty: Annotated[bool, typer.Option("--from-empty", help="From an empty schema.")] = False,
    to_empty: Annotated[bool, typer.Option("--to-empty", help="To an empty schema.")] = False,
    from_schema: Annotated[
        Path | None,
        typer.Option(
            "--from-schema-datamodel", "--from-schema", help="From a schema.prisma file or folder.", show_default=False
        ),
    ] = None,
    to_schema: Annotated[
        Path | None,
        typer.Option(
            "--to-schema-datamodel", "--to-schema", help="To a schema.prisma file or folder.", show_default=False
        ),
    ] = None,
    from_migrations: Annotated[
        Path | None,
        typer.Option(
            "--from-migrations", help="From a migrations directory (replayed in a shadow database).", show_default=False
        ),
    ] = None,
    to_migrations: Annotated[
        Path | None,
        typer.Option(
            "--to-migrations", help="To a migrations directory (replayed in a shadow database).", show_default=False
        ),
    ] = None,
    from_url: Annotated[
        str | None, typer.Option("--from-url", help="From a live database (introspected).", show_default=False)
    ] = None,
    to_url: Annotated[
        str | None, typer.Option("--to-url", help="To a live database (introspected).", show_default=False)
    ] = None,
    from_datasource: Annotated[
        Path | None,
        typer.Option(
            "--from-schema-datasource",
            help="From the database a schema's datasource URL points to (introspected).",
            show_default=False,
        ),
    ] = None,
    to_datasource: Annotated[
        Path | None,
        typer.Option(
            "--to-schema-datasource",
            help="To the database a schema's datasource URL points to (introspected).",
            show_default=False,
        ),
    ] = None,
    from_config: Annotated[
        bool,
        typer.Option(
            "--from-config-datasource",
            help="From the project's database (prisma.config.ts datasource.url, else DATABASE_URL; Prisma 7).",
        ),
    ] = False,
    to_config: Annotated[
        bool,
        typer.Option(
            "--to-config-datasource",
            help="To the project's database (prisma.config.ts datasource.url, else DATABASE_URL; Prisma 7).",
        ),
    ] = False,
    script: Annotated[bool, typer.Option("--script", help="Print the SQL script instead of a summary.")] = False,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 0 when the diff is empty, 2 when not, 1 on error.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.", show_default=False)
    ] = None,
    shadow_database_url: ShadowUrl = None,
    project: Project = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Compare two schema sources; print SQL (--script) or a summary (like prisma migrate diff). Read-only."""
    from nexo.migrate.diffcmd import migrate_diff_for_project, pick_source

    try:
        src = pick_source(
            "from",
            {
                "empty": from_empty,
                "schema": from_schema,
                "schema-datasource": from_datasource,
                "config-datasource": from_config,
                "migrations": from_migrations,
                "url": from_url,
            },
        )
        dst = pick_source(
            "to",
            {
                "empty": to_empty,
                "schema": to_schema,
                "schema-datasource": to_datasource,
                "config-datasource": to_config,
                "migrations": to_migrations,
                "url": to_url,
            },
        )
    except NexoError as exc:  # a usage error; with --exit-code, 2 means "changes", so Prisma's 1
        if _JSON_MODE:
            _json(failure.payload(exc, code="NEXO_USAGE"))
        else:
            err.print(str(exc), markup=False)
        raise typer.Exit(1 if exit_code else 2) from None
    outcome = _run(
        lambda: migrate_diff_for_project(
            _config(project, database_url), src, dst, shadow_database_url=shadow_database_url
        )
    )
    if output is not None:
        output.write_bytes(outcome.file_text(script).encode("utf-8"))
    else:
        sys.stdout.write(outcome.stdout(script, exit_code))
    code = outcome.exit_code(exit_code)
    if code:
        raise typer.Exit(code)


@app.command("db:push")
def db_push(
    accept_data_loss: AcceptDataLoss = False,
    force_reset: Annotated[
        bool,
        typer.Option(
            "--force-reset",
            help="Drop everything in the target schema first (like db:reset; all data is lost), then push.",
        ),
    ] = False,
    production: Annotated[
        bool,
        typer.Option(
            "--i-know-this-is-production", help="Needed with --force-reset when the database name contains 'prod'."
        ),
    ] = False,
    skip_generate: Annotated[
        bool, typer.Option("--skip-generate", help="Do not run the schema's client generators afterwards.")
    ] = False,
    project: Project = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Make the database match schema.prisma without a migration file (development), then the SQL layer,
    then the client generators."""
    from nexo import orchestrate, report

    config = _config(project, database_url)
    _say_files(config, as_json)
    with report.progress(err.console, enabled=not as_json) as on_event:
        result = _run(
            lambda: orchestrate.push(
                config,
                accept_data_loss=accept_data_loss,
                force_reset=force_reset,
                production_ok=production,
                confirm=_terminal_confirm(),
                skip_generate=skip_generate,
                on_event=on_event,
                on_target=lambda d: _say_target(d, as_json),
            )
        )
    if as_json:
        _json(_with_files(failure.with_error(result.to_dict(), failure.after_work(result.generate)), config))
    else:
        report.print_push(result, out.console)
    if report.print_generate_error(result.generate, err.console):
        raise typer.Exit(1)


@app.command("db:reset")
def db_reset(
    force: Annotated[bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")] = False,
    skip_sql: Annotated[
        bool, typer.Option("--skip-sql", help="Re-apply the Prisma migrations only, not the SQL layer.")
    ] = False,
    production: Annotated[
        bool, typer.Option("--i-know-this-is-production", help="Needed as well when the database name contains 'prod'.")
    ] = False,
    skip_generate: Annotated[
        bool, typer.Option("--skip-generate", help="Do not run the schema's client generators afterwards.")
    ] = False,
    skip_seed: Annotated[
        bool, typer.Option("--skip-seed", help="Do not run the project's seed command afterwards.")
    ] = False,
    project: Project = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Drop everything in the target schema, re-apply all Prisma migrations, then the SQL layer, then the
    client generators, then the seed command. Roles are kept."""
    from nexo import orchestrate, report

    config = _config(project, database_url)
    _say_files(config, as_json)
    with _progress_then_report(report.print_reset, as_json) as (on_event, before_seed):
        result = _run(
            lambda: orchestrate.reset(
                config,
                force=force,
                skip_sql=skip_sql,
                production_ok=production,
                confirm=None if force else _terminal_confirm(),
                skip_generate=skip_generate,
                skip_seed=skip_seed,
                seed_output=sys.stderr if as_json else sys.stdout,  # --json: stdout holds the JSON only
                before_seed=before_seed,
                on_event=on_event,
                on_target=lambda d: _say_target(d, as_json),
            )
        )
    if as_json:
        _json(
            _with_files(failure.with_error(result.to_dict(), failure.after_work(result.generate, result.seed)), config)
        )
    failed = report.print_generate_error(result.generate, err.console)
    if report.print_seed_error(result.seed, err.console) or failed:
        raise typer.Exit(1)


@app.command("db:seed")
def db_seed(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="Arguments for the seed command; put them after -- (nexo db:seed -- --count 10).", show_default=False
        ),
    ] = None,
    project: Project = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Run the project's seed command (the seed setting of the tool.nexo table in pyproject.toml) with
    DATABASE_URL set to the database, like prisma db seed. Nothing happens when none is configured."""
    from nexo import orchestrate

    config = _config(project, database_url)
    _run(lambda: orchestrate.seed(config, args=args or (), on_target=lambda d: _say_target(d, False)))


# --- project set-up: init, rls:scaffold ------------------------------------------------------------


@app.command("init")
def init(
    from_prisma: Annotated[
        bool,
        typer.Option(
            "--from-prisma",
            help="In an existing Prisma project: write only the tool.nexo table of pyproject.toml, pointing at "
            "the schema and migrations where they are.",
        ),
    ] = False,
    project: Annotated[
        Path | None, typer.Option("--project", help="Folder (default: the current one).", show_default=False)
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Start a nexo project here: schema, migrations, SQL layer with RLS, config (--from-prisma: adopt a Prisma project)."""
    from nexo import init as setup

    root = project or Path.cwd()
    result = _run(lambda: setup.init_from_prisma(root) if from_prisma else setup.init(root))
    _json(result.to_dict()) if as_json else out.print("\n".join(result.lines()), markup=False)


@app.command("rls:scaffold")
def rls_scaffold(
    name: Annotated[str, typer.Option("--name", help="Name part of the new sql/ file (<version>_<name>.sql).")] = "rls",
    project: Project = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
) -> None:
    """Write a new versioned sql/ file (and its .down.sql) with GRANTs, ENABLE + FORCE RLS and the tenant
    policy for every tenant table that lacks them."""
    from nexo import scaffold

    config = _config(project, database_url)
    _say_files(config, as_json)
    result = _run(lambda: scaffold.scaffold(config, name=name))
    _json(_with_files(result.to_dict(), config)) if as_json else out.print("\n".join(result.lines()), markup=False)


# --- client generator ---------------------------------------------------------------------------


@app.command("db:generate")
def db_generate(
    schema: SchemaPath = None,
    project: Project = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Generate again whenever the schema changes (Ctrl-C stops).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Generate the typed Python client (Prisma Client Python–compatible) from the schema's generator blocks."""
    from nexo import generator

    if not watch:
        result = _run(lambda: generator.generate(schema, project=project))
        _json(result.to_dict()) if as_json else out.print(result.render(), markup=False)
        return

    def show(result: object) -> None:
        if isinstance(result, generator.GenerateResult):
            _json(result.to_dict()) if as_json else out.print(result.render(), markup=False)
        else:
            err.print(mask_text(str(result)), markup=False)
        if not as_json:
            err.print("[dim]Watching the schema for changes (Ctrl-C stops)...[/]")

    import threading

    try:
        generator.watch(schema, project=project, on_result=show, stop=threading.Event())
    except KeyboardInterrupt:
        err.print("Stopped watching.")


@app.command("db:studio")
def db_studio(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 to serve the studio on.")] = 5555,
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open the studio in a web browser.")] = True,
    tenant: Annotated[
        str | None,
        typer.Option(
            "--tenant",
            metavar="ACCOUNT_ID",
            help="Show only this tenant's rows: every query runs in its tenant session as the app role (RLS).",
            show_default=False,
        ),
    ] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Refuse every write (for production).")] = False,
    project: Project = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
) -> None:
    r"""A local web page to browse and fix the project's data, tenant by tenant (pip install 'nexo\[studio]')."""
    from nexo import studio

    _run(studio.require_extra)
    config = _config(project, database_url)

    def ready(info: studio.StudioInfo) -> None:
        if as_json:
            _json(
                {
                    "url": info.url,
                    "port": info.port,
                    "database": info.database,
                    "tenant": info.tenant,
                    "read_only": info.read_only,
                }
            )
            sys.stdout.flush()
        else:
            err.print(f"[dim]Database:[/] {info.database}")
            out.print(f"nexo studio: {info.url}", markup=False)
            out.print("Press Ctrl-C to stop.", markup=False)
        if browser:
            import webbrowser

            webbrowser.open(info.url)

    try:
        _run(lambda: studio.serve(config, port=port, tenant=tenant, read_only=read_only, on_ready=ready))
    except KeyboardInterrupt:
        err.print("Studio stopped.")


def main() -> None:
    import os

    if os.environ.get("_NEXO_COMPLETE") == "complete_bash":  # bash splits colon commands apart
        from nexo.completion import run_bash_completion

        run_bash_completion(app)
    args = sys.argv[1:]
    if "--json" not in (args[: args.index("--")] if "--" in args else args):
        app()
        return
    # --json: a usage error (unknown option, missing value) is one JSON object on stdout too. Typer may
    # vendor Click, so its exceptions are recognised by what they carry.
    try:
        rc = app(standalone_mode=False)  # returns the code of typer.Exit
    except typer.Exit as exc:
        sys.exit(getattr(exc, "exit_code", 1))
    except typer.Abort:
        _json(failure.usage_payload("Aborted."))
        sys.exit(1)
    except Exception as exc:
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        _json(failure.usage_payload(exc.format_message()))
        sys.exit(exc.exit_code)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
