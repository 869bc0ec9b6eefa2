"""Typed columns and views on a schema of its own: Json pretty-printed, Bytes as base64, lists, enums,
DateTime in UTC (local added by the page's script), Decimal and BigInt; edits of each round-trip;
a view is listed with its count, browsable, and offers no edit; a composite id pages and edits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from starlette.testclient import TestClient

from nexo.config import load_config
from nexo.psl import validate_path
from nexo.schema import relational_model, render_create_script
from nexo.studio.app import create_app
from nexo.studio.data import Studio
from nexo.studio.schema import load

from .conftest import BASE, PORT, TOKEN

SCHEMA = """
generator client {
  provider        = "prisma-client-py"
  previewFeatures = ["views"]
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Color {
  RED
  GREEN
}

model Thing {
  id      Int      @id @default(autoincrement())
  name    String   @unique
  tags    String[]
  scores  Int[]
  data    Json?
  blob    Bytes?
  color   Color    @default(RED)
  big     BigInt?
  price   Decimal? @db.Decimal(10, 2)
  seenAt  DateTime? @map("seen_at")
  parts   Part[]
}

model Part {
  thingId Int
  slot    Int
  label   String
  thing   Thing  @relation(fields: [thingId], references: [id], onDelete: Cascade)

  @@id([thingId, slot])
}

view ThingName {
  id   Int    @unique
  name String
}
"""

ORIGIN = {"origin": BASE}


@pytest.fixture
def typed(tmp_path: Path, db_url: str) -> Iterator[tuple[TestClient, str]]:
    proj = tmp_path / "typed"
    proj.mkdir()
    (proj / "schema.prisma").write_text(SCHEMA)
    (proj / "pyproject.toml").write_text('[tool.nexo]\nschema = "schema.prisma"\n')
    script = render_create_script(relational_model(validate_path(proj / "schema.prisma").raise_for_errors()))
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute(script)
        c.execute('CREATE VIEW "ThingName" AS SELECT id, name FROM "Thing"')
        c.execute(
            """INSERT INTO "Thing" (name, tags, scores, data, blob, color, big, price, seen_at)
               VALUES ('a', '{x,y}', '{1,2}', '{"k": [1, {"n": null}]}', '\\x68656c6c6f', 'GREEN', 9007199254740993,
                       12.5, '2026-01-31 12:00:00+00'),
                      ('b', '{}', '{}', NULL, NULL, 'RED', NULL, NULL, NULL)"""
        )
        c.execute(
            """INSERT INTO "Part" ("thingId", slot, label) SELECT 1, i, 'slot ' || i FROM generate_series(1, 7) i"""
        )
    cfg = load_config(proj, database_url=db_url)
    studio = Studio(load(cfg), db_url, app_role=cfg.app_role)
    with TestClient(create_app(studio, TOKEN, PORT), base_url=BASE) as client:
        yield client, db_url


def test_typed_columns(typed):
    client, _ = typed
    r = client.get("/m/Thing", params={"token": TOKEN})
    assert r.status_code == 200
    row = r.text.split('<td data-field="id">1</td>')[1].split("</tr>")[0]
    assert '<span class="list">[x, y]</span>' in row and '<span class="list">[1, 2]</span>' in row
    assert '<code class="json"' in row and "{&quot;k&quot;: [1, {&quot;n&quot;: null}]}" in row
    assert '<code class="bytes" title="base64">aGVsbG8=</code>' in row
    assert '<span class="enum">GREEN</span>' in row
    assert (
        "9007199254740993" in row and "12.5</td>" in row
    )  # the client's Decimal, as Prisma returns it (no column padding)
    assert '<time datetime="2026-01-31T12:00:00Z" class="dt">' in row
    assert "String[]" in r.text and "Decimal? @db.numeric" in r.text
    r = client.get("/m/Thing/record", params={"token": TOKEN, "key": '{"id": 1}'})
    assert '<pre class="json">{\n  &quot;k&quot;: [\n    1,' in r.text  # pretty-printed
    assert '<option value="GREEN" selected>GREEN</option>' in r.text  # enum as choices


def test_typed_edits_round_trip(typed):
    client, url = typed
    r = client.post(
        "/m/Thing/update",
        data={
            "token": TOKEN,
            "key": '{"id": 2}',
            "v_tags": '["p", "q r"]',
            "v_scores": "[3, 4]",
            "v_data": '{"a": 1}',
            "v_blob": "AAEC",
            "v_color": "GREEN",
            "v_big": "12345678901234",
            "v_price": "9.99",
            "v_seenAt": "2026-02-01T08:30:00Z",
        },
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert r.status_code == 303, re.findall(r"error[^<]*<", r.text)
    with psycopg.connect(url) as c:
        got = c.execute(
            'SELECT tags, scores, data, blob, color::text, big, price::text, seen_at FROM "Thing" WHERE id = 2'
        ).fetchone()
    assert got is not None
    assert got[:7] == (["p", "q r"], [3, 4], {"a": 1}, b"\x00\x01\x02", "GREEN", 12345678901234, "9.99")
    assert got[7].isoformat() == "2026-02-01T08:30:00"  # timestamp(3): UTC without a zone, as Prisma stores it
    r = client.post(
        "/m/Thing/update",
        data={"token": TOKEN, "key": '{"id": 2}', "v_data": "{not json", "v_big": "x"},
        headers=ORIGIN,
    )
    assert r.status_code == 400
    assert 'data-for="data">not a valid Json' in r.text and 'data-for="big">not a valid BigInt' in r.text


def test_view_is_listed_browsable_and_read_only(typed):
    client, _ = typed
    data = client.get("/", params={"token": TOKEN, "json": "1"}).json()
    assert {"name": "ThingName", "view": True, "count": 2} in data["models"]
    r = client.get("/m/ThingName", params={"token": TOKEN})
    assert r.status_code == 200 and r.text.count('<td data-field="name">') == 2
    assert 'id="new"' not in r.text
    r = client.get("/m/ThingName/record", params={"token": TOKEN, "key": '{"id": 1}'})
    assert r.status_code == 200 and 'id="edit"' not in r.text


def test_composite_id_pages_shows_relation_and_edits(typed):
    client, url = typed
    seen: list[str] = []
    params: dict[str, str] = {"token": TOKEN, "take": "3"}
    for _ in range(5):
        r = client.get("/m/Part", params=params)
        seen += re.findall(r'<td data-field="label">([^<]+)</td>', r.text)
        m = re.search(r'id="next" href="[^"]*after=([^&"]+)', r.text)
        if not m:
            break
        from urllib.parse import unquote_plus

        params = {**params, "after": unquote_plus(m.group(1))}
    assert seen == [f"slot {i}" for i in range(1, 8)]
    r = client.get("/m/Thing/record", params={"token": TOKEN, "key": '{"id": 1}'})
    assert re.search(r'data-relation="parts"[^>]*>parts → Part\[\]</a> <span class="count">\(7\)</span>', r.text)
    key = json.dumps({"thingId": 1, "slot": 3})
    r = client.post(
        "/m/Part/update", data={"token": TOKEN, "key": key, "v_label": "third"}, headers=ORIGIN, follow_redirects=False
    )
    assert r.status_code == 303
    with psycopg.connect(url) as c:
        assert c.execute('SELECT label FROM "Part" WHERE "thingId" = 1 AND slot = 3').fetchone() == ("third",)
    r = client.get("/m/Thing/delete", params={"token": TOKEN, "key": '{"id": 1}'})
    assert "<b>7</b> Part row(s) via <code>thing</code>: deleted too" in r.text
