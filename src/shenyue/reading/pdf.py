"""PDF files with a text layer, read with pypdfium2 (PDFium).

Why PDFium: measured by benchmarks/pdf_libs.py on a real 6-page report and on
generated reports with ruled tables, PDFium gives every character with its
box about 10x faster than pypdf's text-state machine gave its strings, and
pdfplumber (pdfminer.six) is slower than both. PDFium also gives the ruling
lines of tables. Positions come from PDFium; the layout (lines, columns,
tables, page furniture, paragraphs) is worked out here:

1. every character shown on a page becomes a fragment with x0, x1, baseline y
   and font height (runs of adjacent characters are merged); rotated
   watermarks are dropped; a page where PDFium left strings out (glyphs it
   cannot measure: a one-character string in a font that is not embedded, on
   a machine without CJK fonts) takes its strings from pypdf (pdf_pypdf.py);
2. fragments on one baseline form a line; a gap wider than about one character
   splits a line into segments (table cells, or the two columns of a page);
3. lines in the top and bottom bands that repeat on other pages (digits
   ignored) are page headers and footers, and "-1-", "第 1 页 共 9 页", "1/9"
   are page numbers: they stay in the text, as chrome spans;
4. a ruled table (horizontal and vertical rules that meet) is read cell by
   cell: every character goes to the ruled cell around it, so a label wrapped
   over three lines stays one cell, and a merged cell (三、本年度办理结果 down
   the left column) opens the first row it spans, like an HTML rowspan;
   each row of cells is one line ``| a | b | c |``;
5. a vertical gutter crossed by no line, with column-wide text on both sides,
   makes a two-column block: the left column is read before the right one;
6. consecutive lines with several segments (tables without rules) are table
   rows too; a row label wrapped onto a second line joins its cell;
7. wrapped lines of one paragraph are joined (also across a page break, the
   page furniture then follows the paragraph), so a sentence is never cut by
   a line end;
8. a text layer that is not text (fonts without a Unicode map give
   ``¿”¿¡fl‹…`` or private-use codes) is reported as needing OCR.
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shenyue.reading.base import (
    SNIFF_NAMES,
    Extracted,
    ReadError,
    Span,
    cached_extract,
    check_text,
    sniff,
    strip_controls,
)

# The reader version is part of the cache key (``<sha256>.pdf.v<VERSION>.json``):
# bump it when the extracted text changes, so cached results are rebuilt. v1
# was the pypdf reader; its cached text is never served by this one.
VERSION = 3
CACHE_KIND = "pdf"
DEFAULT_MAX_PAGES = 200
MIN_TEXT_CHARS = 20  # fewer visible characters than this (outside page furniture): no text layer


def extract(data: bytes, path: Path, *, max_pages: int | None = None, use_cache: bool = True) -> Extracted:
    """Text of a PDF; raises ReadError for encrypted, scanned, garbled, damaged or oversized files."""
    kind = sniff(data)
    if kind != "pdf":
        if kind is not None:
            raise ReadError("wrong_extension", ext=path.suffix.lower() or "(none)", actual=SNIFF_NAMES[kind])
        raise ReadError("corrupt_container", detail="no PDF header")
    limit = max_pages or DEFAULT_MAX_PAGES

    def check(hit: Extracted) -> None:
        if hit.pages > limit:
            raise ReadError("too_many_pages", pages=hit.pages, limit=limit)

    from shenyue.reading import ocr

    kind = CACHE_KIND + (".ocr" if ocr.available() else "")  # scanned pages are read only with the OCR extra
    return cached_extract(kind, VERSION, data, lambda: _extract(data, limit), check=check, use_cache=use_cache)


def _extract(data: bytes, limit: int) -> Extracted:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise ReadError("pdf_encrypted") from None
        raise ReadError("corrupt_container", detail=str(exc) or type(exc).__name__) from None
    try:
        count = len(pdf)
        if count == 0:
            raise ReadError("corrupt_container", detail="the PDF has no pages")
        if count > limit:
            raise ReadError("too_many_pages", pages=count, limit=limit)
        raw_pages: list[tuple[tuple[float, float, float, float], list[_Frag], Counter, list[_Rule]]] = []
        unmeasured: list[int] = []  # pages where PDFium left strings out
        shown = [0]  # characters on the pages so far: over the text limit, stop before placing them one by one
        for number in range(count):
            try:
                page = pdf[number]
            except pdfium.PdfiumError:
                raw_pages.append(((0.0, 0.0, 612.0, 792.0), [], Counter(), []))
                continue
            try:
                box = _page_box(page)
                frags, quality = _fragments(page, raw, shown)
                rules = _rules(page, raw)
                if _left_out_strings(page, raw):
                    unmeasured.append(number)
            except ReadError:
                raise
            except Exception:  # one damaged page must not lose the others
                frags, quality, rules = [], Counter(), []
            finally:
                page.close()
            raw_pages.append((box, frags, quality, rules))
    finally:
        pdf.close()
    if unmeasured:
        from shenyue.reading.pdf_pypdf import page_strings

        for number, strings in page_strings(data, unmeasured).items():
            box, frags, quality, rules = raw_pages[number]
            frags = [_Frag(x0, x1, y, h, _clean(text)) for x0, x1, y, h, text in strings]
            frags = [f for f in frags if f.text.strip()]
            raw_pages[number] = (box, frags, _classify(ch for f in frags for ch in f.text), rules)
    ocr_pages = _ocr(data, raw_pages)
    pages: list[_Page] = []
    for number, (box, frags, quality, rules) in enumerate(raw_pages, 1):
        frags, grid = _ruled_tables(frags, rules)
        pages.append(_Page(number, box, sorted(_lines(frags) + grid, key=lambda ln: -ln.y), quality=quality))
    _check_garbled(pages)
    result = _layout(pages)
    result.ocr_pages = ocr_pages
    return result


def _ocr(data: bytes, raw_pages: list) -> int:
    """Pages with no usable text (a scan, a garbled text layer) read by OCR (reading/ocr.py), in place.

    The recognised strings replace the page's fragments; a garbled page keeps
    its ruled tables. Returns how many pages were recognised.
    """
    empty = [n for n, (_b, _f, quality, _r) in enumerate(raw_pages) if sum(quality.values()) < MIN_TEXT_CHARS]
    garbled = [n for n, (_b, _f, quality, _r) in enumerate(raw_pages) if n not in empty and _is_garbled(quality)]
    if not empty and not garbled:
        return 0
    from shenyue.reading import ocr

    counts: Counter = Counter()
    for _b, _f, quality, _r in raw_pages:
        counts.update(quality)
    share = f"{100 * (counts['private'] + counts['latin1']) / max(1, sum(counts.values())):.0f}"
    done = ocr.page_strings(data, empty=empty, garbled=garbled, total=len(raw_pages), share=share)
    read = 0
    for number, page in done.items():
        frags = [_Frag(x0, x1, y, h, _clean(text)) for x0, x1, y, h, text in page.strings]
        frags = [f for f in frags if f.text.strip()]
        quality = _classify(ch for f in frags for ch in f.text)
        if number in garbled and quality["cjk"] < 0.2 * sum(quality.values()):
            continue  # the page shows the codes too (or OCR read no Chinese): still not text
        rules = raw_pages[number][3] if not page.rotated else []
        rules = rules or [_Rule(*rule) for rule in page.rules]  # a scan's grid, seen in its image
        raw_pages[number] = (page.box, frags, quality, rules)
        read += 1
    return read


# ---------------------------------------------------------------- fragments


@dataclass(slots=True)
class _Frag:
    x0: float
    x1: float
    y: float  # baseline, larger is higher on the page
    h: float  # font height
    text: str


def _page_box(page: Any) -> tuple[float, float, float, float]:
    try:
        left, bottom, right, top = page.get_cropbox()
        if right > left and top > bottom:
            return float(left), float(bottom), float(right), float(top)
    except Exception:
        pass
    return 0.0, 0.0, 612.0, 792.0


# Kangxi radicals and compatibility ideographs that some PDF producers map
# glyphs to: shown the same, but 文 (U+6587) and ⽂ (U+2F42) never match.
_COMPAT = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for cp in list(range(0x2F00, 0x2FD6)) + list(range(0xF900, 0xFB00))
    if len(unicodedata.normalize("NFKC", chr(cp))) == 1
}


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _clean(text: str) -> str:
    if _SURROGATE.search(
        text
    ):  # PDFium gives a character beyond U+FFFF as its UTF-16 pair: join it, a lone half is U+FFFD
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return strip_controls(text).translate(_COMPAT).replace("\u00ad", "")


def _fragments(page: Any, raw: Any, shown: list[int] | None = None) -> tuple[list[_Frag], Counter]:
    """Every character shown on the page, placed, merged into runs; and a count of character classes.
    ``shown`` counts the characters of the file so far (bounded by the text limit)."""
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        n = raw.FPDFText_CountChars(tp)
        if shown is not None:
            shown[0] += max(n, 0)
            check_text(shown[0])
        rect = raw.FS_RECTF()
        matrix = raw.FS_MATRIX()
        chars: list[tuple[str, float, float, float, float, bool]] = []  # ch, x0, x1, y, h, rotated
        get_unicode, is_generated = raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated
        get_box, get_matrix, get_size = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize
        ox, oy = ctypes.c_double(), ctypes.c_double()
        get_origin = raw.FPDFText_GetCharOrigin
        for i in range(n):
            code = get_unicode(tp, i)
            if is_generated(tp, i) == 1 or code in (10, 13):
                continue
            get_box(tp, i, rect)
            get_origin(tp, i, ox, oy)
            size = get_size(tp, i)
            if get_matrix(tp, i, matrix):
                scale = math.hypot(matrix.c, matrix.d) or 1.0
                rotated = abs(matrix.b) > 0.05 * abs(matrix.a) + 1e-9 or abs(matrix.c) > 0.05 * abs(matrix.d) + 1e-9
            else:
                scale, rotated = 1.0, False
            h = size * scale if size > 0 else rect.top - rect.bottom
            try:
                ch = chr(code)
            except (ValueError, OverflowError):
                ch = "\ufffd"
            if not rotated:
                chars.append((ch, rect.left, rect.right, oy.value, h if h > 0 else 10.0, False))
            elif matrix.b >= 0:  # text running up the page: turned upright, x is page y, y is -page x
                chars.append((ch, rect.bottom, rect.top, -ox.value, h if h > 0 else 10.0, True))
            else:  # text running down the page
                chars.append((ch, -rect.top, -rect.bottom, ox.value, h if h > 0 else 10.0, True))
    finally:
        textpage.close()
    quality = _classify(ch for ch, *_ in chars)
    # A page rotated for a wide table draws all its text rotated; elsewhere
    # rotated text is a watermark or a margin note.
    rotated = sum(1 for c in chars if c[5])
    keep_rotated = rotated > len(chars) - rotated
    frags: list[_Frag] = []
    last: _Frag | None = None
    for ch, x0, x1, y, h, rot in chars:
        if rot != keep_rotated:
            continue
        if (
            last is not None
            and abs(y - last.y) < 0.2 * h
            and -0.3 * h < x0 - last.x1 < 0.15 * h
            and abs(h - last.h) < 0.3 * h
        ):
            last.text += ch
            last.x1 = max(last.x1, x1)
            continue
        last = _Frag(x0, x1, y, h, ch)
        frags.append(last)
    out = []
    for f in frags:
        f.text = _clean(f.text)
        if f.text.strip():
            out.append(f)
    return out, quality


def _left_out_strings(page: Any, raw: Any) -> bool:
    """Whether PDFium left strings of this page out of its text: it skips a text
    object whose glyphs it cannot measure (zero width), as happens to a string of
    one CJK character in a font that is not embedded when no CJK system font is
    installed. Such a page is read with pypdf instead (pdf_pypdf.py)."""
    l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()  # noqa: E741 - PDFium's left, bottom, right, top
    try:
        handle = page.raw
        count = raw.FPDFPage_CountObjects(handle)
        for k in range(min(count, 50000)):
            obj = raw.FPDFPage_GetObject(handle, k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                if raw.FPDFPageObj_GetBounds(obj, l, b, r, t) and r.value - l.value < 1e-3:  # PDFium's own test
                    return True
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                for inner in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=4):
                    x0, y0, x1, y1 = inner.get_bounds()
                    if x1 - x0 < 1e-3:
                        return True
                return False
    except Exception:
        return False
    return False


# ---------------------------------------------------------------- garbled text layers

_PRIVATE = re.compile(r"[\ue000-\uf8ff\ufffd]")


def _classify(chars: Any) -> Counter:
    """How many characters are CJK, Latin letters, digits, private-use/unmapped, other symbols."""
    counts: Counter = Counter()
    for ch in chars:
        o = ord(ch)
        if ch.isspace():
            continue
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x2F00 <= o <= 0x2FDF:
            counts["cjk"] += 1
        elif 0xE000 <= o <= 0xF8FF or o == 0xFFFD or o < 0x20 or 0x7F <= o < 0xA0:
            counts["private"] += 1
        elif ch.isdigit():
            counts["digit"] += 1
        elif ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
            counts["ascii"] += 1
        elif 0xA0 <= o <= 0x2FF or 0x2000 <= o <= 0x206F and ch not in "“”‘’—…":
            counts["latin1"] += 1  # accented letters and typographic symbols: ¿ ” ¡ fl ‹ …
        else:
            counts["other"] += 1
    return counts


def _check_garbled(pages: list["_Page"]) -> None:
    """Raise when the text layer is not readable text: the file needs OCR.

    A Chinese report's text layer is mostly CJK characters. A font without a
    Unicode map gives its glyph codes instead: private-use characters, or
    Latin-1 letters and symbols (``¿”¿¡fl‹…``) where Chinese should be. A text
    that is mostly such codes, with hardly any CJK and little plain Latin
    text, cannot be read, whatever its length.
    """
    total: Counter = Counter()
    for page in pages:
        total.update(page.quality)
    visible = sum(total.values())
    if visible < MIN_TEXT_CHARS:
        return  # the no-text-layer check decides
    if _is_garbled(total):
        raise ReadError("pdf_garbled_text", share=f"{100 * (total['private'] + total['latin1']) / visible:.0f}")


def _is_garbled(counts: Counter) -> bool:
    """Character classes (``_classify``) of a text that is font codes, not text."""
    visible = sum(counts.values())
    junk = counts["private"] + counts["latin1"]
    plain = counts["cjk"] + counts["ascii"] + counts["digit"]
    return visible > 0 and junk >= 0.3 * visible and counts["cjk"] < 0.2 * visible and junk > plain * 0.5


# ---------------------------------------------------------------- ruled tables


@dataclass(slots=True)
class _Rule:
    horizontal: bool
    pos: float  # y of a horizontal rule, x of a vertical one
    a: float  # start along the rule
    b: float  # end along the rule


_THIN = 2.5  # a path thinner than this (pt) is a rule
_MAX_RULES = 1500  # more rules than this on a page: a drawing, not a form with tables
_MAX_CELL_FRAGS = 4000  # placing fragments in cells is fragments x rules of one table
_MIN_RULE = 6.0


def _rules(page: Any, raw: Any) -> list[_Rule]:
    """Horizontal and vertical rules drawn on the page (thin paths, and the edges of stroked boxes)."""
    rules: list[_Rule] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    try:
        objects = list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=4))
    except Exception:
        return rules
    if len(objects) > 4 * _MAX_RULES:
        return rules  # a drawing, not a table: bounded work
    for obj in objects:
        try:
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:
            continue
        w, h = x1 - x0, y1 - y0
        if h <= _THIN and w >= _MIN_RULE:
            rules.append(_Rule(True, (y0 + y1) / 2, x0, x1))
        elif w <= _THIN and h >= _MIN_RULE:
            rules.append(_Rule(False, (x0 + x1) / 2, y0, y1))
        elif w >= _MIN_RULE and h >= _MIN_RULE:
            try:
                raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
            except Exception:
                continue
            if stroke.value and raw.FPDFPath_CountSegments(obj.raw) <= 6:  # a stroked box: its four edges
                rules += [
                    _Rule(True, y0, x0, x1),
                    _Rule(True, y1, x0, x1),
                    _Rule(False, x0, y0, y1),
                    _Rule(False, x1, y0, y1),
                ]
    return rules


def _ruled_tables(frags: list[_Frag], rules: list[_Rule]) -> tuple[list[_Frag], list["_Line"]]:
    """Fragments inside ruled tables taken out and returned as table lines, one per row of cells."""
    if not frags or len(rules) < 4 or len(rules) > _MAX_RULES:
        return frags, []  # no table, or a drawing: bounded work, read as lines
    tol = 1.5
    hs = sorted((r for r in rules if r.horizontal), key=lambda r: -r.pos)
    vs = sorted((r for r in rules if not r.horizontal), key=lambda r: r.pos)
    if len(hs) < 2 or len(vs) < 2:
        return frags, []
    # Table boxes: groups of crossing rules (union of bounding boxes that touch).
    boxes: list[list[float]] = []  # x0, y0, x1, y1
    for r in hs + vs:
        x0, y0, x1, y1 = (r.a, r.pos, r.b, r.pos) if r.horizontal else (r.pos, r.a, r.pos, r.b)
        merged = [x0, y0, x1, y1]
        keep = []
        for b in boxes:
            if (
                b[0] - tol <= merged[2]
                and merged[0] <= b[2] + tol
                and b[1] - tol <= merged[3]
                and merged[1] <= b[3] + tol
            ):
                merged = [min(b[0], merged[0]), min(b[1], merged[1]), max(b[2], merged[2]), max(b[3], merged[3])]
            else:
                keep.append(b)
        keep.append(merged)
        boxes = keep
    boxes = [b for b in boxes if b[2] - b[0] > 30 and b[3] - b[1] > 10]
    if not boxes:
        return frags, []
    rest: list[_Frag] = []
    lines: list[_Line] = []
    inside: dict[int, list[_Frag]] = {}
    for f in frags:
        cx, cy = (f.x0 + f.x1) / 2, f.y + 0.3 * f.h
        k = next((i for i, b in enumerate(boxes) if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]), None)
        if k is None:
            rest.append(f)
        else:
            inside.setdefault(k, []).append(f)
    for k, members in inside.items():
        b = boxes[k]
        bh = [r for r in hs if b[0] - tol <= r.a <= b[2] + tol and b[1] - tol <= r.pos <= b[3] + tol]
        bv = [r for r in vs if b[0] - tol <= r.pos <= b[2] + tol and b[1] - tol <= r.a <= b[3] + tol]
        grid = _cells(members, bh, bv, tol)
        if grid is None:
            rest.extend(members)
        else:
            lines.extend(grid)
    return rest, lines


def _cells(frags: list[_Frag], hs: list[_Rule], vs: list[_Rule], tol: float) -> list["_Line"] | None:
    """The rows of one ruled table: each fragment goes to the ruled cell around it."""
    if len(hs) < 2 or len(vs) < 2 or len(frags) > _MAX_CELL_FRAGS:
        return None
    cells: dict[tuple[float, float, float, float], list[_Frag]] = {}
    for f in frags:
        cx, cy = (f.x0 + f.x1) / 2, f.y + 0.3 * f.h
        left = max((v.pos for v in vs if v.pos <= cx + tol and v.a - tol <= cy <= v.b + tol), default=None)
        right = min((v.pos for v in vs if v.pos >= cx - tol and v.a - tol <= cy <= v.b + tol), default=None)
        top = min((r.pos for r in hs if r.pos >= cy - tol and r.a - tol <= cx <= r.b + tol), default=None)
        bottom = max((r.pos for r in hs if r.pos <= cy + tol and r.a - tol <= cx <= r.b + tol), default=None)
        if None in (left, right, top, bottom) or right - left < 1 or top - bottom < 1:
            return None  # text across the rules: not a grid this reader understands
        cells.setdefault((round(top, 1), round(bottom, 1), round(left, 1), round(right, 1)), []).append(f)
    if len(cells) < 2:
        return None
    # Rows: cells grouped by their top; a merged cell opens the first row it spans.
    by_top: dict[float, list[tuple[float, float, str, float]]] = {}
    for (top, _bottom, left, right), members in cells.items():
        by_top.setdefault(top, []).append((left, right, _cell_text(members), max(f.h for f in members)))
    tops = sorted(by_top, reverse=True)
    # Tops closer than a rule's thickness are one row.
    rows: list[list[tuple[float, float, str, float]]] = []
    row_tops: list[float] = []
    for top in tops:
        if row_tops and row_tops[-1] - top <= tol:
            rows[-1].extend(by_top[top])
        else:
            rows.append(list(by_top[top]))
            row_tops.append(top)
    lines = []
    for top, row in zip(row_tops, rows):
        row.sort(key=lambda c: c[0])
        h = max(c[3] for c in row)
        segs = [_Seg(left, right, text) for left, right, text, _ in row if text]
        if segs:
            lines.append(_Line(top - h, h, segs, grid=True))
    return lines


def _cell_text(frags: list[_Frag]) -> str:
    """The text of one cell: its lines top to bottom, each left to right, glued."""
    lines = _lines(list(frags))
    text = ""
    for line in lines:
        text = _glue(text, line.text, 0.0, line.h)
    return text.replace("|", "｜")


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


# ---------------------------------------------------------------- columns and tables


@dataclass(slots=True)
class _Item:
    kind: str  # "para" or "row"
    lines: list[_Line]
    cells: list[str] = field(default_factory=list)  # for rows
    text: str = ""  # for paragraphs
    table: int = -1  # table id for rows
    right: float = 0.0  # the right margin of the column the item was laid out in


def _gutter(lines: list[_Line], left: float, right: float) -> tuple[float, float] | None:
    """A vertical band in the middle of the text that no line crosses, with column text on both sides."""
    width = right - left
    if width <= 0 or len(lines) < 6:
        return None
    lo, hi = left + 0.3 * width, left + 0.7 * width
    step = 2.0
    bins = int((hi - lo) / step) + 1
    cover = [0] * bins
    for line in lines:
        for s in line.segs:
            a = max(0, int((s.x0 - lo) / step))
            b = min(bins - 1, int((s.x1 - lo) / step))
            for k in range(a, b + 1):
                cover[k] += 1
    best = min(cover)
    if best > 0.2 * len(lines):
        return None
    # The widest run of bins at the minimum cover.
    run_start, run_len, cur_start, cur_len = 0, 0, 0, 0
    for k, c in enumerate(cover):
        if c == best:
            if cur_len == 0:
                cur_start = k
            cur_len += 1
            if cur_len > run_len:
                run_start, run_len = cur_start, cur_len
        else:
            cur_len = 0
    g0, g1 = lo + run_start * step, lo + (run_start + run_len) * step
    h = sorted(line.h for line in lines)[len(lines) // 2]
    if g1 - g0 < 0.8 * h:
        return None
    both = [
        line for line in lines if line.x0 < g0 and line.x1 > g1 and not any(s.x0 < g1 and s.x1 > g0 for s in line.segs)
    ]
    if len(both) < 4:
        return None
    left_w = sorted(sum(s.x1 - s.x0 for s in line.segs if s.x1 <= g0) for line in both)[len(both) // 2]
    right_w = sorted(sum(s.x1 - s.x0 for s in line.segs if s.x0 >= g1) for line in both)[len(both) // 2]
    if left_w < 0.6 * (g0 - left) or right_w < 0.6 * (right - g1):
        return None  # short cells on either side: a table, not two columns of text
    return g0, g1


def _split_columns(lines: list[_Line], gutter: tuple[float, float]) -> list[_Line]:
    """Reading order: within each run of lines that do not cross the gutter, left column first."""
    g0, g1 = gutter
    out: list[_Line] = []
    left: list[_Line] = []
    right: list[_Line] = []

    def flush() -> None:
        out.extend(left)
        out.extend(right)
        left.clear()
        right.clear()

    for line in lines:
        if any(s.x0 < g1 and s.x1 > g0 for s in line.segs):
            flush()
            out.append(line)
            continue
        ls = [s for s in line.segs if s.x1 <= g0]
        rs = [s for s in line.segs if s.x0 >= g1]
        if ls:
            left.append(_Line(line.y, line.h, ls))
        if rs:
            right.append(_Line(line.y, line.h, rs))
    flush()
    return out


_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．](?!\d)|第[一二三四五六七八九十\d]+[章节部分条]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]|附件|附表)"
)


def _items(lines: list[_Line], left: float, right: float) -> list[_Item]:
    """Lines of one page (body only, in reading order) as paragraphs and table rows."""
    items: list[_Item] = []
    table_id = -1
    pitch = 0.0  # distance between the last two table rows
    for idx, line in enumerate(lines):
        nxt = lines[idx + 1] if idx + 1 < len(lines) else None
        last = items[-1] if items else None
        in_table = last is not None and last.kind == "row"
        if line.grid:
            # A row of a ruled table: its cells are known, nothing to guess.
            if not (in_table and last.lines[-1].grid):
                table_id += 1
            items.append(_Item("row", [line], cells=[s.text for s in line.segs], table=table_id))
            continue
        if len(line.segs) >= 2:
            label = _label_above(last, line)
            nxt2 = lines[idx + 2] if idx + 2 < len(lines) else None
            table_like = (
                len(line.segs) >= 3
                or (nxt is not None and len(nxt.segs) >= 2)
                or (nxt is not None and nxt2 is not None and len(nxt2.segs) >= 2)  # a wrapped label between rows
            )
            if label is None and not in_table and not table_like:
                # A lone line with a wide gap ("时间:2025-01-22    来源:") is text, not a table.
                items.append(_Item("para", [line], text=line.text))
                continue
            if label is not None:
                # Numbers centred beside a label wrapped over two lines: the label's
                # first line came alone just above; it is this row's first cell.
                items.pop()
                if not (items and items[-1].kind == "row"):
                    table_id += 1
                items.append(
                    _Item(
                        "row",
                        [*label.lines, line],
                        cells=[label.cells[0] if label.kind == "row" else label.text, *(s.text for s in line.segs)],
                        table=table_id,
                    )
                )
                continue
            if not in_table:
                table_id += 1
            elif last.lines:
                pitch = last.lines[0].y - line.y
            items.append(_Item("row", [line], cells=[s.text for s in line.segs], table=table_id))
            continue
        seg = line.segs[0]
        if in_table:
            prev = last.lines[-1]
            gap = prev.y - line.y
            h = max(line.h, prev.h)
            table_goes_on = nxt is not None and len(nxt.segs) >= 2
            if gap < 1.6 * h and not prev.grid:  # a ruled cell ends at its rule: the line below is not in it
                if table_goes_on and seg.x1 < nxt.segs[0].x0 and line.y - nxt.y < 1.2 * line.h and _label_like(line):
                    items.append(_Item("row", [line], cells=[seg.text], table=last.table))  # a label's first line
                    continue
                col = _column_of(last.lines[0], seg)
                if col is not None:
                    # A wrapped cell: its next line joins the cell it sits under.
                    last.cells[col] = _glue(last.cells[col], seg.text, 0.0, line.h)
                    last.lines.append(line)
                    continue
            if table_goes_on and gap < max(1.6 * h, 1.3 * pitch):
                # A row with one cell between rows of the table: a group label (三、本年度办理结果).
                items.append(_Item("row", [line], cells=[seg.text], table=last.table))
                continue
        if last is not None and last.kind == "para" and _continues(last.lines[-1], line, left, right):
            last.text = _glue(last.text, line.text, 0.0, line.h)
            last.lines.append(line)
        else:
            items.append(_Item("para", [line], text=line.text))
    for item in items:
        item.right = right
    return items


def _label_above(last: _Item | None, line: _Line) -> _Item | None:
    """The item just above ``line`` when it is the first line of a label wrapped beside ``line``'s cells."""
    if last is None or len(last.lines) != 1 or len(last.lines[0].segs) != 1:
        return None
    above = last.lines[0]
    if last.kind == "row" and len(last.cells) != 1:
        return None
    if above.x1 >= line.segs[0].x0 or not 0 < above.y - line.y < 1.2 * max(above.h, line.h):
        return None
    return last


