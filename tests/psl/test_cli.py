"""``nexo validate`` and ``nexo format`` end to end, through the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

NEXO = str(Path(sys.executable).parent / "nexo")
REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "format_cases"

HEADER = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'
VALID = HEADER + "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n"
MESSY = HEADER + "model User {\nid Int @id @default(autoincrement())\n    email   String   @unique\n}\n"
TWO_ERRORS = HEADER + 'model User {\n  id    Int    @id\n  email Strng\n  age   Int    @default("x")\n}\n'


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["COLUMNS"] = "200"
    return subprocess.run([NEXO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def project(tmp_path: Path, schema: str = "schema.prisma") -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "demo"\n\n[tool.nexo]\nschema = "{schema}"\n')
    return tmp_path


# --------------------------------------------------------------------------- validate


def test_validate_valid_schema(tmp_path: Path) -> None:
    (tmp_path / "schema.prisma").write_text(VALID)
    r = run(["validate", "--schema", "schema.prisma"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "The schema at schema.prisma is valid."


def test_validate_reports_every_error_with_place_and_underline(tmp_path: Path) -> None:
    (tmp_path / "schema.prisma").write_text(TWO_ERRORS)
    r = run(["validate", "--schema", "schema.prisma"], tmp_path)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("Prisma schema validation\nError code: P1012\n")
    assert (
        'error: Type "Strng" is neither a built-in type, nor refers to another model, composite type, or enum.\n'
        "  -->  schema.prisma:8:9\n"
        "   | \n"
        " 7 |   id    Int    @id\n"
        " 8 |   email Strng\n"
        "   |         ^^^^^\n"
    ) in r.stderr
    assert (
        'error: Error parsing attribute "@default": Expected a Int value, but found `"x"`.\n  -->  schema.prisma:9:16\n'
    ) in r.stderr
    assert "   |                ^^^^^^^^^^^^^\n" in r.stderr  # under @default("x")
    assert r.stderr.rstrip().endswith("Validation Error Count: 2")


def test_validate_json(tmp_path: Path) -> None:
    (tmp_path / "schema.prisma").write_text(TWO_ERRORS)
    r = run(["validate", "--schema", "schema.prisma", "--json"], tmp_path)
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert data["valid"] is False and data["error_count"] == 2
    assert [(d["code"], d["file"], d["line"], d["column"]) for d in data["diagnostics"]] == [
        ("P1012", "schema.prisma", 8, 9),
        ("P1012", "schema.prisma", 9, 16),
    ]
    (tmp_path / "schema.prisma").write_text(VALID)
    ok = run(["validate", "--schema", "schema.prisma", "--json"], tmp_path)
    assert ok.returncode == 0
    assert json.loads(ok.stdout) == {
        "schema": "schema.prisma",
        "files": ["schema.prisma"],
        "valid": True,
        "error_count": 0,
        "diagnostics": [],
    }


def test_validate_uses_the_configured_schema_folder(tmp_path: Path) -> None:
    root = project(tmp_path, "prisma/schema")
    folder = root / "prisma" / "schema"
    (folder / "models").mkdir(parents=True)
    (folder / "main.prisma").write_text(HEADER)
    (folder / "models" / "user.prisma").write_text("model User {\n  id    Int    @id\n  posts Post[]\n}\n")
    (folder / "models" / "post.prisma").write_text(
        "model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n"
    )
    (folder / "notes.txt").write_text("not a schema")
    sub = root / "prisma"
    r = run(["validate"], sub)  # the project is found from a subfolder
    assert r.returncode == 0, r.stderr
    assert "is valid" in r.stdout
    # an error in one file of the folder names that file
    (folder / "models" / "post.prisma").write_text("model Post {\n  id Int @id\n  author Usr\n}\n")
    bad = run(["validate", "--json"], root)
    assert bad.returncode == 1
    diags = json.loads(bad.stdout)["diagnostics"]
    assert [(d["file"], d["line"]) for d in diags] == [(os.path.join("prisma", "schema", "models", "post.prisma"), 3)]


def test_validate_missing_schema(tmp_path: Path) -> None:
    r = run(["validate", "--schema", "nope.prisma"], tmp_path)
    assert r.returncode == 1
    assert "P1012" in r.stderr and "The schema file nope.prisma does not exist." in r.stderr
    (tmp_path / "empty").mkdir()
    r = run(["validate", "--schema", "empty"], tmp_path)
    assert r.returncode == 1 and "No .prisma files were found" in r.stderr


def test_validate_masks_passwords_in_the_report(tmp_path: Path) -> None:
    text = VALID.replace('env("DATABASE_URL")', '"postgresql://app:hunter2@db.example/app"').replace(
        "email String", "email Strng"
    )
    (tmp_path / "schema.prisma").write_text(text)
    r = run(["validate", "--schema", "schema.prisma"], tmp_path)
    assert r.returncode == 1
    assert "hunter2" not in r.stderr + r.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run(["validate", "--no-such-flag"], tmp_path).returncode == 2
    assert run(["format", "--no-such-flag"], tmp_path).returncode == 2


# --------------------------------------------------------------------------- format


def test_format_check_then_write(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    path.write_text(MESSY)
    check = run(["format", "--schema", "schema.prisma", "--check"], tmp_path)
    assert check.returncode == 1
    assert "schema.prisma" in check.stderr and "not formatted" in check.stderr
    assert path.read_text() == MESSY  # --check writes nothing
    fmt = run(["format", "--schema", "schema.prisma"], tmp_path)
    assert fmt.returncode == 0, fmt.stderr
    assert "Formatted schema.prisma" in fmt.stdout
    assert path.read_text() == VALID
    again = run(["format", "--schema", "schema.prisma", "--check"], tmp_path)
    assert again.returncode == 0, again.stderr
    assert "formatted correctly" in again.stdout
    assert run(["format", "--schema", "schema.prisma"], tmp_path).returncode == 0
    assert path.read_text() == VALID


def test_format_golden_case_byte_for_byte(tmp_path: Path) -> None:
    """A case recorded from ``prisma format`` (CRLF input, relation repair) comes out identical."""
    for name in ("crlf", "example23_fix_relation", "example14_format"):
        target = tmp_path / f"{name}.prisma"
        target.write_bytes((CASES / f"{name}.input.prisma").read_bytes())
        r = run(["format", "--schema", target.name], tmp_path)
        assert r.returncode == 0, r.stderr
        assert target.read_bytes() == (CASES / f"{name}.expected.prisma").read_bytes(), name


def test_format_folder_uses_config_and_names_changed_files(tmp_path: Path) -> None:
    root = project(tmp_path, "schema")
    folder = root / "schema"
    folder.mkdir()
    (folder / "a.prisma").write_text(HEADER.rstrip() + "\n")
    (folder / "b.prisma").write_text("model B {\nid Int @id\n}\n")
    r = run(["format", "--check", "--json"], root)
    assert r.returncode == 1
    data = json.loads(r.stdout)
    error = data.pop("error")  # a failed --check is a failure: one JSON object with its error (issue 11)
    assert data == {
        "check": True,
        "files": [os.path.join("schema", "a.prisma"), os.path.join("schema", "b.prisma")],
        "changed": [os.path.join("schema", "b.prisma")],
    }
    assert error["code"] == "NEXO_FORMAT" and os.path.join("schema", "b.prisma") in error["message"]
    assert run(["format"], root).returncode == 0
    assert (folder / "b.prisma").read_text() == "model B {\n  id Int @id\n}\n"
    assert (folder / "a.prisma").read_text() == HEADER.rstrip() + "\n"
    assert run(["format", "--check"], root).returncode == 0


def test_format_refuses_an_invalid_schema_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    broken = MESSY.replace("email   String", "email   Strng")
    path.write_text(broken)
    r = run(["format", "--schema", "schema.prisma"], tmp_path)
    assert r.returncode == 1
    assert "P1012" in r.stderr and 'Type "Strng"' in r.stderr and "schema.prisma:8:13" in r.stderr
    assert path.read_text() == broken
    syntax = MESSY.replace("email   String   @unique", "email String @unique )(")
    path.write_text(syntax)
    r = run(["format", "--schema", "schema.prisma", "--check"], tmp_path)
    assert r.returncode == 1 and "not a valid field or attribute definition" in r.stderr
    assert path.read_text() == syntax


def test_format_adds_a_missing_back_relation_then_the_schema_validates(tmp_path: Path) -> None:
    """Like ``prisma format``: a schema invalid only for a missing back-relation field is repaired."""
    path = tmp_path / "schema.prisma"
    path.write_text(
        HEADER + "model User {\n  id Int @id\n}\n\nmodel Post {\n  id Int @id\n  authorId Int\n"
        "  author User @relation(fields: [authorId], references: [id])\n}\n"
    )
    assert run(["validate", "--schema", "schema.prisma"], tmp_path).returncode == 1
    assert run(["format", "--schema", "schema.prisma"], tmp_path).returncode == 0
    assert "  posts Post[]\n" in path.read_text()
    assert run(["validate", "--schema", "schema.prisma"], tmp_path).returncode == 0


def test_repo_schema_validates_and_is_formatted() -> None:
    v = run(["validate"], REPO)
    assert v.returncode == 0, v.stderr
    assert v.stdout.strip() == "The schema at schema.prisma is valid."
    f = run(["format", "--check"], REPO)
    assert f.returncode == 0, f.stderr
