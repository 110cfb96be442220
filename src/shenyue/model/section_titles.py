"""Section titles: the standard titles of an annual report and how a line's words are matched to them.

:func:`match_title` gives the canonical key (``overview``, ``active`` …) of a title however it is
written: full/half-width punctuation and spaces, lengthened, shortened and variant titles, typos
(fuzzy matching with :data:`FUZZY_ACCEPT`, measured by ``benchmarks/heading_titles.py``),
Traditional characters. Used by the heading finders (headings.py) and the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from shenyue.model.normalize import to_simplified
from shenyue.model.report import SECTION_KEYS
from shenyue.model.text import fold

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


_STRIP_FOR_COMPARE = re.compile(r"[\s、,，.。·:：;；\"“”()（）]|政府信息公开工作")


_WINDOW = 40


# The characters a section title (or its lead words) can start with, simplified and
# Traditional: 总体 主动 收到 政府 因 信息 行政 存在 其他 需要 (for a quick skip).
_TITLE_START = frozenset("总總主收政因信行存其需须須")


@dataclass(slots=True, frozen=True)
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
    return _match_title(window[:_WINDOW])


@lru_cache(maxsize=8192)  # reports repeat the same titles: a folder's headings are matched once each
def _match_title(window: str) -> TitleMatch:
    c, idx = _compact_map(window)
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
