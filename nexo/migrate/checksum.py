"""Checksums of migration scripts, as Prisma computes and compares them (prisma-compat §4.3).

The stored checksum is the lowercase hex SHA-256 of the script *as read*: the file's bytes decoded as
UTF-8 with replacement (a BOM is kept, invalid bytes become U+FFFD), encoded back to UTF-8. No line-ending
normalisation when storing. When comparing, a stored checksum also matches the script with ``\\r\\n``
turned into ``\\n`` or ``\\n`` into ``\\r\\n``; a stored value that is non-empty and not 64 characters long
is compared with the legacy rendering of old engines (each byte in hex without zero padding).
"""

from __future__ import annotations

import hashlib


def decode_script(raw: bytes) -> str:
    """A migration file's bytes as the text Prisma reads (UTF-8, invalid bytes replaced, BOM kept)."""
    return raw.decode("utf-8", "replace")


def script_checksum(script: str) -> str:
    """The checksum Prisma stores for ``script``: hex SHA-256 of its UTF-8 encoding."""
    return hashlib.sha256(script.encode("utf-8")).hexdigest()


def legacy_checksum(script: str) -> str:
    """The rendering of old Prisma engines: every digest byte in hex, without zero padding."""
    return "".join(format(b, "x") for b in hashlib.sha256(script.encode("utf-8")).digest())


def checksum_matches(script: str, stored: str) -> bool:
    """Whether ``stored`` (from ``_prisma_migrations``) is a checksum of ``script`` by Prisma's rules."""
    render = legacy_checksum if stored and len(stored) != 64 else script_checksum
    variants = (script, script.replace("\r\n", "\n"), script.replace("\n", "\r\n"))
    return any(render(v) == stored for v in variants)
