"""Every studio endpoint against a real database: the guard (token, Host, Origin, read-only), pages,
keyset paging, filters, relations, writes with their errors, tenants and exports."""

from __future__ import annotations

import json
import re

import psycopg

from nexo.studio.data import Studio

from .conftest import ACME, BASE, GLOBEX, TOKEN, Seeded, make_client

ORIGIN = {"origin": BASE}


def ids_on(html: str) -> list[str]:
    return re.findall(r'<td data-field="id">([0-9a-f-]{36})</td>', html)


def test_requests_without_the_right_token_are_refused(client):
    for path in ("/", "/m/User", "/static/studio.js", "/m/User/export"):
        assert client.get(path).status_code == 401
        assert client.get(path, params={"token": "wrong"}).status_code == 401
    r = client.post("/m/User/delete", data={"key": "{}"}, headers=ORIGIN)
    assert r.status_code == 401


def test_foreign_host_and_origin_are_refused(client):
    r = client.get("/", params={"token": TOKEN}, headers={"host": "evil.example:5555"})
    assert r.status_code == 403 and "Host" in r.text
    key = json.dumps({"accountId": ACME, "id": "aaaaaaaa-0000-0000-0000-000000000002"})
    r = client.post("/m/User/delete", data={"token": TOKEN, "key": key}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and "Origin" in r.text
    r = client.post("/m/User/delete", data={"token": TOKEN, "key": key})  # no Origin nor Referer
    assert r.status_code == 403
    assert client.get("/m/User/record", params={"token": TOKEN, "key": key}).status_code == 200  # still there
    assert client.get("/m/User/delete", params={"token": TOKEN, "key": key}).status_code == 200  # GET never writes
    assert client.get("/m/User/record", params={"token": TOKEN, "key": key}).status_code == 200


def test_home_lists_models_with_counts_and_says_owner(client):
    r = client.get("/", params={"token": TOKEN})
    assert r.status_code == 200
    assert "row-level security does <b>not</b> apply" in r.text
    assert r.headers["referrer-policy"] == "same-origin"
    data = client.get("/", params={"token": TOKEN, "json": "1"}).json()
    counts = {m["name"]: m["count"] for m in data["models"]}
    assert counts["User"] == 125 and counts["Account"] == 2 and counts["Employee"] == 1


def test_static_files_are_served_locally(client):
    r = client.get("/static/studio.js", params={"token": TOKEN})
    assert r.status_code == 200 and "addEventListener" in r.text
    assert client.get("/static/other.js", params={"token": TOKEN}).status_code == 404


def test_keyset_pages_cover_every_row_once(client, seeded: Seeded):
    seen: list[str] = []
    params: dict[str, str] = {"token": TOKEN}
    while True:
        r = client.get("/m/User", params=params)
        assert r.status_code == 200
        seen += ids_on(r.text)
        m = re.search(r'id="next" href="([^"]+)"', r.text)
        if not m:
            break
        after = re.search(r"after=([^&\"]+)", m.group(1).replace("&amp;", "&"))
        assert after is not None
        from urllib.parse import unquote_plus

        params = {"token": TOKEN, "after": unquote_plus(after.group(1))}
    assert seen == sorted(seeded.acme_users + seeded.globex_users)


def test_sort_descending_by_a_column_pages_with_ties(client, seeded: Seeded):
    # status has many ties: the key breaks them, so pages neither repeat nor skip rows
    seen: list[str] = []
    params = {"token": TOKEN, "sort": "status", "dir": "desc", "take": "7"}
    for _ in range(40):
        r = client.get("/m/User", params=params)
        seen += ids_on(r.text)
        m = re.search(r"after=([^&\"]+)", r.text.split('id="next"')[1]) if 'id="next"' in r.text else None
        if not m:
            break
        from urllib.parse import unquote_plus

        params = {**params, "after": unquote_plus(m.group(1))}
    assert sorted(seen) == sorted(seeded.acme_users + seeded.globex_users)
    assert len(seen) == len(set(seen))


def test_filters_use_the_client_filter_language(client):
    r = client.get(
        "/m/User",
        params=[
            ("token", TOKEN),
            ("ff", "email"),
            ("fo", "endswith"),
            ("fv", "@globex.test"),
            ("ff", "name"),
            ("fo", "contains"),
            ("fv", "user 3"),
        ],
    )
    assert r.status_code == 200, re.findall(r'class="error"[^<]*<', r.text)
    assert ids_on(r.text) == ["bbbbbbbb-0000-0000-0000-000000000003"]
    r = client.get(
        "/m/User", params=[("token", TOKEN), ("ff", "status"), ("fo", "equals"), ("fv", "INVITED"), ("take", "500")]
    )
    assert len(ids_on(r.text)) == 40
    r = client.get("/m/User", params=[("token", TOKEN), ("ff", "nope"), ("fo", "equals"), ("fv", "x")])
    assert r.status_code == 400 and "no field" in r.text


def test_choose_columns(client):
    r = client.get("/m/User", params={"token": TOKEN, "cols": "id,email"})
    assert 'data-field="email"' in r.text and '<td data-field="name">' not in r.text


def test_record_shows_relations_both_ways_with_counts(client):
    r = client.get("/m/Account/record", params={"token": TOKEN, "key": json.dumps({"id": ACME})})
    assert r.status_code == 200
    assert re.search(r'data-relation="users"[^>]*>users → User\[\]</a> <span class="count">\(120\)</span>', r.text)
    r = client.get(
        "/m/User/record",
        params={"token": TOKEN, "key": json.dumps({"accountId": ACME, "id": "aaaaaaaa-0000-0000-0000-000000000001"})},
    )
    assert 'data-relation="account"' in r.text and ACME in r.text
    assert '<pre class="json">' not in r.text  # no Json field on User
    r = client.get("/m/Employee", params={"token": TOKEN})
    assert "1234.5<" in r.text and "2024-02-01" in r.text


def test_edit_and_unique_violation_names_the_field(client, seeded: Seeded):
    key = json.dumps({"accountId": ACME, "id": "aaaaaaaa-0000-0000-0000-000000000002"})
    r = client.post(
        "/m/User/update",
        data={"token": TOKEN, "key": key, "v_name": "Renamed", "v_email": "user2@acme.test", "v_status": "DISABLED"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert r.status_code == 303
    with psycopg.connect(seeded.url) as c:
        assert c.execute(
            "SELECT name, status::text FROM users WHERE id = 'aaaaaaaa-0000-0000-0000-000000000002'"
        ).fetchone() == ("Renamed", "disabled")
    r = client.post("/m/User/update", data={"token": TOKEN, "key": key, "v_email": "user3@acme.test"}, headers=ORIGIN)
    assert r.status_code == 400
    assert re.search(r'data-for="email">unique: another User already has this accountId \+ email', r.text) or re.search(
        r'data-for="email">unique: another User already has this [a-zA-Z +]*email', r.text
    )
    with psycopg.connect(seeded.url) as c:
        assert c.execute("SELECT email FROM users WHERE id = 'aaaaaaaa-0000-0000-0000-000000000002'").fetchone() == (
            "user2@acme.test",
        )
    r = client.post("/m/User/update", data={"token": TOKEN, "key": key, "v_status": "NOPE"}, headers=ORIGIN)
    assert r.status_code == 400


def test_create_with_a_foreign_key_error_names_the_relation(client, seeded: Seeded):
    r = client.post(
        "/m/Client/create",
        data={"token": TOKEN, "v_accountId": "33333333-3333-3333-3333-333333333333", "v_name": "X"},
        headers=ORIGIN,
    )
    assert r.status_code == 400
    assert 'data-for="accountId">relation account: no Account with this id' in r.text
    r = client.post(
        "/m/Client/create",
        data={"token": TOKEN, "v_accountId": ACME, "v_name": "Initech", "v_email": "hi@initech.test"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert r.status_code == 303
    with psycopg.connect(seeded.url) as c:
        assert c.execute("SELECT count(*) FROM clients WHERE name = 'Initech'").fetchone() == (1,)


def test_delete_shows_the_cascade_first(client, seeded: Seeded):
    key = json.dumps({"accountId": ACME, "id": "aaaaaaaa-0000-0000-0000-000000000001"})
    r = client.get("/m/User/delete", params={"token": TOKEN, "key": key})
    assert r.status_code == 200
    assert re.search(r"<b>1</b> UserRole row\(s\) via <code>user</code>: deleted too", r.text)
    # employees -> users is NO ACTION (Citus refuses SET NULL on a key with account_id); the SQL layer's
    # unlink_employee trigger clears employees.user_id, which the preview (foreign keys only) does not see
    assert re.search(r"<b>1</b> Employee row\(s\) via <code>user</code>: blocks the delete \(NO ACTION\)", r.text)
    r = client.get("/m/Account/delete", params={"token": TOKEN, "key": json.dumps({"id": ACME})})
    assert "<b>120</b> User row(s)" in r.text
    r = client.post("/m/User/delete", data={"token": TOKEN, "key": key}, headers=ORIGIN, follow_redirects=False)
    assert r.status_code == 303
    with psycopg.connect(seeded.url) as c:
        assert c.execute("SELECT count(*) FROM user_roles").fetchone() == (0,)
        assert c.execute("SELECT user_id FROM employees").fetchone() == (None,)


def test_read_only_refuses_writes(seeded: Seeded):
    with make_client(seeded, read_only=True) as c:
        key = json.dumps({"accountId": ACME, "id": "aaaaaaaa-0000-0000-0000-000000000002"})
        r = c.get("/m/User/record", params={"token": TOKEN, "key": key})
        assert r.status_code == 200 and 'id="edit"' not in r.text and "Read-only mode" in r.text
        for path, data in (
            ("/m/User/update", {"key": key, "v_name": "x"}),
            ("/m/User/delete", {"key": key}),
            ("/m/User/create", {"v_name": "x"}),
        ):
            r = c.post(path, data={"token": TOKEN, **data}, headers=ORIGIN)
            assert r.status_code == 403 and "read-only" in r.text
        assert c.get("/m/User/new", params={"token": TOKEN}).status_code == 403
        assert c.get("/m/User/delete", params={"token": TOKEN, "key": key}).status_code == 403
    with psycopg.connect(seeded.url) as conn:
        assert conn.execute("SELECT name FROM users WHERE id = 'aaaaaaaa-0000-0000-0000-000000000002'").fetchone() == (
            "Acme user 2",
        )


def test_view_as_tenant_shows_only_that_tenants_rows(client):
    data = client.get("/", params={"token": TOKEN, "tenant": GLOBEX, "json": "1"}).json()
    counts = {m["name"]: m["count"] for m in data["models"]}
    assert counts["User"] == 5 and counts["Account"] == 1 and counts["Employee"] == 0
    r = client.get("/m/User", params={"token": TOKEN, "tenant": GLOBEX})
    assert "Viewing as tenant <b>Globex</b>" in r.text
    assert all(i.startswith("bbbbbbbb") for i in ids_on(r.text)) and len(ids_on(r.text)) == 5
    # an Acme row is not there for Globex, even by its key
    key = json.dumps({"accountId": ACME, "id": "aaaaaaaa-0000-0000-0000-000000000001"})
    assert client.get("/m/User/record", params={"token": TOKEN, "tenant": GLOBEX, "key": key}).status_code == 404
    # writes as the tenant: RLS refuses a row for another tenant, next to the tenant field
    r = client.post(
        "/m/Client/create",
        data={"token": TOKEN, "tenant": GLOBEX, "v_accountId": ACME, "v_name": "Sneaky"},
        headers=ORIGIN,
    )
    assert r.status_code == 400 and 'data-for="accountId">row-level security' in r.text


def test_locked_tenant_cannot_read_another_tenant(seeded: Seeded):
    with make_client(seeded, tenant=ACME) as c:
        r = c.get("/m/User", params={"token": TOKEN, "take": "500"})
        assert len(ids_on(r.text)) == 120
        assert "fixed by --tenant" in r.text and "tenant-select" not in r.text
        assert c.get("/m/User", params={"token": TOKEN, "tenant": GLOBEX}).status_code == 403
        r = c.get("/m/User", params=[("token", TOKEN), ("ff", "accountId"), ("fo", "equals"), ("fv", GLOBEX)])
        assert ids_on(r.text) == []
        r = c.get("/m/User/export", params={"token": TOKEN, "format": "json"})
        assert {u["accountId"] for u in r.json()} == {ACME}


def test_export_csv_and_json_follow_the_view(client):
    params = [
        ("token", TOKEN),
        ("ff", "email"),
        ("fo", "endswith"),
        ("fv", "@globex.test"),
        ("sort", "email"),
        ("dir", "desc"),
        ("cols", "email,status"),
    ]
    r = client.get("/m/User/export", params=[*params, ("format", "csv")])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().splitlines()
    assert lines[0] == "email,status" and lines[1] == "user5@globex.test,ACTIVE" and len(lines) == 6
    r = client.get("/m/User/export", params=[*params, ("format", "json")])
    assert [u["email"] for u in r.json()][:2] == ["user5@globex.test", "user4@globex.test"]
    r = client.get("/m/User/export", params={"token": TOKEN, "format": "json"})
    assert len(r.json()) == 125


def test_a_table_the_session_cannot_read_is_reported_not_fatal(client, seeded: Seeded):
    with psycopg.connect(seeded.url, autocommit=True) as c:
        c.execute("REVOKE ALL ON clients FROM nexo_app")
        c.execute("DROP TABLE professionals")
    data = client.get("/", params={"token": TOKEN, "json": "1"}).json()
    counts = {m["name"]: m["count"] for m in data["models"]}
    assert str(counts["Professional"]).startswith("error:") and counts["User"] == 125
    data = client.get("/", params={"token": TOKEN, "tenant": ACME, "json": "1"}).json()
    counts = {m["name"]: m["count"] for m in data["models"]}
    assert "permission denied" in str(counts["Client"]) and counts["User"] == 120
    r = client.get("/m/Client", params={"token": TOKEN, "tenant": ACME})
    assert r.status_code in (400, 500) and "permission denied" in r.text
    r = client.get("/m/Professional", params={"token": TOKEN})
    assert r.status_code in (400, 500) and "professionals" in r.text


def _walk(client, params: dict[str, str]) -> list[str]:
    from urllib.parse import unquote_plus

    seen: list[str] = []
    for _ in range(100):
        r = client.get("/m/User", params=params)
        assert r.status_code == 200
        seen += ids_on(r.text)
        m = re.search(r'id="next" href="[^"]*after=([^&"]+)', r.text)
        if not m:
            return seen
        params = {**params, "after": unquote_plus(m.group(1))}
    raise AssertionError("no last page")


def test_keyset_pages_through_nulls_in_both_directions(client, seeded: Seeded):
    with psycopg.connect(seeded.url, autocommit=True) as c:
        c.execute("UPDATE users SET name = NULL WHERE right(id::text, 1) IN ('3', '7')")
        expected = {
            d: [str(r[0]) for r in c.execute(f"SELECT id FROM users ORDER BY name {d}, id {d}").fetchall()]
            for d in ("asc", "desc")
        }
    for d in ("asc", "desc"):
        seen = _walk(client, {"token": TOKEN, "sort": "name", "dir": d, "take": "9"})
        assert seen == expected[d], d


def test_a_missing_application_role_is_named_with_the_fix(seeded: Seeded):
    from .conftest import TestClient, create_app, load, load_config

    cfg = load_config(seeded.project, database_url=seeded.url)
    studio = Studio(load(cfg), seeded.url, app_role="nexo_studio_no_such_role")
    with TestClient(create_app(studio, TOKEN, 5555), base_url=BASE) as c:
        r = c.get("/m/User", params={"token": TOKEN, "tenant": ACME})
        assert r.status_code == 400
        assert "nexo_studio_no_such_role" in r.text and "nexo db:migrate" in r.text and "app_role" in r.text
        r = c.get("/", params={"token": TOKEN, "tenant": ACME, "json": "1"})
        assert all("nexo_studio_no_such_role" in str(m["count"]) for m in r.json()["models"])
