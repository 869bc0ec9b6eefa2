"""Many-to-many relations in the studio: the record view lists an implicit many-to-many relation with
the count of related rows (both sides, and both fields of a self-relation) and links to the target
filtered by the relation; the filter form filters on relation fields (some/none/every, is/is_not)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

pytest.importorskip("starlette", reason="the studio extra is not installed: pip install 'nexo[studio]'")

from starlette.testclient import TestClient

from nexo.config import load_config
from nexo.psl import validate_path
from nexo.schema import relational_model, render_create_script
from nexo.studio.app import create_app
from nexo.studio.data import Studio
from nexo.studio.schema import load

from .conftest import BASE, PORT, TOKEN

SCHEMA = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Post {
  id     Int     @id
  title  String
  tags   Tag[]
  author Author? @relation(fields: [authorId], references: [id])
  authorId Int?
}

model Tag {
  id    Int    @id
  label String @unique
  posts Post[]
}

model Author {
  id        Int      @id
  name      String
  posts     Post[]
  following Author[] @relation("follows")
  followers Author[] @relation("follows")
}
"""

SEED = """
INSERT INTO "Author" (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO "Post" (id, title, "authorId") VALUES (1, 'one', 1), (2, 'two', 1), (3, 'three', 2), (4, 'four', NULL);
INSERT INTO "Tag" (id, label) VALUES (10, 'red'), (20, 'green'), (30, 'blue');
INSERT INTO "_PostToTag" ("A", "B") VALUES (1, 10), (1, 20), (2, 10), (3, 10), (3, 30);
"""
#: who follows whom (follower, followed): written through the join table's columns as the metadata names them
FOLLOWS = [(1, 2), (1, 3), (2, 3)]


@pytest.fixture
def client(tmp_path: Path, db_url: str) -> Iterator[TestClient]:
    proj = tmp_path / "m2m"
    proj.mkdir()
    (proj / "pyproject.toml").write_text(
        '[project]\nname = "m2m"\nversion = "0"\n\n[tool.nexo]\nschema = "schema.prisma"\n', "utf-8"
    )
    (proj / "schema.prisma").write_text(SCHEMA, "utf-8")
    validated = validate_path(proj / "schema.prisma").raise_for_errors()
    with psycopg.connect(db_url, autocommit=True) as c:
        c.execute(render_create_script(relational_model(validated)).encode())
        c.execute(SEED.encode())
    cfg = load_config(proj, database_url=db_url)
    schema = load(cfg)
    following = next(r for r in schema.model("Author").relations if r.field == "following")
    with psycopg.connect(db_url, autocommit=True) as c:
        for follower, followed in FOLLOWS:  # the row's own id goes in the following side's join_self column
            c.execute(
                f'INSERT INTO "{following.join_table}" ("{following.join_self}", "{following.join_other}") VALUES (%s, %s)',
                (follower, followed),
            )
    studio = Studio(schema, db_url, app_role=cfg.app_role)
    with TestClient(create_app(studio, TOKEN, PORT), base_url=BASE) as c:
        yield c


def rel_item(html: str, field: str) -> tuple[str, int]:
    """(href, count) of the record view's entry for relation ``field``."""
    m = re.search(
        rf'<a class="rel" data-relation="{field}" href="([^"]+)">[^<]*</a> <span class="count">\((\d+)\)</span>', html
    )
    assert m, f"no relation entry {field!r} with a count"
    return m.group(1).replace("&amp;", "&"), int(m.group(2))


def ids_on(html: str) -> list[int]:
    return sorted(int(x) for x in re.findall(r'<td data-field="id">(\d+)</td>', html))


def record(client: TestClient, model: str, id_: int) -> str:
    r = client.get(f"/m/{model}/record", params={"token": TOKEN, "key": json.dumps({"id": id_})})
    assert r.status_code == 200, r.text
    return r.text


def test_many_to_many_counts_on_both_sides_and_links_filter_the_target(client):
    href, n = rel_item(record(client, "Post", 1), "tags")
    assert n == 2
    r = client.get(href)
    assert r.status_code == 200 and ids_on(r.text) == [10, 20]
    href, n = rel_item(record(client, "Tag", 10), "posts")
    assert n == 3
    assert ids_on(client.get(href).text) == [1, 2, 3]
    href, n = rel_item(record(client, "Post", 4), "tags")
    assert n == 0 and ids_on(client.get(href).text) == []
    # one-to-many entries keep their counts next to the many-to-many ones
    assert rel_item(record(client, "Author", 1), "posts")[1] == 2


def test_self_many_to_many_counts_each_side(client):
    html = record(client, "Author", 1)
    href, n = rel_item(html, "following")
    assert n == 2 and ids_on(client.get(href).text) == [2, 3]
    href, n = rel_item(html, "followers")
    assert n == 0 and ids_on(client.get(href).text) == []
    html = record(client, "Author", 3)
    href, n = rel_item(html, "followers")
    assert n == 2 and ids_on(client.get(href).text) == [1, 2]
    assert rel_item(html, "following")[1] == 0


def filtered(client: TestClient, model: str, field: str, op: str, value: str) -> list[int]:
    r = client.get(f"/m/{model}", params=[("token", TOKEN), ("ff", field), ("fo", op), ("fv", value)])
    assert r.status_code == 200, r.text
    return ids_on(r.text)


def test_filter_form_filters_on_relations(client):
    r = client.get("/m/Post", params={"token": TOKEN})
    assert '<option value="tags">tags → Tag[]</option>' in r.text
    assert '<option value="author">author → Author</option>' in r.text
    assert '<option value="some">some</option>' in r.text and '<option value="is_not">is_not</option>' in r.text
    assert filtered(client, "Post", "tags", "some", "10") == [1, 2, 3]
    assert filtered(client, "Post", "tags", "none", "10") == [4]
    assert filtered(client, "Post", "tags", "every", "10") == [2, 4]  # every tag is red (or no tag at all)
    assert filtered(client, "Post", "tags", "some", '{"id": 30}') == [3]
    assert filtered(client, "Post", "author", "is", "1") == [1, 2]
    assert filtered(client, "Post", "author", "is_not", "1") == [
        3,
        4,
    ]  # the client's is_not: not related to 1 (no author counts)
    assert filtered(client, "Tag", "posts", "some", "3") == [10, 30]


def test_bad_relation_filters_say_what_is_expected(client):
    r = client.get("/m/Post", params=[("token", TOKEN), ("ff", "tags"), ("fo", "is"), ("fv", "10")])
    assert r.status_code == 400 and "to-many relation: filter it with some, none, every" in r.text
    r = client.get("/m/Post", params=[("token", TOKEN), ("ff", "author"), ("fo", "some"), ("fv", "1")])
    assert r.status_code == 400 and "to-one relation: filter it with is, is_not" in r.text
    r = client.get("/m/Post", params=[("token", TOKEN), ("ff", "tags"), ("fo", "some"), ("fv", "red")])
    assert r.status_code == 400 and "filter on tags" in r.text
    r = client.get("/m/Post", params=[("token", TOKEN), ("ff", "tags"), ("fo", "some"), ("fv", '{"label": "red"}')])
    assert r.status_code == 400 and "a JSON object with id" in r.text
