"""Split a report into sections, and decide what kind of document it is.

Annual reports (2021 national format and the 2019 trial format) have six
top-level sections with fixed titles; each gets a canonical key. A numbered
top-level heading that matches none becomes ``extra-N``. Work summaries
(政务公开工作总结) and pre-2019 reports get their own numbered parts as ``part-N``.

A heading is recognised by its title wherever it stands: at a line start, in
the middle of a page flattened into one line, glued to the digits of a table's
last cell (``…行政事业性收费0三、收到和处理…``) or to a table row label with the
same numeral (``四、结转下年度继续办理0000000四、政府信息公开行政复议…``), wrapped
onto the next line by a PDF. Tolerated: full/half-width punctuation and spaces,
Markdown ``#`` headings, numbering deviations, lengthened, shortened and
variant titles, typos (fuzzy matching, threshold measured by
``benchmarks/heading_titles.py``). Table row labels (一、本年新收… 四、结转下年度…)
are never headings; a table region that runs over a heading ends there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

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

# annual-report-rules.md §8.4: what names each section, on the compact (folded,
# simplified, space-free) title. Each pattern matches a whole title as written in
# real reports, so that where a heading is glued to the text after it
# (``四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持…``) the title
# ends where the pattern ends. Variants seen: 与/和 for 、, 因…被申请…提起…,
# 政府信息公开工作 lengthening, 改进措施 for 改进情况, 需要说明的其他事项与附表.
KEY_PATTERNS = {
    "overview": re.compile(r"总体情况"),
    "proactive": re.compile(r"主动公开政府信息(?:工作)?(?:的?情况|(?!的?数))"),
    "requests": re.compile(r"收到和处理.{0,6}?申请的?(?:情况)?"),
    "appeals": re.compile(r"行政复议.{0,4}?行政诉讼的?(?:情况)?"),
    "problems": re.compile(r"存在的?主要问题(?:(?:及|和|与|以及)其?(?:改进|整改)(?:情况|措施|方向|举措|计划)?)?"),
    "other": re.compile(r"其[他它]需要?报告的?事项|需要?说明的?其[他它]事项(?:[与及和]附表)?|其[他它]需要?说明的?事项"),
}
# Words a title may carry before its key words (因政府信息公开工作被申请行政复议…).
_TITLE_LEAD = re.compile(r"(?:因)?(?:政府)?(?:信息公开|政务公开)?(?:工作)?(?:被申请|申请|中)?")
_MAX_LEAD = 12
# Titles compared fuzzily (typos such as 行政法复议, 总休情况): the standard title and
# the variants real reports use.
FUZZY_TITLES = (
    ("overview", "总体情况"),
    ("proactive", "主动公开政府信息情况"),
    ("requests", "收到和处理政府信息公开申请情况"),
    ("appeals", "政府信息公开行政复议、行政诉讼情况"),
    ("appeals", "因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
    ("problems", "存在的主要问题及改进情况"),
    ("problems", "政府信息公开工作存在的主要问题及改进情况"),
    ("other", "其他需要报告的事项"),
    ("other", "需要说明的其他事项与附表"),
)
# Fuzzy acceptance: rapidfuzz ``fuzz.ratio`` of the title's first characters against
# each title above, and the best-matching length must end like the title (情况, 事项).
# Measured by ``benchmarks/heading_titles.py`` on 34 positives (typos and variants
# of the six titles, 16 of them not matched by the patterns) and 41 negatives
# (numbered paragraphs and sub-headings that are not section headings: 一是…,
# 二、主要做法, 三、工作成效, 五、存在问题及下一步打算, table row labels …):
# positives matched only fuzzily score 75–100 (lowest: 总休情况, one wrong character
# of four); negatives score at most 60 (二、主动公开工作情况, 一、本年新收…数量) except
# two refused by other rules: 二、主动公开政府信息的数量 (80; does not end like a
# title) and 三、依申请公开政府信息情况 (70-76; a pre-2019 title). 70 sits between.
FUZZY_ACCEPT = 70
# The standard titles as compared with a bare title line, in SECTION_KEYS order.
_PLAIN_TITLES = [
    re.sub(r"[\s、,，.。·:：;；\"“”()（）]|政府信息公开工作", "", STANDARD_TITLES[k]) for k in SECTION_KEYS
]
# Row labels of table 三 that begin like headings (一、本年新收… 四、结转下年度…).
TABLE_ROW_LABEL = re.compile(r"^(本年新收|上年结转|本年度办理结果|结转下年度|本年度?新收|本年度?办理)")
# Table-4 header text mentions 行政复议/行政诉讼 but is not the section heading.
TABLE_HEADER_HINT = re.compile(r"结果维持|结果纠正|尚未审结|申请人情况")
# Headings of the pre-2019 (2008-era) annual report format (annual-report-rules.md §3.2).
LEGACY_TITLE = re.compile(
    r"^(?:.{0,4})(?:概述|(?:政府信息)?依申请公开.{0,8}?(?:情况|办理)|.{0,8}收费(?:及|和)减免|咨询处理|"
    r"复议、?诉讼和申诉|机构建设|保障经费|支出(?:和|与)收费)"
)

_NUMBERED = re.compile(r"^[\s#*>]*(?:第\s*)?([一二三四五六七八九十]{1,3})\s*(?:[、,.]|部分)\s*")
_PAREN = re.compile(r"^[\s#*>]*[(]\s*([一二三四五六七八九十]{1,3})\s*[)]\s*")
_MARKDOWN = re.compile(r"^\s*(#{1,6})\s*(\S.*)$")
_INLINE = re.compile(r"([一二三四五六七八九十]{1,2})\s*[、.]\s*")  # 一、 or 一． (folded to 一.)
_INLINE_PAREN = re.compile(r"[(]\s*([一二三四五六七八九十]{1,2})\s*[)]\s*")  # （一） folded
_TITLE_STOP = re.compile(r"[。:;,，：；]|\s{2,}")
_PART_STOP = re.compile(r"[。:;,，：；()（）!?！？]|\s{2,}|\d|一是|首先")  # where a part's title ends
_SENTENCE_END = "。；;！!？?」”)）]】:：\n"
_STRIP_FOR_COMPARE = re.compile(r"[\s、,，.。·:：;；\"“”()（）]|政府信息公开工作")
_MAX_HEADING_LINE = 50  # a longer numbered line is a paragraph, unless its start is a canonical title
_WRAPPED_HEADING_LINE = 30  # a numbered line this short may continue on the next line (PDF wrapping)
_PLAIN_HEADING_LINE = 30  # an un-numbered line this short may be a bare title (总体情况)
_HEADING_START = set(NUMERALS + "#*>(第")  # how a longer heading line starts (folded)
_WINDOW = 40
_NON_SPACE = re.compile(r"\S")
_MAX_INLINE_TITLES = 60
_MAX_SECTIONS = 500
_MAX_TITLE_MATCHES = 2000  # title matches per document and finder (a report needs a few dozen)
# The characters a section title (or its lead words) can start with, simplified and
# Traditional: 总体 主动 收到 政府 因 信息 行政 存在 其他 需要 (for a quick skip).
_TITLE_START = frozenset("总總主收政因信行存其需须須")


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
    legacy: bool = False  # a title of the pre-2019 format (一、概述 …)
    inline: bool = False  # found inside a line (a flattened page), not at a line start


@dataclass(slots=True)
class TitleMatch:
    key: str | None
    score: float  # 100 for a pattern match, else the fuzzy score
    standard: bool  # the verbatim national title (after normalising)
    length: int  # characters of the window the title takes (original characters, spaces included)


def compact(title: str) -> str:
    return re.sub(r"\s+", "", to_simplified(fold(title)))


def _compact_folded(folded: str) -> str:
    """:func:`compact` of text that is already folded."""
    return "".join(to_simplified(folded).split())


_SPACE = re.compile(r"\s")


def _compact_map(window: str) -> tuple[str, list[int] | None]:
    """The compact form of ``window`` and, per compact character, its index in
    ``window`` (None: the window has no white space, indices are the same)."""
    if not _SPACE.search(window):
        return to_simplified(fold(window)), None
    idx = [i for i, ch in enumerate(window) if not ch.isspace()]
    return to_simplified(fold("".join(window[i] for i in idx))), idx


def _length(idx: list[int] | None, n: int) -> int:
    """Original characters covered by the first ``n`` compact characters."""
    if idx is None:
        return max(n, 0)
    if n <= 0 or not idx:
        return 0
    return idx[min(n, len(idx)) - 1] + 1


def match_title(window: str) -> TitleMatch:
    """Which canonical section a title at the start of ``window`` names.

    ``window`` may run on into the text after the title (a heading glued to its
    body); the match says how many characters the title takes.
    """
    c, idx = _compact_map(window[:_WINDOW])
    if not c or TABLE_ROW_LABEL.match(c):
        return TitleMatch(None, 0.0, False, 0)
    lead = _TITLE_LEAD.match(c)
    lead_end = lead.end() if lead else 0
    for key, pattern in KEY_PATTERNS.items():
        m = pattern.search(c, 0, _MAX_LEAD + 12)
        if m is None or m.start() != lead_end and m.start() != 0:
            continue  # the key words must open the title (after its lead words)
        if key == "appeals" and TABLE_HEADER_HINT.search(c, 0, m.end()):
            return TitleMatch(None, 0.0, False, 0)
        title = c[: m.end()]
        return TitleMatch(key, 100.0, _is_standard(title, key), _length(idx, m.end()))
    if LEGACY_TITLE.match(c):
        return TitleMatch(None, 0.0, False, 0)  # a title of the pre-2019 format (依申请公开政府信息情况)
    best_key, best, best_n = fuzzy_best(c)
    if best_key is None or best < FUZZY_ACCEPT:
        return TitleMatch(None, best, False, 0)
    # the title's own length: the prefix length that reads most like a known title
    target = [t for k, t in FUZZY_TITLES if k == best_key]
    best_len, best_len_score = min(best_n, len(c)), -1.0  # a window shorter than the title (a wrapped line)
    for n in range(max(2, best_n - 6), min(len(c), best_n + 3) + 1):
        score = max(fuzz.ratio(c[:n], t) for t in target)
        if score > best_len_score or (score == best_len_score and abs(n - best_n) < abs(best_len - best_n)):
            best_len, best_len_score = n, score
    if not any(c[best_len - 1] == t[-1] for t in target):
        return TitleMatch(None, best, False, 0)  # 主动公开政府信息的数量: the title does not end like one
    return TitleMatch(best_key, round(max(best, best_len_score), 1), False, _length(idx, best_len))


def fuzzy_best(c: str) -> tuple[str | None, float, int]:
    """The known title the compact text ``c`` starts most like: ``(key, score, title length)``."""
    best_key, best, best_n = None, 0.0, 0
    for key, title in FUZZY_TITLES:
        n = len(title)
        score = fuzz.ratio(c[:n], title)
        if score > best:
            best_key, best, best_n = key, score, n
    return best_key, best, best_n


def match_key(title: str) -> tuple[str | None, float, bool]:
    """Which canonical section a heading title names: ``(key, score, standard)``."""
    m = match_title(title)
    return m.key, m.score, m.standard


def _is_standard(compact_title: str, key: str) -> bool:
    return _STRIP_FOR_COMPARE.sub("", compact_title) == _STRIP_FOR_COMPARE.sub("", STANDARD_TITLES[key])


def is_legacy_title(title: str) -> bool:
    """A heading title of the pre-2019 format (概述, 依申请公开…情况, 收费及减免 …)."""
    return bool(LEGACY_TITLE.match(compact(title)[:30]))


def _in_regions(pos: int, regions: list[Span]) -> bool:
    return any(r.start <= pos < r.end for r in regions)


def _title_end(folded: str, start: int, end: int) -> int:
    """End of a heading title that may be followed by body text on the same line."""
    if end - start <= _MAX_HEADING_LINE:
        return end
    m = _TITLE_STOP.search(folded, start, min(end, start + 40))
    return m.start() if m else min(end, start + 40)


def find_headings(
    text: str, table_regions: list[Span], folded: str | None = None, chrome: list[Span] | None = None
) -> list[Heading]:
    """Every heading-like line of the text, top level and second level.

    A line inside a table region is a heading only when it is numbered and names a
    canonical section (a section title right after a table's last row): outright,
    or fuzzily with the section's own numeral.
    Nothing in ``chrome`` (page furniture, a crawler's header) is a heading.
    """
    folded = fold(text) if folded is None else folded
    chrome = chrome or []
    headings: list[Heading] = []
    covered = 0  # end of a title wrapped onto following lines
    budget, plain_budget = _MAX_TITLE_MATCHES, 10 * _MAX_TITLE_MATCHES
    for start, end in iter_lines(text):
        if start == end or start < covered:
            continue
        s, e = strip_span(text, start, end)
        if s >= e or e - s > _PLAIN_HEADING_LINE and folded[s] not in _HEADING_START:
            continue  # a paragraph: a heading line is short or starts with its numbering
        if folded[s] == "|" or chrome and _in_regions(s, chrome):
            continue
        in_table = _in_regions(start, table_regions)
        line = folded[start:end]
        m = _NUMBERED.match(line)
        if m:
            numeral = m.group(1)
            t0 = start + m.end()
            if TABLE_ROW_LABEL.match(_compact_folded(folded[t0 : t0 + 12])):
                continue
            budget -= 1
            if budget < 0:
                break  # no report has this many numbered lines: bounded work on hostile input
            short = e - s <= _WRAPPED_HEADING_LINE and not _TITLE_STOP.search(folded, t0, e)
            # a short line may hold only the start of a title that a PDF wrapped onto the next line
            match = match_title(folded[t0 : t0 + _WINDOW] if short else folded[t0:e])
            if in_table and match.score < 100 and EXPECTED_NUMERAL.get(match.key) != numeral:
                continue
            if match.key is not None:
                line_end = e
                if t0 + match.length > e:  # wrapped: the title ends on a following line
                    t1 = t0 + match.length
                    nl = folded.find("\n", t1)
                    line_end = len(text) if nl < 0 else nl
                elif e - s <= _MAX_HEADING_LINE and not _TITLE_STOP.search(folded, t0 + match.length, e):
                    t1 = e  # a short line is the heading
                else:
                    t1 = t0 + match.length  # in a long line the title ends where it matched
                t1 = strip_span(text, s, t1)[1]
                covered = t1
                standard = match.score == 100 and _is_standard(_compact_folded(folded[t0:t1]), match.key)
                headings.append(
                    Heading(s, t1, text[s:t1].strip(), numeral, "numbered", match.key, match.score, standard, line_end)
                )
                continue
            if in_table:
                continue
            t1 = _title_end(folded, t0, e)
            if e - s > _MAX_HEADING_LINE or folded[s:e].rstrip().endswith("。"):
                continue  # a numbered paragraph, not a heading
            title = text[s:t1].strip()
            headings.append(
                Heading(s, t1, title, numeral, "numbered", None, match.score, False, e, is_legacy_title(text[t0:t1]))
            )
            continue
        m = _PAREN.match(line)
        if m:
            t0 = start + m.end()
            if in_table and match_title(folded[t0:e]).score < 100:
                continue  # (一)予以公开 …: a row of table 三; a section title after the table is kept
            t1 = _title_end(folded, t0, e)
            headings.append(Heading(s, t1, text[s:t1].strip(), m.group(1), "paren", line_end=e))
            continue
        if in_table:
            continue
        m = _MARKDOWN.match(line)
        if m:
            title = m.group(2).strip("#* ")
            key, score, standard = match_key(title)
            if key is not None and len(compact(title)) > len(STANDARD_TITLES[key]) + 10:
                key, score, standard = None, 0.0, False  # a long Markdown heading that merely starts like a title
            headings.append(Heading(s, e, text[s:e].strip(), None, "markdown", key, score, standard, e))
            continue
        if (
            4 <= e - s <= _PLAIN_HEADING_LINE
            and "\u4e00" <= folded[s] <= "\u9fff"
            and folded[e - 1] not in "。."
            and plain_budget > 0
        ):
            plain_budget -= 1
            # An un-numbered line that reads as a standard title ("总体情况").
            c = _STRIP_FOR_COMPARE.sub("", _compact_folded(folded[s:e]))
            best = process.extractOne(c, _PLAIN_TITLES, scorer=fuzz.ratio, score_cutoff=85)
            if best is not None:
                headings.append(Heading(s, e, text[s:e].strip(), None, "plain", SECTION_KEYS[best[2]], 90.0, False, e))
    return headings


_WRAPPED_TITLE = 24  # a line that ends this soon after a numbered title's start may have cut the title


def find_midline_headings(
    text: str, table_regions: list[Span], found: set[str], folded: str | None = None, chrome: list[Span] | None = None
) -> list[Heading]:
    """Canonical headings inside lines: a web page flattened into one line, a heading
    glued to the digits of a table's last cell (``…行政事业性收费0三、收到和处理…``)
    or right after a table row label that starts with the same numeral
    (``四、结转下年度继续办理0000000四、政府信息公开行政复议…``).

    A heading is recognised by its title wherever it stands, inside a table region
    too (a region that runs on over the heading after the table's last row); a
    fuzzy match (a typo) needs the section's own numeral. Of titles quoted out of order (a text that cites
    六、… before 三、…) only the longest run in the format's order is kept.
    """
    if len(found) == len(SECTION_KEYS):
        return []
    folded = fold(text) if folded is None else folded
    result: list[Heading] = []
    if "、" not in folded and "." not in folded:
        return result
    budget = _MAX_TITLE_MATCHES
    for m in _INLINE.finditer(folded):
        pos, t0 = m.start(), m.end()
        if t0 >= len(folded) or folded[t0] not in _TITLE_START:
            continue  # cheap: what follows cannot open a section title
        budget -= 1
        if budget < 0:
            break  # no report quotes titles this often: bounded work on hostile input
        if pos > 0 and folded[pos - 1] in NUMERALS:
            continue  # part of a longer numeral run
        line_start = folded.rfind("\n", 0, pos) + 1
        if not _NON_SPACE.search(folded, line_start, pos):
            continue  # at the start of a line: handled by find_headings
        if chrome and _in_regions(pos, chrome):
            continue
        numeral = m.group(1)
        line_end = folded.find("\n", t0, t0 + _WINDOW)
        line_end = t0 + _WINDOW if line_end < 0 else line_end
        window_end = line_end
        if line_end < len(folded) and line_end - t0 < _WRAPPED_TITLE:
            # a title cut by a hard line wrap (四、政府信息公开行政复议 / 、行政诉讼情况) runs on into the next line
            nxt = folded.find("\n", line_end + 1, line_end + 1 + _WINDOW)
            window_end = min(len(folded), line_end + 1 + _WINDOW if nxt < 0 else nxt)
        match = match_title(folded[t0:window_end])
        if match.key is None or match.key in found:
            continue
        if match.score < 100 and EXPECTED_NUMERAL.get(match.key) != numeral:
            continue  # a title matched only fuzzily needs the section's own numeral
        t1 = t0 + match.length
        if t1 > line_end:  # the title ends on the next line
            line_end = window_end
        result.append(
            Heading(
                pos,
                t1,
                text[pos:t1].strip(),
                numeral,
                "numbered",
                match.key,
                match.score,
                match.standard,
                line_end,
                inline=True,
            )
        )
    if len(result) > _MAX_INLINE_TITLES:  # a text quoting titles over and over: the first of each
        seen: set[str] = set()
        result = [h for h in result if h.key not in seen and not seen.add(h.key)]
    result = _in_format_order(result)
    found.update(h.key for h in result)
    return result


def _in_format_order(headings: list[Heading]) -> list[Heading]:
    """The longest subsequence (by position) whose keys strictly follow the format's order."""
    if len(headings) < 2:
        return headings
    order = [SECTION_KEYS.index(h.key) for h in headings]
    best = [1] * len(headings)
    prev = [-1] * len(headings)
    for i in range(len(headings)):
        for j in range(i):
            if order[j] < order[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = max(range(len(headings)), key=lambda k: (best[k], -k))
    chosen = []
    while i >= 0:
        chosen.append(headings[i])
        i = prev[i]
    return chosen[::-1]


def find_inline_parts(
    text: str, folded: str | None = None, start: int = 0, chrome: list[Span] | None = None
) -> list[Heading]:
    """The numbered parts 一、二、三… of a work summary written on one line
    (or, when it has none, its parts （一）（二）（三）…).

    Only the sequence counts: after 一 comes 二, and a 二 must follow the end of a
    sentence, so 统一、规范 or 举一反三、 never start a part. The first part may be
    glued to the title before it (``…工作要点落实情况一、加强公开解读…``).
    """
    folded = fold(text) if folded is None else folded
    return _parts(text, folded, start, chrome, _INLINE, "numbered") or _parts(
        text, folded, start, chrome, _INLINE_PAREN, "paren"
    )


def _parts(
    text: str, folded: str, start: int, chrome: list[Span] | None, marker: re.Pattern, level: str
) -> list[Heading]:
    cands: list[tuple[int, int, str, bool]] = []  # (pos, title start, numeral, after a sentence end)
    for m in marker.finditer(folded, start):
        pos = m.start()
        if pos > 0 and folded[pos - 1] in NUMERALS + "第" or chrome and _in_regions(pos, chrome):
            continue
        before = folded[pos - 1] if pos > 0 else "\n"
        cands.append((pos, m.end(), m.group(1), before in _SENTENCE_END or before.isspace()))
    parts: list[Heading] = []
    expected = 0
    firsts = [c for c in cands if c[2] == NUMERALS[0]]
    seconds = [c for c in cands if c[2] == NUMERALS[1] and c[3]]
    if not firsts or not seconds:
        return []
    # part 一: after a sentence end if one comes before the first 二, else the first 一、 with a short title
    limit = seconds[0][0]
    first = next((c for c in firsts if c[3] and c[0] < limit), None)
    if first is None:
        first = next((c for c in firsts if c[0] < limit and _part_title_len(folded, c[1]) >= 2), None)
    if first is None:
        return []
    for c in cands:
        if c[0] < first[0]:
            continue
        if c is not first and not c[3]:
            continue
        if expected >= len(NUMERALS) or c[2] != NUMERALS[expected]:
            continue
        n = _part_title_len(folded, c[1])
        if n < 2:
            continue
        t1 = c[1] + n
        line_end = folded.find("\n", c[1])
        line_end = len(text) if line_end < 0 else line_end
        title = text[c[0] : t1].strip()
        legacy = is_legacy_title(text[c[1] : t1])
        parts.append(Heading(c[0], t1, title, c[2], level, None, 0.0, False, line_end, legacy, True))
        expected += 1
    return parts if len(parts) >= 2 else []


def _part_title_len(folded: str, t0: int) -> int:
    """Characters of a part title at ``t0``: up to a stop (punctuation, bracket, digit), at most 20."""
    m = _PART_STOP.search(folded, t0, t0 + 21)
    n = (m.start() if m else min(len(folded), t0 + 20)) - t0
    nl = folded.find("\n", t0, t0 + n)
    return nl - t0 if nl >= 0 else n


NARRATIVE_KEYS = ("overview", "problems", "other")  # sections of text, without a table of the format


def clip_table_regions(text: str, tables: list[Span], headings: list[Heading]) -> list[Span]:
    """Table regions with the canonical section headings that they run over cut out.

    A section title after a table's last row ends that table. What follows the
    title stays table when the section is one of the format's tables (二, 三, 四:
    the region may hold the table the heading introduces); after the title of a
    narrative section (一, 五, 六) the region is cut up to the next heading.
    """
    canon = sorted((h for h in headings if h.key), key=lambda h: h.start)
    cuts = []
    for i, h in enumerate(canon):
        end = h.end
        if h.key in NARRATIVE_KEYS:
            end = canon[i + 1].start if i + 1 < len(canon) else len(text)
        cuts.append((h.start, end))
    out: list[Span] = []
    for t in tables:
        pieces = [(t.start, t.end)]
        for a, b in cuts:
            nxt = []
            for s, e in pieces:
                if s < a < e:  # the region runs over this heading
                    nxt.append((s, a))
                    if b < e:
                        nxt.append((b, e))
                else:
                    nxt.append((s, e))
            pieces = nxt
        if pieces == [(t.start, t.end)]:
            out.append(t)
            continue
        for s, e in pieces:
            s, e = strip_span(text, s, e)
            if e > s:
                out.append(Span(s, e, t.kind))
    return out


def build_sections(
    text: str,
    headings: list[Heading],
    *,
    summary: bool,
    table_regions: list[Span],
    chrome: list[Span],
    parts: list[Heading] | None = None,
) -> tuple[list[Section], Span | None]:
    """Turn top-level headings into sections; returns ``(sections, preamble)``.

    ``summary``: the document's own numbered parts become ``part-N`` (a work
    summary, a pre-2019 report); ``parts`` are the parts found inside lines
    (:func:`find_inline_parts`), used when the lines hold fewer than two.
    """
    if summary:
        top = _summary_level(headings, parts or [])
    else:
        top = [h for h in headings if h.level in ("numbered", "markdown", "plain") and (h.key or h.level == "numbered")]
        if len({h.key for h in top if h.key}) < 3:
            paren = _paren_sections(text, headings)
            if len({h.key for h in paren}) > len({h.key for h in top if h.key}):
                top = paren  # the six sections numbered （一）…（六）
        if not any(h.key for h in top):
            top = _summary_level(headings, parts or [])
            summary = True
    top.sort(key=lambda h: h.start)
    del top[_MAX_SECTIONS:]  # hostile input: the last section runs to the end
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


def _paren_sections(text: str, headings: list[Heading]) -> list[Heading]:
    """Headings numbered （一）（二）… that name sections of the format (some reports
    number their six sections so); matched only when the numbered ones do not."""
    out = []
    for h in [h for h in headings if h.level == "paren"][:_MAX_TITLE_MATCHES]:
        t0 = h.start + len(_PAREN.match(fold(text[h.start : h.end])).group(0))
        match = match_title(fold(text[t0 : h.end]))
        if match.key is not None:
            t1 = t0 + match.length if h.end - h.start > _MAX_HEADING_LINE else h.end
            standard = match.score == 100 and _is_standard(_compact_folded(fold(text[t0:t1])), match.key)
            out.append(
                Heading(
                    h.start,
                    t1,
                    text[h.start : t1].strip(),
                    h.numeral,
                    "paren",
                    match.key,
                    match.score,
                    standard,
                    h.line_end,
                )
            )
    return out


def _summary_level(headings: list[Heading], parts: list[Heading]) -> list[Heading]:
    """The top level of a document in its own parts: numbered lines, else numbered
    parts inside lines, else Markdown headings, else （一） lines or parts inside lines."""
    numbered = [h for h in headings if h.level == "numbered" and not h.inline]
    numbered_parts = [h for h in parts if h.level == "numbered"]
    if len(numbered) >= 2 or (numbered and len(numbered_parts) < 2):
        return numbered
    if len(numbered_parts) >= 2:
        return numbered_parts
    for chosen in ([h for h in headings if h.level == "markdown"], [h for h in headings if h.level == "paren"], parts):
        if len(chosen) >= 2:
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


# ---------------------------------------------------------------- document kind

ANNUAL_TITLE = re.compile(r"(政府信息公开|信息公开).{0,6}(年度报告|年报)")
SUMMARY_TITLE = re.compile(r"工作总结|工作思路|总结和|总结$|要点落实情况|落实情况$|工作情况报告|开展情况的?报告")
# Titles of documents that are about reports but are none: a notice, a plan, a list of work points.
NOT_REPORT_TITLE = re.compile(r"通知$|的通知|实施方案$|工作方案$|工作要点$|(?:报告)?格式$|编制说明$")
_BRACKETED = re.compile(r"[(（【\[][^()（）【】\[\]\n]{0,80}[)）】\]]")
_TEMPLATE_TITLE = re.compile(r"模板|模版|格式|范本|样本")
_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")
_NOT_LETTER = re.compile(r"[^A-Za-z]+")


def document_kind(
    text: str,
    title: Span | None,
    sections: list[Section],
    headings: list[Heading],
    parts: list[Heading],
    year: int | None,
    tables,
    table_regions: list[Span],
    chrome: list[Span],
) -> str:
    """What the document is (:data:`shenyue.model.report.KINDS`).

    ``annual-2021``/``annual-2019``: an annual report of a national format,
    however it is laid out (one line or many). ``annual-legacy``: an annual
    report in the pre-2019 format (一、概述 … 依申请公开办理情况 …, no 第二十条
    tables). ``template``: the blank format itself (headings, 文字描述
    placeholders, empty tables). ``summary``: a work summary (政务公开工作总结,
    工作要点落实情况) or another text about disclosure work in numbered parts.
    ``unknown``: not a report (a note, a README).
    ``tables`` is the parsed :class:`shenyue.model.tables.Tables`.
    """
    if not _about_disclosure(text, 0):
        return "unknown"
    title_text = to_simplified(fold(text[title.start : title.end])) if title else ""
    annual_title = bool(ANNUAL_TITLE.search(title_text))
    fmt = getattr(tables, "version", None)
    if title_text and SUMMARY_TITLE.search(title_text) and not annual_title:
        return "summary"
    canonical = {s.key for s in sections if s.canonical}
    if title_text and NOT_REPORT_TITLE.search(title_text.strip()) and len(canonical) < 3:
        return "unknown"
    if len(canonical) >= 3 or annual_title or fmt is not None:
        if len(canonical) >= 3 and is_unfilled_template(text, sections, tables, table_regions, chrome, title_text):
            return "template"
        legacy = len({h.numeral for h in [*headings, *parts] if h.legacy})
        # pre-2019 headings, or a report year before 2019 without the six sections of the later formats
        if fmt is None and (legacy >= 2 or (year is not None and year < 2019 and len(canonical) < len(SECTION_KEYS))):
            return "annual-legacy"
        if fmt == "2019":
            return "annual-2019"
        if fmt == "2021":
            return "annual-2021"
        if year is not None and year < 2021:
            return "annual-2019"
        return "annual-2021"
    numbered = [h for h in headings if h.level in ("numbered", "markdown") and not h.inline]
    if (len(parts) >= 2 or len(numbered) >= 2) and _about_disclosure(text, 100):
        return "summary"
    return "unknown"


def _about_disclosure(text: str, min_han: int) -> bool:
    """Chinese prose about disclosure work: Han characters dominate letters, and it speaks of 公开
    (judged on the first 4,000 characters: enough to tell, cheap on long texts)."""
    text = text[:4000]
    han = len(_NOT_HAN.sub("", text))
    return han >= min_han and han >= 2 * len(_NOT_LETTER.sub("", text)) and bool(_TOPIC.search(text))


_TOPIC = re.compile(r"公[开開]")


def is_unfilled_template(
    text: str, sections: list[Section], tables, table_regions: list[Span], chrome: list[Span], title: str = ""
) -> bool:
    """The blank format: every section of the national format holds nothing but
    bracketed instructions (（文字描述）), no table holds a number, and it says it
    is a template (an instruction, or 模板/格式 in its title). A report whose
    sections are merely empty (text lost in extraction) is not a template."""
    for t in tables.all() if tables is not None else []:
        if any(c.value is not None for c in t.cells.values()):
            return False
    canonical = [s for s in sections if s.canonical]
    if not canonical:
        return False
    instructions = bool(_TEMPLATE_TITLE.search(title))
    for s in canonical:
        body = text[s.body_start : s.end]
        # blank out tables and chrome, then the instructions in brackets
        for span in [*table_regions, *chrome]:
            if span.start < s.end and span.end > s.body_start:
                a, b = max(span.start, s.body_start) - s.body_start, min(span.end, s.end) - s.body_start
                body = body[:a] + " " * (b - a) + body[b:]
        if "|" in body:
            body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(("|", "｜")))
        if has_han(_BRACKETED.sub(" ", body), 10):
            return False
        instructions = instructions or any(has_han(m.group(), 2) for m in _BRACKETED.finditer(body))
    return instructions
