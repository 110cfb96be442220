"""Text from saved web pages (``.htm``/``.html``), with the standard library only.

A government web page is mostly site furniture: a banner with dozens of
links, a breadcrumb, a sidebar of link lists, related articles, a share bar,
a footer with 版权所有/ICP备/网站标识码. Only the article is the report, so:

1. the page is parsed into a light element tree (``html.parser``; malformed
   markup is tolerated the way browsers do: unclosed ``<p>``/``<li>``/``<td>``
   close themselves, stray end tags are ignored). Every step below walks the
   tree iteratively, so deep nesting and huge pages stay linear;
2. every element gets its counts: visible characters, characters inside
   links, Chinese characters outside links, and how many of those sit in
   furniture (``<nav>``/``<header>``/``<footer>``/``<aside>``, or a class/id
   saying nav, menu, breadcrumb, footer, sidebar, share …);
3. the main article is the element with the most Chinese text outside links
   and furniture, less its link text (readability-style), favoured when its
   class/id says content, article, TRS_Editor, zoom, detail …;
4. the article's neighbours that belong to it are added: its title, the
   date line (``发布时间：2025-01-22`` becomes a publication-date candidate
   through the model's chrome detection), a signature or table that sits in a
   sibling element; the walk goes up while the parent holds nothing else but
   small furniture, and stops at link lists, footers and related articles;
5. only that part of the page is rendered: block elements become lines; a
   data ``<table>`` becomes one line per row with its cells separated by
   `` | `` (the pipe-row layout the table parser reads); a layout table (one
   holding other tables or long passages) is read as blocks; a metadata
   table of "label： value" pairs (索引号： 发布日期： …) becomes chrome lines;
   ``<script>``/``<style>`` and ``display:none`` elements are dropped.
   Furniture *inside* the article (【打印】【关闭】, 字号：大 中 小, a
   breadcrumb inside the content div) stays in the text as chrome spans.

A page without such an article (a plain page, a fragment) is rendered whole,
with its furniture as chrome spans. Pages of 256 KB or more are cached by
their hash (about 15 ms for a typical 50 KB page is faster than a cache write).

Encoding: a BOM wins, then an XML declaration, then ``<meta charset>`` or
``<meta http-equiv content="text/html; charset=gb2312">`` (gb2312/gbk decode
as GB18030); a page that is valid UTF-8 is read as UTF-8 whatever its meta
says (browsers' "save as" re-encodes without fixing the meta).
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from shenyue.reading.base import SNIFF_NAMES, Extracted, ReadError, Span, cached_extract, sniff
from shenyue.reading.decode import decode_bytes
from shenyue.reading.html_article import (
    _MIN_SHARE,
    _REPORT_TITLE,
    _TITLE_SPLIT,
    _analyse,
    _article,
    _best,
    _plain,
    _small_text,
)
from shenyue.reading.html_render import _Renderer
from shenyue.reading.html_tree import _Node, _TreeBuilder

VERSION = 1  # bump when the extracted text changes, so cached results are rebuilt
CACHE_FROM_BYTES = 256 * 1024  # smaller pages are parsed again faster than a cache entry is written

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)


# ---------------------------------------------------------------- entry points


def declared_charset(data: bytes) -> str | None:
    """The encoding the page names: an XML declaration, else the first ``<meta>`` charset."""
    m = _XML_DECL.match(data[:512])
    if m is None:
        m = _META_CHARSET.search(data[:16384])
    return m.group(1).decode("ascii", "ignore") if m else None


def decode_page(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM, then ``declared`` (a transport header), XML declaration, meta charset."""
    declared = declared or declared_charset(data)
    if declared and declared.lower().replace("_", "-") not in ("utf-8", "utf8") and any(b > 0x7F for b in data[:65536]):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            declared = "utf-8"  # re-encoded by a browser's "save as", the meta left stale
    return decode_bytes(data, declared)


