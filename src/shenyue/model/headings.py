"""Headings: where the sections of a report start.

:func:`find_headings` reads line starts (numbered, bracketed, Markdown and bare titles, a title
wrapped onto the next line by a PDF); :func:`find_midline_headings` finds titles in the middle of
a page flattened into one line or glued to a table's last cell; :func:`find_inline_parts` splits
work summaries into their numbered parts. Table row labels are never headings. The number of title
matches per document is bounded (hostile repetition stays linear).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from shenyue.model.report import SECTION_KEYS, Span
from shenyue.model.section_titles import (
    _PLAIN_TITLES,
    _STRIP_FOR_COMPARE,
    _TITLE_START,
    _WINDOW,
    EXPECTED_NUMERAL,
    NUMERALS,
    STANDARD_TITLES,
    TABLE_ROW_LABEL,
    _compact_folded,
    _is_standard,
    compact,
    is_legacy_title,
    match_key,
    match_title,
)
from shenyue.model.text import fold, iter_lines, strip_span

_NUMBERED = re.compile(r"^[\s#*>]*(?:第\s*)?([一二三四五六七八九十]{1,3})\s*(?:[、,.]|部分)\s*")


_PAREN = re.compile(r"^[\s#*>]*[(]\s*([一二三四五六七八九十]{1,3})\s*[)]\s*")


_MARKDOWN = re.compile(r"^\s*(#{1,6})\s*(\S.*)$")


_INLINE = re.compile(r"([一二三四五六七八九十]{1,2})\s*[、.]\s*")  # 一、 or 一． (folded to 一.)


_INLINE_PAREN = re.compile(r"[(]\s*([一二三四五六七八九十]{1,2})\s*[)]\s*")  # （一） folded


_TITLE_STOP = re.compile(r"[。:;,，：；]|\s{2,}")


_PART_STOP = re.compile(r"[。:;,，：；()（）!?！？]|\s{2,}|\d|一是|首先")  # where a part's title ends


_SENTENCE_END = "。；;！!？?」”)）]】:：\n"


_MAX_HEADING_LINE = 50  # a longer numbered line is a paragraph, unless its start is a canonical title


_WRAPPED_HEADING_LINE = 30  # a numbered line this short may continue on the next line (PDF wrapping)


_PLAIN_HEADING_LINE = 30  # an un-numbered line this short may be a bare title (总体情况)


_HEADING_START = set(NUMERALS + "#*>(第")  # how a longer heading line starts (folded)


_NON_SPACE = re.compile(r"\S")


_MAX_INLINE_TITLES = 60


_MAX_TITLE_MATCHES = 2000  # title matches per document and finder (a report needs a few dozen)


@dataclass(slots=True)
class Heading:
    start: int  # where the heading begins (numbering included)
    end: int  # where the heading's title ends
    title: str
    numeral: str | None
    level: str  # "numbered", "paren", "markdown", "plain"
    key: str | None = None
    score: float = 0.0
    standard: bool = True
    line_end: int = 0  # end of the line holding the heading
    legacy: bool = False  # a title of the pre-2019 format (一、概述 …)
    inline: bool = False  # found inside a line (a flattened page), not at a line start


def _in_regions(pos: int, regions: list[Span]) -> bool:
    for r in regions:  # a loop, not any() over a generator: asked for most lines of every report
        if r.start <= pos < r.end:
            return True
    return False


def _title_end(folded: str, start: int, end: int) -> int:
    """End of a heading title that may be followed by body text on the same line."""
    if end - start <= _MAX_HEADING_LINE:
        return end
    m = _TITLE_STOP.search(folded, start, min(end, start + 40))
    return m.start() if m else min(end, start + 40)


def find_headings(
    text: str, table_regions: list[Span], folded: str | None = None, chrome: list[Span] | None = None
) -> list[Heading]:
    """Every heading-like line of the text, top level and second level.

    A line inside a table region is a heading only when it is numbered and names a
    canonical section (a section title right after a table's last row): outright,
    or fuzzily with the section's own numeral.
    Nothing in ``chrome`` (page furniture, a crawler's header) is a heading.
    """
    folded = fold(text) if folded is None else folded
    chrome = chrome or []
    headings: list[Heading] = []
    covered = 0  # end of a title wrapped onto following lines
    budget, plain_budget = _MAX_TITLE_MATCHES, 10 * _MAX_TITLE_MATCHES
    for start, end in iter_lines(text):
        if start == end or start < covered:
            continue
        s, e = strip_span(text, start, end)
        if s >= e or e - s > _PLAIN_HEADING_LINE and folded[s] not in _HEADING_START:
            continue  # a paragraph: a heading line is short or starts with its numbering
        if folded[s] == "|" or chrome and _in_regions(s, chrome):
            continue
        in_table = _in_regions(start, table_regions)
        # numbered, bracketed and Markdown headings start (after white space) with what _HEADING_START holds
        numbering = folded[s] in _HEADING_START
        line = folded[start:end] if numbering else ""
        m = _NUMBERED.match(line) if numbering else None
        if m:
            numeral = m.group(1)
            t0 = start + m.end()
            if TABLE_ROW_LABEL.match(_compact_folded(folded[t0 : t0 + 12])):
                continue
            budget -= 1
            if budget < 0:
                break  # no report has this many numbered lines: bounded work on hostile input
            short = e - s <= _WRAPPED_HEADING_LINE and not _TITLE_STOP.search(folded, t0, e)
            # a short line may hold only the start of a title that a PDF wrapped onto the next line
            match = match_title(folded[t0 : t0 + _WINDOW] if short else folded[t0:e])
            if in_table and match.score < 100 and EXPECTED_NUMERAL.get(match.key) != numeral:
                continue
            if match.key is not None:
                line_end = e
                if t0 + match.length > e:  # wrapped: the title ends on a following line
                    t1 = t0 + match.length
                    nl = folded.find("\n", t1)
                    line_end = len(text) if nl < 0 else nl
                elif e - s <= _MAX_HEADING_LINE and not _TITLE_STOP.search(folded, t0 + match.length, e):
                    t1 = e  # a short line is the heading
                else:
                    t1 = t0 + match.length  # in a long line the title ends where it matched
                t1 = strip_span(text, s, t1)[1]
                covered = t1
                standard = match.score == 100 and _is_standard(_compact_folded(folded[t0:t1]), match.key)
                headings.append(
                    Heading(s, t1, text[s:t1].strip(), numeral, "numbered", match.key, match.score, standard, line_end)
                )
                continue
            if in_table:
                continue
            t1 = _title_end(folded, t0, e)
            if e - s > _MAX_HEADING_LINE or folded[s:e].rstrip().endswith("。"):
                continue  # a numbered paragraph, not a heading
            title = text[s:t1].strip()
            headings.append(
                Heading(s, t1, title, numeral, "numbered", None, match.score, False, e, is_legacy_title(text[t0:t1]))
            )
            continue
        m = _PAREN.match(line) if numbering else None
        if m:
            t0 = start + m.end()
            if in_table and match_title(folded[t0:e]).score < 100:
                continue  # (一)予以公开 …: a row of table 三; a section title after the table is kept
            t1 = _title_end(folded, t0, e)
            headings.append(Heading(s, t1, text[s:t1].strip(), m.group(1), "paren", line_end=e))
            continue
        if in_table:
            continue
        m = _MARKDOWN.match(line) if numbering else None
        if m:
            title = m.group(2).strip("#* ")
            key, score, standard = match_key(title)
            if key is not None and len(compact(title)) > len(STANDARD_TITLES[key]) + 10:
                key, score, standard = None, 0.0, False  # a long Markdown heading that merely starts like a title
            headings.append(Heading(s, e, text[s:e].strip(), None, "markdown", key, score, standard, e))
            continue
        if (
            4 <= e - s <= _PLAIN_HEADING_LINE
            and "\u4e00" <= folded[s] <= "\u9fff"
            and folded[e - 1] not in "。."
            and plain_budget > 0
        ):
            plain_budget -= 1
            key = _plain_title(folded[s:e])
            if key is not None:
                headings.append(Heading(s, e, text[s:e].strip(), None, "plain", key, 90.0, False, e))
    return headings


@lru_cache(maxsize=16384)  # reports repeat their short lines (the tables' labels): each is compared once
def _plain_title(line: str) -> str | None:
    """The section an un-numbered short line (folded) reads as, when it reads as a standard title (总体情况)."""
    c = _STRIP_FOR_COMPARE.sub("", _compact_folded(line))
    best = process.extractOne(c, _PLAIN_TITLES, scorer=fuzz.ratio, score_cutoff=85)
    return SECTION_KEYS[best[2]] if best is not None else None


_WRAPPED_TITLE = 24  # a line that ends this soon after a numbered title's start may have cut the title


def find_midline_headings(
    text: str, table_regions: list[Span], found: set[str], folded: str | None = None, chrome: list[Span] | None = None
) -> list[Heading]:
    """Canonical headings inside lines: a web page flattened into one line, a heading
    glued to the digits of a table's last cell (``…行政事业性收费0三、收到和处理…``)
    or right after a table row label that starts with the same numeral
    (``四、结转下年度继续办理0000000四、政府信息公开行政复议…``).

    A heading is recognised by its title wherever it stands, inside a table region
    too (a region that runs on over the heading after the table's last row); a
    fuzzy match (a typo) needs the section's own numeral. Of titles quoted out of order (a text that cites
    六、… before 三、…) only the longest run in the format's order is kept.
    """
    if len(found) == len(SECTION_KEYS):
        return []
    folded = fold(text) if folded is None else folded
    result: list[Heading] = []
    if "、" not in folded and "." not in folded:
        return result
    budget = _MAX_TITLE_MATCHES
    for m in _INLINE.finditer(folded):
        pos, t0 = m.start(), m.end()
        if t0 >= len(folded) or folded[t0] not in _TITLE_START:
            continue  # cheap: what follows cannot open a section title
        budget -= 1
        if budget < 0:
            break  # no report quotes titles this often: bounded work on hostile input
        if pos > 0 and folded[pos - 1] in NUMERALS:
            continue  # part of a longer numeral run
        line_start = folded.rfind("\n", 0, pos) + 1
        if not _NON_SPACE.search(folded, line_start, pos):
            continue  # at the start of a line: handled by find_headings
        if chrome and _in_regions(pos, chrome):
            continue
        numeral = m.group(1)
        line_end = folded.find("\n", t0, t0 + _WINDOW)
        line_end = t0 + _WINDOW if line_end < 0 else line_end
        window_end = line_end
        if line_end < len(folded) and line_end - t0 < _WRAPPED_TITLE:
            # a title cut by a hard line wrap (四、政府信息公开行政复议 / 、行政诉讼情况) runs on into the next line
            nxt = folded.find("\n", line_end + 1, line_end + 1 + _WINDOW)
            window_end = min(len(folded), line_end + 1 + _WINDOW if nxt < 0 else nxt)
        match = match_title(folded[t0:window_end])
        if match.key is None or match.key in found:
            continue
        if match.score < 100 and EXPECTED_NUMERAL.get(match.key) != numeral:
            continue  # a title matched only fuzzily needs the section's own numeral
        t1 = t0 + match.length
        if t1 > line_end:  # the title ends on the next line
            line_end = window_end
        result.append(
            Heading(
                pos,
                t1,
                text[pos:t1].strip(),
                numeral,
                "numbered",
                match.key,
                match.score,
                match.standard,
                line_end,
                inline=True,
            )
        )
    if len(result) > _MAX_INLINE_TITLES:  # a text quoting titles over and over: the first of each
        seen: set[str] = set()
        result = [h for h in result if h.key not in seen and not seen.add(h.key)]
    result = _in_format_order(result)
    found.update(h.key for h in result)
    return result


def _in_format_order(headings: list[Heading]) -> list[Heading]:
    """The longest subsequence (by position) whose keys strictly follow the format's order."""
    if len(headings) < 2:
        return headings
    order = [SECTION_KEYS.index(h.key) for h in headings]
    best = [1] * len(headings)
    prev = [-1] * len(headings)
    for i in range(len(headings)):
        for j in range(i):
            if order[j] < order[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = max(range(len(headings)), key=lambda k: (best[k], -k))
    chosen = []
    while i >= 0:
        chosen.append(headings[i])
        i = prev[i]
    return chosen[::-1]


def find_inline_parts(
    text: str, folded: str | None = None, start: int = 0, chrome: list[Span] | None = None
) -> list[Heading]:
    """The numbered parts 一、二、三… of a work summary written on one line
    (or, when it has none, its parts （一）（二）（三）…).

    Only the sequence counts: after 一 comes 二, and a 二 must follow the end of a
    sentence, so 统一、规范 or 举一反三、 never start a part. The first part may be
    glued to the title before it (``…工作要点落实情况一、加强公开解读…``).
    """
    folded = fold(text) if folded is None else folded
    return _parts(text, folded, start, chrome, _INLINE, "numbered") or _parts(
        text, folded, start, chrome, _INLINE_PAREN, "paren"
    )


def _parts(
    text: str, folded: str, start: int, chrome: list[Span] | None, marker: re.Pattern, level: str
) -> list[Heading]:
    cands: list[tuple[int, int, str, bool]] = []  # (pos, title start, numeral, after a sentence end)
    for m in marker.finditer(folded, start):
        pos = m.start()
        if pos > 0 and folded[pos - 1] in NUMERALS + "第" or chrome and _in_regions(pos, chrome):
            continue
        before = folded[pos - 1] if pos > 0 else "\n"
        cands.append((pos, m.end(), m.group(1), before in _SENTENCE_END or before.isspace()))
    parts: list[Heading] = []
    expected = 0
    firsts = [c for c in cands if c[2] == NUMERALS[0]]
    seconds = [c for c in cands if c[2] == NUMERALS[1] and c[3]]
    if not firsts or not seconds:
        return []
    # part 一: after a sentence end if one comes before the first 二, else the first 一、 with a short title
    limit = seconds[0][0]
    first = next((c for c in firsts if c[3] and c[0] < limit), None)
    if first is None:
        first = next((c for c in firsts if c[0] < limit and _part_title_len(folded, c[1]) >= 2), None)
    if first is None:
        return []
    for c in cands:
        if c[0] < first[0]:
            continue
        if c is not first and not c[3]:
            continue
        if expected >= len(NUMERALS) or c[2] != NUMERALS[expected]:
            continue
        n = _part_title_len(folded, c[1])
        if n < 2:
            continue
        t1 = c[1] + n
        line_end = folded.find("\n", c[1])
        line_end = len(text) if line_end < 0 else line_end
        title = text[c[0] : t1].strip()
        legacy = is_legacy_title(text[c[1] : t1])
        parts.append(Heading(c[0], t1, title, c[2], level, None, 0.0, False, line_end, legacy, True))
        expected += 1
    return parts if len(parts) >= 2 else []


def _part_title_len(folded: str, t0: int) -> int:
    """Characters of a part title at ``t0``: up to a stop (punctuation, bracket, digit), at most 20."""
    m = _PART_STOP.search(folded, t0, t0 + 21)
    n = (m.start() if m else min(len(folded), t0 + 20)) - t0
    nl = folded.find("\n", t0, t0 + n)
    return nl - t0 if nl >= 0 else n
