"""Rolling back SQL-layer versions through their ``.down.sql`` twins: the plan, then the run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexo.sqllayer.errors import MissingTwinError, RollbackTargetError, SqlFileFailed
from nexo.sqllayer.execute import fill_latest, run_steps
from nexo.sqllayer.files import SqlFile, version_key
from nexo.sqllayer.history import current_schema, default_applied_by, ensure_table
from nexo.sqllayer.planning import check_connection, status
from nexo.sqllayer.results import OnStep, PlannedStep, RollbackResult
from nexo.sqllayer.script import check_supported, check_transaction_safety, statements

if TYPE_CHECKING:
    import psycopg


def plan_rollback(
    conn: psycopg.Connection, files: list[SqlFile], *, steps: int | None = None, to: str | None = None
) -> list[PlannedStep]:
    """The twins :func:`rollback` would run, newest first. Writes nothing.

    ``steps`` (default 1) undoes that many of the latest applied versions; ``to=VERSION`` undoes
    every applied version after VERSION (``to="0"``: all of them). Versions are undone in the
    reverse of the order they were applied in (the same as reverse version order, unless
    files were applied out of order). Raises
    :class:`RollbackTargetError` for arguments that describe no applied versions and
    :class:`MissingTwinError` (naming every missing twin) when a needed twin does not exist.
    """
    st = status(conn, files)
    applied = st.applied
    if steps is not None and to is not None:
        raise RollbackTargetError("Give either steps or a target version (to), not both.")
    if to is not None:
        try:
            to_key = version_key(to)
        except ValueError:
            raise RollbackTargetError(
                f"{to!r} is not a version (digits separated by '_' or '.', e.g. 20260123_1800)."
            ) from None
        known = {e.key for e in applied} | {f.key for f in files if f.kind == "versioned"}
        if to_key != (0,) and to_key not in known:
            listed = ", ".join(e.version or "" for e in applied) or "none"
            raise RollbackTargetError(
                f"Version {to} is neither applied nor a file in the sql folder, so there is nothing to roll back "
                f"to. Applied versions: {listed}. Use to='0' to roll back every version."
            )
        targets = [e for e in applied if e.key is not None and e.key > to_key]
        targets.sort(key=lambda e: e.history_id)
    else:
        n = 1 if steps is None else steps
        if n < 1:
            raise RollbackTargetError(f"steps must be 1 or more (got {n}).")
        if n > len(applied):
            raise RollbackTargetError(
                f"Asked to roll back {n} version(s), but only {len(applied)} SQL-layer version(s) are applied"
                + (f" ({', '.join(e.version or '' for e in applied)})." if applied else ".")
                + " Nothing was changed."
            )
        targets = sorted(applied, key=lambda e: e.history_id)[-n:]
    targets = list(reversed(targets))
    missing = [e for e in targets if e.file is None or e.file.down is None]
    if missing:
        names = []
        for e in missing:
            stem = (e.file.script if e.file else e.script)[: -len(".sql")]
            names.append(f"  {stem}.down.sql (to undo version {e.version})")
        first = missing[0]
        raise MissingTwinError(
            "Can't roll back: "
            + ("a needed rollback twin is missing" if len(missing) == 1 else "needed rollback twins are missing")
            + ":\n"
            + "\n".join(names)
            + "\nNothing was changed. Write the missing .down.sql file(s) next to their versioned file, "
            "or roll forward instead with a new versioned file.",
            file=(first.file.path.with_name(first.file.path.name[:-4] + ".down.sql") if first.file else first.script),
        )
    out = []
    for e in targets:
        assert e.file is not None and e.file.down is not None
        down = e.file.down
        stmts = statements(down.text)
        check_supported(down, stmts)
        check_transaction_safety(down, stmts)
        out.append(
            PlannedStep(
                kind="rollback",
                version=e.version,
                name=e.name,
                script=down.script,
                path=down.path,
                checksum=down.checksum,
                transactional=down.transactional,
                schema_version=None,
                reason="rollback",
                statement_count=len(stmts),
                description=e.file.description,
                file=down,
            )
        )
    return out


def rollback(
    conn: psycopg.Connection,
    files: list[SqlFile],
    *,
    steps: int | None = None,
    to: str | None = None,
    applied_by: str | None = None,
    on_step: OnStep | None = None,
) -> RollbackResult:
    """Run the ``.down.sql`` twins of the latest applied versions, newest first, each in its own
    transaction, recording ``rollback`` rows. Checks everything (arguments, every twin present,
    transaction safety) before changing anything. Repeatable files are not touched. Stops at the
    first failing twin with :class:`SqlFileFailed` (``result`` holds what ran before)."""
    check_connection(conn)
    planned = plan_rollback(conn, files, steps=steps, to=to)
    result = RollbackResult()
    schema = current_schema(conn)
    if not planned:
        fill_latest(conn, schema, files, result)
        return result
    ensure_table(conn, schema)
    who = applied_by or default_applied_by(conn)

    def after(remaining: int) -> str:
        base = "The failure is recorded in migration_history; the version is still applied."
        if remaining:
            base += f" The {remaining} older version(s) after it were not rolled back."
        return base + " Fix the twin and run the rollback again."

    try:
        run_steps(conn, schema, planned, applied_by=who, on_step=on_step, done=result.steps, after=after)
    except SqlFileFailed as err:
        fill_latest(conn, schema, files, result)
        err.result = result
        raise
    fill_latest(conn, schema, files, result)
    return result
