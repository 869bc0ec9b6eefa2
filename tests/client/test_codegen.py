"""The async→sync generator: every sync twin of the runtime (and of the runtime's async tests) is
committed as the transformer makes it, and the transformer refuses to leave a name of the async
world in its output."""

from __future__ import annotations

import pytest

from nexo.client import _codegen

from . import sync_twins


@pytest.mark.parametrize("module", _codegen.MODULES)
def test_committed_sync_twins_equal_transformer_output(module: str) -> None:
    source = _codegen.source_path(module).read_text(encoding="utf-8")
    expected = _codegen.transform(source, module)
    assert _codegen.target_path(module).read_text(encoding="utf-8") == expected, "run: python -m nexo.client._codegen"


def test_imports_of_async_modules_become_imports_of_their_twins() -> None:
    out = _codegen.transform(
        "from nexo.client.executor import Executor\nimport nexo.client.engine\nx = nexo.client.engine.FEW_ROWS\n"
        "from nexo.client import engine_base\n",
        "actions",
    )
    assert out.startswith("# GENERATED from nexo/client/actions.py")
    assert out.endswith(
        "from nexo.client.executor_sync import Executor\nimport nexo.client.engine_sync\n"
        "x = nexo.client.engine_sync.FEW_ROWS\nfrom nexo.client import engine_base\n"
    )


@pytest.mark.parametrize(
    ("source", "name", "line"),
    [
        ("import asyncio\n\n\ndef f() -> None:\n    asyncio.sleep(1)\n", "asyncio", 1),
        ("x = 1\nasync def f():\n    async for_ in y:\n        pass\n", "async", 3),  # not `async for`
        ("from typing import AsyncGenerator\n", "AsyncGenerator", 1),
        ("class C:\n    def __aiter__(self):\n        return self\n", "__aiter__", 2),
        ("x = 1\n\n\nasync def f(it):\n    return await anext(it)\n", "anext", 5),
    ],
)
def test_transformer_refuses_leftover_async_names(source: str, name: str, line: int) -> None:
    with pytest.raises(_codegen.LeftoverAsyncError) as err:
        _codegen.transform(source, "executor")
    message = str(err.value)
    assert f"nexo/client/executor_sync.py:{line}:" in message and repr(name) in message


def test_async_words_in_comments_and_strings_are_no_leftover() -> None:
    out = _codegen.transform("async def f():  # async, await\n    return 'asyncio __aenter__'\n")
    assert out.endswith("def f():  # async, await\n    return 'asyncio __aenter__'\n")


@pytest.mark.parametrize("name", sync_twins.SOURCES)
def test_committed_sync_test_twins_are_current(name: str) -> None:
    """The sync runtime's tests are the async ones through the same transformation."""
    expected = sync_twins.render(name)
    assert sync_twins.target_path(name).read_text(encoding="utf-8") == expected, (
        "run: python tests/client/sync_twins.py"
    )


def test_sync_test_twins_leave_out_exactly_the_listed_tests() -> None:
    for module, test in sync_twins.ASYNC_ONLY:
        assert module in sync_twins.SOURCES
        assert f"def {test}(" in sync_twins.source_path(module).read_text(encoding="utf-8")
        assert f"def {test}(" not in sync_twins.target_path(module).read_text(encoding="utf-8")
