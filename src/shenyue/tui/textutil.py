"""Text helpers for the app: safe display text, CJK-aware wrapping, fuzzy matching.

Report text is untrusted. :func:`display_text` replaces every terminal
control character one for one, so offsets into the report text stay valid
for the displayed string. Nothing here imports Textual.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from rich.cells import get_character_cell_size

# C0 and C1 controls, DEL, and the Unicode bidi/format controls that can
# reorder or hide text on a terminal ("Trojan source").
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_TAB_CR_RE = re.compile("[\t\r]")


def display_text(text: str) -> str:
    """``text`` with control characters replaced 1:1 (newlines kept).

    Tabs and carriage returns become spaces; every other control becomes
    ``?``. ``len(display_text(s)) == len(s)`` always.
    """
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub("?", text)
    if "\t" in text or "\r" in text:
        text = _TAB_CR_RE.sub(" ", text)
    return text


HIDDEN = "\u200b"  # a character of the text drawn as nothing (a joined line break); zero cells wide
_WORD_END = re.compile(r"[A-Za-z0-9]")


def reflow(text: str, joins) -> str:
    """``text`` with the ``joins`` spans (a wrapped line's break and the white space around it)
    hidden one for one, so wrapping flows the paragraph on; between two ASCII word characters
    the first becomes a space. ``len(reflow(s, j)) == len(s)`` always."""
    if not joins:
        return text
    chars = list(text)
    n = len(chars)
    for a, b in joins:
        a, b = max(0, a), min(n, b)
        if b <= a:
            continue
        chars[a:b] = HIDDEN * (b - a)
        if 0 < a and b < n and _WORD_END.match(text[a - 1]) and _WORD_END.match(text[b]):
            chars[a] = " "
    return "".join(chars)


def one_line(text: str) -> str:
    """Display text for a single-line cell (newlines become spaces)."""
    return display_text(text).replace("\n", " ")


@lru_cache(maxsize=4096)
def _width(ch: str) -> int:
    return get_character_cell_size(ch)


def cell_width(text: str) -> int:
    return sum(_width(ch) for ch in text)


def fit(text: str, width: int, ellipsis: str | None = None) -> str:
    """``text`` cut to ``width`` cells (with an ellipsis when cut, by default the glyph set's), padded with spaces."""
    if ellipsis is None:
        from shenyue.tui.glyphs import glyphs

        ellipsis = glyphs().ellipsis
    if width <= 0:
        return ""
    used = 0
    out = []
    for ch in text:
        w = _width(ch)
        if used + w > width:
            # make room for the ellipsis
            while out and used + 1 > width:
                used -= _width(out.pop())
            out.append(ellipsis)
            used += 1
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


# Characters a line should not start with (a light form of Chinese kinsoku).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…%,.;:?!)]}·—～")
_WORD_CHARS = re.compile(r"[A-Za-z0-9_.%\-]")


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Visual lines of ``text`` wrapped at ``width`` cells, as (start, end) offsets.

    Newlines end a line (the newline itself belongs to no line). Wide
    characters never straddle the edge; ASCII words are not split when they
    fit on a line; a line does not start with closing punctuation when the
    previous character can move down with it.
    """
    width = max(2, width)
    lines: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        _wrap_one(text, pos, end, width, lines)
        if nl < 0:
            break
        pos = nl + 1
    return lines


def _wrap_one(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    if start == end:
        out.append((start, end))
        return
    line_start = start
    used = 0
    i = start
    while i < end:
        w = _width(text[i])
        if used + w <= width:
            used += w
            i += 1
            continue
        # text[i] does not fit: break before it, adjusting the break point
        brk = i
        ch = text[i]
        if ch in _NO_LINE_START and brk - line_start >= 2:
            brk -= 1  # carry the previous character down with the punctuation
        elif _WORD_CHARS.match(ch) and brk > line_start and _WORD_CHARS.match(text[brk - 1]):
            j = brk
            while j > line_start and _WORD_CHARS.match(text[j - 1]):
                j -= 1
            if j > line_start:
                brk = j
        if brk <= line_start:  # a single character wider than the line
            brk = i + 1 if i == line_start else i
        end_of_line = brk
        while end_of_line > line_start + 1 and text[end_of_line - 1] == " ":
            end_of_line -= 1  # spaces at a break are not drawn
        out.append((line_start, end_of_line))
        line_start = brk + 1 if (brk < end and text[brk] == " ") else brk  # a space at the break is not drawn
        i = line_start
        used = 0
    out.append((line_start, end))


def line_of(lines: list[tuple[int, int]], offset: int) -> int:
    """Index of the visual line holding ``offset`` (clamped)."""
    if not lines:
        return 0
    starts = [a for a, _ in lines]
    return max(0, min(len(lines) - 1, bisect_right(starts, offset) - 1))


def fuzzy_score(query: str, *candidates: str) -> float:
    """How well ``query`` matches the best of ``candidates`` (0 = not at all).

    Every character of the query must appear in order (a subsequence, case
    folded); contiguous runs and early matches score higher. Chinese unit
    names are matched character by character, so 长征 finds 忻府区长征街街道.
    """
    q = query.casefold().replace(" ", "")
    if not q:
        return 1.0
    best = 0.0
    for cand in candidates:
        if not cand:
            continue
        c = cand.casefold()
        if q in c:
            best = max(best, 100.0 - c.index(q) * 0.1 + len(q))
            continue
        score = _subsequence_score(q, c)
        best = max(best, score)
    return best


def _subsequence_score(q: str, c: str) -> float:
    pos = 0
    score = 0.0
    run = 0
    for ch in q:
        found = c.find(ch, pos)
        if found < 0:
            return 0.0
        run = run + 1 if found == pos and pos > 0 else 1
        score += run
        pos = found + 1
    return 10.0 + score
