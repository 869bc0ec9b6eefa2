"""The comparison: two relational models → Prisma's ordered operations (nothing rendered here).

Objects are paired **by name** (tables and enums by schema + name, columns by name, indexes and
foreign keys by shape). Each operation gets Prisma's sort key within its kind (the position of the
objects in the previous/next model, which is how Prisma's internal ids sort); :func:`compare` sorts
by kind (:data:`~nexo.migrate.diff.operations.STEP_KINDS`) then key, and applies Prisma's one
partial-order fix-up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from nexo.db.pgfacts import DEFAULT_OPCLASSES, DEFAULT_PRECISION_TYPES
from nexo.schema.build import quote_ident
from nexo.schema.model import Column, Database, Enum, Extension, ForeignKey, Index, Table
from nexo.schema.predicate import same as same_predicate

from .coltypes import NOT_CASTABLE, col_type
from .columns import ColumnChanges, column_actions, column_changes
from .operations import (
    STEP_KINDS,
    AddColumn,
    AddForeignKey,
    AddPrimaryKey,
    AlterColumn,
    AlterEnum,
    AlterTable,
    CreateEnum,
    CreateExtension,
    CreateIndex,
    CreateSchema,
    CreateTable,
    DropColumn,
    DropEnum,
    DropExtension,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropTable,
    Operation,
    RecreateColumn,
    RenameForeignKey,
    RenameIndex,
    RenamePrimaryKey,
    TableChange,
)

__all__ = ["DEFAULT_NAMESPACE", "Keyed", "compare"]

DEFAULT_NAMESPACE = "public"
_KIND_RANK = {k: i for i, k in enumerate(STEP_KINDS)}

#: an operation with its sort key within its kind (Prisma's ids of the objects it concerns)
Keyed = tuple[tuple[Any, ...], Operation]


def compare(
    before: Database | None,
    after: Database | None,
    *,
    before_is_live: bool,
    after_is_live: bool,
    extensions: bool,
) -> list[Keyed]:
    """The operations from ``before`` to ``after`` in Prisma's order (see :func:`nexo.migrate.diff.diff`)."""
    return _Differ(before, after, before_is_live, extensions, after_is_live).run()


# =============================================================================== preparing the sides
def _with_default_schema(db: Database, *, columns: bool = False) -> Database:
    """``db`` with every unqualified table, key, index and enum placed in ``public``; with ``columns``
    the columns' enum types too (``"public"."E"``, and the cast of a list default, ``::"public"."E"[]``)."""
    if db.namespaces:
        return db

    def column(c: Column) -> Column:
        enum = col_type(c).enum
        if enum is None or enum[0] is not None:
            return c
        qualified_type = f"{quote_ident(DEFAULT_NAMESPACE)}.{c.type}"
        default = c.default
        if default is not None and c.is_list and default.endswith("::" + c.sql_type):
            default = default[: len(default) - len(c.sql_type)] + qualified_type + "[]"
        return replace(c, type=qualified_type, default=default)

    def fk(f: ForeignKey) -> ForeignKey:
        return replace(
            f, schema=f.schema or DEFAULT_NAMESPACE, referenced_schema=f.referenced_schema or DEFAULT_NAMESPACE
        )

    tables = tuple(
        replace(
            t,
            schema=t.schema or DEFAULT_NAMESPACE,
            indexes=tuple(replace(i, schema=i.schema or DEFAULT_NAMESPACE) for i in t.indexes),
            foreign_keys=tuple(fk(f) for f in t.foreign_keys),
            columns=tuple(column(c) for c in t.columns) if columns else t.columns,
        )
        for t in db.tables
    )
    enums = tuple(replace(e, schema=e.schema or DEFAULT_NAMESPACE) for e in db.enums)
    return replace(db, tables=tables, enums=enums)


