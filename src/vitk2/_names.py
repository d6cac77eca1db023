"""Name normalisation: the one function every lookup key passes through."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NewType

__all__ = ["Key", "normalize"]

Key = NewType("Key", str)
"""A name after [`normalize`][vitk2.normalize]; the type checker proves index keys went through it."""

_DROP = re.compile(r"[\s\-‐‑‒–—_.,/'’()\[\]®™]+")


def normalize(name: str) -> Key:
    """Return the lookup key of a name.

    Case, accents, spaces, hyphens, dots, slashes, brackets and registered-trademark signs are
    ignored, so ``"MK-4"``, ``"mk4"`` and ``"Mk 4"`` have one key, as do ``"Glakay®"`` and
    ``"GLAKAY"``. Greek letters are kept (``α`` is not ``a``).

    >>> normalize("Menaquinone-4") == normalize("MENAQUINONE 4")
    True

    *Added in version 0.1.0*.
    """
    return _key(name)


@functools.lru_cache(maxsize=65536)
def _key(name: str) -> Key:
    """[`normalize`][vitk2.normalize], kept: the same names are normalised again and again."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return Key(_DROP.sub("", stripped.casefold()))
