"""The isolation probe: any Citus-ready project (schema.prisma, SQL layer, ``[tool.nexo.citus]``) on the real
cluster, through its generated client, as the application role (not a superuser, not the owner, forced RLS).

:func:`prepare` migrates the project onto a fresh Citus database (``nexo db:migrate``), creates a login role
with the usual grants, seeds one root row per tenant and the reference tables (as the admin), and generates
the client. :func:`run_probe` then runs many interleaved asyncio tasks over the tenants; each opens tenant
sessions and runs every client operation on every tenant table (create, create_many, find_unique, find_first,
find_many, count, group_by, update, update_many, upsert, delete, delete_many, find_many with every relation
included), with data generated from the schema. Each result is checked against what that tenant wrote (the
probe keeps each tenant's expected rows), every returned row (included ones too) must be the tenant's, a write
aimed at another tenant must change nothing, and at the end the admin compares every tenant table with the
expected rows. Every statement the client sent in a tenant session is then planned with ``EXPLAIN`` to count
the single-shard ones.
"""

from __future__ import annotations

import asyncio
import decimal
import enum
import importlib
import random
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg

from nexo.citus import DISTRIBUTED, REFERENCE, TablePlan, plan_schema
from nexo.config import load_config
from nexo.generator import generate
from nexo.psl import model as M
from nexo.psl import validate_path

from .routing import current_tag, single_shard, statement_log, task_counts


# ====================================================================== the project on the cluster
@dataclass
class Project:
    """A project prepared on a Citus database: its schema, layout, generated client and the app role's URL."""

    root: Path
    schema: M.Schema
    plans: dict[str, TablePlan]
    dist_column: str
    client_module: ModuleType
    admin_url: str
    app_url: str
    role: str
    tenants: list[str]

    def models(self) -> dict[str, M.Model]:
        return {m.name: m for m in self.schema.models if not m.is_view and not m.is_ignored}

    def plan(self, m: M.Model) -> TablePlan | None:
        return self.plans.get(m.db_name)

    def dist_field(self, m: M.Model) -> str | None:
        p = self.plan(m)
        if p is None or p.kind != DISTRIBUTED:
            return None
        return next((f.name for f in m.scalar_fields if f.db_name == p.column), None)

    def root_model(self) -> M.Model:
        cfg = load_config(self.root).citus
        assert cfg is not None
        return next(m for m in self.models().values() if m.db_name == cfg.root_table)

    def tenant_models(self) -> list[M.Model]:
        """The models whose tables are distributed by the tenant column (the root aside), parents first."""
        root = self.root_model()
        chosen = [
            m
            for m in self.models().values()
            if m.name != root.name and self.dist_field(m) is not None and self.plan(m).column == self.dist_column  # type: ignore[union-attr]
        ]
        names = {m.name for m in chosen}
        ordered: list[M.Model] = []
        seen: set[str] = set()

        def visit(m: M.Model) -> None:
            if m.name in seen:
                return
            seen.add(m.name)
            for rf in m.relation_fields:
                if rf.fields and rf.related_model in names and rf.related_model != m.name:
                    visit(self.models()[rf.related_model])
            ordered.append(m)

        for m in chosen:
            visit(m)
        return ordered


def _run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd[2:])} failed:\n{done.stdout}\n{done.stderr}")


