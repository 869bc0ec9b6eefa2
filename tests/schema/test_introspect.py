"""Introspection of a live PostgreSQL schema into the relational model (``nexo.schema.introspect``).

The round trip runs every valid schema we have (PSL corpus, schema examples, the cases in
``introspect_cases/``, the repo's ``schema.prisma``): create it from ``render_create_script``,
introspect, and compare with the model built from the schema. Hand-written DDL covers what Prisma
never writes (unique constraints, expression indexes, identity columns, SQL-layer objects …).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from introspect_support import Case, generated_model, round_trip_cases
from pgservers import available_extensions, conn_with_extensions, fresh_database, unavailable_reason
from psycopg import sql

from nexo.errors import NexoError
from nexo.psl import validate_source
from nexo.schema import (
    Column,
    Database,
    IntrospectionError,
    comparable,
    differences,
    introspect,
    introspect_with_warnings,
    relational_model,
    render_create_script,
    same_structure,
)
from nexo.schema.introspect import DEFAULT_OPCLASSES, LEDGER_TABLES

CASES = round_trip_cases()

# Differences PostgreSQL itself introduces and Prisma Migrate reports as well: a dbgenerated()
# expression is stored in PostgreSQL's own spelling, and Prisma compares dbgenerated defaults as
# text (case-insensitively), so `prisma migrate dev` would also see this column's default as changed.
# (case id, table, column) → (default as build.py renders it, default as PostgreSQL stores it)
KNOWN_DIFFERENCES = {
    ("corpus/scalars", "Scalars", "gen"): ("md5(random()::text)", "md5((random())::text)"),
    ("corpus/defaults_functions", "Functions", "token"): ("md5(random()::text)", "md5((random())::text)"),
    ("corpus/defaults_functions", "Functions", "opaque"): (
        "to_tsvector('simple', '')",
        "to_tsvector('simple'::regconfig, ''::text)",
    ),
    ("corpus/unsupported_types[without-extension-features]", "Geo", "search"): (
        "to_tsvector('english', '')",
        "to_tsvector('english'::regconfig, ''::text)",
    ),
    ("corpus/unsupported_types[needs-extension:postgis]", "Geo", "search"): (
        "to_tsvector('english', '')",
        "to_tsvector('english'::regconfig, ''::text)",
    ),
}
# The same for column types: PostgreSQL prints an Unsupported("…") type its own way (format_type).
KNOWN_TYPE_DIFFERENCES = {
    ("corpus/unsupported_types[needs-extension:postgis]", "Geo", "location"): (
        "geography(Point, 4326)",
        "geography(Point,4326)",
    ),
}

# Schemas whose CREATE script PostgreSQL refuses, exactly as Prisma writes it (``prisma migrate diff
# --from-empty`` prints the same DDL): case id → (field, the error PostgreSQL gives). The round trip
# checks the refusal, then runs on the schema without that field.
REJECTED = {
    "corpus/defaults_functions": (
        "stamps",  # DateTime[] @default(now()) → TIMESTAMP(3)[] DEFAULT CURRENT_TIMESTAMP
        'column "stamps" is of type timestamp without time zone[] but default expression is of type timestamp '
        "with time zone",
    ),
}


@pytest.fixture
def other_conn(pg_server_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A second fresh database (the round trip re-creates the introspected model there)."""
    with fresh_database(pg_server_url) as url, psycopg.connect(url, autocommit=True) as c:
        yield c


def _available(conn: psycopg.Connection[Any]) -> set[str]:
    return available_extensions(conn)


def _create(conn: psycopg.Connection[Any], case: Case, db: Database) -> set[str]:
    """Run the model's CREATE script (after installing extensions its column types need but the schema
    does not declare); returns those pre-installed extensions."""
    pre = case.type_extensions() - {x.name for x in db.extensions}
    for ext in sorted(pre):
        conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(ext)))
    conn.execute(render_create_script(db))
    return pre


def _introspect(conn: psycopg.Connection[Any], db: Database) -> tuple[Database, list[str]]:
    return introspect_with_warnings(conn, schemas=list(db.namespaces) or None)


def _without_extensions(db: Database, names: set[str]) -> Database:
    return Database(
        db.tables, db.enums, tuple(x for x in db.extensions if x.name not in names), db.namespaces, db.relation_mode
    )


def _expected(case: Case, db: Database) -> Database:
    """comparable(db) with the known PostgreSQL respellings applied."""
    tables = []
    for t in db.tables:
        cols = []
        for c in t.columns:
            known = KNOWN_DIFFERENCES.get((case.id, t.name, c.name))
            if known is not None:
                assert c.default == known[0], "the known difference no longer matches the schema"
                c = Column(**{**c.__dict__, "default": known[1]})
            known_type = KNOWN_TYPE_DIFFERENCES.get((case.id, t.name, c.name))
            if known_type is not None:
                assert c.type == known_type[0], "the known type difference no longer matches the schema"
                c = Column(**{**c.__dict__, "type": known_type[1]})
            cols.append(c)
        tables.append(type(t)(**{**t.__dict__, "columns": tuple(cols)}))
    return comparable(Database(tuple(tables), db.enums, db.extensions, db.namespaces, db.relation_mode))


