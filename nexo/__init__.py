"""nexo: one schema.prisma as the source of truth for a multi-tenant PostgreSQL database."""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("nexo")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+src"

__all__ = ["__version__"]
