"""Client-side id generators for ``@default(uuid() | uuid(7) | cuid() | cuid(2) | nanoid())``."""

from __future__ import annotations

import os
import secrets
import threading
import time
import uuid

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_lock = threading.Lock()
_counter = secrets.randbelow(36**4)
_fingerprint = None


def _b36(n: int, width: int) -> str:
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(_B36[r])
    s = "".join(reversed(out)) or "0"
    return s.rjust(width, "0")[-width:]


def new_uuid4() -> str:
    return str(uuid.uuid4())


def new_uuid7() -> str:
    """An RFC 9562 version 7 UUID: 48-bit Unix milliseconds, then random bits."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def new_cuid() -> str:
    """A cuid (v1 layout): 'c', timestamp, counter, fingerprint, random; 25 characters."""
    global _counter, _fingerprint
    with _lock:
        _counter = (_counter + 1) % (36**4)
        count = _counter
    if _fingerprint is None:
        _fingerprint = _b36(os.getpid(), 2) + _b36(sum(map(ord, os.uname().nodename)) + 36, 2)
    return "c" + _b36(time.time_ns() // 1_000_000, 8) + _b36(count, 4) + _fingerprint + _b36(secrets.randbits(64), 8)


def new_cuid2(length: int = 24) -> str:
    """A cuid2-shaped id: a lowercase letter, then base36 characters from a CSPRNG."""
    first = secrets.choice(_B36[10:])
    return first + "".join(secrets.choice(_B36) for _ in range(length - 1))


_NANO = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def new_nanoid(size: int = 21) -> str:
    return "".join(secrets.choice(_NANO) for _ in range(size))


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid() -> str:
    """A ULID: 48-bit Unix milliseconds and 80 random bits, 26 Crockford base32 characters."""
    value = ((time.time_ns() // 1_000_000) << 80) | int.from_bytes(os.urandom(10), "big")
    out = []
    for _ in range(26):
        value, r = divmod(value, 32)
        out.append(_CROCKFORD[r])
    return "".join(reversed(out))


GENERATORS = {
    "uuid": new_uuid4,
    "uuid7": new_uuid7,
    "cuid": new_cuid,
    "cuid2": new_cuid2,
    "nanoid": new_nanoid,
    "ulid": new_ulid,
}
