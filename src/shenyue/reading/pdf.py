"""PDF files with a text layer, read with pypdf.

Why pypdf and not pdfminer.six: on the benchmark corpus (benchmarks/extract.py,
10-page reports with CJK text, a ruled table, a two-column page, headers and
page numbers) pypdf's text-state machine gives every shown string with its
position and advance width 2-6x faster than pdfminer.six builds its character
boxes (0.05-0.2 s against 0.3-0.4 s for ten pages before any layout work), it
is already a dependency, and neither library's own text output keeps table
rows together without interleaving two-column pages. So positions come from
pypdf and the layout (lines, columns, tables, page furniture, paragraphs) is
worked out here:

1. every string shown on a page becomes a fragment with x0, x1, baseline y and
   height; text in form XObjects is included, rotated watermarks are not;
2. fragments on one baseline form a line; a gap wider than about one character
   splits a line into segments (table cells, or the two columns of a page);
3. lines in the top and bottom bands that repeat on other pages (digits
   ignored) are page headers and footers, and "-1-", "第 1 页 共 9 页", "1/9"
   are page numbers: they stay in the text, as chrome spans;
4. a vertical gutter crossed by no line, with column-wide text on both sides,
   makes a two-column block: the left column is read before the right one;
5. consecutive lines with several segments are table rows, rendered as pipe
   rows ``| a | b | c |`` like the other readers; a row label wrapped onto a
   second line joins its cell;
6. wrapped lines of one paragraph are joined (also across a page break, the
   page furniture then follows the paragraph), so a sentence is never cut by
   a line end.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf.generic import ContentStream, DictionaryObject, NameObject

from shenyue.reading.base import SNIFF_NAMES, Extracted, ReadError, Span, cached_extract, sniff, strip_controls

VERSION = 1  # bump when the extracted text changes, so cached results are rebuilt
DEFAULT_MAX_PAGES = 200
MIN_TEXT_CHARS = 20  # fewer visible characters than this (outside page furniture): no text layer
MAX_XOBJECT_DEPTH = 8


def extract(data: bytes, path: Path, *, max_pages: int | None = None, use_cache: bool = True) -> Extracted:
    """Text of a PDF; raises ReadError for encrypted, scanned, damaged or oversized files."""
    kind = sniff(data)
    if kind != "pdf":
        if kind is not None:
            raise ReadError("wrong_extension", ext=path.suffix.lower() or "(none)", actual=SNIFF_NAMES[kind])
        raise ReadError("corrupt_container", detail="no PDF header")
    limit = max_pages or DEFAULT_MAX_PAGES

    def check(hit: Extracted) -> None:
        if hit.pages > limit:
            raise ReadError("too_many_pages", pages=hit.pages, limit=limit)

    return cached_extract("pdf", VERSION, data, lambda: _extract(data, limit), check=check, use_cache=use_cache)


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf logs every oddity of a damaged file; the reviewer gets one plain reason instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _extract(data: bytes, limit: int) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    with _quiet():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")  # owner-password-only files open without a password
                except DependencyError:
                    raise ReadError("pdf_crypto_missing") from None
                if not opened:
                    raise ReadError("pdf_encrypted")
            count = len(reader.pages)
        except ReadError:
            raise
        except FileNotDecryptedError:
            raise ReadError("pdf_encrypted") from None
        except (PdfReadError, ValueError, TypeError, KeyError, AttributeError, IndexError, OSError, RecursionError) as exc:
            raise ReadError("corrupt_container", detail=str(exc) or type(exc).__name__) from None
        if count == 0:
            raise ReadError("corrupt_container", detail="the PDF has no pages")
        if count > limit:
            raise ReadError("too_many_pages", pages=count, limit=limit)
        pages: list[_Page] = []
        for number, page in enumerate(reader.pages, 1):
            try:
                frags = _fragments(page)
            except ReadError:
                raise
            except FileNotDecryptedError:
                raise ReadError("pdf_encrypted") from None
            except Exception as exc:  # one damaged page must not lose the others
                frags = _plain_fragments(page, exc)
            box = _page_box(page)
            pages.append(_Page(number, box, _lines(frags)))
    return _layout(pages)


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
        box = page.cropbox
        return float(box.left), float(box.bottom), float(box.right), float(box.top)
    except Exception:
        return 0.0, 0.0, 612.0, 792.0


# Kangxi radicals and compatibility ideographs that some PDF producers map
# glyphs to: shown the same, but 文 (U+6587) and ⽂ (U+2F42) never match.
_COMPAT = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for cp in list(range(0x2F00, 0x2FD6)) + list(range(0xF900, 0xFB00))
    if len(unicodedata.normalize("NFKC", chr(cp))) == 1
}


def _clean(text: str) -> str:
    return strip_controls(text).translate(_COMPAT).replace("\u00ad", "")


def _mark_unicode_cmaps(font_res: Any, fonts: dict[str, Any], prefix: str, unicode_cmap: set[int]) -> None:
    """Note the fonts whose codes are Unicode through a predefined CMap (UniGB-UCS2-H …)."""
    try:
        items = font_res.get_object().items()
    except Exception:
        return
    for name, ref in items:
        try:
            encoding = str(ref.get_object().get("/Encoding", ""))
        except Exception:
            continue
        if encoding.startswith("/Uni") and ("UCS2" in encoding or "UTF16" in encoding):
            font = fonts.get(prefix + str(name))
            if font is not None:
                unicode_cmap.add(id(font))


def _flattened_ops(page: Any, fonts: dict[str, Any], unicode_cmap: set[int]) -> Iterator[tuple[list[Any], bytes]]:
    """The page's content operations with form XObjects inlined (q, cm, ops, Q)."""
    from pypdf.generic._font import Font

    def walk(contents: Any, resources: Any, prefix: str, depth: int, seen: set[int]) -> Iterator[tuple[list[Any], bytes]]:
        try:
            ops = ContentStream(contents, page.pdf, "bytes").operations
        except Exception:
            return
        xobjects = {}
        if isinstance(resources, DictionaryObject):
            xo = resources.get("/XObject")
            xobjects = xo.get_object() if xo is not None else {}
        for operands, op in ops:
            if op == b"Tf" and prefix and operands:
                yield [NameObject(prefix + str(operands[0])), *operands[1:]], op
            elif op == b"Do" and operands and depth < MAX_XOBJECT_DEPTH:
                try:
                    xobj = xobjects[operands[0]].get_object()
                except Exception:
                    continue
                if xobj.get("/Subtype") != "/Form" or id(xobj) in seen:
                    continue
                inner_res = xobj.get("/Resources")
                inner_res = inner_res.get_object() if inner_res is not None else resources
                inner_prefix = f"{prefix}{operands[0]}:"
                font_res = inner_res.get("/Font") if isinstance(inner_res, DictionaryObject) else None
                if font_res is not None:
                    for name, ref in font_res.get_object().items():
                        try:
                            fonts[inner_prefix + str(name)] = Font.from_font_resource(ref.get_object())
                        except Exception:
                            continue
                    _mark_unicode_cmaps(font_res, fonts, inner_prefix, unicode_cmap)
                elif isinstance(resources, DictionaryObject):  # inherits the fonts of its caller
                    for name in list(fonts):
                        if name.startswith(prefix) and ":" not in name[len(prefix):]:
                            fonts[inner_prefix + name[len(prefix):]] = fonts[name]
                matrix = xobj.get("/Matrix")
                yield [], b"q"
                if matrix is not None:
                    yield [float(v) for v in matrix], b"cm"
                yield from walk(xobj, inner_res, inner_prefix, depth + 1, seen | {id(xobj)})
                yield [], b"Q"
            else:
                yield operands, op

    contents = page.get("/Contents")
    if contents is None:
        return iter(())
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if isinstance(resources, DictionaryObject) and resources.get("/Font") is not None:
        _mark_unicode_cmaps(resources["/Font"], fonts, "", unicode_cmap)
    return walk(contents.get_object(), resources, "", 0, set())


