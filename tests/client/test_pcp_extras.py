"""Prisma Client Python extras against real PostgreSQL: full-text ``search`` / ``_relevance``
(PostgreSQL, behind Prisma's preview feature), ``get_metrics()``, ``validate()``, the schema path
constants, ``warn_subclass``, and nested ``tx()`` warnings.

``feature_client`` is generated with ``previewFeatures = ["fullTextSearchPostgres"]``;
``feature_sync`` without it (so it shows the behaviour without the preview feature)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pydantic
import pytest

from nexo.client.errors import DataError, FieldNotFoundError, RawQueryError
from nexo.client.metrics import BUCKETS_MS
from nexo.generator import generate

from .conftest import HERE, generate_into

TITLES = [
    "the cat sat",
    "a dog barked",
    "cat and dog friends",
    "cats chase cats and more cats",
    "birds only",
    "a fat cat",
]


@pytest.fixture
async def posts(db: Any) -> Any:
    await db.user.create({"email": "w@x.io", "name": "Writer"})
    for t in TITLES:
        await db.post.create({"title": t, "author": {"connect": {"email": "w@x.io"}}})
    return db


async def _titles(db: Any, **kw: Any) -> list[str]:
    return [p.title for p in await db.post.find_many(**kw)]


# ------------------------------------------------------------------------------- full-text search


async def test_search_filter_uses_postgres_tsquery_semantics(posts: Any) -> None:
    db = posts
    # to_tsquery: '&' both, '|' either, '!' not; English stemming (cats -> cat) as PostgreSQL's default config
    both = await _titles(db, where={"title": {"search": "cat & dog"}}, order={"title": "asc"})
    assert both == ["cat and dog friends"]
    either = await _titles(db, where={"title": {"search": "cat | dog"}}, order={"title": "asc"})
    assert either == sorted(
        ["the cat sat", "a dog barked", "cat and dog friends", "cats chase cats and more cats", "a fat cat"]
    )
    negated = await _titles(db, where={"title": {"search": "cat & !dog"}}, order={"title": "asc"})
    assert negated == sorted(["the cat sat", "cats chase cats and more cats", "a fat cat"])
    # inside NOT / not and combined with other filters
    assert await _titles(db, where={"title": {"not": {"search": "cat | dog"}}}) == ["birds only"]
    assert await _titles(db, where={"NOT": [{"title": {"search": "cat"}}], "title": {"contains": "dog"}}) == [
        "a dog barked"
    ]
    # the document is exactly Prisma's: to_tsvector(concat_ws(' ', col)) @@ to_tsquery($1), matching
    # what PostgreSQL itself says for every title
    expected = {
        r["title"]
        for r in await db.query_raw(
            """SELECT title FROM "Post" WHERE to_tsvector(concat_ws(' ', title)) @@ to_tsquery($1)""", "cat & !fat"
        )
    }
    assert set(await _titles(db, where={"title": {"search": "cat & !fat"}})) == expected and len(expected) == 3


async def test_search_syntax_errors_are_the_database_error(posts: Any) -> None:
    # Prisma passes the text to to_tsquery unchanged: a tsquery syntax error is the database's error
    with pytest.raises(DataError, match="syntax error in tsquery"):
        await posts.post.find_many(where={"title": {"search": "cat dog"}})


async def test_relevance_ordering_ranks_with_ts_rank(posts: Any) -> None:
    db = posts
    ranked = await db.post.find_many(
        where={"title": {"search": "cat"}}, order={"_relevance": {"fields": ["title"], "search": "cat", "sort": "desc"}}
    )
    titles = [p.title for p in ranked]
    # the most relevant first: PostgreSQL's own ts_rank over the same document
    rows = await db.query_raw(
        """SELECT title, ts_rank(to_tsvector(concat_ws(' ', title)), to_tsquery($1)) AS r FROM "Post"
           WHERE to_tsvector(concat_ws(' ', title)) @@ to_tsquery($1) ORDER BY r DESC, title""",
        "cat",
    )
    rank = {r["title"]: r["r"] for r in rows}
    assert titles[0] == "cats chase cats and more cats" == rows[0]["title"] and len(titles) == 4
    assert [rank[t] for t in titles] == sorted(rank.values(), reverse=True) and rank[titles[0]] > rank[titles[-1]]
    asc = await _titles(
        db,
        where={"title": {"search": "cat"}},
        order=[{"_relevance": {"fields": "title", "search": "cat", "sort": "asc"}}, {"title": "asc"}],
    )
    assert asc[-1] == "cats chase cats and more cats" and set(asc) == set(titles)
    # the parameter of the ordering is bound wherever the ordering appears: with take/skip,
    # distinct (a window ordered by it) and a where clause holding parameters of its own
    page = await _titles(
        db,
        where={"title": {"contains": "cat"}},
        take=2,
        skip=1,
        order=[{"_relevance": {"fields": ["title"], "search": "cat", "sort": "desc"}}, {"title": "asc"}],
    )
    assert page == [t for t in _by_rank(rows, "cat")[1:3]]
    dist = await db.post.find_many(
        where={"title": {"search": "cat"}},
        distinct=["authorId"],
        order={"_relevance": {"fields": ["title"], "search": "cat", "sort": "desc"}},
    )
    assert [p.title for p in dist] == ["cats chase cats and more cats"]
    # through a to-one relation, and with a negative take (the ordering reversed)
    await db.user.create({"email": "dogs@x.io", "name": "dog person", "posts": {"create": [{"title": "zzz"}]}})
    by_author = await _titles(
        db, order=[{"author": {"_relevance": {"fields": ["name"], "search": "dog", "sort": "desc"}}}, {"title": "asc"}]
    )
    assert by_author[0] == "zzz" and by_author[1:] == sorted(TITLES)
    last = await _titles(
        db,
        where={"title": {"search": "cat"}},
        take=-1,
        order=[{"_relevance": {"fields": ["title"], "search": "cat", "sort": "asc"}}, {"title": "asc"}],
    )
    assert last == ["cats chase cats and more cats"]
    # relevance over several fields, in find_first, and in an include's order_by (JSON and batched)
    first = await db.post.find_first(order={"_relevance": {"fields": ["title", "id"], "search": "dog", "sort": "desc"}})
    assert first is not None and "dog" in first.title
    for take in (1, 50):  # one parent: JSON in one statement; 50: batched includes
        users = await db.user.find_many(
            take=take,
            include={
                "posts": {
                    "where": {"title": {"search": "cat"}},
                    "order_by": [
                        {"_relevance": {"fields": ["title"], "search": "cat", "sort": "desc"}},
                        {"title": "asc"},
                    ],
                    "take": 3,
                }
            },
        )
        assert [p.title for p in users[0].posts] == _by_rank(rows, "cat")[:3]
        users = await db.user.find_many(
            take=take,
            include={
                "posts": {
                    "order_by": [
                        {"_relevance": {"fields": ["title"], "search": "dog", "sort": "desc"}},
                        {"title": "asc"},
                    ]
                }
            },
        )
        assert set([p.title for p in users[0].posts][:2]) == {"a dog barked", "cat and dog friends"}


def _by_rank(rows: list[dict[str, Any]], _q: str) -> list[str]:
    return [r["title"] for r in rows]


async def test_relevance_bad_input_is_a_clear_error(posts: Any) -> None:
    db = posts
    with pytest.raises(FieldNotFoundError, match="'views' is not a String field"):
        await db.post.find_many(order={"_relevance": {"fields": ["views"], "search": "cat", "sort": "desc"}})
    with pytest.raises(DataError, match="exactly the keys"):
        await db.post.find_many(order={"_relevance": {"fields": ["title"], "search": "cat"}})
    with pytest.raises(FieldNotFoundError, match="Unknown filter 'search' for field 'views'"):
        await db.post.find_many(where={"views": {"search": "1"}})
    with pytest.raises(DataError, match="cursor"):
        await db.post.find_many(
            cursor={"id": "x"}, order={"_relevance": {"fields": ["title"], "search": "cat", "sort": "desc"}}
        )


def test_without_the_preview_feature_search_and_relevance_name_it(sdb: Any) -> None:
    sdb.post.create({"title": "the cat sat"})
    with pytest.raises(FieldNotFoundError, match='previewFeatures = \\["fullTextSearchPostgres"\\]'):
        sdb.post.find_many(where={"title": {"search": "cat"}})
    with pytest.raises(FieldNotFoundError, match="preview feature"):
        sdb.post.find_many(order={"_relevance": {"fields": ["title"], "search": "cat", "sort": "desc"}})
    # still FieldNotFoundError for an unknown order field, as before
    with pytest.raises(FieldNotFoundError):
        sdb.post.find_many(order={"nope": "asc"})


def test_types_offer_search_and_relevance_only_with_the_preview_feature(generated: SimpleNamespace) -> None:
    on = (generated.root / "feature_client_schema" / "feature_client" / "types.py").read_text()
    off = (generated.root / "feature_sync_schema" / "feature_sync" / "types.py").read_text()
    assert '"search": "str"' in on and '"search": "str"' not in off  # StringFilter
    assert "class PostOrderByRelevanceInput(TypedDict" in on and "PostOrderByRelevanceInput" not in off
    assert 'PostOrderByRelevanceFieldEnum = Literal["id", "title"]' in on
    assert re.search(r"PostOrderByInput: TypeAlias = Union\[[^\]]*_Post_RelevanceOrderByInput", on, re.S)
    assert 'CategoryOrderByRelevanceFieldEnum = Literal["name"]' in on


def test_prisma5_preview_name_enables_it_too(tmp_path: Path) -> None:
    folder = generate_into(tmp_path, HERE / "feature.prisma", "fts_pkg", '\n  previewFeatures = ["fullTextSearch"]')
    assert "'full_text_search': True" in (folder / "fts_pkg" / "metadata.py").read_text()
    off = generate_into(tmp_path, HERE / "feature.prisma", "plain_pkg", '\n  previewFeatures = ["metrics"]')
    assert "'full_text_search': False" in (off / "plain_pkg" / "metadata.py").read_text()


# ------------------------------------------------------------------------------- metrics


def _metric(m: Any, kind: str, key: str) -> Any:
    return next(x for x in getattr(m, kind) if x.key == key)


async def test_get_metrics_counts_real_statements_and_pool_state(db: Any, fc: Any) -> None:
    before = await db.get_metrics()
    assert isinstance(before, fc.Metrics)
    n0 = _metric(before, "counters", "prisma_datasource_queries_total").value
    h0 = _metric(before, "histograms", "prisma_datasource_queries_duration_histogram_ms").value
    w0 = _metric(before, "histograms", "prisma_client_queries_wait_histogram_ms").value
    for i in range(5):
        await db.category.create({"name": f"c{i}"})
    assert await db.category.count() == 5
    async with db.tx() as tx:  # BEGIN, its statement_timeout setting, the insert, COMMIT: four statements
        await tx.category.create({"name": "in-tx"})
    await db.execute_raw("SELECT 1")
    after = await db.get_metrics(global_labels={"app": "test"})
    n1 = _metric(after, "counters", "prisma_datasource_queries_total").value
    assert n1 - n0 == 5 + 1 + 4 + 1
    h1 = _metric(after, "histograms", "prisma_datasource_queries_duration_histogram_ms")
    assert h1.value.count - h0.count == n1 - n0 and h1.value.sum > h0.sum
    assert 0 < sum(b.total_count for b in h1.value.buckets) <= h1.value.count  # (over 50 s: counted, in no bucket)
    assert [b.max_value for b in h1.value.buckets] == list(BUCKETS_MS)
    w1 = _metric(after, "histograms", "prisma_client_queries_wait_histogram_ms").value
    assert w1.count - w0.count >= 7  # each pool call waited (briefly) for a connection
    assert h1.labels == {"app": "test"} and all(c.labels == {"app": "test"} for c in after.counters + after.gauges)
    # pool gauges are the pool's own numbers: nothing in use now
    stats = db._pool.get_stats()
    assert _metric(after, "gauges", "prisma_pool_connections_open").value == stats["pool_size"] >= 1
    assert _metric(after, "gauges", "prisma_pool_connections_idle").value == stats["pool_available"]
    assert _metric(after, "gauges", "prisma_pool_connections_busy").value == 0
    assert _metric(after, "gauges", "prisma_client_queries_active").value == 0
    assert _metric(after, "counters", "prisma_pool_connections_opened_total").value >= 1
    # while a transaction holds a connection, it shows as busy
    async with db.tx() as tx:
        await tx.category.count()
        during = await db.get_metrics()
        assert _metric(during, "gauges", "prisma_pool_connections_busy").value == 1
    # a failing statement is counted and timed too
    with pytest.raises(RawQueryError):
        await db.execute_raw("SELECT * FROM no_such_table")
    last = await db.get_metrics()
    assert _metric(last, "counters", "prisma_datasource_queries_total").value == n1 + 4 + 1
    assert _metric(last, "gauges", "prisma_client_queries_active").value == 0


async def test_get_metrics_prometheus_text(db: Any) -> None:
    await db.category.create({"name": "x"})
    text = await db.get_metrics("prometheus", global_labels={"svc": 'a"b'})
    assert isinstance(text, str)
    assert "# TYPE prisma_datasource_queries_total counter" in text
    assert "# TYPE prisma_datasource_queries_duration_histogram_ms histogram" in text
    m = await db.get_metrics()
    count = _metric(m, "histograms", "prisma_datasource_queries_duration_histogram_ms").value.count
    # cumulative buckets ending in +Inf == count (the get_metrics call itself runs no statement)
    inf = re.search(r'prisma_datasource_queries_duration_histogram_ms_bucket\{svc="a\\"b",le="\+Inf"\} (\d+)', text)
    assert inf is not None and int(inf.group(1)) == count
    cum = [
        int(x)
        for x in re.findall(r'prisma_datasource_queries_duration_histogram_ms_bucket\{[^}]*le="[0-9]+"\} (\d+)', text)
    ]
    assert cum == sorted(cum) and len(cum) == len(BUCKETS_MS)
    with pytest.raises(ValueError, match="expected 'json' or 'prometheus'"):
        await db.get_metrics("xml")  # type: ignore[call-overload]


def test_get_metrics_sync_client(sdb: Any, generated: SimpleNamespace) -> None:
    n0 = _metric(sdb.get_metrics(), "counters", "prisma_datasource_queries_total").value
    sdb.category.create({"name": "s"})
    sdb.category.find_many()
    m = sdb.get_metrics()
    assert isinstance(m, generated.sync.Metrics)
    assert _metric(m, "counters", "prisma_datasource_queries_total").value == n0 + 2


async def test_get_metrics_before_connect_has_no_pool_numbers(fc: Any) -> None:
    client = fc.Prisma(datasource={"url": "postgresql://nobody@127.0.0.1:1/none"}, use_dotenv=False)
    m = await client.get_metrics()
    assert _metric(m, "counters", "prisma_datasource_queries_total").value == 0
    assert _metric(m, "gauges", "prisma_pool_connections_open").value == 0


# ------------------------------------------------------------------------------- validate, constants


def test_validate_checks_untrusted_data_against_generated_types(fc: Any) -> None:
    data = {"email": "a@x.io", "name": "A", "score": 1}
    out = fc.validate(fc.types.UserCreateInput, data)
    assert out == {"email": "a@x.io", "name": "A", "score": 1.0} and isinstance(out["score"], float)
    with pytest.raises(pydantic.ValidationError, match="email"):
        fc.validate(fc.types.UserCreateInput, {"name": "no email"})
    with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
        fc.validate(fc.types.UserCreateInput, {"email": "a@x.io", "bogus": 1})
    with pytest.raises(pydantic.ValidationError):
        fc.validate(fc.types.PostWhereInput, {"views": {"gt": "many"}})
    nested = fc.validate(fc.types.PostWhereInput, {"title": {"search": "cat"}, "OR": [{"views": {"gt": 1}}]})
    assert nested == {"title": {"search": "cat"}, "OR": [{"views": {"gt": 1}}]}
    with pytest.raises(TypeError, match="Only TypedDict types are supported"):
        fc.validate(int, 1)


async def test_validated_data_is_usable(db: Any, fc: Any) -> None:
    data = fc.validate(fc.types.UserCreateInput, {"email": "v@x.io", "name": "V"})
    user = await db.user.create(data=data)
    assert user.email == "v@x.io"


def test_schema_path_constants(generated: SimpleNamespace) -> None:
    fc = generated.feature
    client = fc.client
    folder = generated.root / "feature_client_schema"
    assert (folder / "schema.prisma").resolve() == client.SCHEMA_PATH
    assert folder / "feature_client" / "schema.prisma" == client.PACKAGED_SCHEMA_PATH
    packaged = client.PACKAGED_SCHEMA_PATH.read_text()
    assert packaged.startswith("// Generated by nexo") and packaged.split("\n", 1)[1] == client.SCHEMA_PATH.read_text()
    assert fc.SCHEMA_PATH == client.SCHEMA_PATH


# ------------------------------------------------------------------------------- subclass / tx warnings


def test_warn_subclass_is_accepted_with_a_deprecation_warning(fc: Any) -> None:
    with pytest.warns(DeprecationWarning, match="The `warn_subclass` argument is deprecated"):

        class MyUser(fc.models.User, warn_subclass=False):  # type: ignore[call-arg,misc]
            pass

    with pytest.warns(DeprecationWarning, match="The `warn_subclass` argument is deprecated"):

        class MyUser2(fc.bases.BaseUser, warn_subclass=True):  # type: ignore[call-arg,misc]
            email: str

    with warnings.catch_warnings():
        warnings.simplefilter("error")

        class Plain(fc.bases.BaseUser):  # no argument: no warning
            email: str

    assert MyUser.model_fields.keys() == fc.models.User.model_fields.keys() and "email" in Plain.model_fields
    with pytest.raises(TypeError):

        class Bad(fc.bases.BaseUser, not_an_option=True):  # type: ignore[call-arg,misc]
            pass


async def test_subclass_with_warn_subclass_selects_its_fields(db: Any, fc: Any) -> None:
    with pytest.warns(DeprecationWarning):

        class Email(fc.bases.BaseUser, warn_subclass=False):  # type: ignore[call-arg,misc]
            email: str

    await db.user.create({"email": "e@x.io", "name": "E"})
    got = await Email.prisma(db).find_many()
    assert [type(x) for x in got] == [Email] and got[0].email == "e@x.io"


async def test_tx_on_a_transaction_client_warns_and_is_independent(db: Any) -> None:
    async with db.tx() as tx:
        await tx.category.create({"name": "outer"})
        with pytest.warns(UserWarning, match="already in a transaction"):
            mgr = tx.tx()
        async with mgr as inner:
            assert inner.is_transaction()
            # an independent transaction: it does not see the outer one's uncommitted row
            assert await inner.category.count() == 0
    assert await db.category.count() == 1


def test_sync_warn_and_tx_warning(sdb: Any) -> None:
    with sdb.tx() as tx:
        with pytest.warns(UserWarning, match="already in a transaction"):
            tx.tx()


def test_generated_twice_is_identical_with_the_schema_copy(tmp_path: Path) -> None:
    text = (HERE / "feature.prisma").read_text()
    for d in ("a", "elsewhere/b"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "schema.prisma").write_text(text)
        generate(tmp_path / d / "schema.prisma", project=tmp_path / d)
    a = tmp_path / "a" / "prisma"
    b = tmp_path / "elsewhere" / "b" / "prisma"
    copy = (a / "schema.prisma").read_text()
    assert copy == (b / "schema.prisma").read_text() and copy.split("\n", 1)[1] == text
    assert (a / "client.py").read_text() == (b / "client.py").read_text()
    # generating again: the copy is nexo's own file (replaced, not refused as foreign)
    (tmp_path / "a" / "schema.prisma").write_text(text + "\n// changed\n")
    generate(tmp_path / "a" / "schema.prisma", project=tmp_path / "a")
    assert (a / "schema.prisma").read_text().endswith("// changed\n")
    # a schema inside the package folder (prisma/schema.prisma with the default output) is not copied over itself
    (tmp_path / "c" / "prisma").mkdir(parents=True)
    (tmp_path / "c" / "prisma" / "schema.prisma").write_text(
        text.replace('provider = "prisma-client-py"', 'provider = "prisma-client-py"\n')
    )
    generate(tmp_path / "c" / "prisma" / "schema.prisma", project=tmp_path / "c")
    assert (tmp_path / "c" / "prisma" / "schema.prisma").read_text().startswith("// Feature-rich")
    assert (
        'PACKAGED_SCHEMA_PATH = Path(__file__).parent.joinpath("schema.prisma")'
        in (tmp_path / "c" / "prisma" / "client.py").read_text()
    )
