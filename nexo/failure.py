"""Failures as automation reads them: one JSON object per failure (``--json``), and the commands a
message suggests.

``payload`` turns any error a command ends with into ``{"error": {"code", "message", "hints", ...}}``;
``suggested_commands`` finds the ``nexo ...`` command lines a message names, which become its hints.
"""

from __future__ import annotations

import re
from typing import Any

from nexo.db.urls import mask_text
from nexo.errors import NexoError

#: a command line a message suggests: in backticks, or plain up to the end of the clause
_BACKTICKED = re.compile(r"`(nexo [^`]+)`")
_PLAIN = re.compile(
    r"(?<![\w`/.-])(nexo (?:db:[a-z:]+|rls:[a-z:]+|init|validate|format)(?: --?[a-z][a-z-]*(?: (?:\"[^\"]*\"|[A-Z][A-Z_]*|[0-9][\w.]*))?)*)"
)


def suggested_commands(text: str) -> list[str]:
    """The ``nexo ...`` command lines ``text`` suggests, in order, each once."""
    found: list[str] = []
    for m in _BACKTICKED.finditer(text):
        found.append(m[1].strip())
    rest = _BACKTICKED.sub(" ", text)
    for m in _PLAIN.finditer(rest):
        found.append(m[1].strip())
    return list(dict.fromkeys(found))


def payload(exc: BaseException, *, code: str | None = None, hints: list[str] | None = None) -> dict[str, Any]:
    """The JSON object a ``--json`` command prints on stdout when it fails (password masked)."""
    if isinstance(exc, NexoError):
        message = mask_text(exc.message)
        error: dict[str, Any] = {"code": code or exc.code, "message": message}
        if exc.file is not None:
            error["file"] = exc.file
            error["line"] = exc.line
    else:
        sqlstate = getattr(exc, "sqlstate", None)
        message = mask_text(str(exc).strip()) or type(exc).__name__
        error = {"code": code or "NEXO_DB", "message": message}
        if sqlstate:
            error["sqlstate"] = sqlstate
    error["hints"] = [*(hints or []), *suggested_commands(message)]
    return {"ok": False, "error": error}


def usage_payload(message: str) -> dict[str, Any]:
    """The JSON object for a usage error (exit 2)."""
    return {"ok": False, "error": {"code": "NEXO_USAGE", "message": message, "hints": suggested_commands(message)}}


def check_failed(problems: list[str]) -> dict[str, Any]:
    """The ``error`` of ``db:version --check --json`` when the check fails: every problem is a hint."""
    return {
        "code": "NEXO_CHECK_FAILED",
        "message": f"Check failed: {len(problems)} problem(s).",
        "hints": list(problems),
    }


def not_up_to_date(reasons: list[tuple[str, str | None]]) -> dict[str, Any]:
    """The ``error`` of ``db:migrate:status --json`` when the database is not up to date: ``reasons`` are
    ``Status.not_up_to_date()`` (what is wrong, and the command that fixes it when one does)."""
    return {
        "code": "NEXO_NOT_UP_TO_DATE",
        "message": "The database is not up to date with the migrations, sql/ or schema.prisma:\n"
        + "\n".join(f"- {reason}" for reason, _ in reasons),
        "hints": list(dict.fromkeys(hint for _, hint in reasons if hint)),
    }


def plan_blocked(reasons: list[str]) -> dict[str, Any]:
    """The ``error`` of ``db:migrate:dry --json`` when ``db:migrate`` would refuse to run."""
    hints: list[str] = []
    for reason in reasons:
        hints += suggested_commands(reason)
    return {
        "code": "NEXO_PLAN_BLOCKED",
        "message": "db:migrate would refuse to run:\n" + "\n".join(reasons),
        "hints": list(dict.fromkeys(hints)),
    }


def with_error(data: dict[str, Any], problem: tuple[str, str] | None) -> dict[str, Any]:
    """A command's JSON report with the ``error`` of its failure (``(code, message)``) added, if any."""
    if problem is not None:
        code, message = problem
        data["error"] = {"code": code, "message": message, "hints": suggested_commands(message)}
    return data


def after_work(
    generate: Any = None, seed: Any = None, seed_error: BaseException | None = None
) -> tuple[str, str] | None:
    """The failure that came after the database work of dev/push/reset: the client generators
    (``GenerateStep.error``), or the seed command (``SeedResult.error()``, or ``seed_error`` when it could
    not be found)."""
    if generate is not None and getattr(generate, "error", None):
        text = mask_text(str(generate.error))
        return (
            "NEXO_GENERATE_FAILED",
            text + "\nThe database changes were made; fix the cause, then run `nexo db:generate`.",
        )
    failed = seed_error if seed_error is not None else (seed.error() if seed is not None else None)
    if failed is not None:
        return str(getattr(failed, "code", "NEXO_SEED_FAILED")), mask_text(getattr(failed, "message", str(failed)))
    return None
