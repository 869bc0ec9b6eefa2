"""Fixtures of the generated sync test twins (``python tests/client/sync_twins.py``): the same
names as the async tests use, bound to the sync runtime.

``fc`` is the feature schema's package generated with the sync interface and the same generator
options as the async one (``feature_client``), and ``db`` a connected sync client of it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from ..conftest import HERE, generate_into, with_limit


@pytest.fixture(scope="session")
def feature_sync_full(generated: SimpleNamespace) -> ModuleType:
    folder = generate_into(
        generated.root,
        HERE / "feature.prisma",
        "feature_sync_full",
        '\n  recursive_type_depth = 3\n  previewFeatures = ["fullTextSearchPostgres"]',
        sync=True,
    )
    sys.path.insert(0, str(folder))
    return importlib.import_module("feature_sync_full")


@pytest.fixture
def fc(feature_sync_full: ModuleType) -> ModuleType:
    """The generated sync package for the feature schema."""
    return feature_sync_full


@pytest.fixture
def db(feature_url: str, fc: Any) -> Iterator[Any]:
    client = fc.Prisma(datasource={"url": with_limit(feature_url, 4)}, use_dotenv=False)
    client.connect()
    try:
        yield client
    finally:
        client.disconnect()
