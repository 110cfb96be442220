"""Split a report into sections.

Annual reports (2021 national format and the 2019 trial format) have six
top-level sections with fixed titles; each gets a canonical key. A numbered
top-level heading that matches none becomes ``extra-N``. Work summaries
(政务公开工作总结) get their own top-level headings as ``part-N``.

Tolerated: full/half-width punctuation and spaces, Markdown ``#`` headings,
numbering deviations, lengthened or shortened titles, typos (fuzzy title
matching), headings in the middle of a long line (a web page flattened into
one line), PDF spaces. Lines inside statistics tables (whose row labels also
start with 一、二、三、四、) are never headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from shenyue.model.normalize import to_simplified
from shenyue.model.report import SECTION_KEYS, Section, Span
from shenyue.model.text import fold, has_han, iter_lines, strip_span

STANDARD_TITLES = {
    "overview": "总体情况",
    "proactive": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "appeals": "政府信息公开行政复议、行政诉讼情况",
    "problems": "存在的主要问题及改进情况",
    "other": "其他需要报告的事项",
}
NUMERALS = "一二三四五六七八九十"
EXPECTED_NUMERAL = dict(zip(SECTION_KEYS, NUMERALS))

# annual-report-rules.md §8.4, on the compact (folded, simplified, space-free) title.
KEY_PATTERNS = {
    "overview": re.compile(r"总体情况"),
    "proactive": re.compile(r"主动公开政府信息"),
    "requests": re.compile(r"收到和处理.{0,6}申请"),
    "appeals": re.compile(r"行政复议.{0,4}行政诉讼"),
    "problems": re.compile(r"存在的?主要问题"),
    "other": re.compile(r"其[他它]需要报告"),
}
# Row labels of table 三 that begin like headings (一、本年新收… 四、结转下年度…).
TABLE_ROW_LABEL = re.compile(r"^(本年新收|上年结转|本年度办理结果|结转下年度|本年度?新收)")
# Table-4 header lines mention 行政复议/行政诉讼 but are not the section heading.
TABLE_HEADER_HINT = re.compile(r"结果维持|结果纠正|尚未审结|申请人情况")

_NUMBERED = re.compile(r"^[\s#*>]*(?:第\s*)?([一二三四五六七八九十]{1,3})\s*(?:[、,.]|部分)\s*")
_PAREN = re.compile(r"^[\s#*>]*[(]\s*([一二三四五六七八九十]{1,3})\s*[)]\s*")
_MARKDOWN = re.compile(r"^\s*(#{1,6})\s*(\S.*)$")
_MIDLINE = re.compile(r"(?<=[。;;!?！？\s])([一二三四五六七八九十]{1,2})\s*[、]\s*")
_TITLE_STOP = re.compile(r"[。:;,，：；]|\s{2,}")
_STRIP_FOR_COMPARE = re.compile(r"[\s、,，.。·:：;；\"“”()（）]|政府信息公开工作")
_MAX_HEADING_LINE = 50  # a longer numbered line is a paragraph, unless its start is a canonical title
_FUZZY_ACCEPT = 80
_FUZZY_ACCEPT_AT_NUMERAL = 60


@dataclass(slots=True)
class Heading:
    start: int  # where the heading begins (numbering included)
    end: int  # where the heading's title ends
    title: str
    numeral: str | None
    level: str  # "numbered", "paren", "markdown", "plain"
    key: str | None = None
    score: float = 0.0
    standard: bool = True
    line_end: int = 0  # end of the line holding the heading


def compact(title: str) -> str:
    return re.sub(r"\s+", "", to_simplified(fold(title)))


def match_key(title: str, numeral: str | None = None) -> tuple[str | None, float, bool]:
    """Which canonical section a heading title names: ``(key, score, standard)``."""
    c = compact(title)[:40]
    if not c:
        return None, 0.0, False
    for key, pattern in KEY_PATTERNS.items():
        if pattern.search(c):
            if key == "appeals" and TABLE_HEADER_HINT.search(c):
                return None, 0.0, False
            return key, 100.0, _is_standard(c, key)
    best_key, best = None, 0.0
    for key, standard in STANDARD_TITLES.items():
        score = fuzz.ratio(_STRIP_FOR_COMPARE.sub("", c), _STRIP_FOR_COMPARE.sub("", standard))
        if score > best:
            best_key, best = key, score
    if best >= _FUZZY_ACCEPT or (numeral and EXPECTED_NUMERAL.get(best_key) == numeral and best >= _FUZZY_ACCEPT_AT_NUMERAL):
        return best_key, best, False
    return None, best, False


def _is_standard(compact_title: str, key: str) -> bool:
    return _STRIP_FOR_COMPARE.sub("", compact_title) == _STRIP_FOR_COMPARE.sub("", STANDARD_TITLES[key])


def _in_regions(pos: int, regions: list[Span]) -> bool:
    return any(r.start <= pos < r.end for r in regions)


def _title_end(folded: str, start: int, end: int) -> int:
    """End of a heading title that may be followed by body text on the same line."""
    if end - start <= _MAX_HEADING_LINE:
        return end
    m = _TITLE_STOP.search(folded, start, min(end, start + 40))
    return m.start() if m else min(end, start + 40)


def find_headings(text: str, table_regions: list[Span], folded: str | None = None) -> list[Heading]:
    """Every heading-like line of the text, top level and second level."""
    folded = fold(text) if folded is None else folded
    headings: list[Heading] = []
    for start, end in iter_lines(text):
        if start == end or _in_regions(start, table_regions):
            continue
        line = folded[start:end]
        if line.lstrip().startswith("|"):
            continue
        s, e = strip_span(text, start, end)
        if s >= e:
            continue
        m = _NUMBERED.match(line)
        if m:
            numeral = m.group(1)
            t0 = start + m.end()
            t1 = _title_end(folded, t0, e)
            title = text[t0:t1].strip()
            if TABLE_ROW_LABEL.match(compact(title)):
                continue
            key, score, standard = match_key(title, numeral)
            if key is None and (e - s > _MAX_HEADING_LINE or folded[s:e].rstrip().endswith("。")):
                continue  # a numbered paragraph, not a heading
            headings.append(Heading(s, t1, text[s:t1].strip(), numeral, "numbered", key, score, standard, e))
            continue
        m = _PAREN.match(line)
        if m:
            t0 = start + m.end()
            t1 = _title_end(folded, t0, e)
            headings.append(Heading(s, t1, text[s:t1].strip(), m.group(1), "paren", line_end=e))
            continue
        m = _MARKDOWN.match(line)
        if m:
            title = m.group(2).strip("#* ")
            key, score, standard = match_key(title)
            headings.append(Heading(s, e, text[s:e].strip(), None, "markdown", key, score, standard, e))
            continue
        if e - s <= 30 and not folded[s:e].rstrip().endswith(("。", ".")):
            # An un-numbered line that reads as a standard title ("总体情况").
            c = _STRIP_FOR_COMPARE.sub("", compact(text[s:e]))
            for key, std in STANDARD_TITLES.items():
                if fuzz.ratio(c, _STRIP_FOR_COMPARE.sub("", std)) >= 85:
                    headings.append(Heading(s, e, text[s:e].strip(), None, "plain", key, 90.0, False, e))
                    break
    return headings


def find_midline_headings(
    text: str, table_regions: list[Span], found: set[str], folded: str | None = None
) -> list[Heading]:
    """Canonical headings inside long lines (a web page flattened into one line)."""
    if len(found) == len(SECTION_KEYS):
        return []
    folded = fold(text) if folded is None else folded
    result: list[Heading] = []
    for m in _MIDLINE.finditer(folded):
        pos = m.start()
        if _in_regions(pos, table_regions):
            continue
        line_start = folded.rfind("\n", 0, pos) + 1
        if not folded[line_start:pos].strip():
            continue  # at the start of a line: handled by find_headings
        t0 = m.end()
        window = folded[t0 : t0 + 30]
        key, score, standard = match_key(window, m.group(1))
        if key is None or key in found or score < 100:
            continue
        if TABLE_ROW_LABEL.match(compact(window)):
            continue
        pattern_end = KEY_PATTERNS[key].search(compact(window))
        # extend the title to the standard title's length when it reads the same
        std = STANDARD_TITLES[key]
        t1 = t0 + len(std) if compact(folded[t0 : t0 + len(std)]) == std else t0 + (pattern_end.end() if pattern_end else 4)
        line_end = folded.find("\n", t0)
        line_end = len(text) if line_end < 0 else line_end
        result.append(Heading(pos, t1, text[pos:t1].strip(), m.group(1), "numbered", key, score, standard, line_end))
        found.add(key)
    return result


def build_sections(
    text: str, headings: list[Heading], *, summary: bool, table_regions: list[Span], chrome: list[Span]
) -> tuple[list[Section], Span | None]:
    """Turn top-level headings into sections; returns ``(sections, preamble)``."""
    if summary:
        top = _summary_level(headings)
    else:
        top = [h for h in headings if h.level in ("numbered", "markdown", "plain") and (h.key or h.level == "numbered")]
        if not any(h.key for h in top):
            top = _summary_level(headings)
            summary = True
    top.sort(key=lambda h: h.start)
    sections: list[Section] = []
    used: set[str] = set()
    extra = 0
    end_of_text = _content_end(text, chrome)
    for i, h in enumerate(top):
        end = top[i + 1].start if i + 1 < len(top) else max(end_of_text, h.end)
        if summary:
            key, standard, score = f"part-{i + 1}", True, 100.0
        elif h.key and h.key not in used:
            key, standard, score = h.key, h.standard, h.score
            used.add(h.key)
        else:
            extra += 1
            key, standard, score = f"extra-{extra}", False, h.score
        body_start = min(end, h.end)
        section = Section(
            key=key,
            title=h.title,
            start=h.start,
            end=end,
            body_start=body_start,
            numeral=h.numeral,
            empty=_is_empty(text, body_start, end, table_regions, chrome),
            standard_title=standard,
            title_score=score,
        )
        sections.append(section)
    preamble = None
    first = sections[0].start if sections else len(text)
    s, e = strip_span(text, 0, first)
    if e > s:
        preamble = Span(s, e, "preamble")
    return sections, preamble


def _summary_level(headings: list[Heading]) -> list[Heading]:
    for level in ("numbered", "markdown", "paren"):
        chosen = [h for h in headings if h.level == level]
        if len(chosen) >= 2 or (chosen and level == "numbered"):
            return chosen
    return []


def _content_end(text: str, chrome: list[Span]) -> int:
    """End of the text without trailing chrome lines (关闭本页 …) and white space."""
    end = len(text)
    changed = True
    while changed:
        changed = False
        end = strip_span(text, 0, end)[1]
        for c in chrome:
            if c.start < end <= c.end or (c.start < end and not text[c.end : end].strip()):
                if c.start < end:
                    end = c.start
                    changed = True
    return end


def _is_empty(text: str, start: int, end: int, tables: list[Span], chrome: list[Span]) -> bool:
    if any(t.start < end and t.end > start for t in tables):
        return False
    body = text[start:end]
    for c in chrome:
        if c.start < end and c.end > start:
            a, b = max(c.start, start) - start, min(c.end, end) - start
            body = body[:a] + " " * (b - a) + body[b:]
    return not has_han(body, 10)
