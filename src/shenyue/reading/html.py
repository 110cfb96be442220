"""Text from saved web pages (``.htm``/``.html``), with the standard library only.

Block elements become lines; a ``<table>`` becomes one line per row with its
cells separated by `` | `` (the pipe-row layout the table parser reads);
``<script>``/``<style>`` are dropped. Site furniture (``<nav>``, ``<header>``,
``<footer>``, ``<aside>``, and elements whose class or id says nav, menu,
breadcrumb, footer, sidebar …) stays in the text but is recorded as chrome
spans so the app can dim it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from shenyue.model.report import Span
from shenyue.reading.base import Extracted, ReadError
from shenyue.reading.decode import decode_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCK = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 section article header footer nav aside "
    "blockquote pre hr title address dl dt dd form figure figcaption center main".split()
)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
_CHROME_ATTR = re.compile(r"nav|menu|breadcrumb|crumb|footer|sidebar|side-bar|share|toolbar|banner|copyright|position|location", re.I)
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"})


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.skip_depth = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, opened chrome)
        self.chrome_depth = 0
        self.chrome_start = 0
        self.chrome: list[Span] = []
        self.tables: list[Span] = []
        self.table_depth = 0
        self.table_start = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.title_seen = False

    # -- output helpers
    def _emit(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.length += len(s)

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self._emit("\n")

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP and tag != "head":
            self.skip_depth += 1
            return
        if tag in _VOID:
            if tag in ("br", "hr") and self.cell is None:
                self._newline()
            elif tag == "br" and self.cell is not None:
                self.cell.append(" ")
            return
        attr = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        chrome = tag in _CHROME_TAGS or bool(attr and _CHROME_ATTR.search(attr))
        opened = chrome and self.chrome_depth == 0 and self.table_depth == 0
        if chrome:
            if self.chrome_depth == 0:
                self._newline()
                self.chrome_start = self.length
            self.chrome_depth += 1
        self.stack.append((tag, chrome))
        if tag == "table":
            if self.table_depth == 0:
                self._newline()
                self.table_start = self.length
            self.table_depth += 1
        elif tag == "tr" and self.table_depth:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in _BLOCK and self.cell is None:
            self._newline()
        del opened

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag != "head":
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self._newline()
                self._emit("| " + " | ".join(self.row) + " |\n")
            self.row = None
        elif tag == "table" and self.table_depth:
            self.table_depth -= 1
            if self.table_depth == 0 and self.length > self.table_start:
                self.tables.append(Span(self.table_start, self.length, "table"))
        elif tag in _BLOCK and self.cell is None:
            self._newline()
        # close the matching element, tolerating unclosed children
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for _, chrome in self.stack[i:]:
                    if chrome:
                        self.chrome_depth -= 1
                        if self.chrome_depth == 0:
                            self._newline()
                            if self.length > self.chrome_start:
                                self.chrome.append(Span(self.chrome_start, self.length, "chrome"))
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.table_depth and self.row is None:
            return  # stray text between rows
        text = re.sub(r"[ \t\r\n]+", " ", data)
        if self.parts and self.parts[-1].endswith("\n"):
            text = text.lstrip(" ")
        self._emit(text)


def extract(data: bytes, path: Path, *, max_pages: int | None = None) -> Extracted:
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "ignore") if match else None
    source, encoding = decode_bytes(data, declared)
    parser = _Extractor()
    try:
        parser.feed(source)
        parser.close()
    except (AssertionError, ValueError):
        raise ReadError("undecodable") from None
    raw = "".join(parser.parts)
    # Trim trailing spaces per line and collapse runs of blank lines, keeping spans valid.
    text, chrome, tables = _tidy(raw, parser.chrome, parser.tables)
    if not text.strip():
        raise ReadError("no_text")
    return Extracted(text=text, encoding=encoding, chrome=chrome, tables=tables)


def _tidy(raw: str, chrome: list[Span], tables: list[Span]) -> tuple[str, list[Span], list[Span]]:
    out: list[str] = []
    mapping = [0] * (len(raw) + 1)  # old offset -> new offset
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
        for i in range(len(line)):
            mapping[pos + i] = new + min(i, len(keep))
        pos += len(line)
        out.append(keep)
        new += len(keep)
    mapping[pos] = new
    text = "".join(out).strip("\n") + "\n"
    lead = len("".join(out)) - len("".join(out).lstrip("\n"))

    def remap(spans: list[Span]) -> list[Span]:
        result = []
        for s in spans:
            a = max(0, mapping[s.start] - lead)
            b = min(len(text), mapping[s.end] - lead)
            if b > a:
                result.append(Span(a, b, s.kind))
        return result

    return text, remap(chrome), remap(tables)
