"""PDF reading, steps 1 and 8: the characters PDFium shows on a page become fragments; garbled layers.

Runs of adjacent characters are merged into :class:`_Frag` (x0, x1, baseline y, font height);
rotated watermarks are dropped; compatibility ideographs are mapped to the characters they show;
:func:`_left_out_strings` tells the reader when PDFium left strings out (pdf_pypdf.py then gives them);
:func:`_classify` counts a page's characters by kind and :func:`_check_garbled` tells a text layer
that is not text (fonts without a Unicode map) from one that is.
Used by pdf.py (see its docstring for the whole pipeline).
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shenyue.reading.base import ReadError, check_text, strip_controls

if TYPE_CHECKING:
    from shenyue.reading.pdf_lines import _Page

MIN_TEXT_CHARS = 20  # fewer visible characters than this (outside page furniture): no text layer


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
