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

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from shenyue.reading.base import (
    SNIFF_NAMES,
    Extracted,
    ReadError,
    Span,
    cached_extract,
    check_text,
    ole_is_encrypted_ooxml,
    sniff,
    strip_controls,
    too_complex,
)

VERSION = 1  # bump when the extracted text changes, so cached results are rebuilt

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all parts read, uncompressed
MAX_PART_BYTES = 100 * 1024 * 1024  # one part, uncompressed
# Markup per part: parsing builds one element per tag, about 200 bytes each, so
# 95 MB of one-character paragraphs would take 1.5 GB. A real 300-page report
# has a few hundred thousand tags.
MAX_XML_TAGS = 2_000_000
# Every number read from the file is bounded (Word's own limits): a row that
# claims 30 million grid cells before it, a list that starts at 2e9 (spelt
# out in letters, a label of 77 million characters) are read as the bounds.
MAX_GRID_COLUMNS = 63
MAX_LIST_START = 32767
MAX_LIST_LEVEL = 8

_REL_OFFICE_DOC = "/officeDocument"
_REL_NUMBERING = "/numbering"
_REL_STYLES = "/styles"


def extract(data: bytes, path: Path, *, max_pages: int | None = None, use_cache: bool = True) -> Extracted:
    """Text of a .docx file; raises ReadError for anything that is not a readable .docx."""
    _check_container(data, path)
    return cached_extract("docx", VERSION, data, lambda: _extract(data), use_cache=use_cache)


def _check_container(data: bytes, path: Path) -> None:
    kind = sniff(data)
    if kind == "zip":
        return
    if kind == "ole":
        if ole_is_encrypted_ooxml(data):
            raise ReadError("docx_encrypted")
        raise ReadError("unsupported_doc")
    if kind is not None:
        raise ReadError("wrong_extension", ext=path.suffix.lower() or "(none)", actual=SNIFF_NAMES[kind])
    raise ReadError("corrupt_container", detail="not a zip archive")


# ---------------------------------------------------------------- package access


class _Package:
    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = {info.filename: info for info in self.zip.infolist()}
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ReadError("corrupt_container", detail=str(exc) or type(exc).__name__) from None
        self.unpacked = 0

    def read(self, name: str) -> bytes | None:
        info = self.names.get(name)
        if info is None:
            return None
        limit_mb = MAX_UNPACKED_BYTES // (1024 * 1024)
        if info.file_size > MAX_PART_BYTES or self.unpacked + info.file_size > MAX_UNPACKED_BYTES:
            raise ReadError("zip_bomb", limit_mb=limit_mb)
        try:
            with self.zip.open(info) as handle:
                # Never trust the declared size: read one byte past the limit.
                room = min(MAX_PART_BYTES, MAX_UNPACKED_BYTES - self.unpacked)
                blob = handle.read(room + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError) as exc:
            raise ReadError("corrupt_container", detail=str(exc) or type(exc).__name__) from None
        except RuntimeError as exc:  # an encrypted zip member
            raise ReadError("corrupt_container", detail=str(exc)) from None
        if len(blob) > room:
            raise ReadError("zip_bomb", limit_mb=limit_mb)
        self.unpacked += len(blob)
        return blob

    def xml(self, name: str) -> ET.Element | None:
        blob = self.read(name)
        if blob is None:
            return None
        if b"<!DOCTYPE" in blob or b"<!ENTITY" in blob:
            raise ReadError("corrupt_container", detail=f"{name}: DOCTYPE not allowed")
        tags = blob.count(b"<")
        if tags > MAX_XML_TAGS:
            raise too_complex(f"{name}: {tags:,} XML tags, limit {MAX_XML_TAGS:,}")
        try:
            return ET.fromstring(blob)
        except ET.ParseError as exc:
            raise ReadError("corrupt_container", detail=f"{name}: {exc}") from None

    def relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """rId -> (type, target path inside the package) for the part ``source``."""
        folder, base = posixpath.split(source)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, tuple[str, str]] = {}
        if rels is None:
            return out
        for rel in rels:
            if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), full)
        return out