def _as_prisma_reads_column(c: Column) -> Column:
    if c.type in DEFAULT_PRECISION_TYPES:
        c = replace(c, type=c.type + "(6)")
    if c.db_default is not None:
        c = replace(c, default=c.db_default)
    return c


def _as_prisma_reads(db: Database) -> Database:
    """A live database the way Prisma's describer gives it to the differ of a ``--to-…`` database
    source: the sort order of every index column written (``Asc`` where unwritten), a date/time type
    without precision at PostgreSQL's 6 (``TIMESTAMPTZ(6)``), a ``dbgenerated`` default in
    PostgreSQL's own text (``Column.db_default``), and no extensions (described only for a schema
    with the ``postgresqlExtensions`` preview feature)."""
    tables = []
    for t in db.tables:
        indexes = tuple(
            replace(ix, columns=tuple(c if c.sort else replace(c, sort="Asc") for c in ix.columns)) for ix in t.indexes
        )
        columns = tuple(_as_prisma_reads_column(c) for c in t.columns)
        tables.append(replace(t, indexes=indexes, columns=columns))
    return replace(db, tables=tuple(tables), extensions=())


@dataclass
class _Side:
    """One side of the diff with Prisma-like ids (positions) for every object."""

    db: Database
    tables: dict[tuple[str | None, str], int]
    enums: dict[tuple[str | None, str], int]

    @classmethod
    def of(cls, db: Database | None) -> _Side:
        db = db or Database((), ())
        return cls(
            db,
            {(t.schema, t.name): i for i, t in enumerate(db.tables)},
            {(e.schema, e.name): i for i, e in enumerate(db.enums)},
        )


@dataclass
class _TablePair:
    prev: Table
    next: Table
    prev_id: int
    next_id: int
    columns: dict[str, tuple[int | None, int | None]]  # name → (prev pos, next pos)
    changes: dict[str, ColumnChanges]

    def column_pairs(self) -> list[tuple[Column, Column, ColumnChanges]]:
        """Columns present on both sides, sorted by name (Prisma's BTreeMap)."""
        out = []
        for name in sorted(self.columns):
            p, n = self.columns[name]
            if p is not None and n is not None:
                out.append((self.prev.columns[p], self.next.columns[n], self.changes[name]))
        return out

    def dropped_columns(self) -> list[Column]:
        return [self.prev.columns[p] for name, (p, n) in sorted(self.columns.items()) if n is None and p is not None]

    def added_columns(self) -> list[Column]:
        return [self.next.columns[n] for name, (p, n) in sorted(self.columns.items()) if p is None and n is not None]