def _label_like(line: _Line) -> bool:
    return not re.fullmatch(r"[\d.,，%\s]+", line.text)


def _column_of(row_line: _Line, seg: _Seg) -> int | None:
    """The cell of a row line that a segment sits under (its horizontal overlap), if any."""
    best, best_overlap = None, 0.0
    for k, s in enumerate(row_line.segs):
        overlap = min(s.x1, seg.x1) - max(s.x0, seg.x0)
        if overlap > best_overlap:
            best, best_overlap = k, overlap
    if best is None and abs(seg.x0 - row_line.segs[0].x0) <= 1.0 * row_line.h:
        return 0
    return best


def _continues(
    prev: _Line, line: _Line, left: float, right: float, *, same_page: bool = True, prev_right: float | None = None
) -> bool:
    """``line`` carries on the paragraph whose last line is ``prev``."""
    h = max(prev.h, line.h)
    if abs(prev.h - line.h) > 0.2 * h:
        return False  # a heading in another size
    if prev.x1 < (right if prev_right is None else prev_right) - 2.0 * h:
        return False  # the previous line ended early: the paragraph ended there
    if line.x0 > left + 1.0 * h and prev.x0 <= left + 1.0 * h:
        return False  # the new line is indented: a new paragraph
    if _HEADING_START.match(line.text):
        return False
    if not same_page:
        return True
    gap = prev.y - line.y
    return 0 < gap <= 2.2 * h


