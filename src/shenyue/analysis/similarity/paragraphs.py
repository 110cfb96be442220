"""Logical paragraphs of a report text, as the similarity engine reads them, for display.

The fingerprints join a hard-wrapped line (PDF text as ``pdftotext`` prints it) to the next
line by the rule of :func:`.fingerprint.line_kinds`; :func:`joins` gives the same decisions
as spans of the original text (a wrapped line's trailing white space, its line break and the
next line's leading white space), so a pane can draw each paragraph as one while every offset
stays an offset into the original. On screen a join is also left out where reading would
suffer and the fingerprints do not care: a line followed by a blank or page-number line, a
line wider than a printed page's (:data:`MAX_PRINTED_LINE`: a crawled page's header or body
on one line), a table row written with ``|``, and a line before a numbered heading or item
(一、 （三） 2.), which the fingerprints cut into pieces anyway.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from shenyue.analysis.similarity.fingerprint import _CLASS, NL, line_kinds
from shenyue.model.normalize import code_table, to_codes

MAX_PRINTED_LINE = 60  # columns (a Han character 1, a half-width one ½, white space 0) of a printed page's line
_PIPE = ord("|")
_NUMBERED = re.compile(
    r"[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d))"
)


@lru_cache(maxsize=16)
def joins(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` spans of ``text`` that join a wrapped line to the next one, in order."""
    if "\n" not in text:
        return ()
    cps = to_codes(text)
    codes = code_table(True, True)[cps]  # white space -> 0 (the table the engine uses, built once)
    codes[cps == NL] = NL
    nidx = np.flatnonzero(codes)
    if not len(nidx):
        return ()
    nc = codes[nidx]
    brk = np.flatnonzero(nc == NL)
    lstart = np.concatenate(([0], brk + 1))
    lend = np.concatenate((brk, [len(nc)]))
    nonempty, page, runs_on = line_kinds(nc, _CLASS[nc], lstart, lend, np.zeros(len(lstart), dtype=np.int64), 1)
    csum = np.zeros(len(nc) + 1, dtype=np.int32)
    np.cumsum(nc == _PIPE, out=csum[1:])
    plain = csum[lend] - csum[lstart] == 0
    np.cumsum(nc < 0x2000, out=csum[1:])
    plain &= (lend - lstart) - 0.5 * (csum[lend] - csum[lstart]) <= MAX_PRINTED_LINE
    nxt = np.zeros(len(lstart), dtype=bool)
    nxt[:-1] = nonempty[1:] & ~page[1:] & plain[1:]
    lines = np.flatnonzero(runs_on & nxt & plain)
    starts = nidx[lend[lines] - 1] + 1
    ends = nidx[lstart[lines + 1]]
    # the next line's own text starts after its leading white space: ``ends`` - (a numbered heading?)
    line_starts = [text.rfind("\n", 0, b) + 1 for b in ends.tolist()]
    return tuple(
        (a, b) for a, b, ls in zip(starts.tolist(), ends.tolist(), line_starts) if not _NUMBERED.match(text, ls)
    )


def joins_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The joins inside ``text[start:end]``, relative to ``start``."""
    return [(a - start, b - start) for a, b in joins(text) if start <= a and b <= end]
