"""Report metadata read from the text: title line, issuing unit, report year,
publication date. Unknown stays None; nothing is ever guessed from the file
name. (The document kind is decided with the sections, in
:func:`shenyue.model.document_kind.document_kind`.)"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from shenyue.model.chrome import HEADER_KEYS, crawl_header
from shenyue.model.normalize import to_simplified
from shenyue.model.report import Section, Span
from shenyue.model.text import fold, iter_lines, strip_span

TITLE_WORDS = re.compile(r"年度报告|年报|工作总结|工作报告|总结|工作思路|工作要点")
YEAR_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?.{0,40}?(年度报告|年报|工作总结|工作报告|总结)")
YEAR_PERIOD = re.compile(r"统计(?:期限|时限)[^。]{0,12}?(\d{4})\s*年\s*1\s*月\s*1\s*日")
YEAR_TOKEN = re.compile(r"(?<![\d〔\[(])((?:19|20)\d{2})\s*年(?!\d)")
YEAR_PLACEHOLDER = re.compile(r"(?:19|20)[xX×*]{2}\s*年|二[〇零][xX×]{2}\s*年")
DOC_NUMBER = re.compile(r"[〔\[(（]\s*(?:19|20)\d{2}\s*[〕\])）]")
SIGN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")

UNIT_SUFFIX = r"(?:街道办事处|街道|人民政府|政府办公室|政府|办事处|管理委员会|委员会|管委会|局|委|办公室|办|镇|乡|区|县|市|州|盟|旗|中心|院|厅|署)"
BARE_LEVEL = re.compile(r"^(街道|区|县|市|镇|乡|本|我)+$")
_LEAD_VERBS = (
    "认真|坚持|深入|全面|持续|紧紧|以|在|按照|严格|围绕|结合|进一步|扎实|不断|始终|积极|着力|全力|聚焦|立足|"
    "深化|高度|切实|牢牢|紧扣|贯彻|落实|把|将|从|通过|共|政府信息公开|政务公开|累计|主动|严格|依法|对|根据|继续"
)
LEAD_UNIT = re.compile(
    rf"^\s*(?:(?:19|20)\d{{2}}\s*年度?\s*[,，]?\s*)?([\u4e00-\u9fff]{{2,20}}?{UNIT_SUFFIX})(?={_LEAD_VERBS})"
)
SELF_REFERENCE = re.compile(r"(?:我|全|本)(市|区|县|镇|乡|州|街道)")


# A title that opens a long line and runs straight into the body (平潭…局2023年政府信息公开工作年度报告根据《条例》…).
_GLUED_TITLE = re.compile(
    r"[^。；;，,：:《》\n]{2,40}?(?:19|20)\d{2}\s*年度?[^。；;，,《》\n]{0,12}?"
    r"(?:政府信息公开|政务公开|信息公开)工作(?:年度报告|年报|总结|报告)"
)


def find_title(text: str, before: int, chrome: list[Span]) -> Span | None:
    """The report's title: a crawler header's 标题 value, else the first title-like
    line before the first section heading (with the line above it when that line
    is the issuing unit alone: a title set over two lines)."""
    header = crawl_header(text)
    if header is not None:
        found = header.title(text)
        if found is not None:
            s, e = strip_span(text, found.start, found.end)
            if e > s:
                return Span(s, e, "title")
    prev: tuple[int, int] | None = None
    for start, end in iter_lines(text[:before]):
        s, e = strip_span(text, start, end)
        if e <= s or any(c.start <= s < c.end for c in chrome):
            continue
        line = to_simplified(fold(text[s:e]))
        glued = _GLUED_TITLE.match(line)  # a one-line page stored without a header: title, then the body
        if glued and e - s - glued.end() > 10:
            return Span(s, s + glued.end(), "title")
        if e - s <= 80 and TITLE_WORDS.search(line):
            if prev is not None and not _unit_prefix(line) and _unit_name(text[prev[0] : prev[1]]):
                return Span(prev[0], e, "title")
            return Span(s, e, "title")
        prev = (s, e)
    return None


def _unit_name(raw: str) -> str | None:
    """``raw`` (a line or a prefix) as a unit name, or None when it is not one."""
    name = re.sub(r"\s+", "", fold(raw)).strip('《》"“”')
    if (
        2 <= len(name) <= 30
        and not BARE_LEVEL.match(name)
        and re.search(UNIT_SUFFIX + "$", name)
        and re.fullmatch(r"[\u4e00-\u9fff()（）]+", name)
    ):
        return name
    return None


def _unit_prefix(line: str) -> str | None:
    """The unit that opens a title line (before its year or 政府信息公开/政务公开)."""
    simplified = to_simplified(fold(line)).strip()
    cut = re.search(r"(?:19|20)\d{2}|20[xX]{2}|政府信息公开|信息公开|政务公开", simplified)
    prefix = simplified[: cut.start()] if cut else ""
    # A label a crawler or a page put before the title is never part of the name.
    m = re.match(r"^\s*([^\s:：]{1,8})\s*[:：]", prefix)
    if m and m.group(1).lower() in HEADER_KEYS:
        prefix = prefix[m.end() :]
    return _unit_name(prefix)


def report_year(
    text: str, title: Span | None, sections: list[Section], signature_start: int | None, folded: str | None = None
) -> int | None:
    """The report year Y, in the order of annual-report-rules.md §8.3."""
    if title is not None:
        m = YEAR_TITLE.search(to_simplified(fold(text[title.start : title.end])))
        if m:
            return int(m.group(1))
    folded = fold(text) if folded is None else folded
    m = YEAR_PERIOD.search(folded)
    if m:
        return int(m.group(1))
    overview = next((s for s in sections if s.key == "overview"), None)
    if overview is not None:
        lead = folded[overview.body_start : overview.body_start + 60]
        m = YEAR_TOKEN.search(lead)
        if m:
            return int(m.group(1))
    body_start = title.end if title is not None else 0
    body_end = signature_start if signature_start is not None else len(text)
    narrative = DOC_NUMBER.sub(" ", folded[body_start:body_end])
    years = Counter(int(y) for y in YEAR_TOKEN.findall(narrative))
    placeholders = len(YEAR_PLACEHOLDER.findall(narrative))
    if not years or placeholders >= sum(years.values()):
        return None
    return years.most_common(1)[0][0]


# The 落款 at the end of a body stored on one line: "…特此报告。 某某局 2024年1月26日".
_GLUED_SIGNATURE = re.compile(
    rf"(?:^|[。；;!！\s])\s*(?P<unit>[\u4e00-\u9fff()（）]{{2,30}}?{UNIT_SUFFIX})?[\s\u3000]*"
    r"(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$"
)


def _signature_lines(text: str, chrome: list[Span], count: int = 5) -> list[tuple[int, int]]:
    """The last ``count`` non-blank lines outside chrome, last first; a line ending in
    chrome (``… 附件下载``) is cut where the chrome starts."""
    out: list[tuple[int, int]] = []
    end = len(text)
    while end > 0 and len(out) < count:
        start = text.rfind("\n", 0, end) + 1
        cut = end
        for c in chrome:
            if start <= c.start < cut and c.end >= cut - 1:
                cut = c.start
        lead = start
        for c in chrome:  # chrome that opens the line (a breadcrumb glued to the body)
            if c.start <= lead < c.end:
                lead = c.end
        s, e = strip_span(text, lead, cut)
        end = start - 1
        if e <= s:
            continue
        out.append((s, e))
    return out


def find_signature_date(text: str, chrome: list[Span]) -> tuple[date, int] | None:
    """The 落款 date among the last five non-chrome lines (or at the very end of a long last line)."""
    for n, (s, e) in enumerate(_signature_lines(text, chrome)):
        folded = fold(text[s:e])
        if e - s <= 30:
            m = SIGN_DATE.search(folded)
        elif n == 0:
            m = _GLUED_SIGNATURE.search(folded[-60:])
            if m:
                m2 = SIGN_DATE.search(folded, len(folded) - 60 + m.start("date"))
                m = m2
        else:
            m = None
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), s + m.start()
            except ValueError:
                continue
    return None


def find_signature_unit(text: str, chrome: list[Span]) -> str | None:
    """The unit named in the 落款: the line(s) just before the signature date, or the
    name glued before the date at the end of a one-line body."""
    lines = _signature_lines(text, chrome, 4)
    for n, (s, e) in enumerate(lines):
        folded = fold(text[s:e])
        m = SIGN_DATE.search(folded)
        if not m:
            continue
        if e - s > 30:
            g = _GLUED_SIGNATURE.search(folded[-60:]) if n == 0 else None
            return _unit_name(g.group("unit")) if g and g.group("unit") else None
        before = folded[: m.start()].strip()
        if before:
            return _unit_name(before)
        for s2, e2 in lines[n + 1 : n + 3]:  # the unit on its own line(s) above the date
            name = _unit_name(text[s2:e2])
            if name:
                return name
        return None
    return None


def find_unit(text: str, title: Span | None, sections: list[Section], chrome: list[Span] | None = None) -> str | None:
    """The issuing unit as the text names it: from the title, else a crawler
    header's 发布机构, else the 落款 (the signature before the date), else the
    overview's lead sentence."""
    if title is not None:
        name = _unit_prefix(re.sub(r"\s+", "", text[title.start : title.end]))
        if name:
            return name
    header = crawl_header(text)
    if header is not None:  # the page's 发布机构 when the title does not name the unit
        found = header.value(text, "发布机构", "发文机关", "发布单位")
        name = _unit_name(found[0]) if found else None
        if name:
            return name
    name = find_signature_unit(text, chrome if chrome is not None else [])
    if name:
        return name
    lead_start = 0
    overview = next((s for s in sections if s.key == "overview"), None)
    if overview is not None:
        lead_start = overview.body_start
    elif sections:
        lead_start = sections[0].body_start
    lead = fold(text[lead_start : lead_start + 200]).lstrip()
    m = LEAD_UNIT.match(lead)
    if m and not BARE_LEVEL.match(m.group(1)) and not SELF_REFERENCE.match(m.group(1)):
        return m.group(1)
    m = SELF_REFERENCE.search(lead[:40])
    if m:
        return _named_unit_of_level(text, m.group(1))
    return None


_NOT_IN_NAMES = re.compile(r"[通过在对于和与及的了是为向由从将把被给以到等各全本我该市区县省镇乡]")


def _named_unit_of_level(text: str, level: str) -> str | None:
    """For a report that calls itself 我市/我区…, the proper name of that level it uses most."""
    counts: Counter[str] = Counter()
    pattern = re.compile(rf"([\u4e00-\u9fff]{{2,3}}){level}(?:人民)?政府")
    for m in pattern.finditer(text):
        stem = m.group(1)
        for size in (2, 3):
            if len(stem) >= size:
                name = stem[-size:] + level
                if not _NOT_IN_NAMES.search(name[: -len(level)]):
                    counts[name] += text.count(name)
    if not counts:
        return None
    # Prefer the shorter name when it occurs at least as often (中山市 over 推中山市).
    best = sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0])))[0][0]
    return best
