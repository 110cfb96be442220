"""Logical paragraphs of a report text, as the similarity engine reads them, for display.

The fingerprints join a hard-wrapped line (PDF text as ``pdftotext`` prints it) to the next
line by the rule of :func:`.fingerprint.line_kinds`; :func:`joins` gives the same decisions
as spans of the original text (a wrapped line's trailing white space, its line break and the
next line's leading white space), so a pane can draw each paragraph as one while every offset
stays an offset into the original. Only a line directly followed by another non-empty line
is joined on screen (a blank line or a page-number line in between is left as it stands).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from shenyue.analysis.similarity.fingerprint import _CLASS, NL, line_kinds
from shenyue.model.normalize import code_table, to_codes


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
    nxt = np.zeros(len(lstart), dtype=bool)
    nxt[:-1] = nonempty[1:] & ~page[1:]
    lines = np.flatnonzero(runs_on & nxt)
    starts = nidx[lend[lines] - 1] + 1
    ends = nidx[lstart[lines + 1]]
    return tuple(zip(starts.tolist(), ends.tolist()))


def joins_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The joins inside ``text[start:end]``, relative to ``start``."""
    return [(a - start, b - start) for a, b in joins(text) if start <= a and b <= end]
