"""Word ``.docx`` files, read with the standard library's zipfile and XML parser.

The body is walked in document order:

* each paragraph becomes one line, prefixed with the number Word would show
  when the paragraph is numbered automatically (一、 from a list style, 1.,
  (一) …), so headings reach the section splitter as the reader sees them;
* each table becomes one pipe row per table row, ``| a | b | c |``; a cell
  merged across columns appears once, a cell merged down shows in its first
  row and is empty below, so every row keeps its columns;
* text boxes follow the paragraph that anchors them; deleted revisions,
  hidden text and field codes are left out.

Page headers, footers and footnotes live in other parts of the package and are
not report text, so they are not read.

Safety: a .docx is a zip archive. Every part is read with a hard limit on its
uncompressed size (zip bombs), XML with a DOCTYPE is refused (entity
expansion), and any damage surfaces as a plain ReadError.
"""

from __future__ import annotations

from pathlib import Path

from shenyue.reading.base import Extracted, ReadError, Span, cached_extract, strip_controls
from shenyue.reading.docx_body import _Body
from shenyue.reading.docx_numbering import _Numbering, format_number
from shenyue.reading.docx_package import (
    _REL_NUMBERING,
    _REL_STYLES,
    MAX_GRID_COLUMNS,
    MAX_LIST_LEVEL,
    MAX_LIST_START,
    MAX_PART_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_XML_TAGS,
    _check_container,
    _child,
    _main_part,
    _Package,
)

# The names other modules import from here (the limits now live in docx_package).
__all__ = ["VERSION", "extract", "format_number", "MAX_GRID_COLUMNS", "MAX_LIST_LEVEL", "MAX_LIST_START",
           "MAX_PART_BYTES", "MAX_UNPACKED_BYTES", "MAX_XML_TAGS"]  # fmt: skip

VERSION = 1  # bump when the extracted text changes, so cached results are rebuilt


def extract(data: bytes, path: Path, *, max_pages: int | None = None, use_cache: bool = True) -> Extracted:
    """Text of a .docx file; raises ReadError for anything that is not a readable .docx."""
    _check_container(data, path)
    return cached_extract("docx", VERSION, data, lambda: _extract(data), use_cache=use_cache)


def _extract(data: bytes) -> Extracted:
    pkg = _Package(data)
    main = _main_part(pkg)
    root = pkg.xml(main)
    if root is None:
        raise ReadError("corrupt_container", detail="no Word document inside the archive")
    rels = pkg.relationships(main)
    numbering_part = next((t for ty, t in rels.values() if ty.endswith(_REL_NUMBERING)), None)
    styles_part = next((t for ty, t in rels.values() if ty.endswith(_REL_STYLES)), None)
    numbering = _Numbering(
        pkg.xml(numbering_part) if numbering_part else None,
        pkg.xml(styles_part) if styles_part else None,
    )
    body_el = _child(root, "body")
    if body_el is None:
        raise ReadError("corrupt_container", detail="the Word document has no body")
    body = _Body(numbering)
    body.block(body_el)
    return _assemble(body.lines, body.tables)


def _assemble(lines: list[str], table_ranges: list[tuple[int, int]]) -> Extracted:
    """Join lines into the text; runs of empty paragraphs collapse to one blank line."""
    out: list[str] = []
    offsets: list[int] = []  # start offset of each line in the text (-1 when dropped)
    pos = 0
    prev_blank = True  # no blank lines at the very start
    for raw in lines:
        line = strip_controls(raw.replace("\r", "")).rstrip()
        blank = not line.strip()
        if blank and prev_blank:
            offsets.append(-1)
            continue
        prev_blank = blank
        offsets.append(pos)
        out.append(line)
        pos += len(line) + 1
    while out and not out[-1].strip():  # no trailing blank line
        out.pop()
    text = "\n".join(out)
    tables = []
    for a, b in table_ranges:
        kept = [i for i in range(a, b) if offsets[i] >= 0]
        if kept:
            last = kept[-1]
            end = text.find("\n", offsets[last])
            tables.append(Span(offsets[kept[0]], len(text) if end < 0 else end, "table"))
    if not text.strip():
        raise ReadError("no_text")
    return Extracted(text=text + "\n", encoding="docx", tables=tables)
