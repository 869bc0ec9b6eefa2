"""Readiness lint for implicit many-to-many relations (``A[]`` on one side, ``B[]`` on the other).

Prisma keeps such a relation in a join table ``_AToB(A, B)`` that schema.prisma does not name as a model: it
has no distribution column, so nexo cannot distribute it, and Citus refuses its foreign keys from a local
table to a distributed one (measured on Citus 13.2.2: ``cannot create foreign key constraint since foreign
keys from reference tables and local tables to distributed tables are not supported``). The fix is an
explicit join model that carries the distribution column and composite relations, which nexo distributes
co-located with the root like any other tenant table.
"""

from __future__ import annotations

from nexo.config import CitusConfig
from nexo.psl import model as M
from nexo.psl.ast import Span

from .layout import DISTRIBUTED, Finding, TablePlan

CODE = "citus-implicit-m2m"


def lint_implicit_m2m(schema: M.Schema, plans: dict[str, TablePlan], cfg: CitusConfig) -> list[Finding]:
    """One finding per implicit many-to-many relation that touches a distributed table, at its first relation
    field, with the explicit join model that replaces it."""
    models = {m.name: m for m in schema.models if m.db_name in plans}
    out: list[Finding] = []
    for rel in schema.relations:
        if not rel.is_many_to_many or rel.model_a not in models or rel.model_b not in models:
            continue
        a, b = models[rel.model_a], models[rel.model_b]
        kinds = (plans[a.db_name].kind, plans[b.db_name].kind)
        if DISTRIBUTED not in kinds:
            continue
        where = _span_of(a, rel.field_a) or _span_of(b, rel.field_b) or a.span
        join = rel.join_table or "_" + rel.name
        out.append(
            Finding(
                CODE,
                join,
                f"The implicit many-to-many relation {a.name}.{rel.field_a} ↔ {b.name}.{rel.field_b} keeps its rows "
                f"in the join table {join}, which has no {cfg.distribution_column} column: it cannot be distributed, "
                "and Citus refuses its foreign keys to the distributed table(s).",
                explicit_join_model(schema, plans, cfg, rel),
                where.file,
                where.line,
                where.column,
            )
        )
    return out


def _span_of(m: M.Model, field: str | None) -> Span | None:
    for rf in m.relation_fields:
        if rf.name == field:
            return rf.span
    return None


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _type_text(f: M.ScalarField) -> tuple[str, str]:
    """The type of a new field that points at ``f`` (scalar type, and the ``@db.X`` attribute or "")."""
    native = ""
    if f.native_type is not None:
        args = f"({', '.join(f.native_type.args)})" if f.native_type.args else ""
        native = f"@db.{f.native_type.name}{args}"
    return f.type, native


def _dist_field(schema: M.Schema, plans: dict[str, TablePlan], cfg: CitusConfig) -> tuple[str, M.ScalarField | None]:
    """The distribution field's name as the schema spells it (from a co-located model, else camelCase of the
    column) and the root key field it must match in type."""
    name = None
    key = None
    for m in schema.models:
        p = plans.get(m.db_name)
        if p is None or p.kind != DISTRIBUTED:
            continue
        for f in m.scalar_fields:
            if f.db_name != p.column:
                continue
            if p.colocate_with is None:
                key = f
            elif name is None:
                name = f.name
    if name is None:
        head, *rest = cfg.distribution_column.split("_")
        name = head + "".join(part.capitalize() for part in rest)
    return name, key


def explicit_join_model(schema: M.Schema, plans: dict[str, TablePlan], cfg: CitusConfig, rel: M.Relation) -> str:
    """The schema.prisma change that replaces the implicit relation ``rel`` by a distributed join model."""
    models = {m.name: m for m in schema.models}
    a, b = models[rel.model_a], models[rel.model_b]
    join_name = rel.name[:1].upper() + rel.name[1:]
    dist, root_key = _dist_field(schema, plans, cfg)
    self_relation = a.name == b.name
    lines: list[tuple[str, str, str]] = []  # (field name, type, attributes)
    if root_key is not None:
        typ, native = _type_text(root_key)
        lines.append((dist, typ, f'@map("{cfg.distribution_column}")' + (f" {native}" if native else "")))
    rels: list[tuple[str, str, str]] = []
    key_fields = [dist]
    for side, m, field in (("A", a, rel.field_a), ("B", b, rel.field_b)):
        p = plans[m.db_name]
        base = _lower_first(field or m.name) if self_relation else _lower_first(m.name)
        pk = [f.name for f in m.primary_key.fields] if m.primary_key is not None else []
        scalars = {f.name: f for f in m.scalar_fields}
        dist_of_m = next((f.name for f in m.scalar_fields if f.db_name == p.column), None)
        fields: list[str] = []
        refs: list[str] = []
        if p.kind == DISTRIBUTED and dist_of_m is not None:
            fields.append(dist)
            refs.append(dist_of_m)
        for k in pk:
            if k == dist_of_m:
                continue
            own = base + k[:1].upper() + k[1:]
            typ, native = _type_text(scalars[k])
            lines.append((own, typ, native))
            fields.append(own)
            refs.append(k)
            key_fields.append(own)
        actions = "onDelete: Cascade, onUpdate: NoAction" if dist in fields else "onDelete: Cascade"
        name = f'"{join_name}{side}", ' if self_relation else ""
        rels.append(
            (
                base if base not in {n for n, _, _ in lines} else base + "Ref",
                m.name,
                f"@relation({name}fields: [{', '.join(fields)}], references: [{', '.join(refs)}], {actions})",
            )
        )
    body = lines + rels
    width = max(len(n) for n, _, _ in body)
    twidth = max(len(t) for _, t, _ in body)
    text = [f"model {join_name} {{"]
    text += [f"  {n.ljust(width)} {t.ljust(twidth)} {rest}".rstrip() for n, t, rest in body]
    text += ["", f"  @@id([{', '.join(key_fields)}])"]
    if len(key_fields) > 2:
        text.append(f"  @@index([{dist}, {key_fields[-1]}])")
    text.append("}")
    field_a = rel.field_a or _lower_first(b.name) + "s"
    field_b = rel.field_b or _lower_first(a.name) + "s"
    named_a = f' @relation("{join_name}A")' if self_relation else ""
    named_b = f' @relation("{join_name}B")' if self_relation else ""
    return (
        f"replace the implicit relation by an explicit join model that carries {dist}: in model {a.name} "
        f"`{field_a} {join_name}[]{named_a}`, in model {b.name} `{field_b} {join_name}[]{named_b}`, and add\n"
        + "\n".join(text)
    )
