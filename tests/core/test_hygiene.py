"""Project hygiene: tests stay inside the repository, the metadata and the files a user reads are right."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_tests_read_no_absolute_paths_outside_the_repo() -> None:
    pattern = re.compile(r"""["'](/work/|/home/|/Users/|/root/)""")
    offenders = []
    for path in (REPO / "tests").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert offenders == []


def test_license_changelog_and_metadata() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "MIT"}
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")
    assert "## [Unreleased]" in (REPO / "CHANGELOG.md").read_text()
    assert project["authors"] and all(a.get("name") for a in project["authors"])
    assert {"Homepage", "Repository", "Issues", "Changelog"} <= set(project["urls"])


def test_readme_has_coming_from_prisma() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Coming from Prisma", 1)[1].split("\n## ", 1)[0]
    for needle in ("prisma.config.ts", "package.json", "prisma/schema/", "?pgbouncer=true", "What differs", "init"):
        assert needle in section, needle


def test_env_example_lists_only_variables_something_reads() -> None:
    names = re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M)
    assert names, "no variable in .env.example"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "nexo").rglob("*.py"))
    sources += (REPO / "schema.prisma").read_text()
    unread = [n for n in names if f'"{n}"' not in sources and f'env(\\"{n}\\")' not in sources]
    assert unread == []


def test_gitignore_lists_no_tracked_file() -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: no tracked files to compare .gitignore with")
    tracked_ignored = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked_ignored == []