def _mult(m: list[float], n: list[float]) -> list[float]:
    """Affine matrix product m x n, matrices as PDF's [a b c d e f]."""
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _nums(operands: list[Any], count: int) -> list[float] | None:
    try:
        values = [float(v) for v in operands[-count:]]
    except (TypeError, ValueError):
        return None
    return values if len(values) == count else None


_IDENTITY = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def _shown_strings(
    ops: Iterator[tuple[list[Any], bytes]], fonts: dict[str, Any], unicode_cmap: set[int]
) -> list[Any]:
    """Run the text operators of a content stream; every shown string with its placement.

    pypdf decodes each string and measures its advance (its layout-mode
    ``TextStateParams``, which applies the font's encoding, ToUnicode map and
    widths); the text and graphics state machine is this one, so that every
    string advances the pen as PDF requires.
    """
    from pypdf._text_extraction._layout_mode._text_state_params import TextStateParams

    ctm = list(_IDENTITY)
    tm = list(_IDENTITY)
    tlm = list(_IDENTITY)
    font: Any = None
    size = tc = tw = tl = ts = 0.0
    tz = 100.0
    stack: list[tuple[Any, ...]] = []
    shown: list[Any] = []

    def show(value: Any) -> None:
        nonlocal tm
        if font is None or not isinstance(value, (bytes, str)):
            return
        tj = TextStateParams(value, font, size, tc, tw, tz, tl, ts, _mult(tm, ctm))
        if id(font) in unicode_cmap:
            # The font's widths are keyed by CID but the codes are Unicode: measure
            # the text by its East Asian width instead: in a CJK font wide and
            # ambiguous characters (“ ” …) take 1 em, Latin letters and digits half.
            text = tj.text
            em = sum(0.5 if unicodedata.east_asian_width(ch) in "NaH" else 1.0 for ch in text)
            advance = (size * em + len(text) * tc + text.count(" ") * tw) * tz / 100.0
            end = _mult([1.0, 0.0, 0.0, 1.0, advance, 0.0], tj.transform)
            tj.displaced_tx = end[4]
        else:
            advance = tj.word_tx(value)
        shown.append(tj)
        tm = _mult([1.0, 0.0, 0.0, 1.0, advance, 0.0], tm)

    def next_line() -> None:
        nonlocal tm, tlm
        tlm = _mult([1.0, 0.0, 0.0, 1.0, 0.0, -tl], tlm)
        tm = list(tlm)

    for operands, op in ops:
        if op == b"Tj" or op == b"'" or op == b'"':
            if op == b'"':
                spacing = _nums(operands[:2], 2)
                if spacing:
                    tw, tc = spacing
            if op != b"Tj":
                next_line()
            if operands:
                show(operands[-1])
        elif op == b"TJ":
            if operands and isinstance(operands[0], list):
                for item in operands[0]:
                    if isinstance(item, (bytes, str)):
                        show(item)
                    else:
                        try:
                            shift = -float(item) / 1000.0 * size * tz / 100.0
                        except (TypeError, ValueError):
                            continue
                        tm = _mult([1.0, 0.0, 0.0, 1.0, shift, 0.0], tm)
        elif op == b"Td" or op == b"TD":
            v = _nums(operands, 2)
            if v:
                if op == b"TD":
                    tl = -v[1]
                tlm = _mult([1.0, 0.0, 0.0, 1.0, v[0], v[1]], tlm)
                tm = list(tlm)
        elif op == b"Tm":
            v = _nums(operands, 6)
            if v:
                tm, tlm = list(v), list(v)
        elif op == b"T*":
            next_line()
        elif op == b"BT":
            tm, tlm = list(_IDENTITY), list(_IDENTITY)
        elif op == b"Tf":
            font = fonts.get(str(operands[0])) if operands else None
            if font is not None and not getattr(font, "interpretable", True):
                font = None
            v = _nums(operands, 1)
            size = v[0] if v else size
        elif op == b"cm":
            v = _nums(operands, 6)
            if v:
                ctm = _mult(v, ctm)
        elif op == b"q":
            stack.append((ctm, font, size, tc, tw, tz, tl, ts))
        elif op == b"Q":
            if stack:
                ctm, font, size, tc, tw, tz, tl, ts = stack.pop()
        elif op in (b"Tc", b"Tw", b"Tz", b"TL", b"Ts"):
            v = _nums(operands, 1)
            if v:
                if op == b"Tc":
                    tc = v[0]
                elif op == b"Tw":
                    tw = v[0]
                elif op == b"Tz":
                    tz = v[0]
                elif op == b"TL":
                    tl = v[0]
                else:
                    ts = v[0]
    return shown


