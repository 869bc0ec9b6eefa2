"""The small re-exporting modules of the generated package: ``__init__.py``, ``errors.py``, ``fields.py``,
``_compat.py``, ``utils.py``, ``engine/`` and ``testing.py`` (Prisma Client Python's names on the nexo runtime)."""

from __future__ import annotations

from collections.abc import Sequence

from nexo.schema.client_view import SchemaView

from .emit import header, module, q

ERRORS = (
    "PrismaError",
    "DataError",
    "UniqueViolationError",
    "ForeignKeyViolationError",
    "MissingRequiredValueError",
    "FieldNotFoundError",
    "TableNotFoundError",
    "RawQueryError",
    "RecordNotFoundError",
    "InputError",
    "TransactionError",
    "TransactionExpiredError",
    "TransactionNotStartedError",
    "ClientNotConnectedError",
    "ClientAlreadyRegisteredError",
    "ClientNotRegisteredError",
    "UnsupportedDatabaseError",
    "BuilderError",
    "InvalidModelError",
    "UnknownModelError",
    "UnknownRelationalFieldError",
    "HTTPClientClosedError",
    "GeneratorError",
    "UnsupportedListTypeError",
    "PrismaWarning",
    "UnsupportedSubclassWarning",
)
ENGINE_ERRORS = (
    "EngineError",
    "AlreadyConnectedError",
    "NotConnectedError",
    "EngineConnectionError",
    "EngineRequestError",
)
# what the generated ``_compat.py`` and ``utils.py`` re-export from nexo.client.compat (Prisma Client Python's names)
COMPAT_NAMES = (
    "BaseConfig",
    "BaseSettings",
    "BaseSettingsConfig",
    "ConfigDict",
    "CoreSchema",
    "ENV_VAR_KEY",
    "Field",
    "GenericModel",
    "GetCoreSchemaHandler",
    "PYDANTIC_V2",
    "cached_property",
    "core_schema",
    "field_validator",
    "get_args",
    "get_origin",
    "get_running_loop",
    "is_field_required",
    "is_literal_type",
    "is_typeddict",
    "is_union",
    "model_copy",
    "model_dict",
    "model_field_type",
    "model_fields",
    "model_json",
    "model_json_schema",
    "model_parse",
    "model_parse_json",
    "model_rebuild",
    "removeprefix",
    "removesuffix",
    "root_validator",
)
UTILS_NAMES = (
    "DEBUG",
    "DEBUG_GENERATOR",
    "assert_never",
    "async_run",
    "get_or_create_event_loop",
    "is_coroutine",
    "maybe_async_run",
    "module_exists",
    "monkeypatch",
    "setup_logging",
    "temp_env_update",
    "time_since",
)


