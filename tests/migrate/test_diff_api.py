"""The differ's API beyond the golden cases: warnings, ``migrate dev``-style files, live previous states,
pairing by structure only, and the shared from-empty renderer."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffcases import all_cases, load_model, model_or_none

from nexo.migrate.differ import STEP_KINDS, MigrationPlan, diff
from nexo.psl import validate_source
from nexo.schema import Database, relational_model, render_create_script

REFERENCE = Path(__file__).resolve().parent / "reference"  # Prisma CLI outputs and schemas, kept in the repo
DEV_STEPS = REFERENCE / "migrations" / "dev_steps"
CASES = {c.name.split("_", 1)[1]: c for c in all_cases()}
HEADER = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'


def model(text: str) -> Database:
    result = validate_source(HEADER + text, "schema.prisma")
    assert result.schema is not None, result.render()
    return relational_model(result.schema)


def case_plan(name: str) -> MigrationPlan:
    c = CASES[name]
    return diff(model_or_none(c.before), model_or_none(c.after))


# ----------------------------------------------------------------------------- migrate dev files
def _dev_step_schemas() -> list[str]:
    """The schema at each step of the reference ``dev_steps`` history (22a_cast.prisma grown model by model)."""
    full = (REFERENCE / "schemas" / "22a_cast.prisma").read_text()
    blocks = re.split(r"\n(?=model |enum )", full)
    head, rest = blocks[0], blocks[1:]
    keep = lambda names: "\n".join([head] + [b for b in rest if b.split()[1] in names])  # noqa: E731
    first = {"Mood", "Person", "Pet"}
    return [keep(first), keep(first | {"Extra"}), full, (REFERENCE / "schemas" / "22b_cast.prisma").read_text()]


def _model_of(text: str) -> Database:
    result = validate_source(text, "schema.prisma")
    assert result.schema is not None, result.render()
    return relational_model(result.schema)


def test_reproduces_the_reference_migrate_dev_history() -> None:
    """Each ``migration.sql`` Prisma's ``migrate dev`` wrote, warnings block included."""
    folders = sorted(p for p in DEV_STEPS.iterdir() if p.is_dir())
    states = [Database((), ())] + [_model_of(t) for t in _dev_step_schemas()]
    assert len(folders) == len(states) - 1 == 4
    for folder, before, after in zip(folders, states[:-1], states[1:], strict=True):
        plan = diff(before, after)
        assert plan.script(with_warnings=True) == (folder / "migration.sql").read_text(), folder.name


def test_history_from_a_live_database(conn: psycopg.Connection) -> None:
    """The same files when the previous state is introspected after replaying the history (migrate dev)."""
    from nexo.schema import introspect

    folders = sorted(p for p in DEV_STEPS.iterdir() if p.is_dir())
    for folder, text in zip(folders, _dev_step_schemas(), strict=True):
        live = introspect(conn)
        plan = diff(live, _model_of(text), before_is_live=True)
        expected = (folder / "migration.sql").read_text()
        assert plan.script(with_warnings=True) == expected, folder.name
        conn.execute(expected.encode())
    assert diff(introspect(conn), _model_of(_dev_step_schemas()[-1]), before_is_live=True).is_empty


