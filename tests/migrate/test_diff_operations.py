"""The differ's typed operations: the comparison yields them, and the SQL, warnings and summary are
rendered from them alone; and the PostgreSQL facts the differ reads agree with the schema reader's."""

from __future__ import annotations

from nexo.db.pgfacts import DEFAULT_PRECISION_TYPES, METHOD_SQL, NATIVE_OF_SQL, SERIAL_OF_INTEGER
from nexo.migrate.diff import diff
from nexo.migrate.diff import operations as ops
from nexo.migrate.diff.render import render_sql
from nexo.migrate.diff.summary import render_summary, render_warnings
from nexo.psl import validate_source
from nexo.psl.native import INDEX_ALGORITHMS, NATIVE_TYPES
from nexo.schema import Database, relational_model

HEADER = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'

BEFORE = """
enum Level {
  LOW
  HIGH
  MID
}
model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String?
  age   Int
  level Level   @default(LOW)
  posts Post[]
}
model Post {
  id     Int  @id
  userId Int
  user   User @relation(fields: [userId], references: [id])
}
model Gone {
  id Int @id
}
"""
AFTER = """
enum Level {
  LOW
  HIGH
}
enum Kind {
  A
  B
}
model User {
  id    Int     @id @default(autoincrement())
  email String  @unique(map: "user_email_key")
  name  String
  age   BigInt
  score Float
  level Level   @default(LOW)
  posts Post[]
  @@index([name])
}
model Post {
  id     Int  @id
  userId Int
  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)
}
model Fresh {
  id   Int  @id
  kind Kind
}
"""


def model(text: str) -> Database:
    result = validate_source(HEADER + text, "schema.prisma")
    assert result.schema is not None, result.render()
    return relational_model(result.schema)


def test_each_step_is_rendered_from_its_operation() -> None:
    plan = diff(model(BEFORE), model(AFTER))
    kinds = {type(op) for op in plan.operations}
    assert {
        ops.CreateEnum,
        ops.AlterEnum,
        ops.CreateTable,
        ops.DropTable,
        ops.AlterTable,
        ops.CreateIndex,
        ops.RenameIndex,
        ops.AddForeignKey,
        ops.DropForeignKey,
    } <= kinds
    assert len(plan.operations) == len(plan.steps)
    for step in plan.steps:
        op = step.operation
        assert op is not None and op.kind == step.kind
        assert render_sql(op) == step.statements
        assert render_warnings(op) == (list(step.warnings), list(step.unexecutable))
        assert op.target == (step.table, step.schema)
    assert render_summary(plan.operations) == plan.summary()


def test_an_altered_table_lists_its_column_changes_in_prisma_order() -> None:
    plan = diff(model(BEFORE), model(AFTER))
    (alter,) = [op for op in plan.operations if isinstance(op, ops.AlterTable)]
    changes = [(type(c).__name__, getattr(c, "column", getattr(c, "next", None)).name) for c in alter.changes]
    # added columns first, then the altered ones in their previous order
    assert changes == [("AddColumn", "score"), ("AlterColumn", "name"), ("AlterColumn", "age")]
    age = alter.changes[2]
    assert isinstance(age, ops.AlterColumn) and age.actions == ("set_type",)
    name = alter.changes[1]
    assert isinstance(name, ops.AlterColumn) and name.actions == ("set_not_null",)
    (enum,) = [op for op in plan.operations if isinstance(op, ops.AlterEnum)]
    assert (enum.added, enum.removed) == ((), ("MID",))
    assert any("The values [MID] on the enum `Level` will be removed" in w for w in plan.warnings)
    assert any("Made the column `name` on table `User` required" in u for u in plan.unexecutable)


def test_the_postgresql_facts_agree_with_the_schema_reader() -> None:
    # nexo/psl may import the standard library only, so it keeps its own copy of these facts
    from_psl = {spec.sql: name for name, spec in NATIVE_TYPES.items()}
    from_psl.update({serial: from_psl[integer] for integer, serial in SERIAL_OF_INTEGER.items()})
    assert from_psl == NATIVE_OF_SQL
    assert set(METHOD_SQL) == set(INDEX_ALGORITHMS) - {"BTree"}
    assert all(NATIVE_TYPES[NATIVE_OF_SQL[sql]].max_args == 1 for sql in DEFAULT_PRECISION_TYPES)
