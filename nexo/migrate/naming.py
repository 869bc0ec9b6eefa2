"""Names of migration folders: Prisma's slug, its timestamped folder names, and its sort order.

* :func:`slugify` follows the Prisma CLI (``@sindresorhus/slugify`` with separator ``_``):
  NFC-normalise; replace ``&`` with `` and `` and transliterate (German umlauts become two letters,
  ``ß`` becomes ``ss``, other accented letters lose their accents); split camelCase; lowercase; drop the
  ``'`` of ``it's``/``don't``-style endings (``'s``/``'t`` before a space or the end); replace every run of
  characters outside ``[a-z0-9]`` with ``_``; trim ``_`` at both ends; keep the first 200 characters.
  Difference: the CLI's transliteration table also romanises other scripts (Cyrillic, Greek, ...);
  nexo keeps only what Unicode decomposition gives, so letters of those scripts become separators.
* :func:`migration_folder_name` is ``YYYYMMDDHHMMSS`` in UTC, then ``_<slug>`` when the slug is not empty.
* :func:`locale_sort_key` orders folder names like JavaScript's ``localeCompare`` (ICU root collation),
  which the CLI uses to order migrations. For ASCII names it is exact (checked against Node): control
  characters are ignored, then whitespace < ``_ - , ; : ! ? . ' " ( ) [ ] { } @ * / \\ & # % ` ^ + < = > | ~ $``
  < digits < letters, letters compare case-insensitively first, accents second, and lowercase before
  uppercase last. Non-ASCII letters are decomposed (``é`` is ``e`` with an accent); letters that do not
  decompose to ASCII (other scripts, ``ø``, ``ß``) sort after all ASCII letters by code point, which can
  differ from ICU. Names that ICU considers equal are ordered by code point.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

MAX_NAME_BYTES = 200

# Letters whose Prisma transliteration is not "drop the accent".
_TRANSLITERATE = {
    "ß": "ss",
    "ẞ": "Ss",
    "ä": "ae",
    "Ä": "Ae",
    "ö": "oe",
    "Ö": "Oe",
    "ü": "ue",
    "Ü": "Ue",
    "Æ": "AE",
    "æ": "ae",
    "Œ": "OE",
    "œ": "oe",
    "Ø": "O",
    "ø": "o",
    "Þ": "TH",
    "þ": "th",
    "Ð": "D",
    "ð": "d",
    "Đ": "D",
    "đ": "d",
    "Ł": "L",
    "ł": "l",
    "ı": "i",
    "Ħ": "H",
    "ħ": "h",
}
_CUSTOM = {"&": " and ", "\U0001f984": " unicorn ", "\u2665": " love "}
_MIDDLE_DOT = "\u00b7"


def _transliterate(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(_TRANSLITERATE.get(ch, ch) for ch in text)
    for key, value in _CUSTOM.items():
        text = text.replace(key, value)
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Sk") and ch != _MIDDLE_DOT)
    return unicodedata.normalize("NFC", kept)


def _decamelize(text: str) -> str:
    text = re.sub(r"([A-Z]{2,})(\d+)", r"\1 \2", text)
    text = re.sub(r"([a-z\d]+)([A-Z]{2,})", r"\1 \2", text)
    text = re.sub(r"([a-z\d])([A-Z])", r"\1 \2", text)
    return re.sub(r"([A-Z]+)([A-Z][a-rt-z\d]+)", r"\1 \2", text)


def slugify(name: str, *, max_length: int | None = MAX_NAME_BYTES) -> str:
    """The folder-name part the Prisma CLI makes of a ``--name``; cut to ``max_length`` characters."""
    text = _decamelize(_transliterate(name)).lower()
    text = re.sub(r"([a-zA-Z\d]+)'([ts])(\s|$)", r"\1\2\3", text)
    text = re.sub(r"[^a-z\d]+", "_", text)
    text = re.sub(r"_{2,}", "_", text).strip("_")
    return text if max_length is None else text[:max_length]


def migration_timestamp(now: datetime) -> str:
    """``YYYYMMDDHHMMSS`` of ``now`` in UTC (a naive ``now`` is taken as UTC)."""
    utc = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    return utc.strftime("%Y%m%d%H%M%S")


def migration_folder_name(slug: str, now: datetime) -> str:
    """``<timestamp>_<slug>``, or just the timestamp for an empty slug."""
    ts = migration_timestamp(now)
    return f"{ts}_{slug}" if slug else ts


# ---------------------------------------------------------------------------------------------- order
_PUNCTUATION_ORDER = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_PRIMARY: dict[str, int] = {ch: i + 1 for i, ch in enumerate(_PUNCTUATION_ORDER)}
_BASE = len(_PUNCTUATION_ORDER) + 1
for _i, _d in enumerate("0123456789"):
    _PRIMARY[_d] = _BASE + _i
for _i, _l in enumerate("abcdefghijklmnopqrstuvwxyz"):
    _PRIMARY[_l] = _BASE + 10 + _i
    _PRIMARY[_l.upper()] = _BASE + 10 + _i
_NON_ASCII = _BASE + 100


def _collation_elements(name: str) -> list[tuple[int, tuple[int, ...], int]]:
    out: list[tuple[int, tuple[int, ...], int]] = []
    for ch in unicodedata.normalize("NFD", name):
        if unicodedata.category(ch) in ("Mn", "Mc", "Me"):
            if out:  # an accent: a secondary difference on the letter before it
                primary, marks, tertiary = out[-1]
                out[-1] = (primary, marks + (ord(ch),), tertiary)
            continue
        if ch in _PRIMARY:
            out.append((_PRIMARY[ch], (), 1 if ch.isupper() else 0))
        elif ord(ch) < 32 or ord(ch) == 127:
            continue  # control characters are ignorable
        else:
            lower = ch.lower()
            out.append((_NON_ASCII + ord(lower[0]) if lower else _NON_ASCII + ord(ch), (), 0 if ch == lower else 1))
    return out


def locale_sort_key(name: str) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...], tuple[int, ...], str]:
    """A key that sorts folder names like JavaScript ``a.localeCompare(b)`` (see the module docstring)."""
    elements = _collation_elements(name)
    return (
        tuple(e[0] for e in elements),
        tuple(e[1] for e in elements),
        tuple(e[2] for e in elements),
        name,
    )