def test_warnings_of_the_reference_pair_in_prisma_order() -> None:
    """prisma-compat §2.15: warnings in step order, then unexecutable items in step order."""
    plan = case_plan("incremental_reference_04")
    assert plan.warnings == [
        "The values [HIGH] on the enum `Level` will be removed. If these variants are still used in the database, "
        "this will fail.",
        "You are about to drop the column `dropMe` on the `Account` table. All the data in the column will be lost.",
        "You are about to drop the column `oldName` on the `Account` table. All the data in the column will be lost.",
        "The primary key for the `PkChange` table will be changed. If it partially fails, the table could be left "
        "without primary key constraint.",
        "You are about to drop the `Obsolete` table. If the table is not empty, all the data it contains will be lost.",
        "A unique constraint covering the columns `[slug]` on the table `Account` will be added. If there are existing "
        "duplicate values, this will fail.",
    ]
    assert plan.unexecutable == [
        "Added the required column `added` to the `Account` table without a default value. This is not possible if "
        "the table is not empty.",
        "Added the required column `newName` to the `Account` table without a default value. This is not possible if "
        "the table is not empty.",
        "Made the column `nick` on table `Account` required. This step will fail if there are existing NULL values in "
        "that column.",
    ]  # (tags: a list made required is no "optional made required" for Prisma)
    script = plan.script(with_warnings=True)
    assert script.startswith("/*\n  Warnings:\n\n  - The values [HIGH]")
    assert "\n\n*/\n-- AlterEnum\n" in script
    assert script.endswith(plan.script())


def test_drop_and_recreate_of_an_optional_column_warns() -> None:
    plan = diff(model("model T {\n  id Int @id\n  a String?\n}\n"), model("model T {\n  id Int @id\n  a Int?\n}\n"))
    assert plan.warnings == [
        "The `a` column on the `T` table would be dropped and recreated. This will lead to data loss if there is data "
        "in the column."
    ]
    assert plan.unexecutable == []


def test_required_column_with_a_client_side_default_gets_the_prisma_level_item() -> None:
    """Case 87: ``uuid()``/``ulid()`` write no DEFAULT; Prisma's item names the prisma-level default."""
    plan = case_plan("prisma_level_default_required_column")
    assert plan.unexecutable == [
        f"The required column `{c}` was added to the `T` table with a prisma-level default value. This is not "
        "possible if the table is not empty. Please add this column as optional, then populate it before making it "
        "required."
        for c in ("token", "ulid")
    ]
    assert plan.warnings == []
    # a database default of any kind (dbgenerated() without argument included, and a sequence) is a default
    plan = diff(
        model("model T {\n  id Int @id\n}\n"),
        model(
            "model T {\n  id Int @id\n  a String @default(dbgenerated())\n  b Int @default(autoincrement())\n"
            "  c String @default(dbgenerated(\"'c'\"))\n  d String\n  e String @default(cuid())\n}\n"
        ),
    )
    assert [u.split("`")[1] for u in plan.unexecutable] == ["d", "e"]
    assert plan.unexecutable[0].startswith("Added the required column `d`")
    assert "prisma-level default" in plan.unexecutable[1]


def test_default_kinds_are_compared_as_prisma_does() -> None:
    """``Column.default_kind`` decides before the text (case 94 has the CLI's text; here, the arms alone)."""
    cols = {
        "lit": 'String @default("x")',
        "gen": "String @default(dbgenerated(\"'x'\"))",
        "bare": "String @default(dbgenerated())",
        "none": "String",
        "client": "String @default(uuid())",
        "now": "DateTime @default(now())",
        "gennow": 'DateTime @default(dbgenerated("CURRENT_TIMESTAMP"))',
    }
    built = {k: model(f"model T {{\n  id Int @id\n  c {v}\n}}\n") for k, v in cols.items()}
    changed = {
        (a, b)
        for a in cols
        for b in cols
        if cols[a].split()[0] == cols[b].split()[0] and not diff(built[a], built[b]).is_empty
    }
    assert changed == {
        ("lit", "gen"),
        ("gen", "lit"),
        ("lit", "none"),
        ("gen", "none"),
        ("bare", "none"),
        ("bare", "lit"),
        ("bare", "gen"),
        ("none", "lit"),
        ("none", "gen"),
        ("client", "lit"),
        ("client", "gen"),
        ("lit", "client"),
        ("gen", "client"),
        ("bare", "client"),
        ("now", "gennow"),
        ("gennow", "now"),
    }
    # without kinds (a comparable() model) the text decides: the same literal, the same CURRENT_TIMESTAMP
    from nexo.schema import comparable

    assert diff(comparable(built["lit"]), comparable(built["gen"])).is_empty
    assert diff(comparable(built["now"]), comparable(built["gennow"])).is_empty
    summary = diff(built["bare"], built["none"]).summary()
    assert "default changed from `Some(DbGenerated(None))` to `None`" in summary


