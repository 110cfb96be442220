"""PDF reading, steps 2 and 3: fragments into lines, and page furniture.

Fragments on one baseline form a :class:`_Line` of segments (a gap wider than about a character
splits it); :func:`_mark_chrome` marks the repeated headers, footers and page numbers of the pages
(:class:`_Page`) as chrome. Used by pdf.py (see its docstring for the whole pipeline).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from shenyue.reading.pdf_chars import _Frag

# ---------------------------------------------------------------- lines


@dataclass(slots=True)
class _Seg:
    x0: float
    x1: float
    text: str


@dataclass(slots=True)
class _Line:
    y: float
    h: float
    segs: list[_Seg]
    grid: bool = False  # a row of a ruled table, its segments are its cells

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def x1(self) -> float:
        return self.segs[-1].x1

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segs)


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’]")


def _glue(a: str, b: str, gap: float, h: float) -> str:
    """Join two fragments of one segment, with a space where the page shows one."""
    if not a:
        return b
    cjk = bool(_CJK.match(a[-1]) or _CJK.match(b[0]))
    if a[-1] == " " or b[0] == " ":
        return a + b
    if gap > (0.6 if cjk else 0.2) * h:
        return a + " " + b
    return a + b


def _lines(frags: list[_Frag]) -> list[_Line]:
    """Fragments grouped by baseline, top to bottom; each line split into segments at wide gaps."""
    if not frags:
        return []
    frags.sort(key=lambda f: (-f.y, f.x0))
    rows: list[list[_Frag]] = []
    row_y = row_h = 0.0
    for f in frags:
        if rows and abs(f.y - row_y) <= 0.45 * min(f.h, row_h):
            rows[-1].append(f)
        else:
            rows.append([f])
            row_y, row_h = f.y, f.h
    lines = []
    for row in rows:
        row.sort(key=lambda f: f.x0)
        # Drop the second copy of text drawn twice for a bold effect.
        deduped: list[_Frag] = []
        for f in row:
            if deduped and f.text == deduped[-1].text and abs(f.x0 - deduped[-1].x0) < 0.3 * f.h:
                continue
            deduped.append(f)
        h = Counter(round(f.h, 1) for f in deduped).most_common(1)[0][0]
        segs: list[_Seg] = []
        for f in deduped:
            if segs and f.x0 - segs[-1].x1 < 0.8 * h:
                last = segs[-1]
                last.text = _glue(last.text, f.text, f.x0 - last.x1, h)
                last.x1 = max(last.x1, f.x1)
            else:
                segs.append(_Seg(f.x0, f.x1, f.text))
        for s in segs:
            s.text = " ".join(s.text.split()) if not _CJK.search(s.text) else s.text.strip()
        segs = [s for s in segs if s.text]
        if segs:
            lines.append(_Line(row[0].y, h, segs))
    return lines


# ---------------------------------------------------------------- page furniture

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~～·•]\s*\d{1,4}\s*[-—–－~～·•]"
    r"|\d{1,4}"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)\s*$",
    re.I,
)


_BAND = 0.12  # top and bottom share of the page where headers and footers live


_EDGE_LINES = 3  # at most this many lines at each edge of a page are considered


@dataclass(slots=True)
class _Page:
    number: int
    box: tuple[float, float, float, float]
    lines: list[_Line]
    chrome: dict[int, str] = field(default_factory=dict)  # line index -> span kind
    quality: Counter = field(default_factory=Counter)  # character classes of the page (garbled-text test)


def _signature(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _mark_chrome(pages: list[_Page]) -> None:
    """Page numbers, and header/footer lines repeated on other pages."""
    candidates: list[tuple[_Page, int, str]] = []  # (page, line index, "top"/"bottom")
    for page in pages:
        _, bottom, _, top = page.box
        height = max(top - bottom, 1.0)
        n = len(page.lines)
        for i in list(range(min(_EDGE_LINES, n))) + list(range(max(n - _EDGE_LINES, 0), n)):
            line = page.lines[i]
            if line.y >= top - _BAND * height and i < _EDGE_LINES:
                candidates.append((page, i, "top"))
            elif line.y <= bottom + _BAND * height and i >= n - _EDGE_LINES:
                candidates.append((page, i, "bottom"))
    counts: Counter[tuple[str, str]] = Counter()
    for band, _number, sig in {(band, page.number, _signature(page.lines[i].text)) for page, i, band in candidates}:
        counts[(band, sig)] += 1
    need = 2 if len(pages) <= 4 else max(2, round(0.3 * len(pages)))
    for page, i, band in candidates:
        text = page.lines[i].text
        if _PAGE_NUMBER.match(text):
            page.chrome[i] = "page-number"
        elif len(pages) > 1 and counts[(band, _signature(text))] >= need and len(text) <= 120:
            page.chrome[i] = "page-header" if band == "top" else "page-footer"
