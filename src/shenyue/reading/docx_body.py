"""DOCX reading: the document body walked in order.

:class:`_Body` turns paragraphs into lines (with their automatic numbers), tables into pipe rows
(merged cells kept in their columns) and text boxes into lines after their anchor; deleted
revisions, hidden text and field codes are left out. Used by docx.py.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from shenyue.reading.base import check_text
from shenyue.reading.docx_numbering import _Numbering
from shenyue.reading.docx_package import MAX_GRID_COLUMNS, _attr, _child, _int, _local, _on

# ---------------------------------------------------------------- body walk

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


_SKIP_RUN = frozenset(
    {
        "delText",
        "instrText",
        "delInstrText",
        "fldChar",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "annotationRef",
        "rPr",
        "lastRenderedPageBreak",
        "softHyphen",
        "separator",
        "continuationSeparator",
        "footnoteRef",
        "endnoteRef",
    }
)


_SKIP_INLINE = frozenset(
    {
        "del",
        "moveFrom",
        "pPr",
        "proofErr",
        "bookmarkStart",
        "bookmarkEnd",
        "commentRangeStart",
        "commentRangeEnd",
        "permStart",
        "permEnd",
        "rPr",
        "sdtPr",
        "sdtEndPr",
    }
)


_CONTAINERS = frozenset(
    {
        "sdt",
        "sdtContent",
        "customXml",
        "smartTag",
        "ins",
        "moveTo",
        "hyperlink",
        "fldSimple",
        "dir",
        "bdo",
        "r",
        "Choice",
        "drawing",
        "pict",
        "object",
        "inline",
        "anchor",
        "graphic",
        "graphicData",
        "wsp",
        "txbx",
        "textbox",
        "shape",
        "rect",
        "roundrect",
        "group",
        "wgp",
        "grpSp",
        "sp",
        "txBody",
    }
)


def _alternative(el: ET.Element) -> ET.Element | None:
    """The first mc:Choice of an mc:AlternateContent (its mc:Fallback repeats the same text)."""
    choice = _child(el, "Choice")
    return choice if choice is not None else _child(el, "Fallback")


def _join(a: str, b: str) -> str:
    """Join two pieces of one cell: CJK text runs on without a space."""
    if not a:
        return b
    if not b:
        return a
    if _CJK.match(a[-1]) or _CJK.match(b[0]):
        return a + b
    return a + " " + b


def _one_line(text: str) -> str:
    """A cell's text on one line: "商业⏎企业" becomes "商业企业", "Total⏎2024" "Total 2024"."""
    out = ""
    for piece in text.split("\n"):
        out = _join(out, " ".join(piece.split()))
    return out


class _Body:
    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self.lines: list[str] = []
        self.tables: list[tuple[int, int]] = []  # (first line, last line + 1)
        self.size = 0  # characters in lines so far: the text per file is bounded as it grows

    def _add(self, line: str) -> None:
        self.size += len(line) + 1
        check_text(self.size)
        self.lines.append(line)

    # -- paragraphs
    def paragraph(self, p: ET.Element) -> tuple[str, list[ET.Element]]:
        """The paragraph's visible text (with its list number) and the text boxes anchored in it."""
        parts: list[str] = []
        boxes: list[ET.Element] = []
        self._inline(p, parts, boxes)
        text = "".join(parts)
        label, suffix = self.numbering.label(_child(p, "pPr"))
        if label:
            # "一、" and "1." run straight on; a label ending in a letter or
            # ideograph ("第一章") keeps the gap Word shows after it.
            gap = " " if text and suffix != "nothing" and label[-1].isalnum() else ""
            text = label + gap + text
        return text, boxes

    def _inline(self, el: ET.Element, parts: list[str], boxes: list[ET.Element]) -> None:
        for c in el:
            name = _local(c.tag)
            if name == "t":
                if c.text:
                    parts.append(c.text)
            elif name == "r":
                r_pr = _child(c, "rPr")
                if r_pr is not None and (_on(_child(r_pr, "vanish")) or _on(_child(r_pr, "webHidden"))):
                    continue
                self._inline(c, parts, boxes)
            elif name == "tab" or name == "ptab":
                parts.append("\t")
            elif name in ("br", "cr"):
                parts.append("\n")
            elif name == "noBreakHyphen":
                parts.append("-")
            elif name == "sym":
                code = _attr(c, "char")
                try:
                    ch = chr(int(code or "", 16))
                except (ValueError, OverflowError):
                    continue
                if not 0xE000 <= ord(ch) <= 0xF8FF:  # symbol-font private use codes show nothing useful
                    parts.append(ch)
            elif name == "txbxContent":
                boxes.append(c)
            elif name == "AlternateContent":
                choice = _alternative(c)
                if choice is not None:
                    self._inline(choice, parts, boxes)
            elif name in _SKIP_RUN or name in _SKIP_INLINE:
                continue
            elif name in _CONTAINERS or len(c):
                self._inline(c, parts, boxes)

    def _emit_paragraph(self, p: ET.Element) -> None:
        text, boxes = self.paragraph(p)
        self._add(text)
        for box in boxes:
            self.block(box)

    # -- tables
    def _cell_text(self, tc: ET.Element) -> str:
        text = ""
        for c in tc:
            name = _local(c.tag)
            if name == "p":
                piece, boxes = self.paragraph(c)
                text = _join(text, piece.strip())
                for box in boxes:
                    text = _join(text, self._cell_text(box))
            elif name == "tbl":  # a nested table: its cells in reading order
                for tr in self._rows(c):
                    for cell in self._cells(tr):
                        text = _join(text, self._cell_text(cell))
            elif name in ("sdt", "sdtContent", "customXml"):
                text = _join(text, self._cell_text(c))
        return _one_line(text).replace("|", "｜")

    def _rows(self, tbl: ET.Element):
        for c in tbl:
            name = _local(c.tag)
            if name == "tr":
                yield c
            elif name in ("sdt", "sdtContent", "customXml"):
                yield from self._rows(c)

    def _cells(self, tr: ET.Element):
        for c in tr:
            name = _local(c.tag)
            if name == "tc":
                yield c
            elif name in ("sdt", "sdtContent", "customXml"):
                yield from self._cells(c)

    def table(self, tbl: ET.Element) -> None:
        first = len(self.lines)
        for tr in self._rows(tbl):
            tr_pr = _child(tr, "trPr")
            cells = [""] * _int(_attr(_child(tr_pr, "gridBefore"), "val"), 0, 0, MAX_GRID_COLUMNS)
            for tc in self._cells(tr):
                tc_pr = _child(tc, "tcPr")
                v_merge = _child(tc_pr, "vMerge")
                if v_merge is not None and (_attr(v_merge, "val") or "continue") == "continue":
                    cells.append("")  # the merged cell's text was shown in the row above
                else:
                    cells.append(self._cell_text(tc))
            if cells and any(cells):
                self._add("| " + " | ".join(cells) + " |")
        if len(self.lines) > first:
            self.tables.append((first, len(self.lines)))

    # -- blocks
    def block(self, container: ET.Element) -> None:
        for c in container:
            name = _local(c.tag)
            if name == "p":
                self._emit_paragraph(c)
            elif name == "tbl":
                self.table(c)
            elif name in ("sdt", "sdtContent", "customXml", "txbxContent", "ins", "moveTo"):
                self.block(c)
            elif name == "AlternateContent":
                choice = _alternative(c)
                if choice is not None:
                    self.block(choice)
