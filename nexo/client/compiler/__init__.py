"""Compiles Prisma Client Python calls into one parameterised SQL statement each.

Reads (find, count, group_by) are compiled from a *skeleton* of the arguments: every value is
replaced by a :class:`Slot`, so the SQL text depends only on the call's shape and is cached under
a key built from that shape (:func:`skeletonize`). The compiled :class:`Plan` carries, per
parameter, the slot it reads and the encoder to apply, so a cache hit only binds values.

Included relations are loaded one of two ways (measured in ``bench/client.py``):

- **JSON in the same statement**: correlated subqueries building one ``json_build_array`` per
  related row, aggregated with ``json_agg`` for to-many relations, to any depth. One round trip;
  the database builds and the client parses JSON. Used by ``find_unique``/``find_first`` and a
  ``find_many`` with a small ``take`` (a few parent rows: a second round trip would cost more than
  the JSON; see ``FEW_ROWS`` in the engine), by writes that return includes, and for relations a
  batch cannot express (many-to-many, composite keys, ``cursor``/``distinct`` inside an include,
  keys of other types than Int/BigInt/String/uuid).
- **One batched query per relation and level** (:class:`RelationBatch`, ``find_many``): the parent
  rows carry the link key where the relation goes; then ``SELECT ... FROM child WHERE fk = ANY(keys)``
  (``take``/``skip`` per parent through ``row_number() OVER (PARTITION BY fk ...)``), read in binary
  like the parents, and grouped per key by the executor. Several parent rows cost one query per
  relation instead of one subquery and one JSON document each. The queries run one after the other
  on one connection: outside a transaction each sees its own snapshot (a write committed in
  between can show in a later level); inside ``tx()``/``tenant()`` they share the transaction.

Identifiers are quoted with :func:`nexo.db.ident.quote_ident`; values are always parameters.

The package, one module per job over one small core: :mod:`~nexo.client.compiler.core` (skeletons,
shape keys, parameter specs, plans, the compilation's shared state), :mod:`~nexo.client.compiler.filters`
(``where``), :mod:`~nexo.client.compiler.windows` (ordering, cursor, take/skip, distinct),
:mod:`~nexo.client.compiler.selection` (columns, includes, ``_count``), :mod:`~nexo.client.compiler.reads`
(find, count, group_by) and :mod:`~nexo.client.compiler.writes` (create, update, upsert's parts, delete).
"""

from nexo.client.compiler.core import (
    Decode,
    Nested,
    Plan,
    RelationBatch,
    RowPlan,
    Slot,
    Spec,
    bind,
    shape_values,
    skeletonize,
    table,
)
from nexo.client.compiler.reads import check_unique, compile_count, compile_find, compile_group_by
from nexo.client.compiler.selection import Compiler
from nexo.client.compiler.writes import (
    _now,
    check_required,
    compile_delete,
    compile_insert,
    compile_insert_many,
    compile_link,
    compile_select_keys,
    compile_unlink_all,
    compile_update,
    fill_create_defaults,
    split_data,
)
from nexo.client.fields import Base64

__all__ = [
    "Base64",
    "Compiler",
    "Decode",
    "Nested",
    "Plan",
    "RelationBatch",
    "RowPlan",
    "Slot",
    "Spec",
    "_now",
    "bind",
    "check_required",
    "check_unique",
    "compile_count",
    "compile_delete",
    "compile_find",
    "compile_group_by",
    "compile_insert",
    "compile_insert_many",
    "compile_link",
    "compile_select_keys",
    "compile_unlink_all",
    "compile_update",
    "fill_create_defaults",
    "shape_values",
    "skeletonize",
    "split_data",
    "table",
]
