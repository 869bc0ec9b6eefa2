"""Schema warnings (issue 12, causes 8 and 9).

Prisma's CLI prints warnings for valid schemas ("Prisma schema warning(s):" then ``- message`` lines on
stderr): deprecated or renamed preview features, ``SetNull`` on a required relation field, a relation
without index under ``relationMode = "prisma"``. ``nexo validate`` and ``nexo format`` print the same
block, checked here against the real CLI (6.19). nexo adds one warning of its own, printed after
Prisma's with its position: an index on a ``@db.Json`` column, whose SQL (identical to Prisma's)
PostgreSQL refuses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from oracle import PrismaOracle
from oracle_fixtures import prisma_oracle  # noqa: F401  (fixture)

from nexo.migrate.differ import diff
from nexo.psl import validate_source
from nexo.schema import relational_model

NEXO = shutil.which("nexo") or str(Path(sys.executable).with_name("nexo"))
HEAD = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n%s}\n\n'

WARNING_SCHEMAS = {
    "deprecated_preview_features": HEAD % ""
    + 'generator client {\n  provider        = "prisma-client-js"\n'
    + '  previewFeatures = ["multiSchema", "fullTextSearch", "metrics", "driverAdapters", "views"]\n}\n\n'
    + "model A {\n  id Int @id\n}\n",
    "set_null_on_required": HEAD % ""
    + "model Owner {\n  id   Int   @id\n  pets Pet[]\n}\n\n"
    + "model Pet {\n  id      Int    @id\n"
    + "  owner   Owner? @relation(fields: [ownerId], references: [id], onDelete: SetNull, onUpdate: SetNull)\n"
    + "  ownerId Int\n}\n",
    "relation_mode_prisma_without_index": HEAD % '  relationMode = "prisma"\n'
    + "model Owner {\n  id   Int   @id\n  a    Int\n  pets Pet[]\n  kept Kept[]\n\n  @@unique([id, a])\n}\n\n"
    + "model Pet {\n  id      Int   @id\n  ownerId Int\n  owner   Owner @relation(fields: [ownerId], references: [id])\n}\n\n"
    + "model Kept {\n  id Int @id\n  x  Int\n  y  Int\n"
    + "  owner Owner @relation(fields: [x, y], references: [id, a])\n\n  @@index([y, x])\n}\n",
    "no_warning": HEAD % '  relationMode = "prisma"\n'
    + "model Owner {\n  id   Int   @id\n  pets Pet[]\n}\n\n"
    + "model Pet {\n  id      Int   @id\n  ownerId Int\n  owner   Owner @relation(fields: [ownerId], references: [id])\n\n"
    + "  @@index([ownerId, id])\n}\n",
}


def cli_warnings(stderr: str) -> str:
    m = re.search(r"(?ms)^Prisma schema warnings?:\n(?:- .*?\n)+", stderr)
    return m.group(0) if m else ""


@pytest.mark.parametrize("name", sorted(WARNING_SCHEMAS))
def test_validate_and_format_print_prismas_warnings(name: str, tmp_path: Path, prisma_oracle: PrismaOracle) -> None:  # noqa: F811
    schema = tmp_path / "schema.prisma"
    schema.write_text(WARNING_SCHEMAS[name])
    env = {"DATABASE_URL": prisma_oracle.database_url}
    theirs = prisma_oracle.run("validate", "--schema", str(schema), env=env)
    assert theirs.ok, theirs.output
    expected = cli_warnings(theirs.stderr)
    assert (expected == "") == (name == "no_warning")
    assert validate_source(WARNING_SCHEMAS[name]).render_warnings() == expected
    for command in (["validate"], ["format", "--check"]):
        ours = subprocess.run(
            [NEXO, *command, "--schema", str(schema)],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=120,
        )
        assert cli_warnings(ours.stderr) == expected, ours.stderr


JSON_INDEX = (
    HEAD % ""
    + "model Doc {\n  id   Int  @id\n  body Json @db.Json\n  meta Json\n\n  @@index([body])\n  @@index([meta])\n}\n"
)


def test_an_index_on_a_json_column_gets_nexos_warning_and_prismas_sql(conn: psycopg.Connection) -> None:
    """Prisma accepts a B-tree index on a ``@db.Json`` column and writes SQL PostgreSQL refuses; nexo keeps
    that SQL (byte-identical diffs) and warns, naming the field and the fix. ``Json`` without ``@db.Json``
    is ``jsonb``, which has a B-tree operator class: no warning for ``meta``."""
    result = validate_source(JSON_INDEX)
    assert result.ok
    text = result.render_warnings()
    assert text.startswith("warning: The index on `Doc.body` cannot be created")
    assert "type: Gin" in text and "Doc.meta" not in text
    assert "  -->  schema.prisma:11:3\n" in text
    assert not text.startswith("Prisma schema warning")
    script = diff(None, relational_model(result.raise_for_errors())).script()
    assert 'CREATE INDEX "Doc_body_idx" ON "Doc"("body");' in script
    with pytest.raises(psycopg.errors.UndefinedObject, match="no default operator class"):
        conn.execute(script.encode(), prepare=False)
