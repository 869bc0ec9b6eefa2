"""The garbage collector around a large parse (nexo.psl.parser.paused_gc): paused, then restored as
it was, with the new tree moved to the oldest generation and a program's own frozen objects left
frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from nexo.psl import validate_source

MODELS = "\n".join(f"model M{i} {{\n  id Int @id\n  name String @unique\n}}\n" for i in range(200))
SCHEMA = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n' + MODELS


@pytest.fixture
def gc_state() -> Iterator[None]:
    enabled = gc.isenabled()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable() if enabled else gc.disable()


def test_the_collector_is_paused_during_the_build_and_running_after(gc_state: None) -> None:
    seen: list[str] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        seen.append(phase)

    gc.enable()
    gc.collect()
    gc.callbacks.append(watch)
    try:
        result = validate_source(SCHEMA, "schema.prisma")
    finally:
        gc.callbacks.remove(watch)
    assert result.raise_for_errors().models
    assert seen == []  # the whole build, thousands of new objects, and not one collection
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing left frozen
    assert gc.get_count()[0] < 100  # the new tree went to the oldest generation, not to a pending pass


def test_a_disabled_collector_stays_disabled(gc_state: None) -> None:
    gc.disable()
    validate_source(SCHEMA, "schema.prisma")
    assert not gc.isenabled()


def test_the_programs_frozen_objects_stay_frozen(gc_state: None) -> None:
    gc.enable()
    keep = [[i] for i in range(1000)]
    gc.freeze()  # as a pre-fork server does
    assert gc.get_freeze_count() >= 1000
    validate_source(SCHEMA, "schema.prisma")
    # the program's objects are still in the permanent generation: gc.get_objects() lists only the three
    # collected generations. (The freeze count alone is no proof: another thread, such as pytest-xdist's
    # I/O thread, may free objects that were alive at the freeze, and the count drops by those.)
    collected = {id(o) for o in gc.get_objects()}
    assert not any(id(item) in collected for item in keep)
    assert gc.get_freeze_count() >= 1000
    assert gc.isenabled()
    del keep