def test_unique_constraint_drop_is_qualified_like_its_table() -> None:
    """``Index.constraint`` (set by introspection): ALTER TABLE … DROP CONSTRAINT, with the table's schema."""
    from nexo.schema import Column, Index, IndexColumn, PrimaryKey, Table

    def db(*indexes: Index, schema: str | None = None) -> Database:
        t = Table(
            "T",
            (Column("id", "INTEGER", False), Column("x", "TEXT", False)),
            PrimaryKey("T_pkey", ("id",)),
            indexes,
            (),
            schema,
        )
        return Database((t,), (), namespaces=(schema,) if schema else ())

    uq = Index("uq", "T", (IndexColumn("x"),), True, constraint=True)
    assert diff(db(uq), db()).script() == '-- DropIndex\nALTER TABLE "T" DROP CONSTRAINT "uq";\n'
    multi = replace(uq, schema="auth")
    assert diff(db(multi, schema="auth"), db(schema="auth")).script() == (
        '-- DropIndex\nALTER TABLE "auth"."T" DROP CONSTRAINT "uq";\n'
    )
    # the same structure as a unique index: nothing to do when the schema has it, a rename stays ALTER INDEX
    plain = Index("uq", "T", (IndexColumn("x"),), True)
    assert diff(db(uq), db(plain)).is_empty
    renamed = replace(plain, name="T_x_key")
    assert diff(db(uq), db(renamed)).script() == '-- RenameIndex\nALTER INDEX "uq" RENAME TO "T_x_key";\n'


def test_no_warnings_block_without_warnings() -> None:
    plan = case_plan("create_table")
    assert plan.warnings == plan.unexecutable == []
    assert plan.script(with_warnings=True) == plan.script()


# ----------------------------------------------------------------------------- live previous state
ENUM_BEFORE = "enum Level {\n  LOW\n  HIGH\n}\n\nenum Gone {\n  X\n}\n\nmodel T {\n  id Int @id @default(autoincrement())\n  n Int @default(autoincrement())\n  l Level @default(LOW)\n  g Gone\n}\n"
ENUM_AFTER = "enum Level {\n  LOW\n}\n\nmodel T {\n  id Int @id\n  n Int\n  l Level @default(LOW)\n}\n"


def test_live_previous_state_names_enums_with_their_schema() -> None:
    """migrate dev (introspected previous state): ``DROP TYPE "public"."Level_old"`` (prisma-compat §2.10;
    the exact set of qualified statements observed with Prisma 6.19.0 ``migrate diff --from-migrations``)."""
    before, after = model(ENUM_BEFORE), model(ENUM_AFTER)
    from_schema = diff(before, after).script()
    live = diff(before, after, before_is_live=True).script()
    assert 'DROP TYPE "Level_old";' in from_schema and 'ALTER TABLE "T" ALTER COLUMN "l" DROP DEFAULT;' in from_schema
    assert (
        'DROP TYPE "public"."Level_old";' in live and 'ALTER TABLE "public"."T" ALTER COLUMN "l" DROP DEFAULT;' in live
    )
    # everything else keeps the plain names, as Prisma 6.19.0 writes them
    assert 'ALTER TYPE "Level" RENAME TO "Level_old";' in live and 'DROP TYPE "Gone";' in live
    # a live column owns its own sequence; a schema's autoincrement columns share Prisma's unnamed one
    assert 'DROP SEQUENCE "T_n_seq";' in live and 'DROP SEQUENCE "T_id_seq";' in live
    assert 'DROP SEQUENCE ""' in from_schema


