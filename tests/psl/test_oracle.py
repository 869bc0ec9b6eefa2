"""The Prisma CLI oracle harness itself: URL conversion, and one call of each command it runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import PrismaOracle, default_cache_dir, node_postgres_url
from oracle_fixtures import prisma_oracle  # noqa: F401  (fixture)

SCHEMA = """\
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
"""


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # pgserver's form: empty host, socket folder in the query
        (
            "postgresql://postgres:@/postgres?host=/tmp/x/pgdata",
            "postgresql://postgres@localhost/postgres?host=/tmp/x/pgdata",
        ),
        ("postgresql://postgres@/nexo?host=/run/pg", "postgresql://postgres@localhost/nexo?host=/run/pg"),
        ("postgresql://u:s%40cret@/db?host=/s", "postgresql://u:s%40cret@localhost/db?host=/s"),
        ("postgresql:///db?host=/s", "postgresql://localhost/db?host=/s"),
        # already fine for node-postgres
        ("postgresql://u:p@db.example:5433/app", "postgresql://u:p@db.example:5433/app"),
        ("postgresql://postgres@localhost/nexo?host=/x", "postgresql://postgres@localhost/nexo?host=/x"),
        # keyword/value conninfo
        ("host=/tmp/sock dbname=app user=me", "postgresql://me@localhost/app?host=%2Ftmp%2Fsock"),
        ("host=h port=5433 dbname=app user=me password=pw", "postgresql://me:pw@h:5433/app"),
    ],
)
def test_node_postgres_url(given: str, expected: str) -> None:
    assert node_postgres_url(given) == expected


def test_cache_dir_follows_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEXO_PRISMA_CACHE", str(tmp_path / "cli"))
    assert default_cache_dir() == tmp_path / "cli"
    monkeypatch.delenv("NEXO_PRISMA_CACHE")
    assert default_cache_dir().name == "prisma-6.19.0"


def test_oracle_install_is_complete(prisma_oracle: PrismaOracle) -> None:  # noqa: F811
    assert prisma_oracle.is_installed()
    assert (prisma_oracle.cache_dir / "prisma.config.ts").read_text().count("PrismaPg") == 2
    assert (prisma_oracle.cache_dir / "empty-engine").stat().st_size == 0
    assert "?host=" not in prisma_oracle.database_url or "@localhost" in prisma_oracle.database_url


def test_validate_accepts_and_rejects(prisma_oracle: PrismaOracle, tmp_path: Path) -> None:  # noqa: F811
    good = tmp_path / "good.prisma"
    good.write_text(SCHEMA)
    bad = tmp_path / "bad.prisma"
    bad.write_text(SCHEMA.replace("String @unique", "Strng @unique"))
    ok, err = prisma_oracle.validate_many([good, bad])
    assert ok.returncode == 0, ok.output
    assert "is valid" in ok.output
    assert err.returncode == 1
    assert "P1012" in err.stderr and 'Type "Strng" is neither a built-in type' in err.stderr


def test_format_works_on_a_copy(prisma_oracle: PrismaOracle, tmp_path: Path) -> None:  # noqa: F811
    uncached = PrismaOracle(prisma_oracle.database_url, prisma_oracle.cache_dir, use_result_cache=False)
    messy = SCHEMA.replace("  id    Int    @id", "id Int @id").replace("  url      =", "  url =")
    src = tmp_path / "messy.prisma"
    src.write_text(messy)
    outcome = uncached.format_path(src)
    assert outcome.ok, outcome.result.output
    assert outcome.formatted == SCHEMA
    assert outcome.result.args[0] == "format"
    assert src.read_text() == messy  # the original is untouched
    refused = uncached.format_text(messy.replace("String @unique", "Strng @unique"))
    assert refused.result.returncode == 1 and "P1012" in refused.result.stderr
    assert "Strng @unique" in refused.formatted  # left as it was


def test_format_results_are_cached(prisma_oracle: PrismaOracle, tmp_path: Path) -> None:  # noqa: F811
    oracle = PrismaOracle(prisma_oracle.database_url, prisma_oracle.cache_dir)
    text = SCHEMA.replace("email String", "email  String")
    first = oracle.format_text(text, "cached.prisma")
    assert first.ok and first.formatted == SCHEMA
    stored = list(oracle.results_dir.glob("*.json"))
    assert stored
    second = oracle.format_text(text, "cached.prisma")
    assert second == first


def test_migrate_diff_from_empty_and_between_schemas(prisma_oracle: PrismaOracle, tmp_path: Path) -> None:  # noqa: F811
    a = tmp_path / "a.prisma"
    a.write_text(SCHEMA)
    b = tmp_path / "b.prisma"
    b.write_text(SCHEMA.replace("  email String @unique\n", "  email String @unique\n  name  String?\n"))
    created = prisma_oracle.migrate_diff(to_schema=a)
    assert created.returncode == 0, created.output
    assert 'CREATE TABLE "User"' in created.stdout
    assert 'CREATE UNIQUE INDEX "User_email_key" ON "User"("email");' in created.stdout
    altered = prisma_oracle.migrate_diff(from_schema=a, to_schema=b)
    assert altered.returncode == 0, altered.output
    assert 'ALTER TABLE "User" ADD COLUMN     "name" TEXT;' in altered.stdout
    dropped = prisma_oracle.migrate_diff(from_schema=a, to_schema=None)
    assert dropped.returncode == 0, dropped.output
    assert 'DROP TABLE "public"."User";' in dropped.stdout
