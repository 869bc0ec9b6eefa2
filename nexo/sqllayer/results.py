"""What the SQL layer plans and reports: the steps of a dry run and the results of apply, rollback and repair.

Plain data (every one has ``to_dict`` for ``--json``); nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from nexo.sqllayer.errors import SqlFileFailed
from nexo.sqllayer.files import SqlFile
from nexo.sqllayer.state import AppliedEntry

Reason = Literal["pending", "retry", "new", "changed", "after_rollback", "rollback"]


@dataclass(frozen=True)
class PlannedStep:
    """One file that would run, in order: exactly what a dry run shows."""

    #: ``versioned``, ``repeatable`` or ``rollback`` (a ``.down.sql`` twin)
    kind: str
    version: str | None
    name: str
    #: file name, as recorded in migration_history.script
    script: str
    path: Path
    checksum: str
    transactional: bool
    schema_version: str | None
    #: ``pending`` (never applied), ``retry`` (latest attempt failed), ``new``/``changed``/
    #: ``after_rollback`` (repeatables; the last is a re-run after a rollback), ``rollback``
    reason: Reason
    statement_count: int
    #: a changed repeatable's checksum at its last successful run
    previous_checksum: str | None = None
    description: str = ""
    file: SqlFile | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.version if self.version is not None else f"R__{self.name}"

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "version": self.version,
            "name": self.name,
            "script": self.script,
            "path": str(self.path),
            "checksum": self.checksum,
            "transactional": self.transactional,
            "schema_version": self.schema_version,
            "reason": self.reason,
            "statement_count": self.statement_count,
            "previous_checksum": self.previous_checksum,
            "description": self.description,
            "warnings": list(self.file.warnings) if self.file is not None else [],
        }


@dataclass(frozen=True)
class StepResult:
    """A file that ran successfully."""

    step: PlannedStep
    execution_ms: int
    history_id: int
    #: messages the file raised (RAISE NOTICE, ...)
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            **self.step.to_dict(),
            "execution_ms": self.execution_ms,
            "history_id": self.history_id,
            "notices": list(self.notices),
        }


@dataclass(frozen=True)
class StepEvent:
    """What ``on_step`` receives: ``start`` before a file runs, then ``done`` or ``failed``."""

    phase: Literal["start", "done", "failed"]
    #: 1-based position of the step among ``total``
    index: int
    total: int
    step: PlannedStep
    result: StepResult | None = None
    error: SqlFileFailed | None = None


OnStep = Callable[[StepEvent], None]


@dataclass
class ApplyResult:
    """What :func:`apply` did."""

    steps: list[StepResult] = field(default_factory=list)
    #: the ledger table was created by this run
    table_created: bool = False
    #: columns added to a ledger created by an older nexo
    columns_added: list[str] = field(default_factory=list)
    latest_version: str | None = None
    latest_schema_version: str | None = None
    #: applied versions whose file is no longer on disk (not an error; worth a warning)
    missing_on_disk: list[AppliedEntry] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.steps

    @property
    def applied_count(self) -> int:
        return len(self.steps)

    def to_dict(self) -> dict[str, object]:
        return {
            "steps": [s.to_dict() for s in self.steps],
            "table_created": self.table_created,
            "columns_added": list(self.columns_added),
            "latest_version": self.latest_version,
            "latest_schema_version": self.latest_schema_version,
            "missing_on_disk": [e.to_dict() for e in self.missing_on_disk],
        }


@dataclass
class RollbackResult:
    """What :func:`rollback` did: the twins that ran, newest version first."""

    steps: list[StepResult] = field(default_factory=list)
    latest_version: str | None = None
    latest_schema_version: str | None = None

    @property
    def nothing_to_do(self) -> bool:
        return not self.steps

    def to_dict(self) -> dict[str, object]:
        return {
            "steps": [s.to_dict() for s in self.steps],
            "latest_version": self.latest_version,
            "latest_schema_version": self.latest_schema_version,
        }


@dataclass(frozen=True)
class RepairResult:
    """What :func:`repair_checksum` did."""

    version: str
    script: str
    old_checksum: str
    new_checksum: str
    #: False when the checksums already matched (nothing written)
    recorded: bool