def _fragments(page: Any) -> list[_Frag]:
    """Every string shown on the page, placed."""
    fonts = page._layout_mode_fonts()
    unicode_cmap: set[int] = set()
    ops = _flattened_ops(page, fonts, unicode_cmap)
    shown = _shown_strings(ops, fonts, unicode_cmap)
    # A page rotated for a wide table draws all its text rotated; elsewhere
    # rotated text is a watermark or a margin note.
    rotated = sum(1 for tj in shown if tj.rotated)
    keep_rotated = rotated > len(shown) - rotated
    frags = []
    for tj in shown:
        if tj.rotated != keep_rotated:
            continue
        text = _clean(tj.text)
        if not text.strip():
            continue
        flip = -1 if tj.flip_vertical else 1
        x0, x1 = sorted((tj.tx, tj.displaced_tx))
        h = abs(tj.font_height) or abs(tj.font_size) or 10.0
        frags.append(_Frag(x0, x1, tj.ty * flip, h, text))
    return frags


def _plain_fragments(page: Any, _exc: Exception) -> list[_Frag]:
    """pypdf's plain extraction when the positioned pass fails: one line per line, no layout."""
    try:
        text = page.extract_text()
    except Exception:
        return []
    frags = []
    for i, line in enumerate(text.splitlines()):
        line = _clean(line)
        if line.strip():
            frags.append(_Frag(0.0, 10.0 * len(line), -14.0 * i, 10.0, line))
    return frags


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
    both = [line for line in lines if line.x0 < g0 and line.x1 > g1 and not any(s.x0 < g1 and s.x1 > g0 for s in line.segs)]
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
                items.append(_Item("row", [*label.lines, line], cells=[label.cells[0] if label.kind == "row" else label.text, *(s.text for s in line.segs)], table=table_id))
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
            if gap < 1.6 * h:
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
        head = [(page.lines[i].text, k) for i, k in sorted(page.chrome.items()) if page.lines[i].y > (page.box[1] + page.box[3]) / 2]
        foot = [(page.lines[i].text, k) for i, k in sorted(page.chrome.items()) if page.lines[i].y <= (page.box[1] + page.box[3]) / 2]
        left, right = _margins(body)
        gutter = _gutter(body, left, right)
        if gutter is not None:
            body = _split_columns(body, gutter)
            # Each column has its own right margin for paragraph joining.
            items = []
            for part in _column_runs(body, gutter):
                l, r = _margins(part)
                more = _items(part, l, r)
                if (
                    items and more and items[-1].kind == "para" and more[0].kind == "para"
                    and _continues(items[-1].lines[-1], more[0].lines[0], l, r, same_page=False, prev_right=items[-1].right)
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
            open_para and first is not None and first.kind == "para"
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