def extract_html(source: str, encoding: str) -> Extracted:
    """Extract the article text of a decoded page."""
    builder = _TreeBuilder()
    # A comment never closed runs to the end of the page (as browsers read it);
    # the standard parser would give its whole contents back as text.
    opened = source.rfind("<!--")
    if opened >= 0 and source.find("-->", opened + 4) < 0:
        source = source[:opened]
    try:
        builder.feed(source)
        builder.close()
    except (AssertionError, ValueError, IndexError):
        pass  # keep what was parsed: a broken page still shows its text
    order = builder.order
    _analyse(order)
    root = builder.root
    body = next((n for n in order if n.tag == "body"), root)
    best = _best(order)
    items: list[_Node | str] | None = None
    if best is not None and best is not body:
        items = _article(root, best)
        if _plain(items) < _MIN_SHARE * (body.cjk - body.ccjk):
            items = None
    whole = items is None
    renderer = _Renderer()
    if whole:
        renderer.render([root])
    else:
        title = _page_title(builder.title)
        if title and title not in _small_text_of(items, 4096):
            renderer._emit(title + "\n")
        renderer.render(items)
    if not "".join(renderer.parts).strip():
        renderer = _Renderer()
        renderer.render([root], hidden=True)
    text, chrome, tables = _tidy("".join(renderer.parts), renderer.chrome, renderer.tables)
    if not text.strip():
        raise ReadError("no_text")
    return Extracted(text=text, encoding=encoding, chrome=chrome, tables=tables)


def _small_text_of(items: list[_Node | str], limit: int) -> str:
    out = []
    size = 0
    for item in items:
        piece = item if isinstance(item, str) else _small_text(item, limit)
        out.append(piece)
        size += len(piece)
        if size > limit * 8:
            break
    return re.sub(r"\s+", "", "".join(out))


def _page_title(pieces: list[str]) -> str | None:
    """The report title from ``<title>`` ("xx年度报告_忻州市人民政府" → "xx年度报告"), if it names a report."""
    title = " ".join("".join(pieces).split())
    if not title:
        return None
    parts = [p for p in _TITLE_SPLIT.split(title) if _REPORT_TITLE.search(p)]
    if not parts:
        return None
    best = max(parts, key=len)
    return re.sub(r"\s+", "", best) if len(best) <= 80 else None


def extract(data: bytes, path: Path, *, max_pages: int | None = None, use_cache: bool = True) -> Extracted:
    """The article text of a saved page; big pages are cached by their bytes' hash."""
    from shenyue.reading import mhtml

    if mhtml.looks_like_mhtml(data):  # a single-file archive saved with an .htm name
        return mhtml.extract(data, path, use_cache=use_cache)
    kind = sniff(data)
    if kind in ("pdf", "zip", "ole", "rtf"):
        raise ReadError("wrong_extension", ext=path.suffix.lower() or "(none)", actual=SNIFF_NAMES[kind])

    def build() -> Extracted:
        source, encoding = decode_page(data)
        return extract_html(source, encoding)

    return cached_extract("html", VERSION, data, build, use_cache=use_cache and len(data) >= CACHE_FROM_BYTES)


def _tidy(raw: str, chrome: list[Span], tables: list[Span]) -> tuple[str, list[Span], list[Span]]:
    """Trim trailing spaces per line and collapse runs of blank lines, keeping spans valid."""
    out: list[str] = []
    old_starts: list[int] = []
    new_starts: list[int] = []
    kept: list[int] = []
    pos = 0
    new = 0
    blank_run = 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\n").rstrip(" \t\xa0\u3000")
        keep = body + ("\n" if line.endswith("\n") else "")
        if not body.strip():
            blank_run += 1
            keep = "\n" if blank_run == 1 and out else ""
        else:
            blank_run = 0
        old_starts.append(pos)
        new_starts.append(new)
        kept.append(len(keep))
        pos += len(line)
        out.append(keep)
        new += len(keep)
    joined = "".join(out)
    text = joined.strip("\n") + "\n"
    lead = len(joined) - len(joined.lstrip("\n"))

    def mapped(off: int) -> int:
        if off >= pos:
            return new
        k = bisect.bisect_right(old_starts, off) - 1
        return new_starts[k] + min(off - old_starts[k], kept[k])

    def remap(spans: list[Span]) -> list[Span]:
        result = []
        for s in spans:
            a = max(0, mapped(s.start) - lead)
            b = min(len(text), mapped(s.end) - lead)
            if b > a:
                result.append(Span(a, b, s.kind))
        return result

    return text, remap(chrome), remap(tables)