# ------------------------------------------------------------------------------------ round trip
def _reset(conn: psycopg.Connection[Any], db: Database) -> None:
    """Empty the database again (cheaper than a second one): drop the model's schemas and extensions."""
    for ns in sorted(set(db.namespaces) | {"public"}):
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(ns)))
    for ext in db.extensions:
        conn.execute(sql.SQL("DROP EXTENSION IF EXISTS {} CASCADE").format(sql.Identifier(ext.name)))
    conn.execute("CREATE SCHEMA public")
    assert conn.execute("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace").fetchone() == (0,)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_round_trip(case: Case, conn: psycopg.Connection[Any], request: pytest.FixtureRequest) -> None:
    built = case.model()
    needed = case.needed_extensions()
    conn = conn_with_extensions(request, conn, needed)  # the contrib server's, for what the test server lacks
    reason = unavailable_reason(request, conn, needed, "the [without-extension-features] variant covers the rest")
    if reason:
        pytest.skip(reason)
    rejected = REJECTED.get(case.id)
    if rejected is not None:
        field, error = rejected
        with pytest.raises(psycopg.Error, match=re.escape(error)):
            _create(conn, case, built)
        case = case.without_field(field)
        built = case.model()
    pre = _create(conn, case, built)
    got, warnings = _introspect(conn, built)
    assert warnings == []
    assert got.tables, "the schema created no table"
    got_cmp = comparable(_without_extensions(got, pre))
    expected = _expected(case, built)
    assert got_cmp == expected, "\n".join(differences(_without_extensions(got, pre), built))
    respelled = any(k[0] == case.id for k in (*KNOWN_DIFFERENCES, *KNOWN_TYPE_DIFFERENCES))
    assert same_structure(_without_extensions(got, pre), built) == (not respelled)

    # the introspected model is a fixed point: created again and introspected, it comes back unchanged
    _reset(conn, got)
    for ext in sorted(pre):
        conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(ext)))
    conn.execute(render_create_script(got))
    again, warnings_again = _introspect(conn, built)
    assert warnings_again == []
    assert again == got


def test_round_trip_covers_every_valid_schema() -> None:
    from introspect_support import CORPUS, HERE

    expected = {
        f"corpus/{p.stem if p.suffix else p.name}" for p in CORPUS.iterdir() if p.suffix == ".prisma" or p.is_dir()
    }
    expected |= {f"examples/{p.stem}" for p in (HERE / "examples").glob("*.prisma")}
    expected |= {f"introspect/{p.stem}" for p in (HERE / "introspect_cases").glob("*.prisma")}
    expected |= {"repo/schema"}
    assert {c.id.split("[", 1)[0] for c in CASES} == expected
    assert len(expected) >= 37
    # every schema that needs an extension has a variant without it, unless the extension is pgvector
    # (which the embedded test server ships)
    for case in CASES:
        if "[needs-extension:" in case.id and case.needed_extensions() - {"vector"}:
            assert any(c.id == case.id.split("[", 1)[0] + "[without-extension-features]" for c in CASES), case.id


def test_generated_200_model_schema_round_trips_with_a_fixed_number_of_queries(
    conn: psycopg.Connection[Any], other_conn: psycopg.Connection[Any]
) -> None:
    built = generated_model(200)
    assert len(built.tables) == 220
    conn.execute(render_create_script(built))
    counted = _CountingConnection(conn)
    got, warnings = introspect_with_warnings(counted)  # type: ignore[arg-type]
    assert warnings == []
    assert comparable(got) == comparable(built), "\n".join(differences(got, built))
    # the same statements for 2 tables as for 220: settings, one query per catalog kind (columns,
    # sequences, enums, constraints, indexes, extensions), settings restored
    other_conn.execute(render_create_script(generated_model(2)))
    counted_small = _CountingConnection(other_conn)
    assert len(introspect(counted_small).tables) == 2  # type: ignore[arg-type]
    assert counted.statements == counted_small.statements == 9


# --------------------------------------------------------------------------- what the model holds
def test_introspected_model_is_rendered_like_build(conn: psycopg.Connection[Any]) -> None:
    """Raw introspection (before comparable) already reads back build.py's spelling for Prisma's DDL."""
    text = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
