"""Report year and timeliness (annual-report-rules.md §8.3)."""

from __future__ import annotations

import re
from datetime import date

from shenyue.analysis.checks.base import ANNUAL_KINDS, REPORT_KINDS, Context, check, finding
from shenyue.i18n import both

_YEAR = re.compile(r"(?<![\d〔\[(])((?:19|20)\d{2})\s*年(?!\d)")
_YEAR_ANY = re.compile(r"(?<![\d〔\[(])(?:((?:19|20)\d{2})|(?:19|20)[x×*]{2}|二[〇零○][x×]{2})\s*年")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)|(?:19|20)[x×*]{2}|二[〇零○][x×]{2}")
_PERIOD = re.compile(r"统计(?:期限|时限)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
# The report naming itself: 编制完成2023年度政府信息公开工作年度报告 (not inside a cited document's title).
_SELF = re.compile(
    r"(?:编制|形成|撰写|发布|公布)(?:完成|公布|发布)?[了好]?(?:本单位|本机关|本部门|我[局委办厅区县市镇])?的?\s*"
    r"((?:19|20)\d{2})\s*年度?(?:政府信息公开|政务公开|信息公开)工作年度报告"
)
# A cited notice on some year's reports: 关于编制公布2021年政府信息公开工作年度报告有关事项的通知.
_NOTICE = re.compile(
    r"关于[^《》。\n]{0,16}?((?:19|20)\d{2})\s*年度?(?:政府信息公开|政务公开|信息公开)工作年度报告[^《》。\n]{0,12}?通知"
)
_PLAN = re.compile(r"((?:19|20)\d{2})\s*年\s*,?\s*(?:我|本)?[^。;\n]{0,12}?(?:将|计划|继续)")
_SENTENCE_END = re.compile(r"[。!?;\n]")


def _title_year(ctx: Context) -> tuple[str, int, int] | None:
    title = ctx.report.title
    if title is None:
        return None
    m = _TITLE_YEAR.search(ctx.norm, title.start, title.end)
    return (ctx.text[m.start() : m.end()], m.start(), m.end()) if m else None


def _lead_span(ctx: Context) -> tuple[int, int]:
    """Where the report's lead sentence sits: the overview's body, else the text after the title."""
    overview = ctx.section("overview")
    if overview is not None:
        return overview.body_start, overview.end
    start = ctx.report.title.end if ctx.report.title else 0
    first = ctx.report.sections[0].start if ctx.report.sections else len(ctx.text)
    return start, max(first, start)


def _lead_year(ctx: Context) -> tuple[str, int, int] | None:
    start, end = _lead_span(ctx)
    m = _YEAR_ANY.search(ctx.narrative, start, min(end, start + 60))
    if not m:
        return None
    raw = ctx.text[m.start() : m.end()].rstrip("年 ")
    return raw, m.start(), m.start() + len(raw)


def _period_year(ctx: Context) -> tuple[str, int, int] | None:
    m = next(ctx.near(_PERIOD, "统计", 0, 40), None)
    return (m.group(1), m.start(1), m.end(1)) if m else None


def _canonical(year: str) -> str:
    return year.replace("X", "x").replace("×", "x").replace("*", "x")


def effective_year(ctx: Context) -> int | None:
    """The report year, or failing that a 4-digit title year (for era checks)."""
    if ctx.report.year is not None:
        return ctx.report.year
    t = _title_year(ctx)
    return int(t[0]) if t and t[0].isdigit() else None


@check("report_year_unresolved", "error", kinds=REPORT_KINDS)
def report_year_unresolved(ctx: Context):
    """No 4-digit report year can be derived, or the years in the headings and lead sentence are only placeholders (20xx)."""
    title = ctx.report.title
    span = (title.start, title.end) if title else (None, None)
    if ctx.report.year is None:
        yield finding("report_year_unresolved", "error", *span)
        return
    start, _ = _lead_span(ctx)
    end_m = _SENTENCE_END.search(ctx.narrative, start)
    places = [(start, end_m.start() if end_m else len(ctx.text))]
    places += [(s.start, s.start + len(s.title)) for s in ctx.report.sections]
    real = placeholder = 0
    first_ph = None
    for a, b in places:
        for m in _YEAR_ANY.finditer(ctx.narrative, a, b):
            if m.group(1):
                real += 1
            else:
                placeholder += 1
                first_ph = first_ph or m
    if placeholder and not real:
        yield finding("report_year_unresolved", "error", first_ph.start(), first_ph.end(), key="report_year_placeholder",
                      hit=ctx.text[first_ph.start() : first_ph.end()])  # fmt: skip


@check("year_mismatch", "error", also=("warning",), kinds=REPORT_KINDS)
def year_mismatch(ctx: Context):
    """Title year, 统计期限 year and the overview's lead year disagree, the publication year is not Y+1, or the plan year is not Y+1 (warning)."""
    found = {"title": _title_year(ctx), "period": _period_year(ctx), "lead": _lead_year(ctx)}
    names = ("title", "period", "lead")
    reported = False
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ya, yb = found[a], found[b]
            if ya and yb and _canonical(ya[0]) != _canonical(yb[0]) and not reported:
                reported = True
                yield finding("year_mismatch", "error", yb[1], yb[2], key=f"year_mismatch_{a}_{b}", a=ya[0], b=yb[0])
    year = ctx.report.year
    if year is None:
        return
    published = ctx.report.published
    if published is not None and published.year != year + 1:
        yield finding("year_mismatch", "error", *_date_span(ctx, published), key="year_mismatch_published",
                      year=year, published=published.isoformat(), expected=year + 1)  # fmt: skip
    yield from _self_and_basis_years(ctx, year)
    for key in _plan_sections(ctx):
        span = ctx.body(key)
        if span is None:
            continue
        for m in _PLAN.finditer(ctx.narrative, *span):
            plan = int(m.group(1))
            if plan != year + 1:
                yield finding("year_mismatch", "warning", m.start(1), m.end(1), key="year_mismatch_plan",
                              plan=plan, year=year, expected=year + 1)  # fmt: skip
                return


def _inside_citation(text: str, pos: int) -> bool:
    """Whether ``pos`` stands inside a 《…》 title or right after 关于 (a cited document, not the report itself)."""
    before = text[max(0, pos - 40) : pos]
    return before.rfind("《") > before.rfind("》") or "关于" in before[-14:]


def _self_and_basis_years(ctx: Context, year: int):
    """The text names the report it compiles with another year (error), or cites the notice on another year's
    reports as its basis (warning, a leftover from last year)."""
    text = ctx.narrative
    for m in _SELF.finditer(text):
        if _inside_citation(text, m.start()):
            continue
        named = int(m.group(1))
        if named != year:
            yield finding("year_mismatch", "error", m.start(1), m.end(1), key="year_mismatch_self",
                          named=named, year=year)  # fmt: skip
            break
    for m in _NOTICE.finditer(text):
        cited = int(m.group(1))
        if cited != year:
            yield finding("year_mismatch", "warning", m.start(1), m.end(1), key="year_mismatch_basis",
                          cited=cited, year=year)  # fmt: skip
            break


def _plan_sections(ctx: Context) -> list[str]:
    """Section keys after the overview's tables where plans are written: 五, 六 and any extra section."""
    keys = []
    for s in ctx.report.sections:
        if s.key in ("problems", "other") or s.key.startswith("extra-"):
            keys.append(s.key)
    return keys


def _date_span(ctx: Context, when: date) -> tuple[int | None, int | None]:
    """Where the publication date is written (its line, from the date on)."""
    for d, _source, offset in ctx.report.date_candidates:
        if d == when and 0 <= offset < len(ctx.text):
            end = ctx.text.find("\n", offset)
            end = len(ctx.text) if end < 0 else end
            return offset, min(end, offset + 40)
    return None, None


# ---------------------------------------------------------------- era keywords

# (keyword, first year, last year or None, soft). A soft keyword (a campaign that became a
# standing practice) is reported as stale only together with another stale keyword.
ERA_KEYWORDS = (
    ("建党100周年", 2021, 2021, False),
    ("党史学习教育", 2021, 2022, False),
    ("我为群众办实事", 2021, 2022, True),
    ("十九届历次全会", 2021, 2022, False),
    ("十三五收官", 2020, 2020, False),
    ("二十届三中全会", 2024, None, False),
    ("二十大", 2022, None, False),
    ("主题教育", 2023, 2024, False),
    ("十四五", 2020, 2025, False),  # drafted in 2020: a 2020 report may plan for it
)
_ERA_RE = re.compile("|".join(re.escape(k) for k, *_ in ERA_KEYWORDS))
_ERA = {k: (a, b, soft) for k, a, b, soft in ERA_KEYWORDS}
_OLD_THEME = re.compile(r"初心|使命")


@check("era_anachronism", "info", also=("warning",), kinds=REPORT_KINDS)
def era_anachronism(ctx: Context):
    """Era-pinned words inconsistent with the report year: a later era's word (warning) or a campaign that ended before Y−1 (info: stale or copied text)."""
    year = effective_year(ctx)
    if year is None:
        return
    text = ctx.narrative
    seen: set[str] = set()
    stale: list[tuple[str, int, int, int, bool]] = []
    for m in _ERA_RE.finditer(text):
        word = m.group()
        if word in seen:
            continue
        if word == "主题教育" and _OLD_THEME.search(text, max(0, m.start() - 12), m.start()):
            continue  # 不忘初心、牢记使命主题教育 (2019–20) is another campaign
        seen.add(word)
        first, last, soft = _ERA[word]
        if first > year:
            yield finding(
                "era_anachronism", "warning", m.start(), m.end(), key="era_future", word=word, since=first, year=year
            )
        elif last is not None and last < year - 1:
            stale.append((word, m.start(), m.end(), last, soft))
    if any(not soft for *_, soft in stale):
        for word, s, e, last, _soft in stale:
            yield finding("era_anachronism", "info", s, e, key="era_stale", word=word, until=last, year=year)


# ---------------------------------------------------------------- publication


@check("publish_date_missing", "info", kinds=REPORT_KINDS)
def publish_date_missing(ctx: Context):
    """Neither a 落款 date nor a web-page date: timeliness is provisional until the reviewer enters the date."""
    if ctx.report.published is None:
        yield finding("publish_date_missing", "info")


# Reports for this year and before fell under the 2007 regulation (one deadline: 31 March).
LAST_YEAR_OF_2007_RULES = 2018
DEFAULT_DEADLINES = {"government": "03-31", "department": "01-31", "township": "01-31", "subdistrict": "01-31"}
_GOV_SUBJECT = re.compile(r"我(?:市|县|区|州|盟|旗)(?!场|委|直|属)")
_TOWN_SUBJECT = re.compile(r"我(?:镇|乡)")


def unit_type(ctx: Context) -> str:
    """government (a 县级以上人民政府's consolidated report), subdistrict, township or department."""
    name = ctx.report.unit or ""
    title = ctx.title_text
    head = name + title
    if re.search(r"街道|办事处", head):
        return "subdistrict"
    if re.search(r"(?:镇|乡)(?:人民政府)?$", name) or re.search(r"[镇乡]人民政府", head):
        return "township"
    if re.search(r"局|委员会|办公室|委$|办$|中心|院$|厅", name):
        return "department"
    if re.search(r"(?:市|县|区|州|旗|盟)人民政府", head) or re.search(r"(?:省|市|县|区|州|旗|盟)$", name):
        return "government"
    lead_start, lead_end = _lead_span(ctx)
    lead = ctx.narrative[lead_start : min(lead_end, lead_start + 200)]
    if _GOV_SUBJECT.search(lead):
        return "government"
    if _TOWN_SUBJECT.search(lead):
        return "township"
    return "department"


def deadline_for(config, kind: str) -> tuple[int, int]:
    """``(month, day)`` of the deadline for a unit type, from config ``[deadlines]`` or the default.

    ``config`` may be the loaded Config, a dict with a ``deadlines`` table, or the
    ``[deadlines]`` table itself (unit type or "default" -> "MM-DD"); unit types are
    government, department, township and subdistrict."""
    table = getattr(config, "deadlines", None)
    if table is None and isinstance(config, dict):
        table = config.get("deadlines", config)  # a config dict, or the [deadlines] table itself
    if not isinstance(table, dict):
        table = {}
    for key in (kind, "default"):
        value = table.get(key)
        parsed = _month_day(value)
        if parsed:
            return parsed
    return _month_day(DEFAULT_DEADLINES[kind]) or (1, 31)


def _month_day(value) -> tuple[int, int] | None:
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", value)
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    try:
        date(2001, month, day)
    except ValueError:
        return None
    return month, day


@check("publish_late", "error", kinds=ANNUAL_KINDS)
def publish_late(ctx: Context):
    """Published after the deadline for the unit type (default 31 January of Y+1; 31 March for a 县级以上人民政府's report, and for every report of 2018 or before; config [deadlines])."""
    year, published = ctx.report.year, ctx.report.published
    if year is None or published is None:
        return
    kind = unit_type(ctx)
    month, day = deadline_for(ctx.config, kind)
    if year <= LAST_YEAR_OF_2007_RULES:
        month, day = 3, 31  # the 2007 regulation: every report by 31 March (the revision applies from May 2019)
    deadline = date(year + 1, month, 28 if (month, day) == (2, 29) else day)
    late = (published - deadline).days
    if late > 0:
        names = both(f"checks.unit_type.{kind}")
        yield finding("publish_late", "error", *_date_span(ctx, published),
                      key="publish_late_60" if late > 60 else "publish_late", published=published.isoformat(),
                      deadline=deadline.isoformat(), days=late, unit_type=names["zh"], unit_type_en=names["en"])  # fmt: skip