# ---------------------------------------------------------------- assembly


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """Left and right edges of the text: where most lines start, where the long lines end."""
    if not lines:
        return 0.0, 0.0
    xs0 = sorted(line.x0 for line in lines)
    left = xs0[len(xs0) // 10]
    widest = max(line.x1 for line in lines)
    long_ends = sorted(line.x1 for line in lines if line.x1 > left + 0.6 * (widest - left))
    return left, long_ends[len(long_ends) // 2]


def _layout(pages: list[_Page]) -> Extracted:
    _mark_chrome(pages)
    out: list[str] = []
    pos = 0
    chrome: list[Span] = []
    tables: list[Span] = []

    def emit(text: str, kind: str | None = None) -> tuple[int, int]:
        nonlocal pos
        start = pos
        out.append(text)
        pos += len(text) + 1
        if kind:
            chrome.append(Span(start, start + len(text), kind))
        return start, start + len(text)

    pending_chrome: list[tuple[str, str]] = []  # footer of the last page, header of this one
    open_para: list[_Item] = []  # the last paragraph of the previous page, if it may go on
    page_items: list[tuple[list[tuple[str, str]], list[_Item], list[tuple[str, str]], float, float]] = []
    for page in pages:
        body = [line for i, line in enumerate(page.lines) if i not in page.chrome]
        head = [
            (page.lines[i].text, k)
            for i, k in sorted(page.chrome.items())
            if page.lines[i].y > (page.box[1] + page.box[3]) / 2
        ]
        foot = [
            (page.lines[i].text, k)
            for i, k in sorted(page.chrome.items())
            if page.lines[i].y <= (page.box[1] + page.box[3]) / 2
        ]
        left, right = _margins(body)
        gutter = _gutter(body, left, right)
        if gutter is not None:
            body = _split_columns(body, gutter)
            # Each column has its own right margin for paragraph joining.
            items = []
            for part in _column_runs(body, gutter):
                lm, rm = _margins(part)
                more = _items(part, lm, rm)
                if (
                    items
                    and more
                    and items[-1].kind == "para"
                    and more[0].kind == "para"
                    and _continues(
                        items[-1].lines[-1], more[0].lines[0], lm, rm, same_page=False, prev_right=items[-1].right
                    )
                ):
                    # The paragraph runs on from the foot of one column to the top of the next.
                    items[-1].text = _glue(items[-1].text, more[0].text, 0.0, more[0].lines[0].h)
                    items[-1].lines.extend(more[0].lines)
                    more = more[1:]
                items.extend(more)
        else:
            items = _items(body, left, right)
        page_items.append((head, items, foot, left, right))

    table_start: int | None = None
    current_table = None
    for p, (head, items, foot, left, right) in enumerate(page_items):
        first = items[0] if items else None
        if (
            open_para
            and first is not None
            and first.kind == "para"
            and _continues(
                open_para[-1].lines[-1], first.lines[0], left, right, same_page=False, prev_right=open_para[-1].right
            )
        ):
            # The paragraph runs over the page break: join it, furniture after it.
            prev = open_para[-1]
            prev.text = _glue(prev.text, first.text, 0.0, first.lines[0].h)
            prev.lines.extend(first.lines)
            items = items[1:]
            pending_chrome.extend(head)
            if not items:
                pending_chrome.extend(foot)
                continue
        else:
            if open_para:
                emit(open_para[-1].text)
                open_para = []
            for text, kind in pending_chrome + head:
                emit(text, kind)
            pending_chrome = []
        for n, item in enumerate(items):
            if open_para:
                emit(open_para[-1].text)
                open_para = []
                for text, kind in pending_chrome:
                    emit(text, kind)
                pending_chrome = []
            if item.kind == "row":
                key = (p, item.table)
                if current_table != key:
                    if table_start is not None:
                        tables.append(Span(table_start, pos - 1, "table"))
                    table_start, current_table = pos, key
                emit("| " + " | ".join(c.replace("|", "｜") for c in item.cells) + " |")
                continue
            if table_start is not None:
                tables.append(Span(table_start, pos - 1, "table"))
                table_start, current_table = None, None
            if n == len(items) - 1 and p + 1 < len(page_items):
                open_para = [item]  # may continue on the next page
            else:
                emit(item.text)
        if table_start is not None and not (p + 1 < len(page_items) and _table_goes_on(items, page_items[p + 1][1])):
            tables.append(Span(table_start, pos - 1, "table"))
            table_start, current_table = None, None
        elif table_start is not None:
            current_table = (p + 1, 0)  # the table continues on the next page
        if open_para:
            pending_chrome.extend(foot)
        else:
            for text, kind in pending_chrome + foot:
                emit(text, kind)
            pending_chrome = []
    if open_para:
        emit(open_para[-1].text)
    for text, kind in pending_chrome:
        emit(text, kind)
    if table_start is not None:
        tables.append(Span(table_start, pos - 1, "table"))
    text = "\n".join(out)
    visible = len("".join(text.split())) - sum(len("".join(text[c.start : c.end].split())) for c in chrome)
    if visible < MIN_TEXT_CHARS:
        raise ReadError("pdf_no_text_layer")
    return Extracted(text=text + "\n", encoding="pdf", chrome=chrome, tables=tables, pages=len(pages))


def _table_goes_on(items: list[_Item], next_items: list[_Item]) -> bool:
    """A table that ends its page and resumes at the top of the next one is one table."""
    return bool(items) and items[-1].kind == "row" and bool(next_items) and next_items[0].kind == "row"


def _column_runs(lines: list[_Line], gutter: tuple[float, float]) -> list[list[_Line]]:
    """Split reading-ordered lines into runs that share a column (for per-column margins)."""
    g0, g1 = gutter

    def side(line: _Line) -> str:
        if line.x1 <= g0:
            return "L"
        if line.x0 >= g1:
            return "R"
        return "F"

    runs: list[list[_Line]] = []
    last = None
    for line in lines:
        s = side(line)
        if s != last:
            runs.append([])
            last = s
        runs[-1].append(line)
    return runs
