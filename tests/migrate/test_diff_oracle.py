"""Every diff case re-run through the real ``prisma migrate diff --script`` (6.19.0): nexo prints the same.

Every form is re-run: schema → schema (``expected.sql``), a database replayed from before's
migration → schema (``expected_live.sql``, through a copy of the driver adapter patched to read
PostgreSQL's ``name`` columns, see ``diffcases.py``), schema → a database replayed from after's
migration (``expected_to_live.sql``), and database → database (``expected_both_live.sql``).

This keeps ``diff_cases/*/expected.sql`` honest: the committed file, Prisma's output today and nexo's
script must be one text. The same goes for ``expected_rediff.sql`` (Prisma's next diff once the case's
migration is applied) and for the deliberate differences of ``diff_gaps/`` (``prisma_live.sql``). Two CLI processes run at a time (a call takes one to two seconds); like the
oracle's ``format`` results, each CLI result is kept in the oracle's cache folder under a hash of the
CLI version and both schema texts, so only new or edited cases run the CLI again (set
``NEXO_ORACLE_NO_CACHE=1`` to run every case). Skipped, with the reason, where Node.js is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diffcases import (
    DiffCase,
    all_cases,
    by_hand_extensions,
    live_prisma_diff,
    live_prisma_diff_from_sql,
    model_or_none,
    nexo_plan,
    patched_adapter_folder,
    rediff_prisma,
    server_for,
    stdout_script,
    stdout_summary,
    to_live_prisma_diff,
    to_live_server,
)
from oracle import OracleResult, PrismaOracle
from pgservers import ContribServer, available_extensions

from nexo.db.urls import mask_url

CASES = all_cases()


def _cached(oracle: PrismaOracle, case: DiffCase, kind: str, run, extra: tuple[Path, ...] = ()) -> OracleResult:
    parts = (path.read_bytes() if path is not None else b"<empty>" for path in (case.before, case.after, *extra))
    return oracle.cached(f"migrate-diff-{kind}", "diff", parts, run)


@pytest.fixture(scope="module")
def prisma_scripts(prisma_oracle: PrismaOracle) -> dict[str, OracleResult]:
    """``migrate diff --script`` for every case, two CLI processes at a time."""

    def one(c: DiffCase) -> OracleResult:
        return _cached(
            prisma_oracle,
            c,
            "script",
            lambda: prisma_oracle.migrate_diff(from_schema=c.before, to_schema=c.after, script=True),
        )

    results = prisma_oracle.map(one, CASES)
    return {c.name: r for c, r in zip(CASES, results, strict=True)}


LIVE_CASES = [c for c in CASES if (c.folder / "expected_live.sql").is_file()]


class _NoServer(Exception):
    """No server with the extensions a case's history needs (the message says why)."""


def _server(case: DiffCase, pg_server_url: str, contrib: ContribServer, *, after_too: bool = True) -> str:
    """The test server, or the contrib server for a case whose history needs an extension installed by
    hand (see ``diffcases.by_hand_extensions``); :class:`_NoServer` when there is none."""
    url = server_for(case, pg_server_url, contrib, after_too=after_too)
    if url is None:
        raise _NoServer(f"{case.name}: {contrib.reason}")
    return url


@pytest.fixture(scope="module")
def prisma_live_scripts(
    prisma_oracle: PrismaOracle,
    pg_server_url: str,
    contrib_server: ContribServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, OracleResult | str]:
    """``migrate diff --from-migrations … --script`` for every live case, two at a time (a text instead:
    why the case cannot run here)."""
    work = tmp_path_factory.mktemp("live-diff")
    shim = patched_adapter_folder(prisma_oracle.cache_dir, work / "cli")

    def one(c: DiffCase) -> OracleResult | str:
        def run() -> OracleResult:
            return live_prisma_diff(
                prisma_oracle, shim, _server(c, pg_server_url, contrib_server, after_too=False), c, work
            )

        try:
            return _cached(prisma_oracle, c, "live", run)
        except _NoServer as exc:
            return str(exc)

    results = prisma_oracle.map(one, LIVE_CASES)
    return {c.name: r for c, r in zip(LIVE_CASES, results, strict=True)}


@pytest.fixture(scope="module")
def live_shim(prisma_oracle: PrismaOracle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("live-cli")
    return patched_adapter_folder(prisma_oracle.cache_dir, work / "cli")


TO_LIVE_CASES = [c for c in CASES if (c.folder / "expected_to_live.sql").is_file()]
BOTH_LIVE_CASES = [c for c in CASES if (c.folder / "expected_both_live.sql").is_file()]


@pytest.fixture(scope="module")
def prisma_to_live_scripts(
    prisma_oracle: PrismaOracle,
    pg_server_url: str,
    contrib_server: ContribServer,
    live_shim: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str], OracleResult | str]:
    """``migrate diff … --to-migrations … --script`` for every to-live and both-live case, two at a time,
    keyed by (kind, case name) (a text instead: why the case cannot run here)."""
    work = tmp_path_factory.mktemp("to-live-diff")
    jobs = [("to-live", c) for c in TO_LIVE_CASES] + [("both-live", c) for c in BOTH_LIVE_CASES]

    def one(job: tuple[str, DiffCase]) -> OracleResult | str:
        kind, c = job
        url = to_live_server(c, pg_server_url, contrib_server)
        if url is None:
            return f"{c.name}: {contrib_server.reason}"
        return _cached(
            prisma_oracle,
            c,
            kind,
            lambda: to_live_prisma_diff(prisma_oracle, live_shim, url, c, work, from_live=kind == "both-live"),
        )

    results = prisma_oracle.map(one, jobs)
    return {(kind, c.name): r for (kind, c), r in zip(jobs, results, strict=True)}


