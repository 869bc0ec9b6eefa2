"""Helpers shared by the introspection tests: the schemas they run, and a generated large schema."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pgservers import column_type_extensions

from nexo.psl import validate_path, validate_source
from nexo.schema import Database, relational_model

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS = REPO / "tests" / "psl" / "corpus" / "valid"

# Column types a GiST index covers with PostgreSQL's own default operator classes; any other column
# of a GiST index without an operator class needs btree_gist (GIN: arrays, jsonb and tsvector, else btree_gin).
GIST_TYPES = {
    "point",
    "box",
    "polygon",
    "circle",
    "tsvector",
    "tsquery",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
}
GIN_TYPES = {"jsonb", "tsvector"}


def index_extensions(db: Database) -> dict[str, set[str]]:
    """Extensions that indexes of ``db`` need for a column without an operator class: name → field names."""
    out: dict[str, set[str]] = {}
    for t in db.tables:
        cols = {c.name: c for c in t.columns}
        for ix in t.indexes:
            for ic in ix.columns:
                c = cols[ic.name]
                base = c.type.split("(", 1)[0].lower()
                if ic.opclass is not None:
                    continue
                if ix.algorithm == "Gist" and (c.is_list or base not in GIST_TYPES):
                    out.setdefault("btree_gist", set()).add(c.field or c.name)
                elif ix.algorithm == "Gin" and not c.is_list and base not in GIN_TYPES:
                    out.setdefault("btree_gin", set()).add(c.field or c.name)
    return out


@dataclass(frozen=True)
class Case:
    """One schema of the round trip: where it comes from, its text, and what it needs from the server."""

    id: str
    text: dict[str, str]  # file name → text (several files for a multi-file schema)
    note: str = ""

    def model(self) -> Database:
        from nexo.psl import validate_sources

        return relational_model(validate_sources(list(self.text.items())).raise_for_errors())

    def without_field(self, name: str) -> Case:
        """The same schema without the field ``name`` (its line removed from every file)."""
        pattern = re.compile(rf"\s*{re.escape(name)}\s")
        texts = {
            f: "\n".join(line for line in t.splitlines() if not pattern.match(line)) + "\n"
            for f, t in self.text.items()
        }
        assert texts != self.text, f"no field {name} in {self.id}"
        return Case(self.id, texts, note=f"without the field {name}")

    def needed_extensions(self) -> set[str]:
        """Extensions the CREATE script needs: declared ones, and those it uses without declaring them."""
        db = self.model()
        return {x.name for x in db.extensions} | self.type_extensions()

    def type_extensions(self) -> set[str]:
        """Extensions providing column types the schema uses, or operator classes its GiST/GIN indexes need."""
        db = self.model()
        return column_type_extensions(db) | set(index_extensions(db))


def _files(path: Path) -> dict[str, str]:
    if path.is_dir():
        return {
            str(p): p.read_text() for p in sorted(path.rglob("*.prisma"), key=lambda p: p.relative_to(path).as_posix())
        }
    return {str(path): path.read_text()}


def _case(prefix: str, path: Path) -> Case:
    name = path.stem if path.suffix else path.name
    case = Case(f"{prefix}/{name}", _files(path))
    needs = case.needed_extensions()
    if needs:
        case = Case(f"{case.id}[needs-extension:{','.join(sorted(needs))}]", case.text)
    return case


def _needs_extension(line: str, index_fields: set[str]) -> bool:
    """Whether a schema line asks for something only an extension provides."""
    if "@db.Citext" in line or "gin_trgm_ops" in line or re.match(r"\s*extensions\s*=", line):
        return True
    if re.search(r'Unsupported\("(geography|geometry)\b', line):  # PostGIS
        return True
    m = re.match(r"\s*@@(?:index|unique)\(\s*(?:fields:\s*)?\[([^\]]*)\].*\btype:\s*(Gist|Gin)\b", line)
    if m:
        fields = {f.split("(", 1)[0].strip() for f in m.group(1).split(",")}
        return bool(fields & index_fields)
    return False


def _without_extensions(case: Case) -> Case | None:
    """The same schema minus what needs an extension this server may lack (``@db.Citext`` fields,
    ``gin_trgm_ops`` indexes, PostGIS columns, GiST/GIN indexes that need btree_gist/btree_gin, the
    ``extensions`` list): keeps the rest of such a schema tested."""
    index_fields = set().union(*index_extensions(case.model()).values())
    texts = {}
    for name, text in case.text.items():
        lines = [line for line in text.splitlines() if not _needs_extension(line, index_fields)]
        texts[name] = "\n".join(lines) + "\n"
    if texts == case.text:
        return None
    base = case.id.split("[", 1)[0]
    stripped = Case(f"{base}[without-extension-features]", texts, note="extension features removed")
    if not validate_source_ok(stripped) or stripped.needed_extensions():
        return None
    return stripped


def validate_source_ok(case: Case) -> bool:
    from nexo.psl import validate_sources

    return validate_sources(list(case.text.items())).ok


def round_trip_cases() -> list[Case]:
    """Every valid schema of the corpus, the schema examples, the extra introspection cases and the
    repo's own ``schema.prisma``; schemas that need an extension also come stripped of it."""
    paths = [("corpus", p) for p in sorted(CORPUS.iterdir()) if p.suffix == ".prisma" or p.is_dir()]
    paths += [("examples", p) for p in sorted((HERE / "examples").glob("*.prisma"))]
    paths += [("introspect", p) for p in sorted((HERE / "introspect_cases").glob("*.prisma"))]
    paths += [("repo", REPO / "schema.prisma")]
    cases = []
    for prefix, path in paths:
        case = _case(prefix, path)
        cases.append(case)
        if "[needs-extension:" in case.id:
            stripped = _without_extensions(case)
            if stripped is not None:
                cases.append(stripped)
    return cases


