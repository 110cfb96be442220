"""Text helpers shared by the model layer. Nothing here changes a report's text:
``fold`` returns a copy of the same length, so offsets into it are offsets into
the original."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# Full-width ASCII -> half-width, ideographic and no-break spaces -> space. 1:1.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: 0x20, 0xFEFF: 0x20})
_FOLD_CHARS = {chr(k): chr(v) for k, v in _FOLD.items()}
_TO_FOLD = re.compile("[" + "".join(re.escape(c) for c in _FOLD_CHARS) + "]")

HAN = re.compile(r"[\u4e00-\u9fff]")


def fold(text: str) -> str:
    """Full-width forms and odd spaces folded to ASCII, same length as ``text``."""
    if len(text) >= _TABLE_FROM:  # a whole report: its code units looked up at once
        folded = map_units(text, _fold_units())
        if folded is not None:
            return folded
    # A regex with a lookup only where something changes: several times faster than
    # str.translate with a dict on mostly-CJK text.
    return _TO_FOLD.sub(lambda m: _FOLD_CHARS[m.group()], text)


_TABLE_FROM = 1024  # characters: a longer text is folded by a table of code units (numpy), 3 times faster


@lru_cache(maxsize=1)
def _fold_units():
    import numpy as np

    table = np.arange(0x10000, dtype=np.uint16)
    for k, v in _FOLD.items():
        table[k] = v
    return table


def map_units(text: str, table) -> str | None:
    """``text`` with each of its UTF-16 code units looked up in ``table`` (numpy, 65,536 code units; every
    character it maps is one code unit, surrogates map to themselves), or None when adjacent lone surrogates
    would pair up on the way back (the length would change)."""
    import numpy as np

    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    out = table[units].tobytes().decode("utf-16-le", "surrogatepass")
    return out if len(out) == len(text) else None


def han_count(text: str) -> int:
    return len(HAN.findall(text))


def has_han(text: str, n: int) -> bool:
    """At least ``n`` Han characters (stops at the n-th)."""
    found = 0
    for _ in HAN.finditer(text):
        found += 1
        if found >= n:
            return True
    return False


def iter_lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every line, ``end`` before the line break."""
    start = 0
    n = len(text)
    while start <= n:
        nl = text.find("\n", start)
        if nl < 0:
            end = n
            if start < n:
                yield start, end if not text.endswith("\r") else end - 1
            return
        end = nl - 1 if nl > start and text[nl - 1] == "\r" else nl
        yield start, end
        start = nl + 1


# white space of any kind (every character str.isspace holds; a test checks the list), the zero-width space
# and the BOM
WHITE_SPACE = (
    "\u0009\u000a\u000b\u000c\u000d\u001c\u001d\u001e\u001f\u0020\u0085\u00a0\u1680\u2000\u2001\u2002\u2003"
    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_STRIPPED = frozenset(WHITE_SPACE + "\u200b\ufeff")


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``start..end`` to exclude surrounding white space (any kind)."""
    while start < end and text[start] in _STRIPPED:
        start += 1
    while end > start and text[end - 1] in _STRIPPED:
        end -= 1
    return start, end