@pytest.mark.parametrize("case", TO_LIVE_CASES, ids=str)
def test_prisma_to_a_database_prints_the_committed_text(
    case: DiffCase, prisma_to_live_scripts: dict[tuple[str, str], OracleResult | str]
) -> None:
    """(test_diff_to_live.py proves nexo prints this committed text from its own introspection.)"""
    result = prisma_to_live_scripts[("to-live", case.name)]
    if isinstance(result, str):
        pytest.skip(result)
    assert result.ok, result.output
    assert result.stdout == (case.folder / "expected_to_live.sql").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", BOTH_LIVE_CASES, ids=str)
def test_prisma_between_two_databases_prints_the_committed_text(
    case: DiffCase, prisma_to_live_scripts: dict[tuple[str, str], OracleResult | str]
) -> None:
    result = prisma_to_live_scripts[("both-live", case.name)]
    if isinstance(result, str):
        pytest.skip(result)
    assert result.ok, result.output
    assert result.stdout == (case.folder / "expected_both_live.sql").read_text(encoding="utf-8")


def test_prisma_crashes_on_case_05_to_a_database(
    prisma_oracle: PrismaOracle, pg_server_url: str, contrib_server: ContribServer, live_shim: Path, tmp_path: Path
) -> None:
    """Why case 05 has no ``expected_to_live.sql``: Prisma's WebAssembly engine fails reading its database."""
    case = next(c for c in CASES if c.name.startswith("05_"))
    url = to_live_server(case, pg_server_url, contrib_server)
    if url is None:
        pytest.skip(contrib_server.reason)
    # the contrib server guarantees PostgreSQL's contrib extensions, not postgis (a package of its own)
    models = (model_or_none(case.before), model_or_none(case.after))
    needed = by_hand_extensions(case) | {x.name for m in models if m is not None for x in m.extensions}
    lacking = needed - available_extensions(url)
    if lacking:
        pytest.skip(f"case 05 needs the extension(s) {', '.join(sorted(lacking))}, which {mask_url(url)} lacks")
    result = _cached(
        prisma_oracle, case, "to-live", lambda: to_live_prisma_diff(prisma_oracle, live_shim, url, case, tmp_path)
    )
    assert result.returncode != 0 and "RuntimeError: unreachable" in result.stderr, result.output
    assert not (case.folder / "expected_to_live.sql").exists()


REDIFF_CASES = [c for c in CASES if (c.folder / "expected_rediff.sql").is_file()]


@pytest.mark.parametrize("case", REDIFF_CASES, ids=str)
def test_prisma_after_the_migration_prints_the_committed_rediff(
    case: DiffCase,
    prisma_oracle: PrismaOracle,
    pg_server_url: str,
    contrib_server: ContribServer,
    live_shim: Path,
    tmp_path: Path,
) -> None:
    """(test_diff_cases.py's round trip proves nexo prints this committed text from its own introspection.)"""
    try:
        result = _cached(
            prisma_oracle,
            case,
            "rediff",
            lambda: rediff_prisma(
                prisma_oracle, live_shim, _server(case, pg_server_url, contrib_server), case, tmp_path
            ),
            extra=(case.expected_sql,),
        )
    except _NoServer as exc:
        pytest.skip(str(exc))
    assert result.ok, result.output
    assert result.stdout == (case.folder / "expected_rediff.sql").read_text(encoding="utf-8")


GAPS = Path(__file__).resolve().parent / "diff_gaps"


@pytest.mark.parametrize("folder", sorted(d for d in GAPS.iterdir() if d.is_dir()), ids=lambda d: d.name)
def test_prisma_prints_the_committed_text_of_each_gap(
    folder: Path, prisma_oracle: PrismaOracle, pg_server_url: str, live_shim: Path, tmp_path: Path
) -> None:
    """(test_diff_known_gaps.py shows why nexo's script differs from this one.)"""
    gap = DiffCase(folder.name, folder)
    result = _cached(
        prisma_oracle,
        gap,
        "gap",
        lambda: live_prisma_diff_from_sql(
            live_shim, pg_server_url, (folder / "before.sql").read_text(), folder / "after.prisma", tmp_path
        ),
        extra=(folder / "before.sql",),
    )
    assert result.ok, result.output
    assert result.stdout == (folder / "prisma_live.sql").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", LIVE_CASES, ids=str)
def test_prisma_from_a_database_prints_the_committed_text(
    case: DiffCase, prisma_live_scripts: dict[str, OracleResult | str]
) -> None:
    """(test_diff_live.py proves nexo prints this committed text from its own introspection.)"""
    result = prisma_live_scripts[case.name]
    if isinstance(result, str):
        pytest.skip(result)
    assert result.ok, result.output
    assert result.stdout == (case.folder / "expected_live.sql").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_prisma_prints_what_nexo_prints(case: DiffCase, prisma_scripts: dict[str, OracleResult]) -> None:
    result = prisma_scripts[case.name]
    assert result.ok, result.output
    assert stdout_script(nexo_plan(case)) == result.stdout
    assert result.stdout == case.expected_sql.read_text(encoding="utf-8")


def test_summary_of_the_reference_pair(prisma_oracle: PrismaOracle) -> None:
    """The human summary too (every case's summary is checked against its committed file without Node)."""
    case = next(c for c in CASES if c.name.endswith("incremental_reference_04"))
    result = prisma_oracle.migrate_diff(from_schema=case.before, to_schema=case.after, script=False)
    assert result.ok, result.output
    assert stdout_summary(nexo_plan(case)) == result.stdout == case.expected_summary.read_text(encoding="utf-8")
