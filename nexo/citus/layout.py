"""The distribution plan and the readiness lint: what ``[tool.nexo.citus]`` makes of each table, and what
Citus would refuse in schema.prisma and the SQL layer (no database needed).

Rules (measured on Citus 13.2.2): a distributed table's primary key and unique constraints include its
distribution column; a foreign key between distributed tables pairs the two distribution columns (the
root table is distributed by its key, so ``accountId → accounts.id`` is the pair); a foreign key from a
reference or local table to a distributed one is refused; ``create_distributed_table`` refuses a table
with triggers unless ``citus.enable_unsafe_triggers`` is on; a policy with a ``(SELECT ...)`` sub-link
fails on a distributed table (``unexpected non-SELECT command in SubLink``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from nexo.config import CitusConfig
from nexo.db.sqlscript import split_statements
from nexo.psl import model as M

DISTRIBUTED, REFERENCE, LOCAL = "distributed", "reference", "local"


@dataclass(frozen=True)
class TablePlan:
    """How one table is laid out: ``kind``, the distribution ``column`` and the table it is co-located with."""

    table: str
    kind: str
    column: str | None = None
    colocate_with: str | None = None


@dataclass(frozen=True)
class Finding:
    """One thing Citus would refuse, where it is, and the exact change that fixes it."""

    code: str
    table: str
    message: str
    fix: str
    file: str
    line: int
    column: int = 1

    def text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message} Fix: {self.fix}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def plan_table(name: str, columns: set[str], cfg: CitusConfig, colocate_with: str | None = None) -> TablePlan:
    """The layout of table ``name`` with ``columns`` under ``cfg``.

    A distributed table is co-located with the root table when the root is distributed (by its key), else
    with ``colocate_with`` (:func:`plan_schema` passes the first distributed table: the root is then a
    reference table, ``reference = ["accounts"]``, and the tenant tables are co-located with each other).
    """
    if name in cfg.local:
        return TablePlan(name, LOCAL)
    if name in cfg.reference:
        return TablePlan(name, REFERENCE)
    if name == cfg.root_table:
        return TablePlan(name, DISTRIBUTED, cfg.root_key)
    if cfg.distribution_column in columns:
        anchor = colocate_with if root_is_reference_or_local(cfg) else cfg.root_table
        return TablePlan(name, DISTRIBUTED, cfg.distribution_column, anchor if anchor != name else None)
    return TablePlan(name, LOCAL)


def root_is_reference_or_local(cfg: CitusConfig) -> bool:
    """The root table is configured as a reference (or local) table: it is not distributed by its key."""
    return cfg.root_table in cfg.reference or cfg.root_table in cfg.local


def plan_schema(schema: M.Schema, cfg: CitusConfig) -> dict[str, TablePlan]:
    """Every model's table (views and ignored models left out) by table name."""
    tables = [
        (m.db_name, {f.db_name for f in m.scalar_fields}) for m in schema.models if not (m.is_view or m.is_ignored)
    ]
    anchor = next(
        (t for t, cols in tables if plan_table(t, cols, cfg).kind == DISTRIBUTED),
        None,
    )
    return {t: plan_table(t, cols, cfg, anchor) for t, cols in tables}


def _field_of_column(model: M.Model, column: str | None) -> str | None:
    for f in model.scalar_fields:
        if f.db_name == column:
            return f.name
    return None


