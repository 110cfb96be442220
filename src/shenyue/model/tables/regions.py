"""Where a table starts: from the anchor the parser found, back over the header lines above it,
or (prose running into the table on one line) at the first header word before the anchor."""

from __future__ import annotations

from shenyue.model.tables.labels import ANCHOR_RE, COVER_SUFFIX, INLINE_BACK, LINE_PREFIX, is_known_header
from shenyue.model.tables.tokens import BLANK, LABEL, LONG_LINE, line_tokens

_MAX_BACK_LINES = 40


def _line_start(folded: str, pos: int) -> int:
    return folded.rfind("\n", 0, pos) + 1


def region_start(folded: str, text: str, table: str, anchor: int, floor: int) -> tuple[int, int, list[str]]:
    """Where to start reading a table found at ``anchor``: ``(tokens from, region start, header labels)``.

    On a line of prose that runs into the table (a crawled page keeps the
    whole report on one line) the region starts at the first header word
    before the anchor; otherwise whole lines of header fragments above it
    are taken in (:func:`_back_start`)."""
    ls = max(_line_start(folded, anchor), floor)
    if anchor > ls:
        am = ANCHOR_RE[table].match(folded, anchor)
        a_end = am.end() if am else anchor
        m = COVER_SUFFIX[table].search(folded, max(ls, anchor - INLINE_BACK), a_end)
        p = m.start() if m is not None and m.start() < anchor else anchor
        while p < anchor and folded[p].isspace():
            p += 1
        if p > ls and LINE_PREFIX.sub("", folded[max(ls, p - 40) : p]):
            return p, p, []  # prose before the table on its line
    start, labels = _back_start(folded, text, table, ls, floor)
    return ls, start, labels


def _back_start(folded: str, text: str, table: str, line_start: int, floor: int) -> tuple[int, list[str]]:
    """Walk back over lines made only of the table's header fragments.

    Returns the region start and the header labels found on the way (in text order)."""
    start = line_start
    pos = line_start
    labels: list[list[str]] = []
    for _ in range(_MAX_BACK_LINES):
        if pos <= floor:
            break
        prev_end = pos - 1
        prev_start = max(_line_start(folded, prev_end), floor)
        if prev_end - prev_start > LONG_LINE:
            break  # prose, not a header line
        toks = line_tokens(folded, prev_start, prev_end, text)
        pos = prev_start
        if not toks:
            continue
        if all(t.kind == BLANK or (t.kind == LABEL and is_known_header(table, t)) for t in toks):
            start = toks[0].start
            labels.append([t.text for t in toks if t.kind == LABEL])
            continue
        break
    return start, [label for line in reversed(labels) for label in line]