def generated_schema(models: int) -> str:
    """A schema of ``models`` models (plus implicit m:n tables) with relations, enums, indexes and defaults."""
    out = [
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
        'enum Status {\n  ACTIVE\n  PAUSED @map("paused")\n  GONE\n}\n',
        'enum Tier {\n  FREE\n  PRO\n  @@map("tier")\n}\n',
    ]
    for i in range(models):
        lines = [
            f"model M{i:03d} {{",
            "  id        Int      @id @default(autoincrement())",
            "  name      String   @db.VarChar(100)",
            "  slug      String   @unique",
            "  status    Status   @default(ACTIVE)",
            "  tier      Tier[]   @default([FREE])",
            "  score     Decimal  @default(0) @db.Decimal(10, 2)",
            '  data      Json?    @default("{}")',
            '  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(6)',
            "  tags      String[]",
        ]
        if i > 0:
            lines += [
                '  parentId  Int?     @map("parent_id")',
                f"  parent    M{i - 1:03d}?    @relation(fields: [parentId], references: [id], onDelete: Cascade)",
                "  @@index([parentId, createdAt(sort: Desc)])",
            ]
        if i + 1 < models:
            lines.append(f"  children  M{i + 1:03d}[]")
        if i % 10 == 0 and i + 5 < models:
            lines.append(f'  peers     M{i + 5:03d}[] @relation("peers{i}")')
        if i % 10 == 5:
            lines.append(f'  peerOf    M{i - 5:03d}[] @relation("peers{i - 5}")')
        lines += ["  @@index([name, status])", "  @@index([data], type: Gin)", f'  @@map("m_{i:03d}")', "}\n"]
        out.append("\n".join(lines))
    return "\n".join(out)


def generated_model(models: int) -> Database:
    return relational_model(validate_source(generated_schema(models)).raise_for_errors())


def repo_model() -> Database:
    return relational_model(validate_path(REPO / "schema.prisma").raise_for_errors())
