"""The SQL layer: versioned ``sql/`` files applied after the Prisma migrations.

Discovery (:func:`discover`), status (:func:`status`), dry run (:func:`plan`), apply
(:func:`apply`), rollback through ``.down.sql`` twins (:func:`rollback`), checksum repair
(:func:`repair_checksum`) and the ``migration_history`` ledger (:func:`history`).
Callers hold the migration lock (:func:`nexo.db.advisory_lock`) around these functions.
"""

from nexo.sqllayer.errors import (
    ChecksumMismatch,
    ConnectionStateError,
    DirectiveError,
    DuplicateVersionError,
    HistoryTableError,
    MissingTwinError,
    OutOfOrderError,
    RepairError,
    RollbackTargetError,
    SqlFileFailed,
    SqlFileNameError,
    SqlLayerError,
    TransactionSafetyError,
    UnsupportedStatementError,
)
from nexo.sqllayer.execute import apply
from nexo.sqllayer.files import SqlFile, checksum_bytes, discover, version_key
from nexo.sqllayer.history import TABLE as HISTORY_TABLE
from nexo.sqllayer.history import HistoryRow
from nexo.sqllayer.planning import check_connection, history, owned, plan, status
from nexo.sqllayer.repair import repair_checksum
from nexo.sqllayer.results import ApplyResult, PlannedStep, RepairResult, RollbackResult, StepEvent, StepResult
from nexo.sqllayer.rollbacks import plan_rollback, rollback
from nexo.sqllayer.state import AppliedEntry, ChangedEntry, FailedEntry, LayerStatus

__all__ = [
    "HISTORY_TABLE",
    "AppliedEntry",
    "ApplyResult",
    "ChangedEntry",
    "ChecksumMismatch",
    "ConnectionStateError",
    "DirectiveError",
    "DuplicateVersionError",
    "FailedEntry",
    "HistoryRow",
    "HistoryTableError",
    "LayerStatus",
    "MissingTwinError",
    "OutOfOrderError",
    "PlannedStep",
    "RepairError",
    "RepairResult",
    "RollbackResult",
    "RollbackTargetError",
    "SqlFile",
    "SqlFileFailed",
    "SqlFileNameError",
    "SqlLayerError",
    "StepEvent",
    "StepResult",
    "TransactionSafetyError",
    "UnsupportedStatementError",
    "apply",
    "check_connection",
    "checksum_bytes",
    "discover",
    "history",
    "owned",
    "plan",
    "plan_rollback",
    "repair_checksum",
    "rollback",
    "status",
    "version_key",
]
