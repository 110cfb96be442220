"""A same-length copy of a text for matching: what every table label and anchor is matched in."""

from __future__ import annotations

from functools import lru_cache

from shenyue.model.normalize import fold, to_simplified
from shenyue.model.text import map_units


@lru_cache(maxsize=1)
def _match_table():
    """Folded-and-simplified form of every UTF-16 code unit (surrogates map to themselves)."""
    import numpy as np

    bmp = "".join(map(chr, range(0x10000)))
    mapped = np.frombuffer(to_simplified(fold(bmp, digits=False)).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    identity = np.arange(0x10000, dtype=np.uint32)
    keep = (mapped > 0xFFFF) | ((identity >= 0xD800) & (identity < 0xE000))  # one code unit in, one out
    return np.where(keep, identity, mapped).astype(np.uint16)


def match_text(text: str) -> str:
    """A copy of ``text`` for matching, of the same length: full-width forms
    folded (``，`` -> ``,``), odd spaces to spaces, Traditional to Simplified,
    ASCII lower-cased (:func:`shenyue.model.normalize.fold` with ``digits=False``,
    then :func:`~shenyue.model.normalize.to_simplified`). Offsets into it are
    offsets into ``text``."""
    if not text:
        return text
    out = map_units(text, _match_table())
    if out is None:  # adjacent lone surrogates paired up: map per character instead
        out = "".join(chr(_match_table()[ord(ch)]) if ord(ch) < 0x10000 else ch for ch in text)
    return out
