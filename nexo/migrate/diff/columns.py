"""What changed between two versions of a column, and the ``ALTER COLUMN`` actions that apply it.

:func:`column_changes` lists the changes in Prisma's order (arity, default, type, autoincrement) with
the classification of a type change; :func:`column_actions` expands them into Prisma's column
actions (``set_default``, ``drop_not_null``, ``set_type`` …), which :mod:`nexo.migrate.sqlrender`
writes as clauses.
"""

from __future__ import annotations

from dataclasses import dataclass

from nexo.schema.model import Column

from .coltypes import arity, type_change
from .defaults import defaults_match

__all__ = [
    "ARITY",
    "AUTOINCREMENT",
    "CHANGE_ORDER",
    "DEFAULT",
    "NO_CHANGES",
    "TYPE",
    "ColumnChanges",
    "column_actions",
    "column_changes",
]

ARITY, DEFAULT, TYPE, AUTOINCREMENT = "arity", "default", "type", "autoincrement"
CHANGE_ORDER = (ARITY, DEFAULT, TYPE, AUTOINCREMENT)


@dataclass(frozen=True)
class ColumnChanges:
    changes: tuple[str, ...]
    type_change: str | None

    def __bool__(self) -> bool:
        return bool(self.changes)


NO_CHANGES = ColumnChanges((), None)


def column_changes(prev: Column, nxt: Column, live: bool = False) -> ColumnChanges:
    if (
        prev.type == nxt.type
        and prev.default == nxt.default
        and prev.nullable == nxt.nullable
        and prev.is_list == nxt.is_list
        and prev.autoincrement == nxt.autoincrement
        and prev.default_kind == nxt.default_kind
    ):
        return NO_CHANGES  # the common case: nothing about the column changed
    tc = type_change(prev, nxt)
    found = set()
    if arity(prev) != arity(nxt):
        found.add(ARITY)
    if tc is not None:
        found.add(TYPE)
    if not defaults_match(prev, nxt, live):
        found.add(DEFAULT)
    if prev.autoincrement != nxt.autoincrement:
        found.add(AUTOINCREMENT)
    return ColumnChanges(tuple(c for c in CHANGE_ORDER if c in found), tc)


#: (previous arity, next arity) → (whether the type is set again, the nullability action); a change
#: into a list sets the type only
_ARITY_ACTIONS: dict[tuple[str, str], tuple[bool, str | None]] = {
    ("Required", "Nullable"): (False, "drop_not_null"),
    ("Nullable", "Required"): (False, "set_not_null"),
    ("List", "Nullable"): (True, "drop_not_null"),
    ("List", "Required"): (True, "set_not_null"),
    ("Required", "List"): (True, None),
    ("Nullable", "List"): (True, None),
}


def column_actions(prev: Column, nxt: Column, ch: ColumnChanges) -> tuple[str, ...]:
    """Prisma's expanded column changes, in order: ``set_default`` / ``drop_default``,
    ``drop_not_null`` / ``set_not_null``, ``add_sequence``, then ``set_type`` last."""
    actions: list[str] = []
    set_type = False
    for change in ch.changes:
        if change == DEFAULT:
            actions.append("set_default" if nxt.default is not None else "drop_default")
        elif change == ARITY:
            retype, action = _ARITY_ACTIONS.get((arity(prev), arity(nxt)), (False, None))
            set_type = set_type or retype
            if action is not None:
                actions.append(action)
        elif change == TYPE:
            set_type = True
        elif change == AUTOINCREMENT:
            actions.append("drop_default" if prev.autoincrement else "add_sequence")
    if set_type:
        actions.append("set_type")
    return tuple(actions)
