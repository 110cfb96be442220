"""Cutting the lines of a table into tokens: labels, values and blank cells.

One cell per line, Markdown/pipe and tab-separated rows, rows separated by
spaces, labels with their values glued on (a crawled page:
``规章000行政规范性文件417``), page numbers inside a table (dropped). A line
longer than :data:`LONG_LINE` (a whole page on one line) is cut into pieces
as it is read, so a table parser that stops early never tokenises the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A run of digits glued into a label: a cell value unless it is a list number
# (1.属于…, 2、…) or part of a date or a count in prose (2022年, 3条).
_DIGIT_RUN = re.compile(r"\d+(?:\.\d+)?")
_GLUE_LEFT = re.compile(r"[\u4e00-\u9fff)）\]】”\"]")
_GLUE_RIGHT = re.compile(r"[\u4e00-\u9fff(（\[【“\"]")
_HAS_DIGIT = re.compile(r"\d")
_NUMBERING_AFTER = re.compile(r"[.、][^\d\s]")
_UNIT_AFTER = re.compile(r"[年月日号时分秒条件个次份项人万元%]")
_PAGE_NUMBER = re.compile(
    r"^\s*[-—–]\s*\d{1,4}\s*[-—–]\s*$|^\s*第\s*\d{1,4}\s*页(?:\s*[,/共]\s*共?\s*\d{1,4}\s*页)?\s*$"
)
_PINYIN_IN_LABEL = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
_NUMBER_RE = re.compile(r"([+-]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:件|个|条|次|份|项|人次|万元|元)?")
_MISSING = frozenset({"/", "//", "-", "--", "—", "——", "–", "无", "空", "\\"})
_MD_SEPARATOR = re.compile(r"^[\s|:\-+=]*$")
_SEPARATOR_RE = re.compile(r"[|\t]")
_WORD_RE = re.compile(r"\S+")
_SPACE_RE = re.compile(r"\s+")

LABEL, VALUE, BLANK = 0, 1, 2  # Token.kind


@dataclass(slots=True)
class Token:
    """A label (its compact text), a value (as printed) or a blank cell, with its span."""

    kind: int
    start: int
    end: int
    text: str  # compact label text, or the raw value
    line_has_label: bool = False
    words: tuple[str, ...] = ()  # a label's white-space separated words (folded)


def _compact_label(folded: str, start: int, end: int) -> str:
    s = folded[start : min(end, start + 400)]
    if " " in s or "\n" in s or "\r" in s:
        s = _SPACE_RE.sub("", s)
    if "(" in s:
        s = _PINYIN_IN_LABEL.sub("", s)
    return s


def _label(folded: str, start: int, end: int, alone: bool = False) -> Token:
    raw = folded[start:end]
    return Token(
        LABEL, start, end, _compact_label(folded, start, end), alone, tuple(raw.split()) if not alone else (raw,)
    )


def line_tokens(folded: str, ls: int, le: int, text: str) -> list[Token]:
    """Tokens of one line ``folded[ls:le]`` (``text`` is the original, for its tabs)."""
    line = folded[ls:le]
    word = line.strip()
    if not word or (len(word) < 16 and _PAGE_NUMBER.match(word)):
        return []  # a page number (- 4 -, 第 4 页) inside a table that runs over pages
    if " " not in word and "|" not in word and "\t" not in text[ls:le]:  # fast path: one word
        ws = ls + line.index(word[0])
        return _word_tokens(folded, ws, ws + len(word), word)
    pipe = "|" in line
    if pipe and _MD_SEPARATOR.match(line):
        return []
    pieces: list[tuple[int, int]] = []
    raw = text[ls:le]
    if pipe or "\t" in raw:
        pos = ls
        for m in _SEPARATOR_RE.finditer(raw):
            pieces.append((pos, ls + m.start()))
            pos = ls + m.end()
        pieces.append((pos, le))
        if pipe:
            # the text before the first pipe and after the last one is a cell only if not blank
            if pieces and not folded[pieces[0][0] : pieces[0][1]].strip():
                pieces = pieces[1:]
            if pieces and not folded[pieces[-1][0] : pieces[-1][1]].strip():
                pieces = pieces[:-1]
    else:
        pieces.append((ls, le))
    toks: list[Token] = []
    for ps, pe in pieces:
        words = [(m.start() + ps, m.end() + ps) for m in _WORD_RE.finditer(folded[ps:pe])]
        if not words:
            if pipe:  # an empty cell between pipes
                toks.append(Token(BLANK, ps, max(pe, ps + 1) if pe > ps else min(ps + 1, le), ""))
            continue
        label_start = label_end = -1
        for ws, we in words:
            w = folded[ws:we]
            kind = _word_kind(w)
            if kind == LABEL:
                glued = _glued_values(w) if _HAS_DIGIT.search(w) else None
                if glued:
                    pos = 0
                    for a, b in glued:
                        if a > pos:
                            label_start = ws + pos if label_start < 0 else label_start
                            label_end = ws + a
                        if label_start >= 0:
                            toks.append(_label(folded, label_start, label_end))
                            label_start = -1
                        toks.append(Token(VALUE, ws + a, ws + b, w[a:b]))
                        pos = b
                    if pos < len(w):
                        label_start, label_end = ws + pos, we
                    continue
                if label_start < 0:
                    label_start = ws
                label_end = we
                continue
            if label_start >= 0:
                toks.append(_label(folded, label_start, label_end))
                label_start = -1
            toks.append(Token(kind, ws, we, w if kind == VALUE else ""))
        if label_start >= 0:
            toks.append(_label(folded, label_start, label_end))
    has_label = any(t.kind == LABEL for t in toks)
    for t in toks:
        t.line_has_label = has_label
    return toks


def _word_tokens(folded: str, ws: int, we: int, w: str) -> list[Token]:
    """Tokens of a line that is one word."""
    kind = _word_kind(w)
    if kind != LABEL:
        return [Token(kind, ws, we, w if kind == VALUE else "")]
    glued = _glued_values(w) if _HAS_DIGIT.search(w) else None
    if not glued:
        return [_label(folded, ws, we, True)]
    toks: list[Token] = []
    pos = 0
    for a, b in glued:
        if a > pos:
            toks.append(_label(folded, ws + pos, ws + a, True))
        toks.append(Token(VALUE, ws + a, ws + b, w[a:b], True))
        pos = b
    if pos < len(w):
        toks.append(_label(folded, ws + pos, we, True))
    return toks


def _glued_values(w: str) -> list[tuple[int, int]] | None:
    """Spans of the cell values run into the label word ``w``
    (``规章000行政规范性文件417``, ``00000002.其他法律…``), or None.

    A digit run next to a letter (IPv6, 5G), part of a date or a prose count
    (2022年, 3条) or a list number (1.属于…) stays in the label; a run ending in
    a list number (``00000002.其他``) gives the number to the label after it."""
    out: list[tuple[int, int]] = []
    n = len(w)
    for m in _DIGIT_RUN.finditer(w):
        a, b = m.start(), m.end()
        if b - a > _MAX_VALUE or (a and not _GLUE_LEFT.match(w, a - 1)):
            continue
        if b < n:
            if _NUMBERING_AFTER.match(w, b):
                b -= 1  # the last digit numbers the next label
                if b <= a or "." in w[a:b]:
                    continue
            elif w[b] == "年" and b - a > 4 and w[b - 4 : b - 2] in ("19", "20"):
                b -= 4  # 0000000000000002023年: the cells, then a year opening the next sentence
            elif _UNIT_AFTER.match(w, b) or not _GLUE_RIGHT.match(w, b):
                continue
        out.append((a, b))
    return out or None


_MAX_VALUE = 64  # a longer digit run is no row of a table (seven cells of nine digits at most)


def _word_kind(w: str) -> int:
    if w in _MISSING:
        return BLANK
    if len(w) <= _MAX_VALUE and _NUMBER_RE.fullmatch(w):
        return VALUE
    return LABEL


def _lines_from(folded: str, pos: int, limit: int) -> Iterator[tuple[int, int]]:
    n = min(len(folded), limit)
    while pos < n:
        nl = folded.find("\n", pos, n)
        end = n if nl < 0 else nl
        yield pos, end
        pos = end + 1


LONG_LINE = 2000  # a longer line (a crawled page on one line) is tokenised piece by piece, as it is read
_NOT_DIGIT = re.compile(r"\D")
_PIECE_CUT = re.compile(r"\d(?=[^\d\s.,、])|\s")  # after a value, before the label that follows it


def tokens_from(folded: str, pos: int, ignore: list[tuple[int, int]], text: str) -> Iterator[Token]:
    for ls, le in _lines_from(folded, pos, len(folded)):
        if ignore and any(s <= ls < e for s, e in ignore):
            continue
        if le - ls <= LONG_LINE or "|" in folded[ls : ls + LONG_LINE] or "\t" in text[ls : ls + LONG_LINE]:
            yield from line_tokens(folded, ls, le, text)
            continue
        # A table parser stops after a few tokens past its table: never tokenise a whole long line up front.
        start = ls
        while start < le:
            cut = min(le, start + LONG_LINE // 2)
            if cut < le:
                m = _PIECE_CUT.search(folded, cut, min(le, cut + 400))
                if m is None:  # never cut a run of digits in two: it would read as two values
                    m = _NOT_DIGIT.search(folded, cut, le)
                    cut = m.start() if m else le
                else:
                    cut = m.end()
            for tok in line_tokens(folded, start, cut, text):
                tok.line_has_label = True  # a piece of a line that holds labels
                yield tok
            start = cut


def parse_number(raw: str) -> int | float | None:
    m = _NUMBER_RE.fullmatch(raw)
    if not m:
        return None
    sign, digits = m.group(1), m.group(2).replace(",", "")
    value: int | float = float(digits) if "." in digits else int(digits)
    return -value if sign == "-" else value
