"""Content checks (annual-report-rules.md §8.4–8.6): what the overview, the
problems section and the fee statement must say, and the format version."""

from __future__ import annotations

import re

from shenyue.analysis.checks.base import ANNUAL_KINDS, FORMAT_KINDS, Context, check, finding
from shenyue.analysis.checks.timing import unit_type
from shenyue.i18n import both

# ---------------------------------------------------------------- fee statement

_FEE = re.compile(r"信息处理费|收费通知|收取[^。]{0,6}费")
_NO_FEE_NOTICE = re.compile(r"未(?:发出|产生|发放|开具)[^。]{0,6}收费通知")
_FEE_NOTICES_N = re.compile(r"发出(?:了)?收费通知(?:书|单)?\s*(\d+)\s*(?:件|份|次)")


@check("fee_statement_missing", "warning", kinds=FORMAT_KINDS)
def fee_statement_missing(ctx: Context):
    """A 2021-or-later report without a 信息处理费 statement (本年度未收取信息处理费 …); the table-三 row label does not count."""
    year = ctx.report.year
    if year is None or year < 2021:
        return
    text = ctx.narrative
    if "信息处理费" in text or "收费通知" in text or next(ctx.near(_FEE, "收取", 0, 10), None):
        return
    yield finding("fee_statement_missing", "warning", *ctx.heading_span(ctx.section("other")))


@check("fee_table_conflict", "warning", kinds=FORMAT_KINDS, arithmetic=True)
def fee_table_conflict(ctx: Context):
    """Section 六 says no fee notice was issued (or K notices) but table 三 counts more requests dropped for non-payment."""
    dropped = ctx.tables.value("t3.r6_2.tot")
    if dropped is None:
        return
    span = ctx.body("other") or (0, len(ctx.text))
    m = _NO_FEE_NOTICE.search(ctx.narrative, *span)
    if m and dropped > 0:
        yield finding("fee_table_conflict", "warning", m.start(), m.end(), key="fee_table_conflict_none", cell=dropped)
        return
    m = _FEE_NOTICES_N.search(ctx.narrative, *span)
    if m and dropped > int(m.group(1)):
        yield finding("fee_table_conflict", "warning", m.start(), m.end(), key="fee_table_conflict_n",
                      notices=int(m.group(1)), cell=dropped)  # fmt: skip


# ---------------------------------------------------------------- overview (S1)

SUBTOPICS = (
    ("proactive", ("主动公开",)),
    ("on_request", ("依申请", "公开申请")),
    ("management", ("信息管理", "发布审核", "三审", "审核机制", "保密审查", "清理", "动态调整")),
    ("platform", ("平台", "网站", "新媒体", "公众号", "专栏", "查阅点", "专区")),
    ("oversight", ("监督", "考核", "考评", "培训", "社会评议", "责任追究", "督查", "通报")),
)
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:条|件|次|场|个|篇|万|%)")
ACCOUNTABILITY = ("考核", "社会评议", "责任追究")


@check("overview_subtopics_missing", "warning", kinds=FORMAT_KINDS)
def overview_subtopics_missing(ctx: Context):
    """The overview (一、总体情况) does not cover one of its five sub-topics: 主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障."""
    section = ctx.section("overview")
    if section is None or not ctx.annual:
        return
    body = ctx.body_text("overview")
    for key, words in SUBTOPICS:
        if not any(w in body for w in words):
            names = both(f"checks.subtopic.{key}")
            yield finding("overview_subtopics_missing", "warning", *ctx.heading_span(section), section="overview",
                          topic=names["zh"], topic_en=names["en"])  # fmt: skip


@check("overview_no_figures", "warning", kinds=FORMAT_KINDS)
def overview_no_figures(ctx: Context):
    """The overview gives fewer than three figures with units (条, 件, 次, 场, 个, 篇, 万, %)."""
    section = ctx.section("overview")
    if section is None or not ctx.annual:
        return
    count = 0
    for _m in _FIGURE.finditer(ctx.narrative, *ctx.body("overview")):
        count += 1
        if count >= 3:
            return
    if count < 3:
        yield finding("overview_no_figures", "warning", *ctx.heading_span(section), section="overview", count=count)


