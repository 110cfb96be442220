"""DOCX reading: automatic numbering, the label Word shows before a numbered paragraph.

:class:`_Numbering` follows numbering definitions, their overrides and list styles, and counts
each list level as Word does; :func:`format_number` writes a number in a Word number format
(一, (一), 1., I, 甲 …). Used by docx.py's body walk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from shenyue.reading.docx_package import MAX_LIST_START, _attr, _child, _int, _local, _on

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