enum Role {
  USER
  ADMIN @map("admin")
  @@map("role_t")
}
model User {
  id      Int       @id @default(autoincrement())
  big     BigInt    @default(autoincrement())
  small   Int       @default(autoincrement()) @db.SmallInt
  email   String    @unique @db.VarChar(255)
  at      DateTime  @default(now())
  price   Decimal   @default(12.5)
  role    Role      @default(ADMIN)
  roles   Role[]    @default([USER, ADMIN])
  tags    String[]  @default(["a", "it's"])
  uid     String    @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  data    Json      @default("{\\"a\\": 1}")
  blob    Bytes?
  posts   Post[]
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)
  @@index([authorId(sort: Desc)])
}
"""
    built = relational_model(validate_source(text).raise_for_errors())
    conn.execute(render_create_script(built))
    got = introspect(conn)
    user = got.table("User")
    assert user is not None
    cols = {c.name: c for c in user.columns}
    assert (cols["id"].type, cols["id"].autoincrement, cols["id"].default) == ("SERIAL", True, None)
    assert cols["big"].type == "BIGSERIAL" and cols["small"].type == "SMALLSERIAL"
    assert cols["email"].type == "VARCHAR(255)" and cols["email"].native_type == "VarChar"
    assert (cols["at"].type, cols["at"].default) == ("TIMESTAMP(3)", "CURRENT_TIMESTAMP")
    assert (cols["price"].type, cols["price"].default) == ("DECIMAL(65,30)", "12.5")
    assert (cols["role"].type, cols["role"].default, cols["role"].enum) == ('"role_t"', "'admin'", "role_t")
    assert (cols["roles"].is_list, cols["roles"].default) == (True, "ARRAY['USER', 'admin']::\"role_t\"[]")
    assert cols["tags"].default == "ARRAY['a', 'it''s']::TEXT[]"
    assert (cols["uid"].type, cols["uid"].default) == ("UUID", "gen_random_uuid()")
    assert (cols["data"].type, cols["data"].default) == ("JSONB", "'{\"a\": 1}'")
    assert (cols["blob"].type, cols["blob"].nullable) == ("BYTEA", True)
    assert user.primary_key is not None and user.primary_key.name == "User_pkey"
    assert [ix.name for ix in user.indexes] == ["User_email_key"]
    post = got.table("Post")
    assert post is not None
    assert post.indexes[0].columns[0].sort == "Desc"
    fk = post.foreign_keys[0]
    assert (fk.name, fk.referenced_table, fk.on_delete, fk.on_update) == (
        "Post_authorId_fkey",
        "User",
        "CASCADE",
        "CASCADE",
    )
    assert got.enums[0].name == "role_t" and got.enums[0].values == ("USER", "admin")
    assert got.namespaces == () and all(t.schema is None for t in got.tables)
    # Provenance introspection cannot know stays empty.
    assert all(c.field is None for t in got.tables for c in t.columns)
    assert all(t.model is None and t.join is None for t in got.tables)
    # The built model has it, and comparable() clears exactly that.
    assert built.table("User").model == "User"  # type: ignore[union-attr]
    assert comparable(got) == comparable(built)


def test_hand_written_ddl(conn: psycopg.Connection[Any]) -> None:
    """Mixed-case and quoted names, no primary key, composite keys, a unique constraint, FKs to another
    schema, enum value order, and the structures Prisma cannot express (kept out, with warnings)."""
    conn.execute("""
        CREATE SCHEMA other;
        CREATE TYPE other."Mood" AS ENUM ('ok');
        CREATE TYPE "Lvl" AS ENUM ('B', 'C');
        ALTER TYPE "Lvl" ADD VALUE 'A' BEFORE 'B';
    """)
    conn.execute('''
        CREATE TABLE other.ref (id int, rev int, PRIMARY KEY (id, rev));
        CREATE TABLE "Mixed Case""Tbl" (
            "Weird ""col""" text NOT NULL, "camelCase" int, lvl "Lvl" DEFAULT 'A', mood other."Mood",
            tags text[] NOT NULL DEFAULT '{a,"b c"}', r tstzrange,
            ident int GENERATED BY DEFAULT AS IDENTITY,
            gen int GENERATED ALWAYS AS ("camelCase" * 2) STORED,
            ref_id int, ref_rev int, e text, v varchar(10) DEFAULT 'x', ch char, nm numeric, bp bpchar
        );
        ALTER TABLE "Mixed Case""Tbl" ADD CONSTRAINT "uq weird" UNIQUE ("Weird ""col""", "camelCase");
        ALTER TABLE "Mixed Case""Tbl" ADD CONSTRAINT to_other FOREIGN KEY (ref_id, ref_rev)
            REFERENCES other.ref (id, rev) ON DELETE SET DEFAULT ON UPDATE NO ACTION DEFERRABLE;
        CREATE INDEX expr_idx ON "Mixed Case""Tbl" (lower(e));
        CREATE INDEX part_idx ON "Mixed Case""Tbl" (e) WHERE e IS NOT NULL;
        CREATE INDEX incl_idx ON "Mixed Case""Tbl" (e) INCLUDE (v);
        CREATE INDEX nulls_idx ON "Mixed Case""Tbl" (e DESC NULLS LAST);
        CREATE INDEX ops_idx ON "Mixed Case""Tbl" (e text_pattern_ops, v DESC);
        ALTER TABLE "Mixed Case""Tbl" ADD CONSTRAINT excl EXCLUDE USING gist (r WITH &&);
        CREATE SEQUENCE free_seq;
        CREATE TABLE nopk (a int DEFAULT nextval('free_seq'), b bigint, c int NOT NULL);
        CREATE SEQUENCE nopk_b_seq;
        ALTER TABLE nopk ALTER COLUMN b SET DEFAULT nextval('nopk_b_seq');
        ALTER SEQUENCE nopk_b_seq OWNED BY nopk.b;
        CREATE TABLE comp (x int, y int, z text, CONSTRAINT "comp pk" PRIMARY KEY (y, x));
    ''')
    db, warnings = introspect_with_warnings(conn)
    assert [t.name for t in db.tables] == ['Mixed Case"Tbl', "comp", "nopk"]
    t = db.table('Mixed Case"Tbl')
    assert t is not None and t.primary_key is None
    cols = {c.name: c for c in t.columns}
    assert list(cols) == [
        'Weird "col"',
        "camelCase",
        "lvl",
        "mood",
        "tags",
        "r",
        "ident",
        "gen",
        "ref_id",
        "ref_rev",
        "e",
        "v",
        "ch",
        "nm",
        "bp",
    ]
    assert (cols['Weird "col"'].type, cols['Weird "col"'].nullable) == ("TEXT", False)
    assert (cols["lvl"].type, cols["lvl"].default) == ('"Lvl"', "'A'")
    assert (cols["mood"].type, cols["mood"].enum) == ('"other"."Mood"', "Mood")
    assert (cols["tags"].is_list, cols["tags"].nullable, cols["tags"].default) == (
        True,
        False,
        "ARRAY['a', 'b c']::TEXT[]",
    )
    assert cols["r"].type == "tstzrange" and cols["r"].native_type is None
    assert (cols["ident"].type, cols["ident"].autoincrement, cols["ident"].default) == ("SERIAL", True, None)
    assert (cols["gen"].type, cols["gen"].default) == ("INTEGER", None)
    assert (cols["ch"].type, cols["nm"].type, cols["bp"].type) == ("CHAR(1)", "DECIMAL", "BPCHAR")
    assert {ix.name: (ix.unique, [(c.name, c.sort, c.opclass) for c in ix.columns]) for ix in t.indexes} == {
        "uq weird": (True, [('Weird "col"', None, None), ("camelCase", None, None)]),
        "nulls_idx": (False, [("e", "Desc", None)]),
        "ops_idx": (False, [("e", None, "text_pattern_ops"), ("v", "Desc", None)]),
    }
    (fk,) = t.foreign_keys
    assert (fk.name, fk.columns, fk.referenced_schema, fk.referenced_table, fk.referenced_columns) == (
        "to_other",
        ("ref_id", "ref_rev"),
        "other",
        "ref",
        ("id", "rev"),
    )
    assert (fk.on_delete, fk.on_update, fk.schema) == ("SET DEFAULT", "NO ACTION", None)
    nopk = db.table("nopk")
    assert nopk is not None and nopk.primary_key is None
    assert [(c.name, c.type, c.autoincrement, c.default, c.nullable) for c in nopk.columns] == [
        ("a", "SERIAL", True, None, True),
        ("b", "BIGSERIAL", True, None, True),
        ("c", "INTEGER", False, None, False),
    ]
    comp = db.table("comp")
    assert comp is not None and comp.primary_key is not None
    assert (comp.primary_key.name, comp.primary_key.columns, comp.primary_key.explicit_name) == (
        "comp pk",
        ("y", "x"),
        True,
    )
    assert [(e.name, e.values) for e in db.enums] == [("Lvl", ("A", "B", "C"))]  # other."Mood" is not in this schema

    joined = "\n".join(warnings)
    for needle in (
        '"expr_idx" on "public"."Mixed Case""Tbl" is on an expression',
        '"part_idx" on "public"."Mixed Case""Tbl" is a partial index',
        '"incl_idx" on "public"."Mixed Case""Tbl" has INCLUDE columns',
        '"excl" on "public"."Mixed Case""Tbl" backs an exclusion constraint',
        '"nulls_idx" on "public"."Mixed Case""Tbl" orders column "e" NULLS LAST',
        'Foreign key "to_other" on "public"."Mixed Case""Tbl" is DEFERRABLE',
        'Column "ident" of "public"."Mixed Case""Tbl" is an identity column',
        'Column "gen" of "public"."Mixed Case""Tbl" is a generated column',
        'Column "a" of "public"."nopk" takes its default from sequence free_seq, which the column does not own',
    ):
        assert needle in joined
    assert len(warnings) == 9
    assert {ix.name: ix.constraint for ix in t.indexes} == {"uq weird": True, "nulls_idx": False, "ops_idx": False}
    assert introspect(conn) == db


def test_default_kinds_built_and_introspected(conn: psycopg.Connection[Any]) -> None:
    """``Column.default_kind``: how the schema wrote a default, and how Prisma's describer reads one back."""
    functions = next(c for c in CASES if c.id == "corpus/defaults_functions").model().tables[0]
    kinds = {c.name: (c.default_kind, c.default) for c in functions.columns}
    assert {k: v[0] for k, v in kinds.items()} == {
        "id": "sequence",
        "counter": "sequence",
        "small": "sequence",
        **{
            k: "client"
            for k in ("uuid4", "uuid7", "uuidPlain", "cuid1", "cuid2", "cuidPlain", "nano", "nano12", "ulid")
        },
        "createdAt": "now",
        "day": "now",
        "stamps": "now",
        "token": "dbgenerated",
        "opaque": "dbgenerated",
        "empty": "dbgenerated",
        "tags": "dbgenerated",
    }
    assert kinds["empty"] == ("dbgenerated", None) and kinds["uuid4"] == ("client", None)

    conn.execute("""
        CREATE TYPE "E" AS ENUM ('a', 'b');
        CREATE TABLE k (
            id serial PRIMARY KEY, ident int GENERATED BY DEFAULT AS IDENTITY,
            s text DEFAULT 'x', n int DEFAULT 7, neg int DEFAULT -5, f float8 DEFAULT 1.5, b bool DEFAULT true,
            j jsonb DEFAULT '{}', e "E" DEFAULT 'a', bin bytea DEFAULT '\\x6869', arr int[] DEFAULT '{1,2}',
            tarr text[] DEFAULT ARRAY['a'],
            at timestamp(3) DEFAULT CURRENT_TIMESTAMP, at2 timestamptz DEFAULT now(),
            lit timestamp DEFAULT '2024-01-01', tlist timestamp[] DEFAULT '{2024-01-01}',
            u uuid DEFAULT '00000000-0000-0000-0000-000000000000', g uuid DEFAULT gen_random_uuid(),
            expr text DEFAULT md5('x'), tsv tsvector DEFAULT to_tsvector('simple', ''), nodef text
        )
    """)
    got = {c.name: (c.default_kind, c.default) for c in introspect(conn).tables[0].columns}
    assert {k: v[0] for k, v in got.items()} == {
        "id": "sequence",
        "ident": "sequence",
        **{k: "literal" for k in ("s", "n", "neg", "f", "b", "j", "e", "bin", "arr", "tarr")},
        "at": "now",
        "at2": "now",
        # Prisma's describer reads no value from a date/time or UUID default, nor from an expression
        **{k: "dbgenerated" for k in ("lit", "tlist", "u", "g", "expr", "tsv")},
        "nodef": None,
    }
    assert got["s"] == ("literal", "'x'") and got["u"] == ("dbgenerated", "'00000000-0000-0000-0000-000000000000'")
    assert got["arr"] == ("literal", "ARRAY[1, 2]::INTEGER[]") and got["g"] == ("dbgenerated", "gen_random_uuid()")
    # the kind says how a default was written, not what the column holds: comparable() clears it
    assert all(c.default_kind is None for c in comparable(introspect(conn)).tables[0].columns)


def test_unique_constraint_equals_prisma_unique_index(conn: psycopg.Connection[Any]) -> None:
    """A unique constraint written by hand is the same structure as Prisma's ``@@unique`` index."""
    built = relational_model(
        validate_source("""
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
model T {
  id Int    @id
  a  String
  b  Int
  @@unique([a, b], map: "t_a_b")
}
""").raise_for_errors()
    )
    conn.execute(
        'CREATE TABLE "T" (id integer NOT NULL, a text NOT NULL, b integer NOT NULL, '
        'CONSTRAINT "T_pkey" PRIMARY KEY (id), CONSTRAINT t_a_b UNIQUE (a, b))'
    )
    got, warnings = introspect_with_warnings(conn)
    assert same_structure(got, built), differences(got, built)
    assert warnings == []
    # the model records that it is a constraint (a migration must drop it with DROP CONSTRAINT) ...
    (ix,) = got.tables[0].indexes
    assert (ix.name, ix.unique, ix.constraint) == ("t_a_b", True, True)
    # ... which comparable() folds: the same structure as Prisma's unique index
    assert comparable(got).tables[0].indexes[0].constraint is False
    conn.execute('ALTER TABLE "T" ADD CONSTRAINT t_b_deferred UNIQUE (b) DEFERRABLE')
    assert introspect_with_warnings(conn)[1] == [
        'Index "t_b_deferred" on "public"."T": the unique constraint is DEFERRABLE, which Prisma cannot express.'
    ]


def test_multi_schema_and_foreign_keys_to_other_schemas(conn: psycopg.Connection[Any]) -> None:
    conn.execute("""
        CREATE SCHEMA a; CREATE SCHEMA b;
        CREATE TYPE b."E" AS ENUM ('x', 'y');
        CREATE TABLE b.target (id int PRIMARY KEY);
        CREATE TABLE a.src (id int PRIMARY KEY, t int REFERENCES b.target(id), e b."E"[]);
        CREATE TABLE public.p (id int PRIMARY KEY, s int REFERENCES a.src(id));
    """)
    db = introspect(conn, schemas=["a", "b", "missing"])
    assert db.namespaces == ("a", "b")
    assert [(t.schema, t.name) for t in db.tables] == [("a", "src"), ("b", "target")]
    src = db.table("src", "a")
    assert src is not None
    assert src.foreign_keys[0].schema == "a" and src.foreign_keys[0].referenced_schema == "b"
    assert src.column("e") == Column("e", '"b"."E"', True, True, None, False, None, "E", None, "E")
    assert [(e.schema, e.name) for e in db.enums] == [("b", "E")]
    # single-schema mode: the current schema only; a foreign key out of it keeps its target schema
    single = introspect(conn)
    assert [t.name for t in single.tables] == ["p"]
    assert single.tables[0].foreign_keys[0].referenced_schema == "a"
    assert single.tables[0].foreign_keys[0].schema is None


def test_sql_layer_objects_are_not_part_of_the_model(conn: psycopg.Connection[Any]) -> None:
    """Policies, RLS flags, triggers, functions, roles, grants, comments, views, check constraints and
    the two ledgers change nothing in the introspected model, not even a warning."""
    case = next(c for c in CASES if c.id == "repo/schema")
    built = case.model()
    conn.execute(render_create_script(built))
    before = introspect_with_warnings(conn)
    role = f"nexo_introspect_{uuid.uuid4().hex[:8]}"
    conn.execute(f"""
        CREATE TABLE "_prisma_migrations" (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL);
        CREATE TABLE "migration_history" (version text PRIMARY KEY, applied_at timestamptz DEFAULT now());
        CREATE INDEX ledger_idx ON "migration_history" (applied_at);
        ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
        ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON accounts USING (id = NULLIF(current_setting('app.x', true), '')::uuid);
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;
        CREATE TRIGGER set_updated_at BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
        CREATE ROLE "{role}" NOLOGIN;
        GRANT SELECT, UPDATE ON accounts TO "{role}";
        GRANT USAGE ON SCHEMA public TO "{role}";
        COMMENT ON TABLE accounts IS 'the tenant';
        COMMENT ON COLUMN accounts.slug IS 'url name';
        COMMENT ON TYPE user_status IS 'status';
        COMMENT ON INDEX accounts_slug_key IS 'unique slug';
        COMMENT ON CONSTRAINT accounts_pkey ON accounts IS 'pk';
        CREATE VIEW account_names AS SELECT id, name FROM accounts;
        CREATE MATERIALIZED VIEW account_count AS SELECT count(*) FROM accounts;
        CREATE SEQUENCE free_standing_seq;
        ALTER TABLE accounts ADD CONSTRAINT slug_not_empty CHECK (slug <> '');
        ALTER TABLE accounts ALTER COLUMN name SET STATISTICS 500;
    """)
    try:
        after = introspect_with_warnings(conn)
        assert after == before
        assert before[1] == []
        assert set(LEDGER_TABLES) == {"_prisma_migrations", "migration_history"}
        assert comparable(after[0]) == comparable(built)
    finally:
        conn.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


def test_extensions_are_read_with_schema_and_version(conn: psycopg.Connection[Any]) -> None:
    if "vector" not in _available(conn):
        pytest.skip("this PostgreSQL server has no pgvector extension")
    conn.execute("CREATE EXTENSION vector; CREATE TABLE v (id int PRIMARY KEY, e vector(3))")
    conn.execute("CREATE INDEX v_hnsw ON v USING hnsw (e vector_l2_ops)")
    db, warnings = introspect_with_warnings(conn)
    (ext,) = db.extensions
    version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    assert (ext.name, ext.schema, ext.version) == ("vector", "public", version[0] if version else None)
    assert db.tables[0].column("e").type == "vector(3)"  # type: ignore[union-attr]
    assert db.tables[0].indexes == ()
    assert warnings == [
        'Index "v_hnsw" on "public"."v" uses the access method hnsw, which Prisma cannot express; '
        "left out of the model."
    ]
    # comparable() keeps the extension's name only: a schema that does not write schema/version leaves them open
    assert comparable(db).extensions[0].schema is None and comparable(db).extensions[0].version is None


# --------------------------------------------------------------------------- comparable() itself
def test_comparable_folds_equivalent_spellings_only() -> None:
    from nexo.schema import Index, IndexColumn, PrimaryKey, Table

    def db(**col: Any) -> Database:
        c = Column(**{"name": "c", "type": "TEXT", "nullable": True, **col})
        ix = Index("i", "t", (IndexColumn(c.name),), False)
        return Database((Table("t", (c,), PrimaryKey("t_pkey", (c.name,)), (ix,), ()),), ())

    same: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"type": "CHAR"}, {"type": "CHAR(1)"}),
        ({"type": "BIT"}, {"type": "BIT(1)"}),
        ({"type": "INTEGER", "default": "5"}, {"type": "INTEGER", "default": "'5'"}),
        ({"type": "DOUBLE PRECISION", "default": "1.50"}, {"type": "DOUBLE PRECISION", "default": "1.5"}),
        ({"type": "DECIMAL(10,2)", "default": "-0.50"}, {"type": "DECIMAL(10,2)", "default": "-0.5"}),
        ({"type": "JSONB", "default": '\'{"b":1,"a":2}\''}, {"type": "JSONB", "default": '\'{"a": 2, "b": 1}\''}),
        ({"type": "TIMESTAMP(3)", "default": "now()"}, {"type": "TIMESTAMP(3)", "default": "CURRENT_TIMESTAMP"}),
        (
            {"type": "TIMESTAMPTZ(6)", "default": "'2024-01-02 03:04:05 +02:00'"},
            {"type": "TIMESTAMPTZ(6)", "default": "'2024-01-02 01:04:05 +00:00'"},
        ),
        (
            {"type": "TIMESTAMP(0)", "default": "'2024-01-02 03:04:05.678 +02:00'"},
            {"type": "TIMESTAMP(0)", "default": "'2024-01-02 03:04:06 +00:00'"},
        ),
        ({"type": "DATE", "default": "'2024-01-02 23:59:59.999 +02:00'"}, {"type": "DATE", "default": "'2024-01-02'"}),
        (
            {"type": "TIMETZ(2)", "default": "'2024-01-02 03:04:05.678 +02:00'"},
            {"type": "TIMETZ(2)", "default": "'03:04:05.678+02'"},
        ),
        (
            {"type": "INTEGER", "is_list": True, "default": "ARRAY[1, 2]::INTEGER[]"},
            {"type": "INTEGER", "is_list": True, "default": "ARRAY[(1)::integer, '2'::integer]"},
        ),
        ({"type": "TEXT", "is_list": True, "nullable": False}, {"type": "TEXT", "is_list": True, "nullable": True}),
        ({"type": "TEXT", "field": "x", "prisma_type": "String"}, {"type": "TEXT"}),
        ({"name": "c" * 70}, {"name": "c" * 63}),
        ({"type": "UUID", "default": "GEN_RANDOM_UUID()"}, {"type": "UUID", "default": "gen_random_uuid()"}),
    ]
    for a, b in same:
        assert comparable(db(**a)) == comparable(db(**b)), (a, b)
        assert same_structure(db(**a), db(**b)) and differences(db(**a), db(**b)) == []
    different: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"type": "TEXT", "default": "'a'"}, {"type": "TEXT", "default": "'A'"}),
        ({"type": "INTEGER", "default": "5"}, {"type": "INTEGER", "default": "6"}),
        ({"type": "TEXT", "default": "md5(random()::text)"}, {"type": "TEXT", "default": "md5((random())::text)"}),
        (
            {"type": "TIMESTAMPTZ(6)", "default": "'2024-01-02 03:04:05 +02:00'"},
            {"type": "TIMESTAMPTZ(6)", "default": "'2024-01-02 03:04:05 +00:00'"},
        ),
        ({"type": "VARCHAR(10)"}, {"type": "VARCHAR(11)"}),
        ({"type": "TEXT", "nullable": False}, {"type": "TEXT", "nullable": True}),
        ({"type": "TEXT", "native_type": "Text"}, {"type": "TEXT", "native_type": "Xml"}),
    ]
    for a, b in different:
        assert comparable(db(**a)) != comparable(db(**b)), (a, b)
        assert differences(db(**a), db(**b))


def test_comparable_folds_index_sort_opclass_and_long_names() -> None:
    from nexo.schema import Enum, ForeignKey, Index, IndexColumn, Table

    def db(name: str, sort: str | None, opclass: str | None, algorithm: str | None) -> Database:
        col = Column(name, "INTEGER", False)
        ix = Index("ix", name, (IndexColumn(name, sort, opclass),), False, algorithm)
        fk = ForeignKey("fk", name, (name,), name, (name,), "CASCADE", "CASCADE")
        return Database((Table(name, (col,), None, (ix,), (fk,)),), (Enum("E", ("a",)),))

    long, cut = "x" * 64, "x" * 63
    assert comparable(db(long, "Asc", "int4_minmax_ops", "Brin")) == comparable(db(cut, None, None, "Brin"))
    assert comparable(db("t", None, "jsonb_path_ops", "Gin")) != comparable(db("t", None, None, "Gin"))
    assert comparable(db("t", "Desc", None, None)) != comparable(db("t", None, None, None))
    assert comparable(db("t", None, None, "Hash")) != comparable(db("t", None, None, None))


def test_default_operator_class_table_matches_the_catalog(conn: psycopg.Connection[Any]) -> None:
    rows = conn.execute("""
        SELECT am.amname, opc.opcname FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod
        WHERE opc.opcdefault AND opc.opcnamespace = 'pg_catalog'::regnamespace
          AND am.amname IN ('btree', 'hash', 'gist', 'gin', 'spgist', 'brin')
    """).fetchall()
    algorithm = {"btree": None, "hash": "Hash", "gist": "Gist", "gin": "Gin", "spgist": "SpGist", "brin": "Brin"}
    catalog = {(algorithm[am], name) for am, name in rows}
    assert catalog <= DEFAULT_OPCLASSES
    assert len(DEFAULT_OPCLASSES - catalog) <= 3  # classes of other PostgreSQL versions (e.g. money_ops)
    for written in ("jsonb_ops", "array_ops"):
        assert ("Gin", written) in DEFAULT_OPCLASSES
    assert ("Gin", "jsonb_path_ops") not in DEFAULT_OPCLASSES
    assert ("Gist", "inet_ops") not in DEFAULT_OPCLASSES and ("SpGist", "inet_ops") in DEFAULT_OPCLASSES


# --------------------------------------------------------------------- session, errors, queries
def test_session_settings_do_not_change_the_result_and_are_restored(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute("""CREATE TABLE t (id int PRIMARY KEY, at timestamptz DEFAULT '2024-01-02 03:04:05+02',
                     f float8 DEFAULT 0.1, j jsonb DEFAULT '{"a": 1}', s text DEFAULT 'back\\slash')""")
        reference = introspect(c)
    at = reference.tables[0].column("at")
    assert at is not None and at.default == "'2024-01-02 01:04:05 +00:00'"
    assert reference.tables[0].column("s").default == "'back\\slash'"  # type: ignore[union-attr]
    settings = {
        "TimeZone": "Asia/Kathmandu",
        "DateStyle": "SQL, DMY",
        "extra_float_digits": "3",
        "IntervalStyle": "sql_standard",
    }
    with psycopg.connect(db_url, autocommit=True) as c:
        for k, v in settings.items():
            c.execute(sql.SQL("SELECT set_config({}, {}, false)").format(sql.Literal(k), sql.Literal(v)))
        assert introspect(c) == reference
        assert {k: c.execute(sql.SQL("SHOW {}").format(sql.Identifier(k))).fetchone()[0] for k in settings} == {  # type: ignore[index]
            **settings,
            "DateStyle": "SQL, DMY",
        }
    # inside the caller's open transaction: nothing is committed, local settings survive
    with psycopg.connect(db_url) as c:
        c.execute("SET LOCAL TimeZone = 'Asia/Tokyo'")
        c.execute("CREATE TABLE extra (id int)")
        got = introspect(c)
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        assert c.execute("SHOW TimeZone").fetchone() == ("Asia/Tokyo",)
        assert [t.name for t in got.tables] == ["extra", "t"]
        c.rollback()
        assert [t.name for t in introspect(c).tables] == ["t"]


def test_bad_arguments_and_missing_schema_are_clear_errors(conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(IntrospectionError, match="empty list"):
        introspect(conn, schemas=[])
    with pytest.raises(IntrospectionError, match="list of schema names"):
        introspect(conn, schemas="public")
    conn.execute("SET search_path = ''")
    with pytest.raises(IntrospectionError, match="no current schema") as info:
        introspect(conn)
    assert isinstance(info.value, NexoError) and info.value.code == "NEXO_INTROSPECT"
    assert introspect(conn, schemas=["public"]).namespaces == ("public",)


class _CountingConnection:
    """Passes everything to a real connection and counts the statements sent."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn
        self.statements = 0

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        self.statements += 1
        return self._conn.execute(*args, **kwargs)

    def cursor(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - introspection does not use one
        raise AssertionError("introspection should only use Connection.execute")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)