def prepare(root: Path, admin_url: str, tenants: int, module_name: str) -> Project:
    """Migrate ``root`` onto ``admin_url`` (a fresh Citus database), create the application role, seed the root
    rows and reference tables, and generate the client (package ``module_name`` in ``root``)."""
    _run([sys.executable, "-m", "nexo.cli", "db:migrate", "--database-url", admin_url], root)
    config = load_config(root)
    assert config.citus is not None
    schema = validate_path(config.schema, config.prisma.version).raise_for_errors()
    plans = plan_schema(schema, config.citus)
    role = f"nexo_probe_{uuid.uuid4().hex[:8]}"
    ids = [str(uuid.uuid4()) for _ in range(tenants)]
    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(f'CREATE ROLE "{role}" LOGIN')  # Citus propagates roles and grants to the workers
        c.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        c.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
        c.execute(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        assert c.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", (role,)).fetchone() == (
            False,
            False,
        )
    # the generated client, as the application would use it
    source = Path(config.schema).read_text(encoding="utf-8")
    gen_schema = root / "probe_schema" / "schema.prisma"
    gen_schema.parent.mkdir(exist_ok=True)
    body = _without_generators(source)
    gen_schema.write_text(
        'generator client {\n  provider = "prisma-client-py"\n  interface = "asyncio"\n'
        f'  output = "../{module_name}"\n}}\n\n' + body,
        encoding="utf-8",
    )
    generate(gen_schema, project=root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    module = importlib.import_module(module_name)
    project = Project(
        root,
        schema,
        plans,
        config.citus.distribution_column,
        module,
        admin_url,
        admin_url.replace("//postgres@", f"//{role}@", 1),
        role,
        ids,
    )
    _seed(project)
    return project


def drop_role(project: Project) -> None:
    with psycopg.connect(project.admin_url, autocommit=True) as c:
        c.execute(f'DROP OWNED BY "{project.role}"')
        c.execute(f'DROP ROLE "{project.role}"')


def _without_generators(source: str) -> str:
    out: list[str] = []
    skipping = False
    for line in source.splitlines(keepends=True):
        if line.startswith("generator "):
            skipping = True
        if not skipping:
            out.append(line)
        if skipping and line.strip() == "}":
            skipping = False
    return "".join(out)


def _seed(project: Project) -> None:
    """As the admin: the reference tables (a few rows each) and one root row per tenant (key = the tenant)."""
    models = project.models()
    gen = Generator(project, random.Random(7))
    with psycopg.connect(project.admin_url, autocommit=True) as c:
        for m in models.values():
            p = project.plan(m)
            if p is None or p.kind != REFERENCE or m.db_name == project.root_model().db_name:
                continue
            for _ in range(3):
                _insert(c, m, gen.scalars(m, None, with_key=True))
        root = project.root_model()
        key = project.dist_field(root) or root.primary_key.fields[0].name  # type: ignore[union-attr]
        for t in project.tenants:
            _insert(c, root, {**gen.scalars(root, None, with_key=True), key: t})


def _insert(c: psycopg.Connection, m: M.Model, values: dict[str, Any]) -> None:
    cols = {f.name: f.db_name for f in m.scalar_fields}
    names = ", ".join(f'"{cols[k]}"' for k in values)
    marks = ", ".join(_cast(m, k) for k in values)
    c.execute(f'INSERT INTO "{m.db_name}" ({names}) VALUES ({marks})', list(values.values()))


def _cast(m: M.Model, name: str) -> str:
    f = next(f for f in m.scalar_fields if f.name == name)
    if f.kind == "enum":
        return "%s::text::" + f'"{_enum_db(m, f)}"'
    return "%s"


_ENUM_DB: dict[str, str] = {}


def _enum_db(m: M.Model, f: M.ScalarField) -> str:
    return _ENUM_DB.get(f.type, f.type)


# ====================================================================== data from the schema
class Generator:
    """Values for a model's fields: the primary key given explicitly (so the probe knows each row's key), every
    required field without a default, and the model's "mutable" field (what updates change)."""

    def __init__(self, project: Project, rng: random.Random) -> None:
        self.project = project
        self.rng = rng
        self.enums = {e.name: e for e in project.schema.enums}
        for e in project.schema.enums:
            _ENUM_DB[e.name] = e.db_name

    def value(self, f: M.ScalarField, salt: str = "") -> Any:
        native = f.native_type.name if f.native_type else ""
        if f.kind == "enum":
            return self.enums[f.type].values[0].name
        if f.type == "String":
            return str(uuid.uuid4()) if native == "Uuid" else f"{f.name}-{salt}{uuid.uuid4().hex[:12]}"
        if f.type in ("Int", "BigInt"):
            return self.rng.randrange(1, 2**30)
        if f.type == "Float":
            return float(self.rng.randrange(1, 1000)) / 4
        if f.type == "Decimal":
            return decimal.Decimal(self.rng.randrange(100, 99999)) / 100
        if f.type == "Boolean":
            return True
        if f.type == "DateTime":
            return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=self.rng.randrange(0, 3000))
        raise AssertionError(f"the probe does not generate {f.type} ({f.name})")

    def fk_fields(self, m: M.Model) -> set[str]:
        return {name for rf in m.relation_fields for name in rf.fields}

    def key_fields(self, m: M.Model) -> list[str]:
        assert m.primary_key is not None, f"model {m.name} has no primary key"
        return [f.name for f in m.primary_key.fields]

    def mutable(self, m: M.Model) -> M.ScalarField | None:
        """The field updates change: the first String field outside keys and foreign keys (else a DateTime)."""
        fixed = set(self.key_fields(m)) | self.fk_fields(m)
        candidates = [f for f in m.scalar_fields if f.name not in fixed and f.kind == "scalar" and f.arity != "list"]
        for t in ("String", "DateTime"):
            for f in candidates:
                if f.type == t and not f.is_updated_at and (f.native_type is None or f.native_type.name != "Uuid"):
                    return f
        return None

    def scalars(self, m: M.Model, dist: str | None, *, with_key: bool) -> dict[str, Any]:
        """The scalar values of a new row (foreign keys aside: :meth:`Probe.new_row` fills those)."""
        fks = self.fk_fields(m)
        out: dict[str, Any] = {}
        mutable = self.mutable(m)
        for f in m.scalar_fields:
            if f.name in fks or f.arity == "list" or f.is_updated_at:
                continue
            wanted = f.arity == "required" and f.default is None
            if with_key and f.name in self.key_fields(m):
                wanted = True
            if mutable is not None and f.name == mutable.name:
                wanted = True
            if wanted:
                out[f.name] = self.value(f)
        return out