@check("gov_accountability_missing", "warning", also=("info",), kinds=FORMAT_KINDS)
def gov_accountability_missing(ctx: Context):
    """The overview lacks 考核, 社会评议 or 责任追究 results (Art. 50(4)): warning for a 人民政府, info for other units."""
    section = ctx.section("overview")
    if section is None or not ctx.annual:
        return
    body = ctx.body_text("overview")
    missing = [w for w in ACCOUNTABILITY if w not in body]
    if missing:
        government = unit_type(ctx) == "government"
        yield finding("gov_accountability_missing", "warning" if government else "info", *ctx.heading_span(section),
                      key="gov_accountability_missing" if government else "accountability_missing",
                      section="overview", missing="、".join(missing))  # fmt: skip


# ---------------------------------------------------------------- problems (S5)

# The start of the measures part of section 五. The rules' bare "(\d{4})年,我" would
# also match the section's usual lead sentence (2024年,我街道…), so a plan verb is required.
_MEASURES_START = re.compile(
    r"改进措施|整改措施|下一步|(?:19|20)\d{2}\s*年\s*,?\s*(?:我|本)[^。]{0,12}?(?:将|计划)|将(?:采取|继续|进一步)"
)
_MEASURE = re.compile(
    r"改进措施|整改措施|下一步|(?:19|20)\d{2}\s*年\s*,?\s*(?:我|本)[^。]{0,12}?(?:将|计划|继续)"
    r"|将(?:采取|继续|进一步|持续|不断|加强|加大|强化|完善|推进|提升|着力|全面|深入|认真|切实|健全|建立)"
    r"|(?:继续|持续)(?:加强|加大|推进|完善|深化|做好|抓好|提升|强化|抓牢)"
    r"|(?<![有待仍还亟要])进一步(?:加强|加大|推进|完善|深化|做好|抓好|提升|强化|规范|细化|拓展|提高|健全)"
)
_ITEM_SPLIT = re.compile(
    r"[一二三四五六七八九十]是|(?:^|(?<=[\n。;:]))\s*\d{1,2}\s*[.、]|\([一二三四五六七八九十]{1,2}\)"
)
_GENERIC = re.compile(
    r"(?:有待|仍需|还需|亟待|需要)(?:进一步)?(?:提高|加强|提升|完善|理顺|拓展|加大)|(?:存在|仍有)(?:一定)?(?:差距|不足|短板)|不够"
)
_FOLLOWUP = re.compile(r"(?:上一?年度?|去年|20\d\d年)[^。]{0,20}(?:问题|不足)[^。]{0,20}(?:整改|改进|落实)")
_CASES = re.compile(r"复议|诉讼|纠错")


def problems_part(text: str) -> str:
    """The problems part of section 五: its text before the first measures marker."""
    m = _MEASURES_START.search(text)
    return text[: m.start()] if m else text


def problem_items(part: str) -> list[tuple[int, int]]:
    """Spans (in ``part``) of the numbered items (一是…, 1., (一)) of the problems part."""
    cuts = [x.start() for x in _ITEM_SPLIT.finditer(part)]
    return [(a, b) for a, b in zip(cuts, cuts[1:] + [len(part)]) if part[a:b].strip()]


@check("problems_section_weak", "warning", kinds=FORMAT_KINDS)
def problems_section_weak(ctx: Context):
    """Section 五 names its problems in under 150 Han characters, or in short generic items (…有待提高, 仍需加强)."""
    section = ctx.section("problems")
    if section is None:
        return
    part = problems_part(ctx.body_text("problems"))
    han = ctx.han_between(section.body_start, section.body_start + len(part))
    if han < 150:
        yield finding("problems_section_weak", "warning", *ctx.heading_span(section), key="problems_section_short",
                      section="problems", han=han)  # fmt: skip
        return
    items = problem_items(part)[:41]  # a list this long is not a few generic one-liners
    base = section.body_start
    generic = [(a, b) for a, b in items if ctx.han_between(base + a, base + b) <= 30 and _GENERIC.search(part, a, b)]
    if items and len(generic) >= 0.8 * len(items):
        yield finding("problems_section_weak", "warning", *ctx.heading_span(section), key="problems_section_generic",
                      section="problems", items=len(items), generic=len(generic))  # fmt: skip


