"""The generators step that ends ``db:migrate:dev``, ``db:push`` and ``db:reset``, as Prisma's "Running generate..."."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexo.config import Config
from nexo.errors import NexoError
from nexo.orchestrate.context import load_schema, project_env_value
from nexo.orchestrate.results import GenerateStep

if TYPE_CHECKING:
    from nexo.psl import Schema

#: Prisma's environment switch that skips the generators of ``migrate dev``, ``db push`` and ``migrate reset``
SKIP_GENERATE_ENV = "PRISMA_MIGRATE_SKIP_GENERATE"


def generate_wanted(config: Config, skip_generate: bool) -> bool:
    """False with ``--skip-generate`` or Prisma's ``PRISMA_MIGRATE_SKIP_GENERATE`` (environment or .env)."""
    return not skip_generate and not project_env_value(config, SKIP_GENERATE_ENV)


def run_generators(config: Config, schema: Schema | None = None) -> GenerateStep:
    """Prisma's "Running generate..." step: every ``prisma-client-py`` generator of the project's
    schema (``nexo db:generate``). No schema file or no generator block: nothing, silently. Blocks
    of other providers (``prisma-client-js`` ...) are left alone with a note each, as
    ``db:generate`` does. A failure (bad generator option, output holding foreign files, a write
    error, an invalid schema) is returned in ``error``, not raised. ``schema``: the validated schema, when the
    caller has it already."""
    from nexo.generator import generate, read_generators

    notes: list[str] = []
    try:
        if not config.schema.exists():
            return GenerateStep()
        validated = schema if schema is not None else load_schema(config)
        clients, notes = read_generators(validated)
        if not clients:
            return GenerateStep(notes=notes)
        result = generate(config.schema, project=config.root)
        return GenerateStep(result=result, notes=list(result.notes))
    except NexoError as exc:
        return GenerateStep(notes=notes, error=str(exc))
    except Exception as exc:  # a write error (OSError) or a bug: still reported after the database work
        return GenerateStep(notes=notes, error=f"Error: generating the client failed: {type(exc).__name__}: {exc}")