# ====================================================================== the probe
@dataclass
class Report:
    tasks: int = 0
    tenants: int = 0
    sessions: int = 0
    operations: dict[str, int] = field(default_factory=dict)
    leaks: int = 0
    wrong: list[str] = field(default_factory=list)
    cross_writes: int = 0
    statements: int = 0
    single_shard: int = 0
    multi_shard: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def fraction(self) -> float:
        return self.single_shard / self.statements if self.statements else 0.0

    def summary(self) -> str:
        ops = sum(self.operations.values())
        return (
            f"{self.tasks} tasks, {self.tenants} tenants, {self.sessions} tenant sessions, {ops} operations over "
            f"{len(self.tables)} tenant tables ({', '.join(self.tables)}); leaks {self.leaks}, wrong results "
            f"{len(self.wrong)}, errors {len(self.errors)}, cross-tenant writes accepted {self.cross_writes}; single-shard statements "
            f"{self.single_shard}/{self.statements} ({self.fraction:.1%})"
        )


Key = tuple[Any, ...]


class Probe:
    def __init__(self, project: Project, client: Any, report: Report) -> None:
        self.p = project
        self.client = client
        self.report = report
        self.gen = Generator(project, random.Random(11))
        self.models = project.tenant_models()
        self.all = project.models()
        #: tenant → model → key → the row's expected values (the fields the probe set)
        self.rows: dict[str, dict[str, dict[Key, dict[str, Any]]]] = {t: {} for t in project.tenants}
        #: tenant → model → keys of rows other rows point at (never deleted: no cascade to account for)
        self.parents: dict[str, dict[str, set[Key]]] = {t: {} for t in project.tenants}
        self.locks = {t: asyncio.Lock() for t in project.tenants}
        self._reference: dict[str, list[dict[str, Any]]] = {}

    # ------------------------------------------------------------ helpers
    def op(self, name: str) -> None:
        self.report.operations[name] = self.report.operations.get(name, 0) + 1

    def wrong(self, tenant: str, what: str) -> None:
        self.report.wrong.append(f"{tenant[:8]} {what}")

    def key_of(self, m: M.Model, row: Any) -> Key:
        return tuple(_get(row, k) for k in self.gen.key_fields(m))

    def unique_where(self, m: M.Model, key: Key) -> dict[str, Any]:
        names = self.gen.key_fields(m)
        if len(names) == 1:
            return {names[0]: key[0]}
        return {"_".join(names): dict(zip(names, key, strict=True))}

    def key_where(self, m: M.Model, key: Key) -> dict[str, Any]:
        return dict(zip(self.gen.key_fields(m), key, strict=True))

    def actions(self, t: Any, m: M.Model) -> Any:
        return getattr(t, m.name.lower())

    def check_row(
        self,
        tenant: str,
        m: M.Model,
        row: Any,
        expected: dict[str, Any] | None,
        what: str,
        included: dict[str, bool] | None = None,
    ) -> None:
        """``row`` belongs to ``tenant`` (else a leak) and has the expected values; its included relations too."""
        if row is None:
            self.wrong(tenant, f"{what}: {m.name} missing")
            return
        dist = self.p.dist_field(m)
        if dist is not None and str(_get(row, dist)) != tenant:
            self.report.leaks += 1
            return
        if expected is not None:
            for k, v in expected.items():
                got = _get(row, k)
                if _norm(got) != _norm(v):
                    self.wrong(tenant, f"{what}: {m.name}.{k} = {got!r}, expected {v!r}")
        if included:
            self.check_included(tenant, m, row, what, included)

    def check_included(self, tenant: str, m: M.Model, row: Any, what: str, included: dict[str, bool]) -> None:
        for rf in m.relation_fields:
            if rf.name not in included:
                continue
            got = _get(row, rf.name)
            if got is None and rf.arity != "required":
                continue
            target = self.all[rf.related_model]
            if self.p.dist_field(target) is None:
                continue  # a reference or local table: global rows
            mine = self.rows[tenant].get(target.name, {})
            items = got if isinstance(got, list) else [got]
            for item in items:
                if item is None:
                    self.wrong(tenant, f"{what}: {m.name}.{rf.name} is empty")
                    continue
                if str(_get(item, self.p.dist_field(target))) != tenant:
                    self.report.leaks += 1
                    continue
                if target.name != self.p.root_model().name and self.key_of(target, item) not in mine:
                    self.wrong(tenant, f"{what}: {m.name}.{rf.name} holds a row the tenant did not write")
            if isinstance(got, list):
                want = self.children(tenant, m, row, rf)
                if want is not None and {self.key_of(target, i) for i in items} != want:
                    self.wrong(tenant, f"{what}: {m.name}.{rf.name} has {len(items)} rows, expected {len(want)}")

    def children(self, tenant: str, m: M.Model, row: Any, rf: M.RelationField) -> set[Key] | None:
        """The keys of the tenant's rows of ``rf``'s target that point at ``row`` (None: not computable)."""
        rel = rf.relation
        if rel is None or rel.is_many_to_many or rel.referencing_model != rf.related_model:
            return None
        target = self.all[rf.related_model]
        parent = {ref: _norm(_get(row, ref)) for ref in rel.references}
        out = set()
        for key, values in self.rows[tenant].get(target.name, {}).items():
            if all(_norm(values.get(fk)) == parent[ref] for fk, ref in zip(rel.fields, rel.references, strict=True)):
                out.add(key)
        return out

    # ------------------------------------------------------------ new rows
    async def new_row(self, t: Any, tenant: str, m: M.Model, *, create: bool = True) -> dict[str, Any]:
        """A new row's values for ``m``: its required parents created first (through ``t``), then its own
        scalars; created through ``t.create`` unless ``create`` is false."""
        dist = self.p.dist_field(m)
        data = self.gen.scalars(m, None, with_key=True)
        if dist is not None:
            data[dist] = tenant
        for rf in m.relation_fields:
            if not rf.fields or (rf.arity != "required" and not set(rf.fields) & set(self.gen.key_fields(m))):
                continue
            target = self.all[rf.related_model]
            tp = self.p.plan(target)
            if target.name == self.p.root_model().name:
                parent: dict[str, Any] = {self.p.dist_field(target) or self.gen.key_fields(target)[0]: tenant}
            elif tp is not None and tp.kind == REFERENCE:
                parent = await self.reference_row(target)
            else:
                parent = await self.new_row(t, tenant, target)
                self.parents[tenant].setdefault(target.name, set()).add(self.key_of(target, parent))
            for fk, ref in zip(rf.fields, rf.references, strict=True):
                data[fk] = parent[ref]
        if create:
            await self.create(t, tenant, m, data)
        return data

    async def reference_row(self, m: M.Model) -> dict[str, Any]:
        rows = self._reference.get(m.name)
        if rows is None:
            with psycopg.connect(self.p.admin_url) as c:
                cols = {f.db_name: f.name for f in m.scalar_fields}
                cur = c.execute(f'SELECT * FROM "{m.db_name}" LIMIT 3')
                names = [d.name for d in cur.description or []]
                rows = [{cols[n]: v for n, v in zip(names, r, strict=True) if n in cols} for r in cur.fetchall()]
            self._reference[m.name] = rows
        return rows[0]

    # ------------------------------------------------------------ operations
    async def create(self, t: Any, tenant: str, m: M.Model, data: dict[str, Any]) -> None:
        self.op("create")
        row = await self.actions(t, m).create(data=data)
        self.check_row(tenant, m, row, data, "create")
        self.rows[tenant].setdefault(m.name, {})[self.key_of(m, row)] = dict(data)

    async def session(self, tenant: str, rounds_done: int) -> None:
        async with (
            self.locks[tenant],
            self.client.tenant(tenant, max_wait=timedelta(seconds=120), timeout=timedelta(seconds=120)) as t,
        ):
            self.report.sessions += 1
            token = current_tag.set(tenant)
            try:
                await self.root_ops(t, tenant)
                for m in self.models:
                    await self.model_ops(t, tenant, m)
            finally:
                current_tag.reset(token)

    async def root_ops(self, t: Any, tenant: str) -> None:
        root = self.p.root_model()
        acts = self.actions(t, root)
        key = self.p.dist_field(root) or self.gen.key_fields(root)[0]
        self.op("find_unique")
        got = await acts.find_unique(where={key: tenant})
        if got is None or str(_get(got, key)) != tenant:
            self.wrong(tenant, f"find_unique {root.name}: {got!r}")
        if self.p.dist_field(root) is not None:  # distributed root: the tenant sees its own row only
            self.op("find_many")
            rows = await acts.find_many()
            self.report.leaks += sum(1 for r in rows if str(_get(r, key)) != tenant)
            if len(rows) != 1:
                self.wrong(tenant, f"find_many {root.name}: {len(rows)} rows")
            self.op("count")
            if await acts.count() != 1:
                self.wrong(tenant, f"count {root.name}")

    async def model_ops(self, t: Any, tenant: str, m: M.Model) -> None:
        acts = self.actions(t, m)
        mine = self.rows[tenant].setdefault(m.name, {})
        dist = self.p.dist_field(m)
        assert dist is not None
        mutable = self.gen.mutable(m)
        # create (with its parents), create_many
        made = await self.new_row(t, tenant, m)
        many = [await self.new_row(t, tenant, m, create=False) for _ in range(2)]
        self.op("create_many")
        n = await acts.create_many(data=many)
        if n != 2:
            self.wrong(tenant, f"create_many {m.name}: {n}")
        for d in many:
            mine[self.key_of(m, d)] = dict(d)
        # find_unique, find_first
        key = self.key_of(m, made)
        self.op("find_unique")
        self.check_row(tenant, m, await acts.find_unique(where=self.unique_where(m, key)), mine[key], "find_unique")
        self.op("find_first")
        where = {mutable.name: made[mutable.name]} if mutable is not None else self.key_where(m, key)
        self.check_row(tenant, m, await acts.find_first(where=where), mine[key], "find_first")
        # find_many, count, group_by: exactly the tenant's rows
        self.op("find_many")
        rows = await acts.find_many()
        for r in rows:
            self.check_row(tenant, m, r, mine.get(self.key_of(m, r)), "find_many")
        if {self.key_of(m, r) for r in rows} != set(mine):
            self.wrong(tenant, f"find_many {m.name}: {len(rows)} rows, expected {len(mine)}")
        self.op("count")
        if (n := await acts.count()) != len(mine):
            self.wrong(tenant, f"count {m.name}: {n}, expected {len(mine)}")
        self.op("group_by")
        groups = await acts.group_by(by=[dist], count={"_all": True})
        if [(str(g[dist]), g["_count"]["_all"]) for g in groups] != [(tenant, len(mine))]:
            self.wrong(tenant, f"group_by {m.name}: {groups!r}")
        # update, update_many
        if mutable is not None:
            value = self.gen.value(mutable, "u")
            self.op("update")
            row = await acts.update(where=self.unique_where(m, key), data={mutable.name: value})
            mine[key][mutable.name] = value
            self.check_row(tenant, m, row, mine[key], "update")
            if mutable.type == "String" and not _in_unique(m, mutable.name):
                value = self.gen.value(mutable, "m")
                self.op("update_many")
                n = await acts.update_many(where={}, data={mutable.name: value})
                if n != len(mine):
                    self.wrong(tenant, f"update_many {m.name}: {n}, expected {len(mine)}")
                for v in mine.values():
                    v[mutable.name] = value
            # a write aimed at another tenant changes nothing
            other = self.p.tenants[(self.p.tenants.index(tenant) + 1) % len(self.p.tenants)]
            self.op("update_many")
            n = await acts.update_many(where={dist: other}, data={mutable.name: self.gen.value(mutable, "x")})
            self.report.cross_writes += n
        # upsert: create, then update
        fresh = await self.new_row(t, tenant, m, create=False)
        fkey = self.key_of(m, fresh)
        update = {mutable.name: self.gen.value(mutable, "v")} if mutable is not None else {}
        self.op("upsert")
        row = await acts.upsert(where=self.unique_where(m, fkey), data={"create": fresh, "update": update})
        mine[fkey] = dict(fresh)
        self.check_row(tenant, m, row, mine[fkey], "upsert create")
        self.op("upsert")
        row = await acts.upsert(where=self.unique_where(m, fkey), data={"create": fresh, "update": update})
        mine[fkey].update(update)
        self.check_row(tenant, m, row, mine[fkey], "upsert update")
        # find_many with every relation included
        rels = {rf.name: True for rf in m.relation_fields}
        if rels:
            self.op("find_many_include")
            rows = await acts.find_many(include=rels)
            if len(rows) != len(mine):
                self.wrong(tenant, f"find_many include {m.name}: {len(rows)} rows, expected {len(mine)}")
            for r in rows:
                self.check_row(tenant, m, r, mine.get(self.key_of(m, r)), "find_many include", rels)
        # delete (with its relations included), delete_many: rows no other row points at
        parents = self.parents[tenant].get(m.name, set())
        free = [k for k in mine if k not in parents]
        self.op("delete")
        row = await acts.delete(where=self.unique_where(m, fkey), include=rels or None)
        self.check_row(tenant, m, row, mine.pop(fkey), "delete", rels)
        free = [k for k in free if k != fkey][:2]
        if free:
            self.op("delete_many")
            n = await acts.delete_many(where={"OR": [self.key_where(m, k) for k in free]})
            if n != len(free):
                self.wrong(tenant, f"delete_many {m.name}: {n}, expected {len(free)}")
            for k in free:
                mine.pop(k)
        other = self.p.tenants[(self.p.tenants.index(tenant) + 1) % len(self.p.tenants)]
        self.op("delete_many")
        self.report.cross_writes += await acts.delete_many(where={dist: other})

    # ------------------------------------------------------------ the end state, as the admin
    def final_check(self) -> None:
        with psycopg.connect(self.p.admin_url) as c:
            for m in self.models:
                cols = {f.name: f.db_name for f in m.scalar_fields}
                dist_col = cols[self.p.dist_field(m)]  # type: ignore[index]
                keys = self.gen.key_fields(m)
                for tenant in self.p.tenants:
                    mine = self.rows[tenant].get(m.name, {})
                    fields = sorted({k for v in mine.values() for k in v})
                    got = c.execute(
                        f'SELECT {", ".join(f"{chr(34)}{cols[f]}{chr(34)}" for f in fields) or "1"} FROM "{m.db_name}" '
                        f'WHERE "{dist_col}" = %s',
                        (tenant,),
                    ).fetchall()
                    have = {}
                    for r in got:
                        row = dict(zip(fields, r, strict=True))
                        have[tuple(_norm(row[k]) for k in keys)] = row
                    want = {tuple(_norm(x) for x in k): v for k, v in mine.items()}
                    if set(have) != set(want):
                        self.wrong(tenant, f"final {m.name}: {len(have)} rows, expected {len(want)}")
                        continue
                    for k, v in want.items():
                        for name, value in v.items():
                            if _norm(have[k].get(name)) != _norm(value):
                                self.wrong(tenant, f"final {m.name}.{name} changed by someone else")