@check("problems_no_measures", "warning", kinds=FORMAT_KINDS)
def problems_no_measures(ctx: Context):
    """Section 五 names problems but no improvement measures (also when the measures sit only in a non-standard section)."""
    section = ctx.section("problems")
    if section is None or _MEASURE.search(ctx.body_text("problems")):
        return
    elsewhere = next(
        (
            s
            for s in ctx.report.sections
            if s.key.startswith("extra-") and _MEASURE.search(ctx.narrative, s.body_start, s.end)
        ),
        None,
    )
    if elsewhere is not None:
        yield finding("problems_no_measures", "warning", *ctx.heading_span(section), key="problems_measures_elsewhere",
                      section="problems", title=elsewhere.title)  # fmt: skip
    else:
        yield finding("problems_no_measures", "warning", *ctx.heading_span(section), section="problems")


@check("problems_no_prior_followup", "info", kinds=FORMAT_KINDS)
def problems_no_prior_followup(ctx: Context):
    """Section 五 does not say how last year's problems were rectified."""
    section = ctx.section("problems")
    if section is not None and not _FOLLOWUP.search(ctx.body_text("problems")):
        yield finding("problems_no_prior_followup", "info", *ctx.heading_span(section), section="problems")


@check("corrected_cases_not_explained", "info", kinds=FORMAT_KINDS)
def corrected_cases_not_explained(ctx: Context):
    """Table 四 has corrected reconsideration/litigation cases but section 五 does not mention 复议, 诉讼 or 纠错."""
    values = [ctx.tables.value(f"t4.{g}.cor") for g in ("rv", "sd", "sr")]
    if any(v is None for v in values) or sum(values) <= 0:
        return
    if _CASES.search(ctx.body_text("problems")):
        return
    cell = ctx.tables.cell("t4.rv.cor")
    yield finding("corrected_cases_not_explained", "info", cell.start, cell.end, count=sum(values))


# ---------------------------------------------------------------- format version


@check("format_version_legacy", "error", also=("info",), kinds=FORMAT_KINDS)
def format_version_legacy(ctx: Context):
    """Tables in the 2019 trial format (本年新制作数量, 政府集中采购 …): an error in a 2021-or-later report, info for 2019–2020."""
    tables = ctx.tables
    if tables.version != "2019":
        return
    year = ctx.report.year
    marker = tables.markers_2019[0] if tables.markers_2019 else None
    pos = ctx.norm.find(marker) if marker else -1
    start, end = (pos, pos + len(marker)) if pos >= 0 else (tables.regions[0] if tables.regions else (None, None))
    if year is not None and year >= 2021:
        yield finding("format_version_legacy", "error", start, end, year=year, marker=marker or "")
    else:
        yield finding("format_version_legacy", "info", start, end, key="format_version_2019", marker=marker or "")


_PREMODERN = (
    re.compile(r"概述"),
    re.compile(r"依申请公开政府信息(?:的)?(?:情况|办理情况)|依申请公开办理情况"),
    re.compile(r"收费及减免"),
    re.compile(r"咨询处理"),
    re.compile(r"复议、?诉讼和申诉"),
    re.compile(r"机构建设|保障经费|培训情况"),
    re.compile(r"支出和收费"),
)


@check("format_version_premodern", "error", also=("info",), kinds=ANNUAL_KINDS)
def format_version_premodern(ctx: Context):
    """A 2019-or-later report laid out like the pre-2019 (2008-era) reports: 概述, 依申请公开政府信息情况, 收费及减免 … (info for an earlier report)."""
    year = ctx.report.year
    if ctx.report.kind == "annual-legacy" and (year is None or year < 2019):
        first = ctx.report.sections[0] if ctx.report.sections else None
        yield finding("format_version_premodern", "info", *ctx.heading_span(first), key="format_version_premodern_note")
        return
    if year is None or year < 2019:
        return
    hits = []
    for s in ctx.report.sections:
        title = ctx.norm[s.start : s.start + len(s.title)]
        for i, pattern in enumerate(_PREMODERN):
            if pattern.search(title) and i not in {h[0] for h in hits}:
                hits.append((i, s))
    if len(hits) >= 2:
        first = hits[0][1]
        yield finding("format_version_premodern", "error", *ctx.heading_span(first), year=year,
                      titles="、".join(h[1].title for h in hits[:3]))  # fmt: skip
