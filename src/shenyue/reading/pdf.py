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

from collections import Counter
from pathlib import Path

from shenyue.reading.base import SNIFF_NAMES, Extracted, ReadError, cached_extract, sniff
from shenyue.reading.pdf_chars import (
    MIN_TEXT_CHARS,
    _check_garbled,
    _classify,
    _clean,
    _Frag,
    _fragments,
    _is_garbled,
    _left_out_strings,
    _page_box,
)
from shenyue.reading.pdf_layout import _layout
from shenyue.reading.pdf_lines import _lines, _Page
from shenyue.reading.pdf_ruled import _Rule, _ruled_tables, _rules

# The reader version is part of the cache key (``<sha256>.pdf.v<VERSION>.json``):
# bump it when the extracted text changes, so cached results are rebuilt. v1
# was the pypdf reader; its cached text is never served by this one.
VERSION = 3
CACHE_KIND = "pdf"
DEFAULT_MAX_PAGES = 200


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
