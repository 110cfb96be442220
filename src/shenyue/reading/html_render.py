"""HTML reading, step 5: the chosen part of the page rendered as lines of text.

Block elements become lines; a data ``<table>`` becomes one line per row with `` | `` between its
cells; a layout table is read as blocks; a metadata table of "label： value" pairs becomes chrome
lines; furniture inside the article stays as chrome spans. Used by html.py (see its docstring).
"""

from __future__ import annotations

import re

from shenyue.reading.base import Span
from shenyue.reading.html_tree import (
    _BLOCK,
    _CJK_CHAR,
    _WS,
    CHROME,
    CHROME_MARK,
    DATA_TABLE,
    HIDDEN,
    LAYOUT_BLOCK,
    SKIP,
    _Node,
)

# ---------------------------------------------------------------- rendering


def _one_line(pieces: list[str]) -> str:
    """A cell's text on one line: CJK runs on without a space ("商业⏎企业" → "商业企业")."""
    out = ""
    for piece in "".join(pieces).split("\n"):
        piece = " ".join(piece.split())
        if not piece:
            continue
        if out and not (_CJK_CHAR.match(out[-1]) or _CJK_CHAR.match(piece[0])):
            out += " "
        out += piece
    return out.replace("|", "｜")


_LABEL_CELL = re.compile(r"[:：]\s*$")


def _key_value(rows: list[list[str]]) -> bool:
    """A table of "label： | value" pairs (an article's metadata), not a statistics table."""
    labels = [row[k] for row in rows for k in range(0, len(row), 2) if row[k]]
    return len(labels) >= 2 and sum(1 for c in labels if _LABEL_CELL.search(c)) >= 0.6 * len(labels)


class _Renderer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.chrome_depth = 0
        self.chrome_start = 0
        self.chrome: list[Span] = []
        self.tables: list[Span] = []
        self.table: _Node | None = None  # the data table being rendered
        self.rows: list[list[str]] = []  # its rows so far
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.saved: list[tuple[_Node | None, list[list[str]], list[str] | None, list[str] | None]] = []

    def _emit(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.length += len(s)

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self._emit("\n")

    def _break(self) -> None:
        if self.cell is not None:
            self.cell.append("\n")
        elif self.table is None:
            self._newline()

    def render(self, items: list[_Node | str], *, hidden: bool = False) -> None:
        stack: list[tuple[_Node | str, bool]] = [(item, False) for item in reversed(items)]
        skip = SKIP if hidden else SKIP | HIDDEN
        while stack:
            item, closing = stack.pop()
            if isinstance(item, str):
                self.text(item)
            elif closing:
                self.close(item)
            elif not item.flags & skip:
                self.open(item)
                stack.append((item, True))
                stack.extend((c, False) for c in reversed(item.children))

    def _chrome_here(self, node: _Node) -> bool:
        return bool(node.flags & CHROME_MARK and node.flags & CHROME) and self.table is None

    def open(self, node: _Node) -> None:
        tag = node.tag
        if tag in ("br", "hr"):
            if self.cell is not None:
                self.cell.append("\n")
            elif self.table is None:
                self._newline()
            return
        if self._chrome_here(node):
            if self.chrome_depth == 0:
                self._newline()
                self.chrome_start = self.length
            self.chrome_depth += 1
        if tag == "table" and node.flags & DATA_TABLE and self.cell is None:
            self.saved.append((self.table, self.rows, self.row, self.cell))
            self._newline()
            self.table, self.rows, self.row, self.cell = node, [], None, None
        elif tag == "tr" and self.table is not None and node.owner is self.table:
            self.row = []
        elif tag in ("td", "th") and self.row is not None and node.owner is self.table:
            self.cell = []
        elif tag == "caption" and self.table is not None and self.row is None and self.cell is None:
            self.cell = []  # collected like a cell, shown as a line of its own above the rows
        elif tag in _BLOCK or node.flags & LAYOUT_BLOCK:
            self._break()

    def close(self, node: _Node) -> None:
        tag = node.tag
        if tag in ("td", "th") and self.cell is not None and node.owner is self.table and self.row is not None:
            self.row.append(_one_line(self.cell))
            self.cell = None
        elif tag == "caption" and self.table is not None and self.row is None and self.cell is not None:
            caption = _one_line(self.cell)
            self.cell = None
            if caption:  # a line of its own above the rows, outside the table's span
                self._newline()
                self._emit(caption + "\n")
        elif tag == "tr" and self.row is not None and node.owner is self.table:
            if any(self.row):
                self.rows.append(self.row)
            self.row = None
        elif tag == "table" and node is self.table:
            self._newline()
            if _key_value(self.rows):
                # An article's metadata table (索引号： … 发布日期： …) is page furniture: one
                # "label value" line per pair, so "发布日期：2025-01-22" reads as the date line it is.
                start = self.length
                for row in self.rows:
                    for k in range(0, len(row), 2):
                        line = "".join(row[k : k + 2]).strip()
                        if line:
                            self._emit(line + "\n")
                if self.chrome_depth == 0 and self.length > start:
                    self.chrome.append(Span(start, self.length, "chrome"))
            elif self.rows:
                start = self.length
                for row in self.rows:
                    self._emit("| " + " | ".join(row) + " |\n")
                self.tables.append(Span(start, self.length, "table"))
            self.table, self.rows, self.row, self.cell = self.saved.pop()
        elif tag in _BLOCK or node.flags & LAYOUT_BLOCK:
            self._break()
        if self._chrome_here(node):
            self.chrome_depth -= 1
            if self.chrome_depth == 0:
                self._newline()
                if self.length > self.chrome_start:
                    self.chrome.append(Span(self.chrome_start, self.length, "chrome"))

    def text(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.table is not None:
            return  # stray text between rows
        text = _WS.sub(" ", data)
        if not self.parts or self.parts[-1].endswith("\n"):
            text = text.lstrip(" ")
        self._emit(text)
