"""The studio in a real headless Chromium (the Debian package, driven by Playwright): a uvicorn server
on a free loopback port over a seeded database, and a user clicking through it. Screenshots land in
the test's temporary folder (and docs/studio.png when NEXO_STUDIO_SCREENSHOT is set)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ACME, GLOBEX, TOKEN, Seeded


def click(page: object, selector: str) -> None:
    """Click, then wait until the page the click may have opened has loaded: ``page.click`` returns once a
    navigation has started, and reading rows right then finds none on a busy machine."""
    page.click(selector)  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def user_key(n: int) -> str:
    """The key of Acme's user n (users' primary key is (accountId, id))."""
    return json.dumps({"accountId": ACME, "id": f"aaaaaaaa-0000-0000-0000-{n:012d}"})


pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, seeded: Seeded, *, tenant: str | None = None, read_only: bool = False) -> None:
        import uvicorn

        from nexo.config import load_config
        from nexo.studio.app import create_app
        from nexo.studio.data import Studio
        from nexo.studio.schema import load

        cfg = load_config(seeded.project, database_url=seeded.url)
        self.port = _free_port()
        studio = Studio(load(cfg), seeded.url, app_role=cfg.app_role, read_only=read_only, tenant=tenant)
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(studio, TOKEN, self.port), host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise RuntimeError("studio server did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def url(self, path: str = "/", **params: str) -> str:
        from urllib.parse import urlencode

        return f"{self.base}{path}?{urlencode({'token': TOKEN, **params})}"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot(page: object, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]
    target = os.environ.get("NEXO_STUDIO_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"))  # type: ignore[attr-defined]


def test_browse_filter_sort_paginate_follow_edit_delete(browser, seeded: Seeded, tmp_path: Path):
    with Server(seeded) as srv:
        page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
        page.goto(srv.url())
        assert "row-level security does not apply" in page.inner_text("#mode")
        rows = page.locator("#models tbody tr")
        assert rows.count() == 8
        assert page.locator("#models tr:has(a:text-is('User')) td.count").inner_text() == "125"
        shot(page, tmp_path, "models")
        click(page, "#models a:text-is('User')")
        assert page.locator("#rows tbody tr").count() == 50
        # DateTime cells get the local time next to UTC (the JS file ran)
        assert page.locator("#rows time.dt + small.local").count() > 0
        # paginate
        first = page.locator("#rows td[data-field=id]").first.inner_text()
        click(page, "#next")
        assert page.locator("#rows td[data-field=id]").first.inner_text() != first
        # sort by name descending (click twice: ascending, then descending)
        click(page, "th[data-field=name] a.sort")
        click(page, "th[data-field=name] a.sort")
        assert page.locator("#rows td[data-field=name]").first.inner_text() == "Globex user 5"
        # filter: email endswith @globex.test AND name contains "user 2"
        click(page, "#add-filter")
        click(page, "#add-filter")
        f = page.locator("#filter-rows .filter")
        f.nth(0).locator("select[name=ff]").select_option("email")
        f.nth(0).locator("select[name=fo]").select_option("endswith")
        f.nth(0).locator("input[name=fv]").fill("@globex.test")
        f.nth(1).locator("select[name=ff]").select_option("name")
        f.nth(1).locator("select[name=fo]").select_option("contains")
        f.nth(1).locator("input[name=fv]").fill("user 2")
        click(page, "#apply")
        assert page.locator("#rows td[data-field=email]").all_inner_texts() == ["user2@globex.test"]
        shot(page, tmp_path, "filtered")
        # follow the relation to the account, then back to its users (with the count)
        click(page, "#rows a.rel")
        assert "Globex" in page.inner_text("table.record")
        assert page.locator("a[data-relation=users] + .count").inner_text() == "(5)"
        click(page, "a[data-relation=users]")
        assert page.locator("#rows tbody tr").count() == 5
        # edit a record
        page.goto(srv.url("/m/User/record", key=user_key(2)))
        page.fill("input[name=v_name]", "Grace Hopper")
        page.select_option("select[name=v_status]", "DISABLED")
        click(page, "#save")
        assert page.inner_text("#message") == "Saved."
        assert "Grace Hopper" in page.inner_text("table.record") and "DISABLED" in page.inner_text("table.record")
        # unique violation: the error sits next to the email field
        page.fill("input[name=v_email]", "user3@acme.test")
        click(page, "#save")
        err = page.locator(".field[data-field=email] .field-error")
        assert "unique" in err.inner_text() and "email" in err.inner_text()
        shot(page, tmp_path, "unique-error")
        # delete with the cascade shown first
        page.goto(srv.url("/m/User/record", key=user_key(1)))
        click(page, "#delete")
        cascade = page.inner_text("#cascade")
        # employees -> users is NO ACTION: the SQL layer's unlink_employee trigger clears user_id on delete
        assert "UserRole" in cascade and "deleted too" in cascade and "blocks the delete (NO ACTION)" in cascade
        shot(page, tmp_path, "cascade")
        click(page, "#confirm")
        assert page.locator("#rows tbody tr").count() == 50
        page.goto(srv.url("/", json="1"))
        assert '{"name":"User","view":false,"count":124}' in page.inner_text("body")


def test_switch_tenant_and_read_only_and_no_token(browser, seeded: Seeded, tmp_path: Path):
    with Server(seeded) as srv:
        page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
        page.goto(srv.url("/m/User"))
        page.select_option("#tenant-select", GLOBEX)  # the JS submits on change
        page.wait_for_selector("#mode.tenant")
        assert "Globex" in page.inner_text("#mode")
        assert page.locator("#models td.count").all_inner_texts()[1] == "5"
        click(page, "#models a:text-is('User')")
        emails = page.locator("#rows td[data-field=email]").all_inner_texts()
        assert len(emails) == 5 and all(e.endswith("@globex.test") for e in emails)
        shot(page, tmp_path, "tenant")
        # create as the tenant: the form starts with the tenant's id; the row lands in that tenant
        click(page, "nav a:text-is('Client')")
        click(page, "#new")
        assert page.input_value("input[name=v_accountId]") == GLOBEX
        page.fill("input[name=v_name]", "Globex client")
        click(page, "#save")
        assert page.inner_text("#message") == "Saved." and "Globex" in page.inner_text("#mode")
        assert GLOBEX in page.inner_text("table.record")
        # an Acme row cannot be opened as Globex
        resp = page.goto(srv.url("/m/User/record", key=user_key(1), tenant=GLOBEX))
        assert resp is not None and resp.status == 404
        # no token
        resp = page.goto(f"{srv.base}/m/User")
        assert resp is not None and resp.status == 401 and "token" in page.inner_text("#error")
    with Server(seeded, tenant=ACME, read_only=True) as srv:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(srv.url("/m/User/record", key=user_key(2)))
        assert "Read-only mode" in page.inner_text("#readonly")
        assert page.locator("#edit").count() == 0 and page.locator("#delete").count() == 0
        resp = page.goto(srv.url("/m/User", tenant=GLOBEX))
        assert resp is not None and resp.status == 403
        # a write sent anyway (the page's own origin) is refused
        page.goto(srv.url("/"))
        status = page.evaluate(
            """async ([token, key]) => {
                const body = new URLSearchParams({token, key});
                const r = await fetch('/m/User/delete', {method: 'POST', body});
                return r.status;
            }""",
            [TOKEN, user_key(2)],
        )
        assert status == 403