def test_to_empty_names_everything_with_its_schema() -> None:
    script = diff(model(ENUM_BEFORE), None).script()
    assert 'DROP TABLE "public"."T";' in script
    assert 'DROP TYPE "public"."Level";' in script


# ----------------------------------------------------------------------------- pairing by structure
def _with_default_kinds(stripped: Database, source: Database) -> Database:
    """``stripped`` (a ``comparable()`` model) with the default kinds of ``source`` put back."""
    from nexo.psl.names import MAX_IDENTIFIER, cut

    kinds = {
        (t.schema and cut(t.schema, MAX_IDENTIFIER), cut(t.name, MAX_IDENTIFIER)): t.columns for t in source.tables
    }
    return replace(
        stripped,
        tables=tuple(
            replace(
                t,
                columns=tuple(
                    replace(c, default_kind=k.default_kind)
                    for c, k in zip(t.columns, kinds[(t.schema, t.name)], strict=True)
                ),
            )
            for t in stripped.tables
        ),
    )


@pytest.mark.parametrize("case", [c for c in all_cases() if c.after is not None], ids=str)
def test_provenance_never_matters(case) -> None:
    """A model stripped of provenance (as introspection gives it, tables in name order) diffs as equal.

    The default kinds are not provenance to the differ (Prisma tells ``dbgenerated("'x'")`` from
    ``"x"``) although ``comparable()`` clears them (both create the same column), so they are put back.
    """
    from nexo.schema import comparable

    m = load_model(case.after)
    c = _with_default_kinds(comparable(m), m)
    assert diff(c, m).is_empty, diff(c, m).script()
    assert diff(m, c).is_empty, diff(m, c).script()
    stripped = replace(
        m,
        tables=tuple(
            replace(
                t, model=None, join=None, columns=tuple(replace(c, field=None, prisma_type=None) for c in t.columns)
            )
            for t in m.tables
        ),
    )
    assert diff(stripped, m).is_empty


def test_from_empty_database_is_the_create_script() -> None:
    """From an empty database (no objects) the diff is the shared from-empty renderer's script."""
    for case in all_cases():
        if case.after is None:
            continue
        m = load_model(case.after)
        assert diff(Database((), ()), m).script() == render_create_script(m), case.name
        if not m.namespaces:  # Prisma 6.19.0 creates no implicit "public" schema for --from-empty
            assert diff(None, m).script() == render_create_script(m), case.name


def test_steps_are_in_prisma_kind_order() -> None:
    for case in all_cases():
        plan = diff(model_or_none(case.before), model_or_none(case.after))
        ranks = [STEP_KINDS.index(s.kind) for s in plan.steps]
        # only the DropIndex → AlterTable (new primary key) move may break the kind order
        moved = [s for s in plan.steps if s.kind == "DropIndex"]
        if ranks != sorted(ranks):
            assert moved, case.name
        assert all(s.statements for s in plan.steps)
        assert plan.is_empty == (plan.script() == "-- This is an empty migration.")


def test_drop_index_moves_after_the_new_primary_key() -> None:
    """A unique index on a PK-less table is dropped only once the primary key on its columns exists."""
    kinds = [s.kind for s in case_plan("pk_added_replacing_unique").steps]
    assert kinds == ["AlterTable", "DropIndex"]


def test_step_metadata() -> None:
    plan = case_plan("incremental_reference_04")
    alter = next(s for s in plan.steps if s.kind == "AlterTable" and s.table == "Account")
    assert alter.schema is None
    assert alter.sql.startswith('-- AlterTable\nALTER TABLE "Account" DROP COLUMN "dropMe",\n')
    assert any("drop the column `dropMe`" in w for w in alter.warnings)
    assert any("`added`" in u for u in alter.unexecutable)
    assert [s.table for s in plan.steps if s.kind == "DropTable"] == ["Obsolete"]
