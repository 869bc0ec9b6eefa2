"""Running the SQL layer: plan (dry run), apply, rollback, checksum repair, history.

Every function takes a psycopg 3 connection in autocommit mode and opens its own transactions.
None of them takes the migration lock: the caller holds :func:`nexo.db.advisory_lock` around
them. None of them prints; progress goes to the optional ``on_step`` callback.

The code lives in one module per job; this module gathers them under the name they have always had
(``from nexo.sqllayer.runner import apply`` keeps working):

- :mod:`nexo.sqllayer.results`: what is planned and reported (:class:`PlannedStep`, :class:`ApplyResult`, ...);
- :mod:`nexo.sqllayer.planning`: status, history and the dry run (:func:`status`, :func:`plan`);
- :mod:`nexo.sqllayer.execute`: running files with their ledger rows (:func:`apply`);
- :mod:`nexo.sqllayer.failures`: the error of a file that failed;
- :mod:`nexo.sqllayer.rollbacks`: ``.down.sql`` twins (:func:`plan_rollback`, :func:`rollback`);
- :mod:`nexo.sqllayer.repair`: checksum repair (:func:`repair_checksum`).
"""

from __future__ import annotations

from nexo.sqllayer.execute import apply
from nexo.sqllayer.planning import check_connection, history, owned, plan, status
from nexo.sqllayer.repair import repair_checksum
from nexo.sqllayer.results import (
    ApplyResult,
    OnStep,
    PlannedStep,
    Reason,
    RepairResult,
    RollbackResult,
    StepEvent,
    StepResult,
)
from nexo.sqllayer.rollbacks import plan_rollback, rollback

__all__ = [
    "ApplyResult",
    "OnStep",
    "PlannedStep",
    "Reason",
    "RepairResult",
    "RollbackResult",
    "StepEvent",
    "StepResult",
    "apply",
    "check_connection",
    "history",
    "owned",
    "plan",
    "plan_rollback",
    "repair_checksum",
    "rollback",
    "status",
]
