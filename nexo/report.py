"""Printing results for people: progress while migrating, and short reports after.

Everything here takes the result objects of :mod:`nexo.orchestrate` and a Rich console; nothing
here talks to the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from nexo.db.urls import mask_text
from nexo.errors import NexoError
from nexo.orchestrate import (
    DevReport,
    GenerateStep,
    MigrateResult,
    OnEvent,
    Plan,
    PushReport,
    ResetReport,
    Status,
)

if TYPE_CHECKING:
    from nexo import sqllayer
    from nexo.db.create import CreatedDatabase
    from nexo.migrate.drift import DriftReport
    from nexo.seed import SeedResult


@contextmanager
def progress(console: Console, *, enabled: bool = True) -> Iterator[OnEvent | None]:
    """A progress callback: a Rich bar on a terminal, plain lines otherwise, nothing when disabled."""
    if not enabled:
        yield None
        return
    if console.is_terminal:
        with Progress(
            TextColumn("[bold]{task.fields[ledger]}[/]"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def on_bar(ledger: str, phase: str, index: int, total: int, label: str, seconds: float | None) -> None:
                if ledger not in tasks:
                    tasks[ledger] = bar.add_task(label, total=total, ledger=ledger)
                task = tasks[ledger]
                if phase == "start":
                    bar.update(task, description=label)
                else:
                    bar.update(task, completed=index)
                    mark = "[green]✔[/]" if phase == "done" else "[red]✘[/]"
                    took = f" ({seconds * 1000:.0f} ms)" if seconds is not None else ""
                    console.print(f"{mark} {ledger}: {label}{took}")

            yield on_bar
        return

    def on_line(ledger: str, phase: str, index: int, total: int, label: str, seconds: float | None) -> None:
        if phase == "start":
            console.print(f"[{index}/{total}] {ledger}: applying {label} ...", markup=False)
        elif phase == "done":
            took = f" in {seconds * 1000:.0f} ms" if seconds is not None else ""
            console.print(f"[{index}/{total}] {ledger}: applied {label}{took}", markup=False)
        else:
            console.print(f"[{index}/{total}] {ledger}: FAILED {label}", markup=False)

    yield on_line


def print_created(created: CreatedDatabase | None, console: Console) -> None:
    """Prisma's ``PostgreSQL database <name> created at <host:port>`` line (and a blank line), first in the
    report of a command that created the database it targets; nothing when it was there."""
    if created is not None:
        console.print(created.message, markup=False)
        console.print("")


def print_migrate(result: MigrateResult, console: Console) -> None:
    print_created(result.created, console)
    if result.prisma.applied:
        console.print("The following Prisma migration(s) have been applied:")
        for m in result.prisma.applied:
            note = "" if m.mode == "transaction" else f" (statement by statement, not atomic: {m.reason})"
            console.print(f"  └─ {m.name}/migration.sql{note}", markup=False)
    else:
        console.print("No pending Prisma migrations to apply.")
    for name in result.prisma_edited:
        console.print(
            f"warning: {name}/migration.sql was edited after it was applied (its checksum differs); it is not run "
            "again, and nexo db:version --check fails until the file is restored as applied (put the change in a "
            "new migration: nexo db:migrate:dev)",
            markup=False,
        )
    if result.sql is not None:
        s = result.sql_applied
        if s:
            console.print("The following SQL-layer file(s) have been applied:")
            for st in result.sql.steps:
                note = "" if st.step.transactional else " (no transaction)"
                console.print(f"  └─ {st.step.script}{note}", markup=False)
                for w in st.step.file.warnings if st.step.file is not None else ():
                    console.print(f"     warning: {w}", markup=False)
        else:
            console.print("No pending SQL-layer files to apply.")
        latest = result.sql.latest_version or "none"
        sem = f", schema version {result.sql.latest_schema_version}" if result.sql.latest_schema_version else ""
        print_citus_distributed(result.citus_distributed, console)
        console.print(
            f"Database at Prisma {result.prisma_latest or 'none'}, SQL layer {latest}{sem} ({result.seconds:.2f} s)."
        )


def print_citus_distributed(tables: list[str] | None, console: Console) -> None:
    """The tables a run laid out on Citus after the SQL layer (nothing when none, or not on Citus)."""
    if tables:
        console.print("Citus: distributed the local table(s), data copied to the shards:")
        for t in tables:
            console.print(f"  └─ {t}", markup=False)


def print_plan(plan: Plan, console: Console) -> None:
    console.print("Dry run: nothing was changed.")
    pp = plan.prisma
    if plan.prisma_blocked:
        console.print(f"Prisma migrations: BLOCKED\n{plan.prisma_blocked}", markup=False)
    if pp.pending:
        console.print(f"Prisma migrations that would run ({len(pp.pending)}):")
        for i, m in enumerate(pp.pending, 1):
            tx = "" if m.mode == "transaction" else f"  [no transaction: statement by statement; {m.reason}]"
            console.print(f"  {i}. {m.name}  sha256 {m.checksum}{tx}", markup=False)
            for step in plan.citus_steps.get(m.name, []):
                console.print(
                    f"     citus: {step}  (after its CREATE TABLE/INDEX, before its foreign keys)", markup=False
                )
    elif not plan.prisma_blocked:
        console.print("Prisma migrations: nothing to apply.")
    if plan.sql_blocked:
        console.print(f"SQL layer: BLOCKED\n{plan.sql_blocked}", markup=False)
    elif plan.sql:
        console.print(f"SQL-layer files that would run ({len(plan.sql)}), after the Prisma migrations:")
        for i, s in enumerate(plan.sql, 1):
            tx = "" if s.transactional else "  [no transaction]"
            console.print(f"  {i}. {s.script} ({s.reason})  sha256 {s.checksum}{tx}", markup=False)
            for w in s.file.warnings if s.file is not None else ():
                console.print(f"     warning: {w}", markup=False)
    else:
        console.print("SQL layer: nothing to apply.")
    if plan.citus_distribute:
        console.print("Citus, after the SQL layer (configured tables still local), in one transaction:")
        for st in plan.citus_distribute:
            console.print(f"  {st}", markup=False)


def print_status(st: Status, console: Console, directory_label: str = "prisma_migrations") -> None:
    console.print(st.prisma_text(directory_label).rstrip("\n"), markup=False)
    s = st.sql
    console.print("")
    if not s.table_exists:
        console.print(f"SQL layer: {st.sql_files} file(s) in sql/, none applied yet (no migration_history table).")
    else:
        console.print(
            f"SQL layer: {len(s.applied)} applied, latest {s.latest_version or 'none'}"
            + (f" (schema version {s.latest_schema_version})" if s.latest_schema_version else "")
        )
    for label, items in (
        ("pending", [f.script for f in s.pending]),
        ("failed", [f.script for f in s.failed]),
        ("changed after apply", [c.file.script for c in s.changed]),
        ("repeatable new/changed", [f.script for f in s.repeatable_pending]),
        ("applied but missing on disk", [a.script for a in s.missing_on_disk]),
    ):
        if items:
            console.print(f"  {label}: {', '.join(items)}", markup=False)
    if st.drift is not None:
        console.print("")
        print_drift(st.drift, console)
    if st.up_to_date:
        console.print("Everything is up to date.")
        return
    reasons = st.not_up_to_date()
    if len(reasons) == 1:
        console.print(f"Not up to date: {reasons[0][0]}.", markup=False)
    else:
        console.print("Not up to date:")
        for reason, _ in reasons:
            console.print(f"  - {reason}", markup=False)


def rollback_dict(result: sqllayer.RollbackResult) -> dict[str, object]:
    return {
        "rolled_back": [
            {"version": s.step.version, "name": s.step.name, "file": s.step.script, "ms": s.execution_ms}
            for s in result.steps
        ],
        "latest_version": result.latest_version,
        "schema_version": result.latest_schema_version,
    }


def print_rollback(result: sqllayer.RollbackResult, console: Console) -> None:
    if not result.steps:
        console.print("Nothing to roll back.")
        return
    console.print("Rolled back:")
    for s in result.steps:
        console.print(f"  └─ {s.step.version} {s.step.name} ({s.step.script})", markup=False)
    console.print(f"SQL layer now at {result.latest_version or 'nothing applied'}.")


# --- db:migrate:dev, db:push, db:reset, drift --------------------------------------------------


def _tree(console: Console, directory: str, names: list[str]) -> None:
    console.print(f"{directory}/", markup=False)
    for n in names:
        console.print(f"  └─ {n}/\n    └─ migration.sql", markup=False)


def _sql_line(sql: sqllayer.ApplyResult | None, console: Console) -> None:
    if sql is None:
        return
    if sql.steps:
        console.print("The following SQL-layer file(s) have been applied:")
        for st in sql.steps:
            console.print(f"  └─ {st.step.script}", markup=False)
    else:
        console.print("No pending SQL-layer files to apply.")


def _where(path: Path) -> str:
    from pathlib import Path

    try:
        return "./" + str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def print_generate(step: GenerateStep | None, console: Console) -> None:
    """Prisma's "Running generate..." lines: one per generated client, then the notes (e.g. generator
    blocks of other providers, left alone). Nothing at all when no generator block is there."""
    if step is None or (step.result is None and not step.notes and step.error is None):
        return
    console.print("")
    if step.result is not None or step.error is not None:
        console.print("Running generate... (Use --skip-generate to skip the generators)", markup=False)
    if step.result is not None:
        clients = step.result.clients
        took = f" in {step.result.elapsed_ms:.0f}ms" if len(clients) == 1 else ""
        for c in clients:
            o = c.options
            console.print(
                f"✔ Generated client {o.name} ({o.interface}, package `{o.package}`) to {_where(o.output)}{took}: "
                f"{len(c.written)} file(s) written, {len(c.unchanged)} unchanged",
                markup=False,
            )
            for n in c.notes:
                if n.startswith("Warning"):
                    console.print(f"  {n}", markup=False)
    for n in step.notes:
        console.print(f"note: {n}", markup=False)


def print_generate_error(step: GenerateStep | None, console: Console) -> bool:
    """Print why the generators step failed (after the command's own report); True when it did."""
    if step is None or step.error is None:
        return False
    console.print(mask_text(step.error), markup=False)
    console.print(
        "\nThe database changes reported above were made and recorded; only the client generation failed. "
        "Fix the cause, then run nexo db:generate.",
        markup=False,
    )
    return True


def print_seed_error(result: SeedResult | None, console: Console, not_found: NexoError | None = None) -> bool:
    """Print why the seed command failed, or (``not_found``, a :class:`nexo.errors.NexoError`) why it could
    not be found, after the command's own report; True when it did."""
    failed = not_found if not_found is not None else None if result is None else result.error()
    if failed is None:
        return False
    console.print(mask_text(str(failed)), markup=False)
    return True


def print_dev(report: DevReport, console: Console) -> None:
    from pathlib import Path

    d = report.dev
    label = Path(report.directory).name
    print_created(report.created_database, console)
    if d.pending_names:
        console.print("The following migration(s) have been applied:\n")
        _tree(console, label, d.pending_names)
        console.print("")
    if d.create_only:
        if d.created is not None:
            console.print(
                f"Prisma Migrate created the following migration without applying it {d.created.name}\n\n"
                "You can now edit it and apply it by running nexo db:migrate:dev.",
                markup=False,
            )
        return
    if d.created is None:
        if d.pending_names:
            console.print("Your database is now in sync with your schema.")
        else:
            console.print("Already in sync, no schema change or pending migration was found.")
    else:
        console.print("The following migration(s) have been created and applied from new schema changes:\n")
        _tree(console, label, [d.created.name])
        console.print("\nYour database is now in sync with your schema.")
    _sql_line(report.sql, console)
    print_citus_distributed(report.citus_distributed, console)
    print_generate(report.generate, console)


def print_push(report: PushReport, console: Console) -> None:
    p = report.push
    r = report.reset
    print_created(report.created, console)
    if r is not None:  # --force-reset: Prisma's line, loud
        many = len(r.schemas) > 1
        console.print(
            f'The PostgreSQL database "{r.database}" schema{"s" if many else ""} "{", ".join(r.schemas)}" at '
            f'"{r.location}" {"were" if many else "was"} successfully reset (--force-reset: {r.cleaned.count} '
            "object(s) dropped, all data lost).",
            style="bold red",
            markup=False,
        )
    if not p.changed and r is None:
        console.print("The database is already in sync with the Prisma schema.")
    else:
        if p.summary:
            console.print(p.summary, markup=False)
            console.print("")
        console.print(f"Your database is now in sync with your Prisma schema. Done in {p.seconds * 1000:.0f}ms")
    _sql_line(report.sql, console)
    print_citus_distributed(report.citus_distributed, console)
    print_generate(report.generate, console)


def print_reset(report: ResetReport, console: Console) -> None:
    print_created(report.created, console)
    schemas = ", ".join(report.schemas)
    console.print(
        f'Database reset successful: schema "{schemas}" of "{report.database}" emptied '
        f"({report.cleaned.count} object(s) dropped; roles kept).",
        markup=False,
    )
    if report.prisma.applied:
        console.print("\nThe following migration(s) have been applied:\n")
        for name in report.prisma.applied_names:
            console.print(f"  └─ {name}/migration.sql", markup=False)
    else:
        console.print("No Prisma migrations to apply.")
    if report.sql is None:
        console.print("SQL layer skipped (--skip-sql).")
    else:
        _sql_line(report.sql, console)
    print_citus_distributed(report.citus_distributed, console)
    print_generate(report.generate, console)


def print_drift(drift: DriftReport, console: Console) -> None:
    if drift is None:
        return
    if drift.error:
        console.print(f"Drift: not checked: {drift.error}", markup=False)
    elif not drift.checked:
        console.print(f"Drift: not checked ({drift.reason}).", markup=False)
    elif drift.in_sync:
        console.print("Drift: none, the database schema matches schema.prisma.")
    else:
        console.print("Drift detected: the database schema does not match schema.prisma.", markup=False)
        console.print("It should be understood as the set of changes to get from schema.prisma to the database:\n")
        console.print(drift.summary.strip("\n"), markup=False)