def _main_part(pkg: _Package) -> str:
    for rel_type, target in pkg.relationships("").values():
        if rel_type.endswith(_REL_OFFICE_DOC) and target in pkg.names:
            return target
    if "word/document.xml" in pkg.names:
        return "word/document.xml"
    names = pkg.names
    if "xl/workbook.xml" in names:
        raise ReadError("wrong_extension", ext=".docx", actual="Excel (.xlsx)")
    if "ppt/presentation.xml" in names:
        raise ReadError("wrong_extension", ext=".docx", actual="PowerPoint (.pptx)")
    if "mimetype" in names or "content.xml" in names:
        raise ReadError("wrong_extension", ext=".docx", actual="OpenDocument (.odt)")
    raise ReadError("corrupt_container", detail="no Word document inside the archive")


# ---------------------------------------------------------------- XML helpers

_LOCAL: dict[str, str] = {}


def _local(tag: object) -> str:
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rpartition("}")[2]
    return name


def _attr(el: ET.Element | None, name: str) -> str | None:
    """An attribute by local name (w:val in transitional or strict namespaces)."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key == name or key.endswith("}" + name):
            return value
    return None


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _on(el: ET.Element | None) -> bool:
    """A toggle property (w:vanish, w:isLgl): present and not switched off."""
    return el is not None and (_attr(el, "val") or "true").lower() not in ("0", "false", "off")


def _int(value: str | None, default: int = 0, low: int = 0, high: int = MAX_LIST_LEVEL) -> int:
    """A number read from the file, within [low, high] (the default when it is not a number)."""
    try:
        number = int(value) if value is not None and len(value) <= 20 else default
    except ValueError:
        return default
    return min(max(number, low), high)


# ---------------------------------------------------------------- numbering


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    is_lgl: bool = False
    suffix: str = "tab"
    style: str | None = None


@dataclass(slots=True)
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # level -> startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # level -> full override


@dataclass(slots=True)
class _Style:
    based_on: str | None = None
    num_id: str | None = None
    ilvl: int | None = None


class _Numbering:
    """Renders the number Word shows in front of a numbered paragraph."""

    def __init__(self, numbering: ET.Element | None, styles: ET.Element | None):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_link: dict[str, str] = {}  # abstractNum -> numStyleLink style id
        self.nums: dict[str, _Num] = {}
        self.styles: dict[str, _Style] = {}
        self.counters: dict[str, dict[int, int]] = {}  # abstract id -> level -> last value
        self.started: set[str] = set()  # nums whose start overrides were applied
        if styles is not None:
            self._read_styles(styles)
        if numbering is not None:
            self._read_numbering(numbering)

    def _read_styles(self, root: ET.Element) -> None:
        for st in root:
            if _local(st.tag) != "style":
                continue
            sid = _attr(st, "styleId")
            if not sid:
                continue
            style = _Style(based_on=_attr(_child(st, "basedOn"), "val"))
            num_pr = _child(_child(st, "pPr"), "numPr")
            if num_pr is not None:
                style.num_id = _attr(_child(num_pr, "numId"), "val")
                ilvl = _attr(_child(num_pr, "ilvl"), "val")
                style.ilvl = _int(ilvl) if ilvl is not None else None  # 0..8
            self.styles[sid] = style

    @staticmethod
    def _level(lvl: ET.Element) -> _Level:
        return _Level(
            start=_int(_attr(_child(lvl, "start"), "val"), 1, 0, MAX_LIST_START),
            fmt=_attr(_child(lvl, "numFmt"), "val") or "decimal",
            text=_attr(_child(lvl, "lvlText"), "val") or "",
            is_lgl=_on(_child(lvl, "isLgl")),
            suffix=_attr(_child(lvl, "suff"), "val") or "tab",
            style=_attr(_child(lvl, "pStyle"), "val"),
        )

    def _read_numbering(self, root: ET.Element) -> None:
        for el in root:
            name = _local(el.tag)
            if name == "abstractNum":
                aid = _attr(el, "abstractNumId") or ""
                levels: dict[int, _Level] = {}
                for lvl in el:
                    tag = _local(lvl.tag)
                    if tag == "lvl":
                        levels[_int(_attr(lvl, "ilvl"))] = self._level(lvl)
                    elif tag == "numStyleLink":
                        self.style_link[aid] = _attr(lvl, "val") or ""
                self.abstract[aid] = levels
            elif name == "num":
                nid = _attr(el, "numId") or ""
                num = _Num(abstract=_attr(_child(el, "abstractNumId"), "val") or "")
                for ov in el:
                    if _local(ov.tag) != "lvlOverride":
                        continue
                    ilvl = _int(_attr(ov, "ilvl"))
                    start = _child(ov, "startOverride")
                    if start is not None:
                        num.starts[ilvl] = _int(_attr(start, "val"), 1, 0, MAX_LIST_START)
                    lvl = _child(ov, "lvl")
                    if lvl is not None:
                        num.levels[ilvl] = self._level(lvl)
                self.nums[nid] = num

    def _abstract_of(self, num: _Num) -> str:
        aid = num.abstract
        # A list style's abstractNum only points at the style; follow it once.
        link = self.style_link.get(aid)
        if link:
            style = self.styles.get(link)
            if style and style.num_id and style.num_id in self.nums:
                return self.nums[style.num_id].abstract
        return aid

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            if style.num_id is not None:
                return style.num_id, style.ilvl
            style_id = style.based_on
        return None, None

    def label(self, p_pr: ET.Element | None) -> tuple[str, str]:
        """(number text, suffix) for a paragraph; ("", "") when it is not numbered."""
        if p_pr is None and not self.nums:
            return "", ""
        style_id = _attr(_child(p_pr, "pStyle"), "val")
        num_pr = _child(p_pr, "numPr")
        num_id: str | None = None
        ilvl: int | None = None
        if num_pr is not None:
            num_id = _attr(_child(num_pr, "numId"), "val")
            raw = _attr(_child(num_pr, "ilvl"), "val")
            ilvl = _int(raw) if raw is not None else None
        if num_id is None:
            num_id, style_ilvl = self._style_numbering(style_id)
            if ilvl is None:
                ilvl = style_ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return "", ""
        num = self.nums[num_id]
        aid = self._abstract_of(num)
        levels = dict(self.abstract.get(aid, {}))
        levels.update(num.levels)
        if ilvl is None:  # the level is the one linked to the paragraph's style
            ilvl = next((i for i, lv in levels.items() if style_id and lv.style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return "", ""
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started and num.starts:
            self.started.add(num_id)
            for i, start in num.starts.items():
                counters[i] = start - 1
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [i for i in counters if i > ilvl]:
            del counters[deeper]
        if level.fmt == "none":
            return "", ""
        if level.fmt == "bullet":
            text = level.text
            return ("•" if not text or any(0xE000 <= ord(c) <= 0xF8FF for c in text) else text), level.suffix

        def number(match: re.Match[str]) -> str:
            i = int(match.group(1)) - 1
            lv = levels.get(i)
            value = counters.get(i, lv.start if lv else 1)
            fmt = "decimal" if level.is_lgl else (lv.fmt if lv else "decimal")
            return format_number(value, fmt)

        return re.sub(r"%([1-9])", number, level.text), level.suffix


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]


def _chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十", hundred: str = "百", thousand: str = "千") -> str:
    if n <= 0 or n >= 10000:
        return str(n)
    parts = []
    units = [(1000, thousand), (100, hundred), (10, ten), (1, "")]
    zero = False
    for value, unit in units:
        d = n // value % 10
        if d == 0:
            if parts:
                zero = True
            continue
        if zero:
            parts.append(digits[0])
            zero = False
        if not (value == 10 and d == 1 and not parts):  # 十一, not 一十一
            parts.append(digits[d])
        parts.append(unit)
    return "".join(parts)


def format_number(n: int, fmt: str) -> str:
    """A list counter as Word renders it for ``w:numFmt``."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "japaneseCounting",
        "japaneseDigitalTenThousand",
    ):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾", "佰", "仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseLegal"):
        return "".join("〇一二三四五六七八九"[int(c)] for c in str(n))
    if fmt in ("ideographTraditional",):
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt in ("ideographZodiac", "ideographZodiacTraditional"):
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(c) - 0x30 + 0xFF10) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        if n <= 0 or n > 780:  # a, …, z, aa, … zz … up to 30 letters; beyond that the digits (a label stays short)
            return str(n)
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        if not 0 < n < 4000:
            return str(n)
        out, rest = "", n
        for value, sym in _ROMAN:
            while rest >= value:
                out += sym
                rest -= value
        return out.upper() if fmt == "upperRoman" else out
    return str(n)


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
