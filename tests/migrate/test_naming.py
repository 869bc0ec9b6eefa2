"""Folder names: Prisma's slug, timestamps, P3010, and the localeCompare order (checked against Node)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone

import pytest

from nexo.migrate import MigrationNameTooLong, create_migration_dir, list_migrations, locale_sort_key, slugify
from nexo.migrate.naming import migration_folder_name

# Loads the slugify routine of the installed Prisma CLI (6.19.0 bundle) and applies it to stdin's list.
SLUG_JS = r"""
const fs = require("fs");
const s = fs.readFileSync(process.argv[1], "utf8");
const start = s.indexOf("var Zvt=[");
const rf = s.indexOf("function RF(e,r){", start);
const end = s.indexOf("var OF=", rf);
if (start < 0 || rf < 0 || end < 0) { console.error("slugify routine not found in the CLI bundle"); process.exit(3); }
const L0 = (x) => x.replace(/[|\\{}()[\]^$+*?.]/g, "\\$&").replace(/-/g, "\\x2d");
eval(s.slice(start, end));
const inputs = JSON.parse(fs.readFileSync(0, "utf8"));
console.log(JSON.stringify(inputs.map((x) => RF(x, { separator: "_" }).substring(0, 200))));
"""

SORT_JS = r"""
const a = JSON.parse(require("fs").readFileSync(0, "utf8"));
a.sort((x, y) => x.localeCompare(y));
console.log(JSON.stringify(a));
"""


def _node(script: str, data: object, *args: str) -> object:
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: cannot compare with JavaScript")
    proc = subprocess.run(
        ["node", "-e", script, *args], input=json.dumps(data), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_slugify_observed_cases():
    assert slugify("Add Post Table & Stuff!") == "add_post_table_and_stuff"
    assert slugify("ÄddFooBar CamelCase it's 2nd_Step") == "aedd_foo_bar_camel_case_its_2nd_step"
    assert slugify("") == ""
    assert slugify("!!!") == ""
    assert slugify("x" * 250) == "x" * 200
    assert slugify("x" * 250, max_length=None) == "x" * 250


def test_folder_names():
    now = datetime(2026, 11, 24, 18, 45, 43, 999000, tzinfo=UTC)
    assert migration_folder_name("init", now) == "20261124184543_init"
    assert migration_folder_name("", now) == "20261124184543"
    # local times are converted to UTC; naive ones are taken as UTC
    plus2 = datetime(2026, 11, 24, 20, 45, 43, tzinfo=timezone(timedelta(hours=2)))
    assert migration_folder_name("x", plus2) == "20261124184543_x"
    assert migration_folder_name("x", datetime(2026, 11, 24, 18, 45, 43)) == "20261124184543_x"


def test_create_migration_dir(tmp_path):
    now = datetime(2026, 11, 24, 18, 31, 22, tzinfo=UTC)
    m = create_migration_dir(tmp_path / "migrations", "Add Post Table & Stuff!", "SELECT 1;\n", now)
    assert m.name == "20261124183122_add_post_table_and_stuff"
    assert (tmp_path / "migrations" / m.name / "migration.sql").read_bytes() == b"SELECT 1;\n"
    unnamed = create_migration_dir(
        tmp_path / "migrations", "", "-- This is an empty migration.", now + timedelta(seconds=1)
    )
    assert unnamed.name == "20261124183123"
    assert [d.name for d in list_migrations(tmp_path / "migrations")] == [m.name, unnamed.name]
    with pytest.raises(FileExistsError):
        create_migration_dir(tmp_path / "migrations", "Add Post Table & Stuff!", "SELECT 2;\n", now)


def test_p3010_name_too_long(tmp_path):
    with pytest.raises(MigrationNameTooLong) as info:
        create_migration_dir(tmp_path, "a" * 201, "SELECT 1;\n", datetime.now(UTC))
    assert str(info.value).startswith(
        "Error: P3010\n\nThe name of the migration is too long. It must not be longer than 200 characters (bytes)."
    )
    assert list(tmp_path.iterdir()) == []
    assert create_migration_dir(tmp_path, "a" * 200, "SELECT 1;\n", datetime.now(UTC)).name.endswith("_" + "a" * 200)


def test_sort_order_examples():
    names = [
        "20240101000000_b",
        "20240101000000_A",
        "20240101000000_a",
        "20240101000000",
        "20240101000000-x",
        "20240101000000a",
        ".hidden",
        "_x",
        "B",
        "b",
        "é",
        "e",
        "E",
    ]
    assert sorted(names, key=locale_sort_key) == [
        "_x",
        ".hidden",
        "20240101000000",
        "20240101000000_a",
        "20240101000000_A",
        "20240101000000_b",
        "20240101000000-x",
        "20240101000000a",
        "b",
        "B",
        "e",
        "E",
        "é",
    ]


def test_sort_order_matches_javascript_locale_compare():
    rng = random.Random(20261124)
    alphabet = "abcXYZ019_-. ~$#'éÄ"
    names = [
        "20240101000000_init",
        "20240101000000_Init",
        "20240101000000",
        "20240101000000_init2",
        "20240101000000_init_2",
    ]
    names += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(300)]
    names = list(dict.fromkeys(names))
    expected = _node(SORT_JS, names)
    assert sorted(names, key=locale_sort_key) == expected


def test_slugify_matches_the_prisma_cli(prisma_oracle):
    rng = random.Random(6190)
    alphabet = "abcdefXYZ0129 _-'&!.,é ÄüßÆøçñ^`\\"
    inputs = [
        "Add Post Table & Stuff!",
        "ÄddFooBar CamelCase it's 2nd_Step",
        "HTMLParser2Go",
        "don't stop",
        "Crème brûlée à la carte",
        "Straße Øre Æsir",
        "___init___",
        "SQLServer",
        "IDs4Users",
        "x" * 230,
    ]
    inputs += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(300)]
    expected = _node(SLUG_JS, inputs, str(prisma_oracle.cli_path))
    assert [slugify(x) for x in inputs] == expected