def render_small(view: SchemaView, source: str, package_doc: str) -> dict[str, str]:
    h = header(source).splitlines()
    files: dict[str, str] = {}
    files["fields.py"] = module(
        [
            [
                *h,
                '"""``Json`` and ``Base64`` value wrappers."""',
                "",
                "from nexo.client.fields import Base64, Json, JsonValue",
                "",
                '__all__ = ["Base64", "Json", "JsonValue"]',
            ]
        ]
    )

    def reexport(names: Sequence[str]) -> list[str]:
        """``from nexo.client.errors import (...)`` and ``__all__`` for ``names``."""
        return [
            "from nexo.client.errors import (",
            *[f"    {e}," for e in names],
            ")",
            "",
            "__all__ = [",
            *[f"    {q(e)}," for e in names],
            "]",
        ]

    files["errors.py"] = module([[*h, '"""Prisma Client Python\'s exception classes."""', "", *reexport(ERRORS)]])
    for name, names, doc in (
        ("_compat.py", COMPAT_NAMES, "pydantic helpers of Prisma Client Python's ``prisma._compat``."),
        ("utils.py", UTILS_NAMES, "Helpers of Prisma Client Python's ``prisma.utils``."),
    ):
        files[name] = module(
            [
                [
                    *h,
                    f'"""{doc}"""',
                    "",
                    "from nexo.client.compat import (",
                    *[f"    {n} as {n}," for n in names],
                    ")",
                    "",
                    "__all__ = [",
                    *[f"    {q(n)}," for n in names],
                    "]",
                ]
            ]
        )
    files["engine/__init__.py"] = module(
        [
            [
                *h,
                '"""Engine errors (kept for imports written for Prisma Client Python)."""',
                "",
                "from . import errors",
                "",
                '__all__ = ["errors"]',
            ]
        ]
    )
    files["engine/errors.py"] = module([[*h, '"""Connection-level errors."""', "", *reexport(ENGINE_ERRORS)]])
    files["testing.py"] = module(
        [
            [
                *h,
                '"""Helpers for tests: swap or remove the registered client."""',
                "",
                "from __future__ import annotations",
                "",
                "from collections.abc import Iterator",
                "from contextlib import contextmanager",
                "from typing import Optional",
                "",
                "from .client import _REGISTRY, Prisma",
                "",
                '__all__ = ["reset_client", "unregister_client"]',
            ],
            [
                "@contextmanager",
                "def reset_client(new_client: Optional[Prisma] = None) -> Iterator[None]:",
                '    """Register ``new_client`` (or nothing) for the block, then restore the previous registration."""',
                "    old = _REGISTRY.replace(new_client)",
                "    try:",
                "        yield",
                "    finally:",
                "        _REGISTRY.replace(old)",
            ],
            [
                "def unregister_client() -> None:",
                '    """Forget the registered client."""',
                "    _REGISTRY.replace(None)",
            ],
        ]
    )
    exports = [
        "Base64",
        "Batch",
        "Client",
        "Json",
        "Metric",
        "MetricHistogram",
        "Metrics",
        "Prisma",
        "SCHEMA_PATH",
        "get_client",
        "load_env",
        "register",
        "validate",
    ]
    modules = ["actions", "bases", "enums", "errors", "fields", "metadata", "models", "partials", "types"]
    files["__init__.py"] = module(
        [
            [
                *h,
                f'"""{package_doc}"""',
                "",
                *_runtime_check(),
                "",
                *[f"from . import {mod} as {mod}" for mod in modules],
                "from nexo.client.metrics import Metric, MetricHistogram, Metrics",
                "from nexo.client.validator import validate",
                "",
                "from .client import SCHEMA_PATH, Batch, Client, Prisma, get_client, load_env, register",
                "from .fields import Base64, Json",
                "",
                f'__version__ = "{_version()}"',
                "__all__ = [",
                *[f"    {q(x)}," for x in sorted(exports + modules + ["__version__"])],
                "]",
            ]
        ]
    )
    files["py.typed"] = ""
    return files


def _version() -> str:
    from nexo import __version__

    return f"{__version__}+nexo"


def _runtime_check() -> list[str]:
    """Lines that refuse, on import, a nexo runtime of another release line (major.minor) than the one that
    generated the package, with the command that fixes it. A source tree's ``+src`` version is not judged."""
    from nexo import __version__

    return [
        "import nexo as _nexo",
        "",
        f'_GENERATED_WITH = "{__version__}"',
        "",
        "",
        "def _release(version: str) -> list[str]:",
        '    return version.split("+")[0].split(".")[:2]',
        "",
        "",
        'if _release(_nexo.__version__) != _release(_GENERATED_WITH) and "+src" not in _nexo.__version__ + _GENERATED_WITH:',
        "    raise ImportError(",
        '        f"{__name__} was generated by nexo {_GENERATED_WITH} (nexo db:generate), but the installed nexo runtime "',
        '        f"is {_nexo.__version__}. Regenerate the client with this runtime (nexo db:generate), or install the "',
        "        f\"runtime it was generated for: pip install 'nexo=={'.'.join(_release(_GENERATED_WITH))}.*'\"",
        "    )",
    ]