def _get(row: Any, name: str, missing: Any = None) -> Any:
    if isinstance(row, dict):
        return row.get(name, missing)
    return getattr(row, name, missing)


def _norm(v: Any) -> Any:
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, enum.Enum):
        return str(v.value)
    return v


def _in_unique(m: M.Model, name: str) -> bool:
    return any(ix.kind == "unique" and name in [f.name for f in ix.fields] for ix in m.indexes)


async def run_probe(
    project: Project,
    *,
    tasks: int = 100,
    rounds: int = 2,
    connections: int = 20,
    url: str | None = None,
    before: Callable[[Any], None] | None = None,
) -> Report:
    """``tasks`` interleaved asyncio tasks over the project's tenants (task i on tenant i mod n), each running
    ``rounds`` tenant sessions; the statements are planned afterwards (see the module docstring). ``url``
    (default: the application role's) and ``before`` (called with the connected client) exist for the
    negative controls."""
    report = Report(tasks=tasks, tenants=len(project.tenants))
    client = project.client_module.Prisma(
        datasource={"url": (url or project.app_url) + f"?connection_limit={connections}"},
        use_dotenv=False,
        log_queries=True,
    )
    await client.connect()
    if before is not None:
        before(client)
    probe = Probe(project, client, report)
    report.tables = [m.db_name for m in probe.models]
    try:
        with statement_log() as log:

            async def task(i: int) -> None:
                tenant = project.tenants[i % len(project.tenants)]
                for r in range(rounds):
                    try:
                        await probe.session(tenant, r)
                    except Exception as exc:  # reported, not raised: the other tasks go on
                        last = [st.sql for st in log.statements if st.tag == tenant][-1:]
                        report.errors.append(f"{tenant[:8]} {type(exc).__name__}: {exc} (after: {last})")
                    await asyncio.sleep(0)

            await asyncio.gather(*(task(i) for i in range(tasks)))
    finally:
        await client.disconnect()
    probe.final_check()
    tenant_statements = [s for s in log.statements if s.tag is not None and not s.sql.startswith("EXPLAIN")]
    counts = task_counts(project.admin_url, tenant_statements, report.errors)
    report.statements = len(tenant_statements)
    for st, c in zip(tenant_statements, counts, strict=True):
        if single_shard(c):
            report.single_shard += 1
        else:
            report.multi_shard.append(f"{c} {st.sql[:300]}")
    return report
