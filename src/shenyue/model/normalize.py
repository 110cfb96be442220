"""Normalised copies of report text for matching; the original is never changed.

Two kinds of copy:

* Same-length copies (:func:`fold`, :func:`to_simplified`, :func:`mask_pinyin`):
  character ``i`` of the copy is derived from character ``i`` of the original,
  so every offset found in the copy is valid in the original as it is.
* Shortened copies (:func:`matching_copy`, :func:`matching_codes`): whitespace
  and pinyin artefacts such as the ``(wù)`` of ``務(wù)`` are left out and an
  index map gives, for every character of the copy, its offset in the
  original. :meth:`MatchCopy.span_to_original` turns a copy span back into an
  original span.

Folding (one character to one character, "for matching"):

* full-width ASCII forms to half-width (``，`` -> ``,``, ``Ｘ`` -> ``X``), other
  compatibility forms whose NFKC form is one character (Kangxi radicals from
  PDFs, CJK compatibility ideographs);
* NBSP, U+3000 ideographic space, the other Unicode spaces and zero-width
  characters to a plain space;
* upper-case ASCII letters to lower case;
* with ``digits=True`` (the default) every digit and ``x``/``X``/``×`` to
  :data:`DIGIT`, so a changed number or an ``xx`` placeholder does not break a
  match.

Traditional -> Simplified uses the one-to-one character table shipped in
``shenyue/data/t2s.txt`` (generated from OpenCC's data, Apache-2.0).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported lazily: the str functions must stay light
    import numpy as np

DIGIT = "#"  # what digits and x/X/× fold to
NORMALIZE_VERSION = 1  # bump when folding changes (part of the similarity cache key)

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_DIGITLIKE = "0123456789xX\u00d7"
# Blocks whose NFKC forms are single characters worth folding.
_NFKC_RANGES = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x2F800, 0x2FA1F))

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# A Han character followed by a parenthesised pinyin syllable with a tone mark:
# the artefact of mirror sites (務(wù), 區(qū)). Only the parenthesised group is the artefact.
_PINYIN_RE = re.compile(
    rf"[(（](?<=[\u3400-\u9fff\uf900-\ufaff][(（])\s?(?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}\s?[)）]"
)
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@lru_cache(maxsize=1)
def _t2s_pairs() -> tuple[str, str]:
    raw = resources.files("shenyue.data").joinpath("t2s.txt").read_text(encoding="utf-8")
    body = "".join(line for line in raw.splitlines() if line and not line.startswith("#"))
    return body[0::2], body[1::2]


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, int]:
    trad, simp = _t2s_pairs()
    return str.maketrans(trad, simp)


@lru_cache(maxsize=2)
def _fold_table(digits: bool) -> dict[int, int]:
    table: dict[int, int] = {}
    for lo, hi in _NFKC_RANGES:
        for cp in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(cp))
            if len(norm) == 1 and norm != chr(cp):
                table[cp] = ord(norm)
    for ch in _SPACES + _ZERO_WIDTH + "\t\x0b\x0c":
        table[ord(ch)] = ord(" ")
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = cp + 32
    # a folded target may itself need folding (Ｘ -> X -> x or DIGIT)
    for cp, target in list(table.items()):
        if ord("A") <= target <= ord("Z"):
            table[cp] = target + 32
    if digits:
        for ch in _DIGITLIKE:
            table[ord(ch)] = ord(DIGIT)
        for cp, target in list(table.items()):
            if chr(target) in _DIGITLIKE or chr(target) == "x":
                table[cp] = ord(DIGIT)
    return table


def fold_char(ch: str, *, digits: bool = True) -> str:
    """The folded form of one character (always exactly one character)."""
    if len(ch) != 1:
        raise ValueError("fold_char takes exactly one character")
    return chr(_fold_table(digits).get(ord(ch), ord(ch)))


def fold(text: str, *, digits: bool = True) -> str:
    """``text`` with every character folded; same length as ``text``."""
    return text.translate(_fold_table(digits))


def to_simplified(text: str) -> str:
    """``text`` with Traditional characters mapped to Simplified; same length."""
    return text.translate(_t2s_table())


def traditional_share(text: str) -> tuple[int, int]:
    """``(changed, han)``: Han characters the T->S table changes, and all Han characters."""
    table = _t2s_table()
    han = _HAN_RE.findall(text)
    changed = sum(1 for ch in han if ord(ch) in table)
    return changed, len(han)


def pinyin_spans(text: str) -> list[tuple[int, int]]:
    """Spans of pinyin artefacts like the ``(wù)`` in ``務(wù)`` (the parenthesised part only)."""
    return [m.span() for m in _PINYIN_RE.finditer(text)]


def mask_pinyin(text: str, fill: str = " ") -> str:
    """``text`` with pinyin artefacts replaced by ``fill``; same length."""
    spans = pinyin_spans(text)
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(fill * (end - start))
        last = end
    out.append(text[last:])
    return "".join(out)


@dataclass(slots=True)
class MatchCopy:
    """A shortened matching copy: ``index[i]`` is the original offset of ``text[i]``."""

    text: str
    index: list[int]
    original_length: int

    def to_original(self, i: int) -> int:
        """Original offset of copy offset ``i`` (``len(text)`` maps to the original's end)."""
        return self.index[i] if i < len(self.index) else self.original_length

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original span covering copy span ``start..end`` (end exclusive)."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.index[start], self.index[end - 1] + 1


def matching_copy(
    text: str, *, simplify: bool = True, digits: bool = True, drop_space: bool = True, drop_pinyin: bool = True
) -> MatchCopy:
    """A copy of ``text`` for matching, with an index map back to ``text``.

    Folds (see :func:`fold`), maps Traditional to Simplified, and leaves out
    whitespace and pinyin artefacts.
    """
    folded = fold(text, digits=digits)
    if simplify:
        folded = to_simplified(folded)
    drop = bytearray(len(text))
    if drop_pinyin:
        for start, end in pinyin_spans(text):
            drop[start:end] = b"\x01" * (end - start)
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(folded):
        if drop[i] or (drop_space and ch.isspace()):
            continue
        chars.append(ch)
        index.append(i)
    return MatchCopy("".join(chars), index, len(text))


# ---------------------------------------------------------------------------
# numpy fast path for the similarity engine


@lru_cache(maxsize=2)
def code_table(simplify: bool = True, digits: bool = True) -> "np.ndarray":
    """A uint32 lookup table over all code points: folded (and simplified) code point.

    Whitespace maps to 0 so callers can drop it with ``codes != 0``.
    """
    import numpy as np

    table = np.arange(0x110000, dtype=np.uint32)
    for cp, target in _fold_table(digits).items():
        table[cp] = target
    if simplify:
        t2s = np.arange(0x110000, dtype=np.uint32)
        for cp, target in _t2s_table().items():
            t2s[cp] = target
        table = t2s[table]
    for ch in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029" + _SPACES + _ZERO_WIDTH:
        table[ord(ch)] = 0
    return table


def to_codes(text: str) -> "np.ndarray":
    """The code points of ``text`` as a uint32 array (index i = ``text[i]``)."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def matching_codes(text: str, *, simplify: bool = True, digits: bool = True) -> tuple["np.ndarray", "np.ndarray"]:
    """``(codes, index)``: the matching copy as folded code points, and the original offset of each.

    Same copy as :func:`matching_copy` (whitespace and pinyin artefacts left
    out), as numpy arrays: ``codes`` uint32, ``index`` int64.
    """
    import numpy as np

    codes = code_table(simplify, digits)[to_codes(text)]
    keep = codes != 0
    for start, end in pinyin_spans(text):
        keep[start:end] = False
    index = np.flatnonzero(keep)
    return codes[index], index