# =============================================================================== the differ
class _Differ:
    def __init__(
        self,
        before: Database | None,
        after: Database | None,
        before_is_live: bool,
        extensions: bool,
        after_is_live: bool = False,
    ) -> None:
        #: objects without a schema were put in "public" for a live single-schema ``after``
        self.implicit_public = False
        if after is None and before is not None:
            # with nothing to diff against, Prisma names the dropped objects with their schema
            before = _with_default_schema(before)
        elif after is not None and after_is_live:
            if not after.namespaces and not (before is not None and before.namespaces):
                # Prisma reads a single-schema database as its "public" schema, and the objects of
                # both sides get that schema's name when rendered
                self.implicit_public = True
                after = replace(_with_default_schema(after, columns=True), namespaces=(DEFAULT_NAMESPACE,))
                before = _with_default_schema(before, columns=True) if before is not None else None
            after = _as_prisma_reads(after)
        self.prev = _Side.of(before)
        self.next = _Side.of(after)
        self.live = before_is_live
        self.after_live = after_is_live
        self.extensions = extensions
        self.ops: list[Keyed] = []
        self.pairs: list[_TablePair] = []
        self.created_tables: list[tuple[int, Table]] = []
        self.dropped_tables: list[tuple[int, Table]] = []
        self._build_pairs()

    # ------------------------------------------------------------------ pairing
    def _build_pairs(self) -> None:
        prev_db, next_db = self.prev.db, self.next.db
        for i, t in enumerate(prev_db.tables):
            j = self.next.tables.get((t.schema, t.name))
            if j is None:
                self.dropped_tables.append((i, t))
                continue
            nt = next_db.tables[j]
            cols: dict[str, tuple[int | None, int | None]] = {}
            for ci, c in enumerate(t.columns):
                cols[c.name] = (ci, None)
            for ci, c in enumerate(nt.columns):
                p = cols.get(c.name)
                cols[c.name] = (p[0] if p else None, ci)
            changes = {
                name: column_changes(t.columns[p], nt.columns[n], self.live)
                for name, (p, n) in cols.items()
                if p is not None and n is not None
            }
            self.pairs.append(_TablePair(t, nt, i, j, cols, changes))
        for j, t in enumerate(next_db.tables):
            if (t.schema, t.name) not in self.prev.tables:
                self.created_tables.append((j, t))

    def add(self, key: tuple[Any, ...], op: Operation) -> None:
        self.ops.append((key, op))

    # ------------------------------------------------------------------ run
    def run(self) -> list[Keyed]:
        self.push_extension_steps()
        self.push_created_schema_steps()
        self.push_created_table_steps()
        self.push_dropped_table_steps()
        self.push_dropped_index_steps()
        self.push_created_index_steps()
        self.push_altered_table_steps()
        self.push_enum_steps()
        ops = sorted(self.ops, key=lambda s: (_KIND_RANK[s[1].kind], s[0]))
        return self.apply_partial_order_permutations(ops)

    # ------------------------------------------------------------------ namespaces & extensions
    def push_created_schema_steps(self) -> None:
        """``CREATE SCHEMA`` for each new ``datasource.schemas`` entry that holds a table or a new enum.

        (Prisma 6.19.0 never creates the implicit ``public`` schema of a single-schema datamodel.)
        """
        prev_ns = set(self.prev.db.namespaces)
        if self.live:
            prev_ns.add(DEFAULT_NAMESPACE)  # a database always has its "public" schema
        table_ns = {t.schema for t in self.prev.db.tables} | {t.schema for t in self.next.db.tables}
        created_enum_ns = {e.schema for e in self.next.db.enums if (e.schema, e.name) not in self.prev.enums}
        for ns in sorted(set(self.next.db.namespaces) - prev_ns):
            if ns in table_ns or ns in created_enum_ns:
                self.add((ns,), CreateSchema(ns))

    def push_extension_steps(self) -> None:
        if not self.extensions:
            return  # without the postgresqlExtensions preview feature Prisma ignores extensions
        prev_x = sorted(self.prev.db.extensions, key=lambda x: x.name)
        next_x = sorted(self.next.db.extensions, key=lambda x: x.name)
        prev_by = {x.name: (i, x) for i, x in enumerate(prev_x)}
        for j, x in enumerate(next_x):
            found = prev_by.get(x.name)
            if found is None:
                self.add((j,), CreateExtension(x))
                continue
            i, p = found
            if _extensions_match(p, x):
                continue
            # extensions described by a schema are never "relocatable": drop and re-create
            self.add((i,), DropExtension(p))
            self.add((j,), CreateExtension(x))

    # ------------------------------------------------------------------ tables
    def push_created_table_steps(self) -> None:
        for j, t in self.created_tables:
            self.add((j,), CreateTable(t))
            for k, fk in enumerate(t.foreign_keys):
                self.add(((j, k),), AddForeignKey(fk))
            for k, ix in enumerate(t.indexes):
                self.add(((0,), j, (j, k), False), CreateIndex(ix, t, on_new_table=True))

    def push_dropped_table_steps(self) -> None:
        for i, t in self.dropped_tables:
            self.add((i,), DropTable(t))
            for k, fk in enumerate(t.foreign_keys):
                self.add(((i, k),), DropForeignKey(fk))

    # ------------------------------------------------------------------ indexes
    def push_dropped_index_steps(self) -> None:
        for pair in self.pairs:
            for k, ix in enumerate(pair.prev.indexes):
                if not any(_indexes_match(ix, other) for other in pair.next.indexes):
                    self.add(((pair.prev_id, k),), DropIndex(ix, pair.prev))

    def push_created_index_steps(self) -> None:
        for pair in self.pairs:
            for k, ix in enumerate(pair.next.indexes):
                if any(_indexes_match(other, ix) for other in pair.prev.indexes):
                    continue
                self.add(((1, pair.prev_id), pair.next_id, (pair.next_id, k), False), CreateIndex(ix, pair.next))
            # PostgreSQL drops the indexes of a dropped column: re-create those over re-created columns
            recreated = {c.name for p, c, ch in pair.column_pairs() if ch.type_change == NOT_CASTABLE}
            if not recreated:
                continue
            for _p_ix, n_ix in self.index_pairs(pair):
                if any(c in recreated for c in n_ix.column_names):
                    k = pair.next.indexes.index(n_ix)
                    self.add(
                        ((1, pair.prev_id), pair.next_id, (pair.next_id, k), True),
                        CreateIndex(n_ix, pair.next, recreated=True),
                    )

    @staticmethod
    def index_pairs(pair: _TablePair) -> list[tuple[Index, Index]]:
        out = []
        for ix in pair.prev.indexes:
            twins = sum(
                1 for other in pair.prev.indexes if other.column_names == ix.column_names and other.unique == ix.unique
            )
            if twins != 1:
                continue
            for n_ix in pair.next.indexes:
                if _indexes_match(ix, n_ix):
                    out.append((ix, n_ix))
                    break
        return out

    # ------------------------------------------------------------------ altered tables
    def fks_match(self, pair: _TablePair, p: ForeignKey, n: ForeignKey) -> bool:
        if p.referenced_table != n.referenced_table:
            return False
        if len(p.referenced_columns) != len(n.referenced_columns) or len(p.columns) != len(n.columns):
            return False
        for pc, nc in zip(p.columns, n.columns, strict=True):
            if pc != nc:
                return False
            ch = pair.changes.get(pc)
            if ch is not None and ch.type_change is not None:
                return False
        if tuple(p.referenced_columns) != tuple(n.referenced_columns):
            return False
        return p.on_delete == n.on_delete and p.on_update == n.on_update

    def push_altered_table_steps(self) -> None:
        for pair in self.pairs:
            prev_t, next_t = pair.prev, pair.next
            for k, fk in enumerate(next_t.foreign_keys):
                if not any(self.fks_match(pair, p, fk) for p in prev_t.foreign_keys):
                    self.add(((pair.next_id, k),), AddForeignKey(fk))
            for k, fk in enumerate(prev_t.foreign_keys):
                if not any(self.fks_match(pair, fk, n) for n in next_t.foreign_keys):
                    self.add(((pair.prev_id, k),), DropForeignKey(fk))
            seen: set[int] = set()
            for i, pfk in enumerate(prev_t.foreign_keys):
                for j, nfk in enumerate(next_t.foreign_keys):
                    if j in seen or not self.fks_match(pair, pfk, nfk):
                        continue
                    seen.add(j)
                    if pfk.name != nfk.name and not (_is_join_fk(prev_t) and _is_join_fk(next_t)):
                        self.add(((pair.prev_id, i), (pair.next_id, j)), RenameForeignKey(pfk, nfk, next_t))
                    break
            for p_ix, n_ix in self.index_pairs(pair):
                if p_ix.name != n_ix.name:
                    i, j = prev_t.indexes.index(p_ix), next_t.indexes.index(n_ix)
                    self.add(((pair.prev_id, i), (pair.next_id, j)), RenameIndex(p_ix, n_ix, prev_t))
            self.push_alter_table(pair)

    def push_alter_table(self, pair: _TablePair) -> None:
        prev_t, next_t = pair.prev, pair.next
        changes: list[TableChange] = []
        ppk, npk = prev_t.primary_key, next_t.primary_key
        pk_changed = False
        if ppk is not None and npk is not None:
            pk_changed = tuple(ppk.columns) != tuple(npk.columns) or any(
                (ch := pair.changes.get(c)) is not None and ch.type_change is not None for c in ppk.columns
            )
        if ppk is not None and (npk is None or pk_changed):
            changes.append(DropPrimaryKey(ppk))
        if ppk is not None and npk is not None and ppk.name != npk.name:
            changes.append(RenamePrimaryKey(ppk, npk))
        changes.extend(DropColumn(c) for c in pair.dropped_columns())
        changes.extend(AddColumn(c) for c in pair.added_columns())
        altered = sorted((p, n, name) for name, (p, n) in pair.columns.items() if p is not None and n is not None)
        for p, n, name in altered:
            ch = pair.changes[name]
            if not ch:
                continue
            pc, nc = prev_t.columns[p], next_t.columns[n]
            if ch.type_change == NOT_CASTABLE:
                changes.append(RecreateColumn(pc, nc, ch))
                continue
            actions = column_actions(pc, nc, ch)
            drop_seq = None
            if pc.autoincrement and "drop_default" in actions:
                drop_seq = self.sequence_to_drop(prev_t, pc, next_t, nc)
            changes.append(AlterColumn(pc, nc, ch, actions, drop_seq))
        if npk is not None and (ppk is None or pk_changed):
            changes.append(AddPrimaryKey(npk))
        if changes:
            self.add((pair.prev_id, pair.next_id), AlterTable(prev_t, next_t, tuple(changes)))

    def sequence_to_drop(self, prev_t: Table, pc: Column, next_t: Table, nc: Column) -> str | None:
        """The sequence Prisma drops with the default of a column that stops autoincrementing.

        A schema gives every autoincrementing column the same unnamed sequence, so Prisma drops
        ``""`` unless another autoincrementing column remains in the next schema; a live database
        names the column's own sequence (PostgreSQL's ``{table}_{column}_seq``).
        """
        if self.live:
            return f"{prev_t.name}_{pc.name}_seq"
        if self.after_live:
            return ""  # a database names every sequence: none is the schema's unnamed one
        for t in self.next.db.tables:
            for c in t.columns:
                if c.autoincrement and not (t is next_t and c is nc):
                    return None
        return ""

    # ------------------------------------------------------------------ enums
    def push_enum_steps(self) -> None:
        prev_db, next_db = self.prev.db, self.next.db
        live_schema = DEFAULT_NAMESPACE if self.live else None
        for i, pe in enumerate(prev_db.enums):
            j = self.next.enums.get((pe.schema, pe.name))
            if j is None:
                continue
            ne = next_db.enums[j]
            created = tuple(v for v in ne.values if v not in pe.values)
            dropped = tuple(v for v in pe.values if v not in ne.values)
            if not created and not dropped:
                continue
            if not dropped:
                self.add(((i, j),), AlterEnum(pe, ne, created, dropped))
                continue
            # a live previous state names only the old type it drops, and the tables whose default it drops
            prev_schema = pe.schema if pe.schema is not None else live_schema
            drop_defaults, set_defaults = self.enum_default_usages(pe, ne)
            if self.live:
                drop_defaults = [(t if t.schema else replace(t, schema=DEFAULT_NAMESPACE), c) for t, c in drop_defaults]
            elif self.implicit_public:
                drop_defaults = [(replace(t, schema=None), c) for t, c in drop_defaults]
            retype = [(t, c) for t in next_db.tables for c in t.columns if col_type(c).enum == (ne.schema, ne.name)]
            self.add(
                ((i, j),),
                AlterEnum(
                    pe,
                    ne,
                    created,
                    dropped,
                    drop_defaults=tuple(drop_defaults),
                    retype=tuple(retype),
                    set_defaults=tuple(set_defaults),
                    previous_schema=prev_schema,
                    unqualified_drop=self.implicit_public and not self.live,
                ),
            )
        for j, ne in enumerate(next_db.enums):
            if (ne.schema, ne.name) not in self.prev.enums:
                self.add((j,), CreateEnum(ne))
        for i, pe in enumerate(prev_db.enums):
            if (pe.schema, pe.name) not in self.next.enums:
                self.add((i,), DropEnum(pe))

    def enum_default_usages(self, pe: Enum, ne: Enum) -> tuple[list[tuple[Table, Column]], list[tuple[Table, Column]]]:
        """Columns whose enum default must be dropped before the swap, and those whose default comes back."""

        def uses(c: Column, e: Enum) -> bool:
            t = col_type(c)
            return t.enum is not None and t.enum[1] == e.name and c.default is not None

        drop: list[tuple[Table, Column]] = []
        put_back: list[tuple[Table, Column]] = []
        for _, t in self.dropped_tables:
            drop.extend((t, c) for c in t.columns if uses(c, pe))
        for pair in self.pairs:
            drop.extend((pair.prev, c) for c in pair.dropped_columns() if uses(c, pe))
            for pc, nc, _ch in pair.column_pairs():
                if uses(pc, pe):
                    drop.append((pair.prev, pc))
                    if uses(nc, ne):
                        put_back.append((pair.prev, nc))
        return drop, put_back

    # ------------------------------------------------------------------ ordering fix-up
    def apply_partial_order_permutations(self, ops: list[Keyed]) -> list[Keyed]:
        """Move the DropIndex of a unique index on a PK-less table after the AlterTable adding that PK."""
        prev_tables = self.prev.db.tables
        i = 0
        while i < len(ops):
            key, op = ops[i]
            i += 1
            if not isinstance(op, DropIndex):
                continue
            tid, k = key[0]
            table = prev_tables[tid]
            ix = table.indexes[k]
            if not ix.unique or table.primary_key is not None:
                continue
            for j in range(i, len(ops)):
                other_key, other = ops[j]
                if not isinstance(other, AlterTable) or other_key[0] != tid or not other.adds_primary_key:
                    continue
                if any(c in other.removed_columns for c in ix.column_names):
                    continue
                npk = other.next.primary_key
                if npk is None or tuple(npk.columns) != ix.column_names:
                    continue
                ops.insert(j, ops.pop(i - 1))
                i -= 1
                break
        return ops


