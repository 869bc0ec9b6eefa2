"""Runtime of the clients nexo generates: compiles Prisma Client Python calls to SQL and runs them
on psycopg 3 (async in :mod:`nexo.client.engine`, sync twin in :mod:`nexo.client.engine_sync`; the code
without I/O, shared by both, in :mod:`nexo.client.engine_base`).

Generated packages embed a :class:`~nexo.client.meta.SchemaMeta` and wrap :class:`Client`.
"""

from nexo.client import errors
from nexo.client.engine import Batch, BatchActions, Client, ModelActions, TransactionManager
from nexo.client.fields import Base64, Json
from nexo.client.meta import EnumMeta, FieldMeta, ModelMeta, RelationMeta, SchemaMeta

__all__ = [
    "Base64",
    "Batch",
    "BatchActions",
    "Client",
    "EnumMeta",
    "FieldMeta",
    "Json",
    "ModelActions",
    "ModelMeta",
    "RelationMeta",
    "SchemaMeta",
    "TransactionManager",
    "errors",
]
