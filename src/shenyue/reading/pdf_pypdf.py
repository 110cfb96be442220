"""The pypdf fallback of the PDF reader: positioned strings of one page.

PDFium (the reader's library, see pdf.py) leaves out a shown string whose
glyph boxes it cannot measure: a string of one CJK character in a font that
is not embedded, on a machine with no CJK system font to stand in for it
(a lone ``。`` ending a paragraph, a column label written one character a
line). pdf.py notices such strings on a page (text objects of zero width)
and takes that page's strings from here instead: pypdf decodes every string
through the font's encoding and widths, whatever the glyphs.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shenyue.reading.base import ReadError, too_complex

MAX_XOBJECT_DEPTH = 8
# The depth limit does not bound fan-out: ten forms that each draw the next
# ten times are 10**8 operations from a 3 KB file. So the operations run per
# page (forms inlined) and per file are bounded too; a file over the budget
# is refused as too complex rather than read in part.
MAX_PAGE_OPERATIONS = 300_000
MAX_FILE_OPERATIONS = 2_000_000


class _Budget:
    def __init__(self) -> None:
        self.file = 0

    def spend(self, page: int, count: int) -> None:
        self.file += count
        if page > MAX_PAGE_OPERATIONS:
            raise too_complex(f"a page draws more than {MAX_PAGE_OPERATIONS:,} operations")
        if self.file > MAX_FILE_OPERATIONS:
            raise too_complex(f"the pages draw more than {MAX_FILE_OPERATIONS:,} operations")


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


def page_strings(data: bytes, numbers: list[int]) -> dict[int, list[tuple[float, float, float, float, str]]]:
    """``{page index: [(x0, x1, baseline y, height, text), …]}`` for the pages asked for;
    a page pypdf cannot read is left out (the caller keeps PDFium's text)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return {}
    out: dict[int, list[tuple[float, float, float, float, str]]] = {}
    budget = _Budget()
    with _quiet():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return {}
            pages = reader.pages
            for n in numbers:
                try:
                    out[n] = _strings(pages[n], budget)
                except ReadError:
                    raise
                except Exception:
                    continue
        except ReadError:
            raise
        except Exception:
            return out
    return out


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


def _flattened_ops(
    page: Any, fonts: dict[str, Any], unicode_cmap: set[int], budget: _Budget | None = None
) -> Iterator[tuple[list[Any], bytes]]:
    """The page's content operations with form XObjects inlined (q, cm, ops, Q),
    within the operations budget (see MAX_PAGE_OPERATIONS)."""
    from pypdf.generic import ContentStream, DictionaryObject, NameObject
    from pypdf.generic._font import Font

    budget = budget or _Budget()
    spent = 0  # operations of this page, forms inlined
    parsed: dict[int, list[Any]] = {}

    def walk(
        contents: Any, resources: Any, prefix: str, depth: int, seen: set[int]
    ) -> Iterator[tuple[list[Any], bytes]]:
        nonlocal spent
        ops = parsed.get(id(contents))
        if ops is None:  # a form drawn many times is parsed once
            try:
                ops = ContentStream(contents, page.pdf, "bytes").operations
            except Exception:
                return
            parsed[id(contents)] = ops
        spent += len(ops) + 1  # every inlining of a form costs its operations, however small
        budget.spend(spent, len(ops) + 1)
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
                        if name.startswith(prefix) and ":" not in name[len(prefix) :]:
                            fonts[inner_prefix + name[len(prefix) :]] = fonts[name]
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


def _shown_strings(ops: Iterator[tuple[list[Any], bytes]], fonts: dict[str, Any], unicode_cmap: set[int]) -> list[Any]:
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


def _strings(page: Any, budget: _Budget | None = None) -> list[tuple[float, float, float, float, str]]:
    """Every string shown on the page, placed."""
    fonts = page._layout_mode_fonts()
    unicode_cmap: set[int] = set()
    ops = _flattened_ops(page, fonts, unicode_cmap, budget)
    shown = _shown_strings(ops, fonts, unicode_cmap)
    # A page rotated for a wide table draws all its text rotated; elsewhere
    # rotated text is a watermark or a margin note.
    rotated = sum(1 for tj in shown if tj.rotated)
    keep_rotated = rotated > len(shown) - rotated
    frags = []
    for tj in shown:
        if tj.rotated != keep_rotated:
            continue
        text = tj.text
        if not text.strip():
            continue
        flip = -1 if tj.flip_vertical else 1
        x0, x1 = sorted((tj.tx, tj.displaced_tx))
        h = abs(tj.font_height) or abs(tj.font_size) or 10.0
        frags.append((x0, x1, tj.ty * flip, h, text))
    return frags