# =============================================================================== helpers
def _extensions_match(p: Extension, n: Extension) -> bool:
    versions = p.version == n.version or not p.version or not n.version
    schemas = p.schema == n.schema or not p.schema or not n.schema
    return p.name == n.name and versions and schemas


def _indexes_match(a: Index, b: Index) -> bool:
    """Same columns (names, sort order), same kind, method and operator classes: only the name may differ."""
    if len(a.columns) != len(b.columns) or a.unique != b.unique:
        return False
    if (a.algorithm or "BTree") != (b.algorithm or "BTree"):
        return False
    if not same_predicate(a.predicate, b.predicate):  # a changed predicate recreates the index
        return False
    algorithm = a.algorithm if a.algorithm != "BTree" else None
    for x, y in zip(a.columns, b.columns, strict=True):
        if x.name != y.name or (x.sort or "Asc").lower() != (y.sort or "Asc").lower():
            return False
        if x.opclass != y.opclass and not (
            # an unwritten operator class is the method's default one
            (x.opclass is None and (algorithm, y.opclass) in DEFAULT_OPCLASSES)
            or (y.opclass is None and (algorithm, x.opclass) in DEFAULT_OPCLASSES)
        ):
            return False
    return True


def _is_join_fk(t: Table) -> bool:
    return len(t.columns) == 2 and t.column("A") is not None and t.column("B") is not None