def _list(names: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(names) + "]"


def lint_schema(schema: M.Schema, cfg: CitusConfig) -> list[Finding]:
    """Keys and foreign keys of schema.prisma that Citus refuses, each with the schema.prisma change."""
    plans = plan_schema(schema, cfg)
    models = {m.name: m for m in schema.models if m.db_name in plans}
    out: list[Finding] = []
    for m in models.values():
        p = plans[m.db_name]
        if p.kind != DISTRIBUTED:
            continue
        dist = _field_of_column(m, p.column)
        if dist is None:  # the root table without its configured key: reported once
            out.append(
                Finding(
                    "citus-root-key",
                    m.db_name,
                    f"The root table {m.db_name} has no column {p.column} to distribute by.",
                    f'set root = "{m.db_name}.<key column>" in [tool.nexo.citus]',
                    m.span.file,
                    m.span.line,
                    m.span.column,
                )
            )
            continue
        pk = m.primary_key
        if pk is not None and dist not in [f.name for f in pk.fields]:
            fields = [dist] + [f.name for f in pk.fields]
            if pk.source == "field":
                fix = f"replace @id on field {pk.fields[0].name} with @@id({_list(fields)}) in model {m.name}"
            else:
                fix = f"@@id({_list(fields)}) in model {m.name}"
            out.append(
                Finding(
                    "citus-primary-key",
                    m.db_name,
                    f"The primary key of {m.db_name} does not include the distribution column {p.column}.",
                    fix,
                    pk.span.file,
                    pk.span.line,
                    pk.span.column,
                )
            )
        for ix in m.indexes:
            names = [f.name for f in ix.fields]
            if ix.kind != "unique" or dist in names:
                continue
            fields = [dist, *names]
            if ix.source == "field":
                fix = f"replace @unique on field {names[0]} with @@unique({_list(fields)}) in model {m.name}"
            else:
                fix = f"@@unique({_list(fields)}) in model {m.name}"
            if m.db_name == cfg.root_table:  # the tenant table: a composite unique drops global uniqueness
                fix = (
                    f'add "{m.db_name}" to reference = [...] in [tool.nexo.citus] (a reference table is copied to '
                    f"every node and keeps ({', '.join(names)}) unique across all tenants), or {fix} (then "
                    f"({', '.join(names)}) is no longer unique on its own)"
                )
            out.append(
                Finding(
                    "citus-unique",
                    m.db_name,
                    f"The unique constraint on {m.db_name} ({', '.join(names)}) does not include the distribution "
                    f"column {p.column}.",
                    fix,
                    ix.span.file,
                    ix.span.line,
                    ix.span.column,
                )
            )
    for m in models.values():
        p = plans[m.db_name]
        for rf in m.relation_fields:
            if not rf.fields or rf.related_model not in models:
                continue
            target = models[rf.related_model]
            q = plans[target.db_name]
            where = (rf.span.file, rf.span.line, rf.span.column)
            if q.kind != DISTRIBUTED:
                if p.kind == DISTRIBUTED and q.kind == REFERENCE:  # measured: same action rules as between
                    out += _fk_actions(m, rf, _field_of_column(m, p.column) in rf.fields)  # distributed tables
                if p.kind == DISTRIBUTED and q.kind == LOCAL:
                    out.append(
                        Finding(
                            "citus-fk-to-local",
                            m.db_name,
                            f"The relation {m.name}.{rf.name} points from the distributed table {m.db_name} to the "
                            f"local table {target.db_name}; Citus refuses that foreign key.",
                            f'add "{target.db_name}" to reference = [...] in [tool.nexo.citus]',
                            *where,
                        )
                    )
                continue
            if p.kind != DISTRIBUTED:
                out.append(
                    Finding(
                        "citus-fk-from-" + p.kind,
                        m.db_name,
                        f"The relation {m.name}.{rf.name} points from the {p.kind} table {m.db_name} to the "
                        f"distributed table {target.db_name}; Citus refuses that foreign key.",
                        f"add a field {cfg.distribution_column} to model {m.name} so it is distributed too, "
                        f"or remove the relation",
                        *where,
                    )
                )
                continue
            mine, theirs = _field_of_column(m, p.column), _field_of_column(target, q.column)
            pairs = list(zip(rf.fields, rf.references, strict=False))
            out += _fk_actions(m, rf, mine in rf.fields)
            if mine is None or theirs is None or (mine, theirs) in pairs:
                continue
            fields = [mine, *[a for a, b in pairs if b != theirs]]
            refs = [theirs, *[b for a, b in pairs if b != theirs]]
            fix = f"@relation(fields: {_list(fields)}, references: {_list(refs)}) on {m.name}.{rf.name}"
            fix += f", with @@unique({_list(refs)}) (or @@id) in model {target.name}"
            out.append(
                Finding(
                    "citus-foreign-key",
                    m.db_name,
                    f"The foreign key {m.name}.{rf.name} → {target.db_name} does not include the distribution "
                    f"column on both sides ({p.column} → {q.column}).",
                    fix,
                    *where,
                )
            )
    from .m2m import lint_implicit_m2m  # here: m2m builds on this module

    return out + lint_implicit_m2m(schema, plans, cfg)


def _fk_actions(m: M.Model, rf: M.RelationField, includes_key: bool) -> list[Finding]:
    """Citus refuses ``ON UPDATE`` Cascade/SetNull/SetDefault (Prisma's default is Cascade) and ``ON DELETE``
    SetNull/SetDefault on a foreign key that includes the distribution column."""
    if not includes_key:
        return []
    rel = rf.relation
    on_update = (rel.on_update if rel is not None else None) or rf.on_update or "Cascade"
    on_delete = (rel.on_delete if rel is not None else None) or rf.on_delete or "NoAction"
    bad_update = on_update in ("Cascade", "SetNull", "SetDefault")
    bad_delete = on_delete in ("SetNull", "SetDefault")
    if not bad_update and not bad_delete:
        return []
    wanted = []
    if bad_delete:
        wanted.append("onDelete: Cascade (or Restrict/NoAction)")
    if bad_update:
        wanted.append("onUpdate: NoAction")
    return [
        Finding(
            "citus-fk-action",
            m.db_name,
            f"The foreign key {m.name}.{rf.name} includes the distribution column and has ON UPDATE {on_update} / "
            f"ON DELETE {on_delete}; Citus refuses CASCADE, SET NULL or SET DEFAULT on update (and SET NULL / "
            "SET DEFAULT on delete) there.",
            f"add {' and '.join(wanted)} to @relation of {m.name}.{rf.name}",
            rf.span.file,
            rf.span.line,
            rf.span.column,
        )
    ]


_NAME = r"(?:\"[^\"]+\"|\w+)"
_QUALIFIED = rf"({_NAME}(?:\.{_NAME})?)"
_TRIGGER = re.compile(
    rf"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+({_NAME})\s+.*?\bON\s+{_QUALIFIED}", re.I | re.S
)
_DROP_TRIGGER = re.compile(rf"^\s*DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?({_NAME})\s+ON\s+{_QUALIFIED}", re.I)
_POLICY = re.compile(rf"^\s*CREATE\s+POLICY\s+({_NAME})\s+ON\s+{_QUALIFIED}", re.I | re.S)
_DROP_POLICY = re.compile(rf"^\s*DROP\s+POLICY\s+(?:IF\s+EXISTS\s+)?({_NAME})\s+ON\s+{_QUALIFIED}", re.I)
_SUBLINK = re.compile(r"\(\s*SELECT\b", re.I)
_UNSAFE_TRIGGERS = re.compile(r"citus\.enable_unsafe_triggers", re.I)


def _table_name(text: str) -> str:
    return text.split(".")[-1].strip('"')


def _key(name: str, table: str) -> tuple[str, str]:
    return (name.strip('"'), _table_name(table))


def lint_sql(files: list[Path], plans: dict[str, TablePlan], cfg: CitusConfig, tenant_setting: str) -> list[Finding]:
    """Triggers and policy forms in the SQL layer that Citus refuses on distributed/reference tables.

    The layer is read as the database ends up after all ``files`` in order: a trigger or policy that a
    later file drops (``DROP TRIGGER``/``DROP POLICY``) or re-creates in an accepted form is not reported.
    """
    triggers: dict[tuple[str, str], Finding | None] = {}
    policies: dict[tuple[str, str], Finding | None] = {}
    for path in files:
        script = path.read_text(encoding="utf-8")
        unsafe_ok = bool(_UNSAFE_TRIGGERS.search(script))
        for st in split_statements(script):
            if m := _DROP_TRIGGER.match(st.text):
                triggers.pop(_key(m.group(1), m.group(2)), None)
            elif m := _DROP_POLICY.match(st.text):
                policies.pop(_key(m.group(1), m.group(2)), None)
            elif m := _TRIGGER.match(st.text):
                key = _key(m.group(1), m.group(2))
                table = key[1]
                p = plans.get(table)
                triggers.pop(key, None)
                triggers[key] = None
                if not unsafe_ok and p is not None and p.kind != LOCAL:
                    triggers[key] = Finding(
                        "citus-trigger",
                        table,
                        f"A trigger on the {p.kind} table {table}: create_distributed_table refuses tables "
                        "with triggers.",
                        "drop the trigger (for updated_at, @updatedAt in schema.prisma sets it from the "
                        "client) or run the file with SET citus.enable_unsafe_triggers = on",
                        str(path),
                        st.line,
                    )
            elif m := _POLICY.match(st.text):
                key = _key(m.group(1), m.group(2))
                table = key[1]
                p = plans.get(table)
                policies.pop(key, None)
                policies[key] = None
                if _SUBLINK.search(st.text[m.end() :]) and p is not None and p.kind == DISTRIBUTED:
                    policies[key] = Finding(
                        "citus-policy-sublink",
                        table,
                        f"The policy on the distributed table {table} uses a (SELECT ...) sub-select, which "
                        "Citus rejects (unexpected non-SELECT command in SubLink).",
                        "move the expression into a STABLE SQL function: CREATE FUNCTION current_tenant() "
                        f"RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('{tenant_setting}', "
                        f"true), '')::uuid $$; then USING ({p.column} = current_tenant())",
                        str(path),
                        st.line,
                    )
    found = [f for f in [*triggers.values(), *policies.values()] if f is not None]
    order = {str(path): i for i, path in enumerate(files)}
    return sorted(found, key=lambda f: (order.get(f.file, 0), f.line))


def distribution_order(plans: list[TablePlan]) -> list[TablePlan]:
    """Reference tables first, then the root table, then the tables co-located with it (input order kept)."""
    refs = [p for p in plans if p.kind == REFERENCE]
    roots = [p for p in plans if p.kind == DISTRIBUTED and p.colocate_with is None]
    rest = [p for p in plans if p.kind == DISTRIBUTED and p.colocate_with is not None]
    return refs + roots + rest


def distribution_statement(plan: TablePlan) -> str:
    """The SQL that lays ``plan``'s table out (table and column names are bound as literals)."""
    from nexo.db.ident import quote_ident
    from nexo.db.ident import quote_literal as lit

    table = lit(quote_ident(plan.table))
    if plan.kind == REFERENCE:
        return f"SELECT create_reference_table({table})"
    if plan.kind != DISTRIBUTED or plan.column is None:
        raise ValueError(f"table {plan.table} is {plan.kind}: nothing to distribute")
    colocate = f", colocate_with => {lit(quote_ident(plan.colocate_with))}" if plan.colocate_with else ""
    return f"SELECT create_distributed_table({table}, {lit(plan.column)}{colocate})"


_ADD_FK = re.compile(r"^\s*ALTER\s+TABLE\s+.*\bADD\s+CONSTRAINT\s+.*\bFOREIGN\s+KEY\b", re.I | re.S)


def split_foreign_keys(script: str) -> tuple[list[str], list[str]]:
    """A migration's statements in two lists: everything but ``ALTER TABLE … ADD … FOREIGN KEY``, and those
    (Citus refuses a foreign key from a local to a distributed table: distribute in between)."""
    rest: list[str] = []
    fks: list[str] = []
    for st in split_statements(script):
        (fks if _ADD_FK.match(st.text) else rest).append(st.text)
    return rest, fks


SEQUENTIAL = "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"
_CREATE_TABLE = re.compile(
    r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:\"[^\"]+\"|\w+)(?:\.(?:\"[^\"]+\"|\w+))?)", re.I
)


def tables_to_distribute(script: str, plans: dict[str, TablePlan]) -> list[TablePlan]:
    """The tables ``script`` creates that ``plans`` distributes or makes reference tables, in distribution order."""
    created = [_table_name(m.group(1)) for st in split_statements(script) if (m := _CREATE_TABLE.match(st.text))]
    return distribution_order([plans[t] for t in created if t in plans and plans[t].kind != LOCAL])


_PRIMARY_KEY = re.compile(r"\bPRIMARY\s+KEY\s*\(([^)]*)\)", re.I)
_UNIQUE_INDEX = re.compile(
    rf"^\s*CREATE\s+UNIQUE\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:{_NAME}\s+)?ON\s+(?:ONLY\s+)?"
    rf"{_QUALIFIED}\s*(?:USING\s+\w+\s*)?\(([^;]*)\)",
    re.I | re.S,
)


def _columns(text: str) -> list[str]:
    return [c.strip().strip('"') for c in text.split(",")]


def ready_in_script(script: str, plan: TablePlan) -> bool:
    """Whether the table as ``script`` creates it is one Citus distributes as ``plan`` says: a distributed
    table's primary key and unique indexes (those in the script) include its distribution column. A
    migration that creates a table Citus would refuse (the repo CRM's first migration: keys without
    ``account_id``) runs unchanged; :func:`nexo.citus.distribute_existing` distributes its tables once a
    later migration has made them ready."""
    if plan.kind != DISTRIBUTED:
        return True
    for st in split_statements(script):
        if (m := _CREATE_TABLE.match(st.text)) and _table_name(m.group(1)) == plan.table:
            if any(plan.column not in _columns(k.group(1)) for k in _PRIMARY_KEY.finditer(st.text)):
                return False
        elif (m := _UNIQUE_INDEX.match(st.text)) and _table_name(m.group(1)) == plan.table:
            if plan.column not in _columns(m.group(2)):
                return False
    return True


def deferred_tables(script: str, plans: dict[str, TablePlan]) -> list[TablePlan]:
    """The tables ``script`` creates that Citus would refuse as created (see :func:`ready_in_script`); when there
    is one, the migration distributes none of its tables (they reference each other) and runs unchanged."""
    chosen = tables_to_distribute(script, plans)
    return chosen if any(not ready_in_script(script, p) for p in chosen) else []


def distribute_script(script: str, plans: dict[str, TablePlan]) -> str:
    """A migration's script as it runs on Citus: its statements but the foreign keys, then the distribution
    of each table it creates (as ``plans`` lays it out), then its foreign keys. Unchanged when it creates
    no table to distribute."""
    chosen = tables_to_distribute(script, plans)
    if not chosen or deferred_tables(script, plans):
        return script
    rest, fks = split_foreign_keys(script)
    # in one transaction, a foreign key to a reference table after a parallel DDL on a distributed table is
    # refused ("cannot modify table ... because there was a parallel operation"): run the DDL sequentially
    body = [SEQUENTIAL] + rest + [distribution_statement(p) for p in distribution_order(chosen)] + fks
    return "".join(s.strip() + ";\n\n" for s in body)
