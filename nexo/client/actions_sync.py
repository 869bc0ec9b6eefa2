# GENERATED from nexo/client/actions.py by nexo/client/_codegen.py: do not edit.
# Regenerate with: python -m nexo.client._codegen
"""The synchronous model actions (generated twin of actions.py): Prisma Client Python's find/count/group_by/create/update/upsert/delete
on one model, nested writes included.

Written once, async: ``nexo/client/actions_sync.py`` is generated from it by
``nexo/client/_codegen.py``. Plans, arguments and result shaping (no I/O) live in
:class:`nexo.client.engine_base.ModelActionsBase`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nexo.client.compiler import (
    Plan,
    bind,
    check_required,
    check_unique,
    compile_count,
    compile_delete,
    compile_group_by,
    compile_insert,
    compile_link,
    compile_unlink_all,
    compile_update,
    fill_create_defaults,
    split_data,
)
from nexo.client.engine_base import NOT_FOUND, ModelActionsBase, given, m2m_back, sql_params
from nexo.client.errors import DataError, MissingRequiredValueError, RecordNotFoundError
from nexo.client.executor_sync import Executor, counted
from nexo.client.meta import ModelMeta, RelationMeta, SchemaMeta

if TYPE_CHECKING:
    from nexo.client.engine_sync import Client


class ModelActions(ModelActionsBase):
    """Prisma Client Python's actions for one model, on dicts (signatures as in client-api.md §3.1)."""

    _client: Client

    def _read(
        self, kind: str, args: dict[str, Any], compile_fn: Callable[[SchemaMeta, str, Any], Plan]
    ) -> tuple[Plan, list[tuple[Any, ...]]]:
        plan, params = self._read_plan(kind, args, compile_fn)
        rows, _, _ = self._client._executor.fetch(plan.sql, params, self._m, binary=plan.binary)
        return plan, rows

    def _find(self, args: dict[str, Any], unique: bool = False, first: bool = False) -> list[Any]:
        """The result rows: model instances for typed actions, else dicts (see :meth:`_found`)."""
        plan, params, values = self._find_plan(args, unique, first)
        if plan.batches:
            rows = self._client._executor.fetch_batched(plan, params, values, self._m)
        else:
            rows, _, _ = self._client._executor.fetch(plan.sql, params, self._m, binary=True)
        return self._found(plan, rows)

    def _exec(self, ex: Executor, plan: Plan) -> tuple[list[dict[str, Any]], int]:
        rows, _, count = ex.fetch(plan.sql, bind(plan.specs, []), self._m, binary=plan.binary)
        rp = plan.rows
        return ([rp.row(r) for r in rows] if rp is not None else []), count

    # ------------------------------------------------------------ reads
    @counted
    def find_unique(self, where: Any, include: Any = None, *, select: Any = None) -> Any:
        args = {"where": where}
        if include is not None:
            args["include"] = include
        if select is not None:
            args["select"] = select
        rows = self._find(args, True)
        return rows[0] if rows else None

    @counted
    def find_unique_or_raise(self, where: Any, include: Any = None, *, select: Any = None) -> Any:
        rows = self._find(given(where=where, include=include, select=select), unique=True)
        if not rows:
            raise self._not_found(f"Expected a record, found none ({self._name} where {where!r}).")
        return rows[0]

    @counted
    def find_first(
        self,
        skip: Any = None,
        where: Any = None,
        cursor: Any = None,
        include: Any = None,
        order: Any = None,
        distinct: Any = None,
        *,
        select: Any = None,
    ) -> Any:
        rows = self._find(
            given(
                take=1,
                skip=skip,
                where=where,
                cursor=cursor,
                include=include,
                order=order,
                distinct=distinct,
                select=select,
            ),
            first=True,
        )
        return rows[0] if rows else None

    def find_first_or_raise(
        self,
        skip: Any = None,
        where: Any = None,
        cursor: Any = None,
        include: Any = None,
        order: Any = None,
        distinct: Any = None,
        *,
        select: Any = None,
    ) -> Any:
        got = self.find_first(skip, where, cursor, include, order, distinct, select=select)
        if got is None:
            raise self._not_found(f"Expected a record, found none ({self._name}).")
        return got

    @counted
    def find_many(
        self,
        take: Any = None,
        skip: Any = None,
        where: Any = None,
        cursor: Any = None,
        include: Any = None,
        order: Any = None,
        distinct: Any = None,
        *,
        select: Any = None,
    ) -> list[Any]:
        # the arguments given, built without given(): this is the hottest entry point
        args: dict[str, Any] = {}
        if take is not None:
            args["take"] = take
        if skip is not None:
            args["skip"] = skip
        if where is not None:
            args["where"] = where
        if cursor is not None:
            args["cursor"] = cursor
        if include is not None:
            args["include"] = include
        if order is not None:
            args["order"] = order
        if distinct is not None:
            args["distinct"] = distinct
        if select is not None:
            args["select"] = select
        return self._find(args)

    @counted
    def count(
        self,
        select: Any = None,
        take: Any = None,
        skip: Any = None,
        where: Any = None,
        cursor: Any = None,
    ) -> Any:
        args = given(take=take, skip=skip, where=where, cursor=cursor)
        if select is not None:
            args["select"] = {k: bool(v) for k, v in select.items()}
        plan, rows = self._read("count", args, compile_count)
        return self._counted(plan, rows)

    @counted
    def group_by(
        self,
        by: Any,
        *,
        where: Any = None,
        take: Any = None,
        skip: Any = None,
        avg: Any = None,
        sum: Any = None,
        min: Any = None,
        max: Any = None,
        having: Any = None,
        count: Any = None,
        order: Any = None,
    ) -> Any:
        args = given(
            by=list(by),
            where=where,
            take=take,
            skip=skip,
            avg=avg,
            sum=sum,
            min=min,
            max=max,
            having=having,
            count=count,
            order=order,
        )
        plan, rows = self._read("group_by", args, compile_group_by)
        return self._grouped(plan, rows)

    # ------------------------------------------------------------ writes
    @counted
    def create(self, data: Any, include: Any = None, *, select: Any = None) -> Any:
        m = self._m
        scalars, rels = split_data(m, data)
        if not rels and not self._split_write(include, select):
            fill_create_defaults(m, scalars)
            check_required(m, scalars, set())
            plan, rows = self._insert_rows(self._client._executor, m, scalars, include, select)
            return self._one(plan, rows[0])
        with self._client._executor.atomic() as ex:
            row = self._create_row(ex, m, data, include, select)
        return self._out(row)

    @counted
    def create_many(self, data: Any, *, skip_duplicates: bool | None = None) -> int:
        if not data:
            return 0
        plan = self._insert_many_plan(data, skip_duplicates)
        _, _, count = self._client._executor.fetch(plan.sql, bind(plan.specs, []), self._m)
        return count

    @counted
    def update(self, data: Any, where: Any, include: Any = None, *, select: Any = None) -> Any:
        check_unique(self._m, where)
        where = self._scope_where(where)
        try:
            scalars, rels = split_data(self._m, data)
            if not rels and not self._split_write(include, select):
                self._touch(self._m, scalars)
                plan, rows = self._update_rows(self._client._executor, self._m, scalars, where, include, select)
                if not rows:
                    if self._raise_not_found:
                        raise self._not_found("Record to update not found.")
                    return None
                return self._one(plan, rows[0])
            else:
                with self._client._executor.atomic() as ex:
                    row = self._update_row(ex, self._m, data, where, include, select)
        except RecordNotFoundError:
            if self._raise_not_found:
                raise
            return None
        if row is None and self._raise_not_found:
            raise self._not_found("Record to update not found.")
        return self._out(row)

    @counted
    def update_many(self, data: Any, where: Any) -> int:
        plan = self._update_many_plan(data, where)
        rows, _, count = self._client._executor.fetch(plan.sql, bind(plan.specs, []), self._m)
        if plan.extra.get("count"):
            return int(rows[0][0])
        return count

    @counted
    def upsert(self, where: Any, data: Any, include: Any = None, *, select: Any = None) -> Any:
        check_unique(self._m, where)
        if not isinstance(data, dict) or "create" not in data or "update" not in data:
            raise DataError("upsert data needs both 'create' and 'update'")
        where = self._scope_where(where)
        with self._client._executor.atomic() as ex:
            found = self._keys(ex, self._m, where, lock=True)
            row: dict[str, Any] | None
            if found is None:
                row = self._create_row(ex, self._m, data["create"], include, select)
            else:
                row = self._update_row(ex, self._m, data["update"], where, include, select)
        return self._out(row)

    @counted
    def delete(self, where: Any, include: Any = None, *, select: Any = None) -> Any:
        check_unique(self._m, where)
        if self._split_write(include, select):
            with self._client._executor.atomic() as ex:
                rows = self._delete_split(ex, self._scope_where(where), include, select)
        else:
            plan = compile_delete(
                self._client.meta, self._name, self._scope_where(where), include, select, cte=self._cte(self._m)
            )
            rows, _ = self._exec(self._client._executor, plan)
        if not rows:
            if self._raise_not_found:
                raise self._not_found("Record to delete does not exist.")
            return None
        return self._out(rows[0])

    @counted
    def delete_many(self, where: Any = None) -> int:
        plan = compile_delete(self._client.meta, self._name, self._scope_where(where) or {}, many=True)
        _, count = self._exec(self._client._executor, plan)
        return count

    def query_raw(self, query: str, *args: Any) -> list[Any]:
        rows = self._client.query_raw(query, *args)
        if self._shape is not None:
            return [self._shape.validate(r) for r in rows]
        return [self._out(r) for r in rows]

    def query_first(self, query: str, *args: Any) -> Any:
        rows = self.query_raw(query, *args)
        return rows[0] if rows else None

    # ------------------------------------------------------------ nested writes
    def _keys(
        self, ex: Executor, m: ModelMeta, where: Any, fields: list[str] | None = None, *, lock: bool = False
    ) -> dict[str, Any] | None:
        plan = self._keys_plan(m, where, fields, lock)
        rows, _, _ = ex.fetch(plan.sql, bind(plan.specs, []), m)
        if not rows:
            return None
        assert plan.rows is not None
        return plan.rows.row(rows[0])

    def _reselect(
        self, ex: Executor, m: ModelMeta, row: dict[str, Any], include: Any, select: Any
    ) -> dict[str, Any]:
        if not include and not select:
            return row
        plan = self._reselect_plan(m, row, include, select)
        rows, _, _ = ex.fetch(plan.sql, bind(plan.specs, []), m, binary=plan.binary)
        assert plan.rows is not None
        return plan.rows.row(rows[0])

    def _create_row(
        self,
        ex: Executor,
        m: ModelMeta,
        data: dict[str, Any],
        include: Any,
        select: Any,
        fk: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        meta = self._client.meta
        scalars, rels = split_data(m, data)
        if fk:
            scalars.update(fk)
        provided: set[str] = set(fk or ())
        after: list[tuple[RelationMeta, Any]] = []
        for name, ops in rels.items():
            r = m.relation(name)
            assert r is not None
            if ops is None:
                raise MissingRequiredValueError(
                    f"A value is required but not set for the relation: `{name}` of {m.name}", meta={"target": [name]}
                )
            if r.owns_fk:
                target = self._to_one_target(ex, r, ops)
                for lf, rf in zip(r.fields, r.references, strict=True):
                    scalars[lf] = target[rf]
                provided.update(r.fields)
            else:
                after.append((r, ops))
        fill_create_defaults(m, scalars)
        check_required(m, scalars, provided)
        if not after:
            return self._insert(ex, m, scalars, include, select)
        plan = compile_insert(meta, m.name, scalars, cte=self._cte(m))
        rows, _ = self._exec(ex, plan)
        row = rows[0]
        for r, ops in after:
            self._nested(ex, m, row, r, ops, creating=True)
        return self._reselect(ex, m, row, include, select)

    def _insert(
        self, ex: Executor, m: ModelMeta, scalars: dict[str, Any], include: Any, select: Any
    ) -> dict[str, Any]:
        plan, rows = self._insert_rows(ex, m, scalars, include, select)
        assert plan.rows is not None
        return plan.rows.row(rows[0])

    def _insert_rows(
        self, ex: Executor, m: ModelMeta, scalars: dict[str, Any], include: Any, select: Any
    ) -> tuple[Plan, list[tuple[Any, ...]]]:
        """INSERT one row; the statement is compiled once per shape (columns, include, select)."""
        if self._split_write(include, select):
            plan, params = self._insert_plan(m, scalars, None, None)
            rows, _, _ = ex.fetch(plan.sql, params, m, binary=plan.binary)
            assert plan.rows is not None
            return self._reselect_rows(ex, m, plan.rows.row(rows[0]), include, select)
        plan, params = self._insert_plan(m, scalars, include, select)
        rows, _, _ = ex.fetch(plan.sql, params, m, binary=plan.binary)
        return plan, rows

    def _reselect_rows(
        self, ex: Executor, m: ModelMeta, row: dict[str, Any], include: Any, select: Any
    ) -> tuple[Plan, list[tuple[Any, ...]]]:
        """The row just written, read again by its primary key with ``include``/``select`` (see
        :meth:`_split_write`)."""
        plan = self._reselect_plan(m, row, include, select)
        rows, _, _ = ex.fetch(plan.sql, bind(plan.specs, []), m, binary=plan.binary)
        return plan, rows

    def _delete_split(self, ex: Executor, where: Any, include: Any, select: Any) -> list[dict[str, Any]]:
        """DELETE with ``include``/``select`` in three single-shard statements (see :meth:`_split_write`): lock
        the row, read it with its relations, delete it by its primary key."""
        m = self._m
        found = self._keys(ex, m, where, list(m.id_fields), lock=True)
        if found is None:
            return []
        plan, rows = self._reselect_rows(ex, m, found, include, select)
        self._exec(ex, compile_delete(self._client.meta, self._name, self._pk_where(m, found), many=True))
        assert plan.rows is not None
        return [plan.rows.row(rows[0])]

    def _update(
        self, ex: Executor, m: ModelMeta, scalars: dict[str, Any], where: Any, include: Any, select: Any
    ) -> dict[str, Any] | None:
        plan, rows = self._update_rows(ex, m, scalars, where, include, select)
        if not rows:
            return None
        assert plan.rows is not None
        return plan.rows.row(rows[0])

    def _update_rows(
        self, ex: Executor, m: ModelMeta, scalars: dict[str, Any], where: Any, include: Any, select: Any
    ) -> tuple[Plan, list[tuple[Any, ...]]]:
        """UPDATE the row ``where`` names (scalar fields only); compiled once per shape."""
        if self._split_write(include, select):
            plan, params = self._update_plan(m, scalars, where, None, None)
            rows, _, _ = ex.fetch(plan.sql, params, m, binary=plan.binary)
            if not rows:
                return plan, rows
            assert plan.rows is not None
            return self._reselect_rows(ex, m, plan.rows.row(rows[0]), include, select)
        plan, params = self._update_plan(m, scalars, where, include, select)
        rows, _, _ = ex.fetch(plan.sql, params, m, binary=plan.binary)
        return plan, rows

    def _to_one_target(self, ex: Executor, r: RelationMeta, ops: Any) -> dict[str, Any]:
        """The row a to-one relation (FK on this side) should point to after create/connect."""
        t = self._client.meta.model(r.target)
        if not isinstance(ops, dict) or len(ops) != 1:
            raise DataError(f"Expected exactly one of create, connect, connect_or_create for relation '{r.field}'")
        ((op, body),) = ops.items()
        if op == "create":
            return self._create_row(ex, t, body, None, None)
        if op == "connect":
            found = self._keys(ex, t, body, list(r.references))
            if found is None:
                raise RecordNotFoundError(
                    f"{NOT_FOUND} No '{t.name}' record was found for a nested connect on relation '{r.field}'.",
                    meta={"cause": "nested connect", "relation": r.field},
                )
            return found
        if op == "connect_or_create":
            found = self._keys(ex, t, body["where"], list(r.references))
            if found is not None:
                return found
            return self._create_row(ex, t, body["create"], None, None)
        raise DataError(f"Unknown nested write '{op}' for relation '{r.field}'")

    def _update_row(
        self, ex: Executor, m: ModelMeta, data: dict[str, Any], where: Any, include: Any, select: Any
    ) -> dict[str, Any] | None:
        meta = self._client.meta
        scalars, rels = split_data(m, data)
        self._touch(m, scalars)
        if not rels:
            return self._update(ex, m, scalars, where, include, select)
        current = self._keys(ex, m, where, lock=True)
        if current is None:
            raise self._not_found("Record to update not found.")
        later: list[tuple[RelationMeta, Any]] = []
        deletes: list[tuple[ModelMeta, dict[str, Any]]] = []
        for name, ops in rels.items():
            r = m.relation(name)
            assert r is not None
            if not r.owns_fk:
                later.append((r, ops))
                continue
            t = meta.model(r.target)
            for op, body in ops.items():
                if op in ("create", "connect", "connect_or_create"):
                    target = self._to_one_target(ex, r, {op: body})
                    for lf, rf in zip(r.fields, r.references, strict=True):
                        scalars[lf] = target[rf]
                elif op == "disconnect":
                    if body:
                        if r.is_required:
                            raise DataError(f"The required relation '{r.field}' cannot be disconnected", code="P2014")
                        for lf in r.fields:
                            scalars[lf] = None
                elif op == "delete":
                    if body:
                        if r.is_required:
                            raise DataError(
                                f"The required relation '{r.field}' cannot be deleted through {m.name}", code="P2014"
                            )
                        tw = {rf: current[lf] for lf, rf in zip(r.fields, r.references, strict=True)}
                        for lf in r.fields:
                            scalars[lf] = None
                        deletes.append((t, tw))
                elif op == "update":
                    tw = {rf: current[lf] for lf, rf in zip(r.fields, r.references, strict=True)}
                    if any(v is None for v in tw.values()):
                        raise self._not_found(f"No '{t.name}' record is linked through '{r.field}' to update.")
                    self._update_nested(ex, t, body, tw)
                else:
                    raise DataError(f"Unknown nested write '{op}' for relation '{r.field}'")
        pk = self._pk_where(m, current)
        if scalars:
            plan = compile_update(meta, m.name, scalars, pk, cte=self._cte(m))
            rows, _ = self._exec(ex, plan)
            current = rows[0]
            pk = self._pk_where(m, current)
        for t, tw in deletes:
            plan = compile_delete(meta, t.name, tw, many=True)
            self._exec(ex, plan)
        for r, ops in later:
            self._nested(ex, m, current, r, ops, creating=False)
        return self._reselect(ex, m, current, include, select)

    def _update_nested(self, ex: Executor, t: ModelMeta, data: dict[str, Any], where: dict[str, Any]) -> None:
        got = self._update_row(ex, t, data, where, None, None)
        if got is None:
            raise self._not_found(f"No '{t.name}' record was found for a nested update.")

    def _nested(
        self, ex: Executor, m: ModelMeta, row: dict[str, Any], r: RelationMeta, ops: Any, *, creating: bool
    ) -> None:
        """Writes on a relation whose foreign key is on the other side (or an implicit m:n table)."""
        meta = self._client.meta
        t = meta.model(r.target)
        if not isinstance(ops, dict):
            raise DataError(f"Relation '{r.field}' takes a dict of nested writes")
        if r.is_m2m:
            self_id = row[m.id_fields[0]]
            parent: dict[str, Any] = {}
        else:
            parent = {bf: row[br] for bf, br in zip(r.back_fields, r.back_references, strict=True)}
        tid = t.id_fields[0] if t.id_fields else None

        def items(v: Any) -> list[Any]:
            return v if isinstance(v, list) else [v]

        def link(where: Any) -> None:
            if r.is_m2m:
                found = self._keys(ex, t, where, [tid])  # type: ignore[list-item]
                if found is None:
                    raise self._not_found(
                        f"No '{t.name}' record was found for a nested connect on relation '{r.field}'."
                    )
                ex.fetch(*sql_params(compile_link(meta, r, self_id, found[tid])), m)  # type: ignore[index]
                return
            plan = compile_update(meta, t.name, dict(parent), where, many=True)
            _, _, n = ex.fetch(plan.sql, bind(plan.specs, []), t)
            if n == 0:
                raise self._not_found(f"No '{t.name}' record was found for a nested connect on relation '{r.field}'.")

        def owned(where: Any) -> Any:
            return {"AND": [where, parent]} if parent else where

        for op, body in ops.items():
            if op == "create":
                for item in items(body):
                    if r.is_m2m:
                        child = self._create_row(ex, t, item, None, None)
                        ex.fetch(*sql_params(compile_link(meta, r, self_id, child[tid])), m)  # type: ignore[index]
                    else:
                        self._create_row(ex, t, item, None, None, fk=dict(parent))
            elif op == "connect":
                for item in items(body):
                    link(item)
            elif op == "connect_or_create":
                for item in items(body):
                    found = self._keys(ex, t, item["where"], list(t.id_fields))
                    if found is not None:
                        link(item["where"])
                    elif r.is_m2m:
                        child = self._create_row(ex, t, item["create"], None, None)
                        ex.fetch(*sql_params(compile_link(meta, r, self_id, child[tid])), m)  # type: ignore[index]
                    else:
                        self._create_row(ex, t, item["create"], None, None, fk=dict(parent))
            elif creating:
                raise DataError(f"Nested '{op}' is only available in update (relation '{r.field}')")
            elif op == "set":
                if r.is_m2m:
                    ex.fetch(*sql_params(compile_unlink_all(meta, r, self_id)), m)
                else:
                    self._detach(ex, t, r, parent, {})
                for item in items(body):
                    link(item)
            elif op == "disconnect":
                if not r.is_list:
                    if body:
                        self._detach(ex, t, r, parent, {})
                    continue
                for item in items(body):
                    if r.is_m2m:
                        found = self._keys(ex, t, item, [tid])  # type: ignore[list-item]
                        if found is not None:
                            ex.fetch(*sql_params(compile_link(meta, r, self_id, found[tid], unlink=True)), m)  # type: ignore[index]
                    else:
                        self._detach(ex, t, r, parent, item)
            elif op == "delete":
                targets = [{}] if not r.is_list and body is True else ([] if body is False else items(body))
                for item in targets:
                    where = (
                        owned(item)
                        if not r.is_m2m
                        else {"AND": [item, {m2m_back(t, r, m): {"some": self._pk_where(m, row)}}]}
                    )
                    plan = compile_delete(meta, t.name, where, many=True)
                    _, n = self._exec(ex, plan)
                    if n == 0 and r.is_list:
                        raise self._not_found(
                            f"No '{t.name}' record was found for a nested delete on relation '{r.field}'."
                        )
            elif op == "delete_many":
                for item in items(body):
                    where = (
                        owned(item)
                        if not r.is_m2m
                        else {"AND": [item, {m2m_back(t, r, m): {"some": self._pk_where(m, row)}}]}
                    )
                    self._exec(ex, compile_delete(meta, t.name, where, many=True))
            elif op == "update":
                for item in items(body):
                    if r.is_list:
                        where, data = item["where"], item["data"]
                    else:
                        where, data = {}, item
                    where = (
                        owned(where)
                        if not r.is_m2m
                        else {"AND": [where, {m2m_back(t, r, m): {"some": self._pk_where(m, row)}}]}
                    )
                    found = self._keys(ex, t, where, list(t.id_fields))
                    if found is None:
                        raise self._not_found(
                            f"No '{t.name}' record was found for a nested update on relation '{r.field}'."
                        )
                    self._update_row(ex, t, data, found, None, None)
            elif op == "update_many":
                for item in items(body):
                    where = owned(item.get("where") or {})
                    scalars, _ = split_data(t, item["data"])
                    self._touch(t, scalars)
                    self._exec(ex, compile_update(meta, t.name, scalars, where, many=True))
            else:
                raise DataError(f"Unknown nested write '{op}' for relation '{r.field}'")

    def _detach(self, ex: Executor, t: ModelMeta, r: RelationMeta, parent: dict[str, Any], where: Any) -> None:
        """Set the foreign key of ``t`` rows that point at the parent to NULL."""
        for bf in r.back_fields:
            f = t.field(bf)
            if f is not None and f.is_required:
                raise DataError(
                    f"The change you are trying to make would violate the required relation between {t.name} and its parent "
                    f"(field '{bf}' cannot be NULL)",
                    code="P2014",
                )
        meta = self._client.meta
        w = {"AND": [where, parent]} if where else parent
        plan = compile_update(meta, t.name, {bf: None for bf in r.back_fields}, w, many=True)
        _, _, n = ex.fetch(plan.sql, bind(plan.specs, []), t)
        if where and n == 0:
            return


__all__ = ["ModelActions"]
