"""Source and text hygiene (annual-report-rules.md §8.1, §8.2): what kind of
document this is, corrupted copies (pinyin, Traditional characters, spam, page
chrome), unfilled template text, doubled characters, title, unit and 落款."""

from __future__ import annotations

import re
from functools import lru_cache

from shenyue.analysis.checks.base import REPORT_KINDS, Context, check, finding
from shenyue.model.normalize import to_simplified
from shenyue.model.sections import ANNUAL_TITLE as _ANNUAL_TITLE
from shenyue.model.sections import SUMMARY_TITLE as _SUMMARY_TITLE

# ---------------------------------------------------------------- document type

_CANONICAL = ("overview", "proactive", "requests", "appeals", "problems", "other")


@check("doc_not_annual_report", "error", kinds=(*REPORT_KINDS, "unknown"))
def doc_not_annual_report(ctx: Context):
    """The document is not a 政府信息公开工作年度报告 (e.g. a 政务公开工作总结): no annual-report title and < 3 canonical sections, or a summary title; or no report at all."""
    kind = ctx.report.kind
    if kind == "unknown":
        yield finding("doc_not_annual_report", "error", key="doc_not_a_report")
        return
    if kind == "annual-legacy":
        return  # an annual report, in the pre-2019 format (format_version_premodern says so)
    title = ctx.title_text
    present = sum(1 for s in ctx.report.sections if s.key in _CANONICAL)
    summary = bool(_SUMMARY_TITLE.search(title))
    if summary or (not _ANNUAL_TITLE.search(title) and present < 3):
        start, end = (ctx.report.title.start, ctx.report.title.end) if ctx.report.title else (None, None)
        shown = ctx.text[start:end].strip() if start is not None else ""
        yield finding("doc_not_annual_report", "error", start, end,
                      key="doc_not_annual_report" if shown else "doc_not_annual_report_untitled",
                      title=shown, sections=present)  # fmt: skip


# ---------------------------------------------------------------- pinyin, Traditional, spam, chrome

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_GROUP = re.compile(rf"\(([a-zü{_TONED}]{{1,13}})\)")
# annual-report-rules.md §8.1, applied to the letters inside the parentheses.
_TONED_SYLLABLE = re.compile(rf"[a-zü]{{0,6}}[{_TONED}][a-zü]{{0,6}}")
_TONELESS_SYLLABLE = re.compile(r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[aeiouv]{1,3}n?g?")


def pinyin_hits(norm: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans (Han character + parenthesised pinyin) of toned and toneless pinyin glosses."""
    toned: list[tuple[int, int]] = []
    toneless: list[tuple[int, int]] = []
    for m in _PINYIN_GROUP.finditer(norm, 1):
        pos = m.start()
        if "\u4e00" <= norm[pos - 1] <= "\u9fff":
            syllable = m.group(1)
            if _TONED_SYLLABLE.fullmatch(syllable):
                toned.append((pos - 1, m.end()))
            elif _TONELESS_SYLLABLE.fullmatch(syllable):
                toneless.append((pos - 1, m.end()))
    return toned, toneless


@check("pinyin_artifacts", "error", also=("warning",), kinds=REPORT_KINDS)
def pinyin_artifacts(ctx: Context):
    """Pinyin injected after characters (務(wù)) as spam mirror sites do: the text is a corrupted copy (error from 3 hits)."""
    toned, toneless = pinyin_hits(ctx.norm)
    if toned:
        s, e = toned[0]
        yield finding("pinyin_artifacts", "error" if len(toned) >= 3 else "warning", s, e,
                      count=len(toned), example=ctx.text[s:e])  # fmt: skip
    elif len(toneless) >= 5:
        s, e = toneless[0]
        yield finding("pinyin_artifacts", "warning", s, e, key="pinyin_artifacts_toneless",
                      count=len(toneless), example=ctx.text[s:e])  # fmt: skip


@lru_cache(maxsize=1)
def _traditional_mask():
    import numpy as np

    han = "".join(chr(c) for c in range(0x3400, 0xA000))
    simp = to_simplified(han)
    mask = np.zeros(0x110000, dtype=bool)
    changed = [0x3400 + i for i, (a, b) in enumerate(zip(han, simp)) if a != b]
    mask[changed] = True
    return mask


def traditional_counts(text: str) -> tuple[int, int]:
    """``(changed, han)``: Han characters Traditional->Simplified changes, and all Han characters."""
    import numpy as np

    if not text:
        return 0, 0
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han = int(np.count_nonzero((codes >= 0x3400) & (codes < 0xA000)))
    return int(np.count_nonzero(_traditional_mask()[codes])), han


@check("traditional_chars", "warning", kinds=REPORT_KINDS)
def traditional_chars(ctx: Context):
    """At least 5% of the Han characters (and at least 30) are Traditional: a converted copy, or an official traditional text."""
    changed, han = traditional_counts(ctx.text)
    if changed >= 30 and han and changed / han >= 0.05:
        yield finding("traditional_chars", "warning", count=changed, han=han, share=round(100 * changed / han))


_SPAM_WORDS = ("欧洲杯", "买球", "竞猜", "博彩", "娱乐城", "开户", "棋牌", "国产精品", "精品一区", "在线观看", "成人")
_SPAM = re.compile("|".join(_SPAM_WORDS))


@check("spam_injection", "warning", kinds=REPORT_KINDS)
def spam_injection(ctx: Context):
    """A line with two or more gambling/porn spam words (欧洲杯, 博彩, 在线观看 …): a hijacked mirror copy."""
    if not _SPAM.search(ctx.norm):
        return
    by_line: dict[int, set[str]] = {}
    for m in _SPAM.finditer(ctx.norm):
        line = ctx.norm.rfind("\n", 0, m.start()) + 1
        by_line.setdefault(line, set()).add(m.group())
    for line, words in sorted(by_line.items()):
        if len(words) >= 2:
            end = ctx.text.find("\n", line)
            end = len(ctx.text) if end < 0 else end
            yield finding("spam_injection", "warning", line, end, words="、".join(sorted(words)),
                          line=_shorten(ctx.text[line:end]))  # fmt: skip


@check("web_chrome", "info", kinds=REPORT_KINDS)
def web_chrome(ctx: Context):
    """Web-page furniture copied with the text (当前位置, 首页 >, 关闭本页, site banners); not the unit's fault."""
    for c in ctx.report.chrome:
        if c.kind != "chrome":
            continue  # PDF page headers and numbers are not web-page chrome
        yield finding("web_chrome", "info", c.start, c.end, line=_shorten(ctx.text[c.start : c.end]))


# ---------------------------------------------------------------- placeholders

_YEAR_PH = re.compile(r"(?:19|20)[x×*]{2}|二[〇零○][x×]{2}")
_YEAR_STARS = re.compile(r"(?:19|20)\*{2}")
_MONTH_DAY_PH = re.compile(r"[x×]{1,2}\s*月\s*[x×]{1,2}\s*日|[x×]{1,2}\s*月份")
_X_RUN = re.compile(r"(?<![a-z0-9])[x×]{1,6}(?:\.[x×]{1,3})?(?![a-z0-9])")
_X_NOT_PLACEHOLDER = re.compile(r"光|射线|线")
_MOUMOU = re.compile(r"某{2,}")
_BRACKETS = re.compile(r"【\s*】|【[^】\n]{0,12}(?:填写|名称|单位|日期|xx|××)[^】\n]{0,12}】|\[\s*\]")
_BOXES = re.compile(r"[○□△]{2,}")
_CN_NUMERAL = "〇零一二三四五六七八九十"
_URL = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff，。；、]+|[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}")


def _runs(norm: str, chars: str) -> list[tuple[int, int]]:
    """Maximal runs of ``chars`` in ``norm`` (found with str.find: fast when they are rare)."""
    positions: list[int] = []
    for ch in chars:
        i = norm.find(ch)
        while i >= 0:
            positions.append(i)
            i = norm.find(ch, i + 1)
    positions.sort()
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and p < runs[-1][1]:
            continue
        e = p
        while e < len(norm) and norm[e] in chars:
            e += 1
        runs.append((p, e))
    return runs


def placeholder_spans(norm: str) -> list[tuple[int, int, str, str]]:
    """Unfilled template text in a matching copy (rules §8.2): ``(start, end, kind, severity)``.

    ``kind`` is year, month_day, x_run, moumou, bracket or boxes. Works on any
    string; :func:`shenyue.model.tables.match_text` gives the expected form.
    """
    hits: list[tuple[int, int, str, str]] = []
    x_runs = _runs(norm, "x×")
    if "**" in norm:
        hits.extend((m.start(), m.end(), "year", "error") for m in _YEAR_STARS.finditer(norm))
    urls: list[tuple[int, int]] | None = None
    done = -1
    for s, e in x_runs:
        if s < done:
            continue
        if (
            e - s >= 2
            and s >= 2
            and (norm[s - 2 : s] in ("19", "20") or (norm[s - 2] == "二" and norm[s - 1] in "〇零○"))
        ):
            hits.append((s - 2, s + 2, "year", "error"))
            done = s + 2
            continue
        m = _MONTH_DAY_PH.match(norm, s)
        if m:
            hits.append((m.start(), m.end(), "month_day", "error"))
            done = m.end()
            continue
        m = _X_RUN.match(norm, s)
        if not m:
            continue
        s, e = m.span()
        done = e
        before = norm[s - 1] if s > 0 else ""
        after = norm[e] if e < len(norm) else ""
        if not ("\u4e00" <= before <= "\u9fff" or "\u4e00" <= after <= "\u9fff"):
            continue
        if "×" in m.group() and before.isdigit() and after.isdigit():
            continue
        if len(m.group()) == 1 and _X_NOT_PLACEHOLDER.match(norm, e):
            continue
        if urls is None:
            urls = [m.span() for m in _URL.finditer(norm)] if ("." in norm or "@" in norm) else []
        if any(a <= s < b for a, b in urls):
            continue
        hits.append((s, e, "x_run", "error"))
    if "某某" in norm:
        hits.extend((m.start(), m.end(), "moumou", "error") for m in _MOUMOU.finditer(norm))
    if "【" in norm or "[" in norm:
        hits.extend((m.start(), m.end(), "bracket", "error") for m in _BRACKETS.finditer(norm))
    for s, e in _runs(norm, "○□△"):
        if e - s < 2:
            continue
        before = norm[s - 1] if s > 0 else ""
        after = norm[e] if e < len(norm) else ""
        if (before and before in _CN_NUMERAL) or (after and after in _CN_NUMERAL) or after == "年":
            continue  # 二○○八年
        hits.append((s, e, "boxes", "info"))
    hits.sort()
    return hits


@check("placeholders", "error", also=("info",), kinds=REPORT_KINDS, template=True)
def placeholders(ctx: Context):
    """Unfilled template text: 20xx, x月x日, xx条, XX区, ××, 某某, empty 【】 (each instance; box runs ○○ are info)."""
    for s, e, kind, severity in _placeholders(ctx):
        if ctx.in_chrome(s):
            continue
        yield finding("placeholders", severity, s, e, key="placeholders_boxes" if kind == "boxes" else "placeholders",
                      hit=ctx.text[s:e], context=_context(ctx.text, s, e), kind=kind)  # fmt: skip


def _placeholders(ctx: Context) -> list[tuple[int, int, str, str]]:
    cache = ctx.__dict__
    if "_placeholders" not in cache:
        cache["_placeholders"] = placeholder_spans(ctx.norm)
    return cache["_placeholders"]


def _context(text: str, start: int, end: int, width: int = 4) -> str:
    return text[max(0, start - width) : end + width].replace("\n", " ").replace("\r", " ")


def _shorten(s: str, limit: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


# ---------------------------------------------------------------- doubled characters

_DUP_MULTI = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
REDUPLICATIONS = frozenset(
    "紧紧 常常 层层 人人 处处 事事 年年 天天 一一 渐渐 往往 纷纷 频频 默默 扎扎 实实 时时 步步 个个 家家 户户 "
    "条条 件件 项项 样样 刚刚 稍稍 仅仅 恰恰 偏偏 明明 白白 清清 楚楚 大大 小小 多多 少少 高高 远远 早早 好好 "
    "轻轻 慢慢 快快 久久 全全 源源 本本 分分 勤勤 恳恳 兢兢 业业 平平 安安 稳稳 当当 踏踏 规规 矩矩 方方 面面 "
    "点点 滴滴 细细 深深 浅浅 密密 麻麻 井井 有有 头头 是是 欣欣 向向 荣荣 蒸蒸 日日 循循 善善 诱诱 息息 相相 "
    "关关 对对 双双 重重 丝丝 缕缕 严严 格格 实实 在在 亲亲 热热 闹闹 谢谢 看看 想想 说说 试试 等等 哈哈 区区 "
    "星星 妈妈 爸爸 哥哥 姐姐 弟弟 妹妹 宝宝 奶奶 爷爷 姥姥 叔叔 舅舅 娃娃 匆匆 悠悠 茫茫 滚滚 熊熊 赫赫 堂堂 "
    "皑皑 苍苍 累累 历历 楚楚 款款 淡淡 冉冉 济济 落落 芸芸 孜孜 津津 比比 团团 连连 声声 句句 字字 笔笔 环环 "
    "节节 级级 层层 村村 组组 人人 户户 月月 周周 日日 季季".split()
)
# Common words whose first character may follow the same character at a word boundary (长征街|街道).
_BOUNDARY_WORDS = frozenset(
    "街道 作风 业务 区域 市场 道路 路口 员工 人员 会议 议题 部门 门户 事项 项目 目标 公开 开展 政务 务实 实施 "
    "工作 作为 为民 民生 生活 发展 展示 信息 息息 管理 理论 服务 务必 镇街 村居 居民 社区 区委 区长 市委 市长 "
    "县委 县长 省委 省长 局长 长期 中心 心理 办公 公共 共同 同时 时间 间隔 处理 理解 解决 决策 策划 年度 度过 "
    "平台 台账 账户 户籍 网站 站点 点击 政府 府办 委员 员额 组织 织密 机构 构建 建设 设施 施工 专项 项工 法律 "
    "律师 师资 资金 金额 额度 安全 全面 面向 向上 上级 级别 数据 据此 此次 次数 企业 业态 家庭 庭审 审核 核查 "
    "查阅 阅读 读者 者众 众多 多元 元素 素质 质量 量化 化解 解读 读本 本级 级次 委会 会商 商务 务工".split()
)


def _is_boundary(text: str, i: int, ch: str, counts: dict[str, bool]) -> bool:
    """``ch ch`` at ``i`` spans a word boundary when ``ch`` + next character is a word."""
    nxt = text[i + 2] if i + 2 < len(text) else ""
    if not ("\u4e00" <= nxt <= "\u9fff"):
        return False
    pair = ch + nxt
    if pair in _BOUNDARY_WORDS:
        return True
    if pair not in counts:  # the pair occurs elsewhere in the text: it is a word
        first = text.find(pair)
        counts[pair] = first >= 0 and (first != i + 1 or text.find(pair, i + 2) >= 0)
    return counts[pair]


def _dup_candidates(ctx: Context) -> tuple[list[int], list[int]]:
    """Start offsets where a Han unit of 2–4 characters repeats at once, and where one Han character does."""
    import numpy as np

    c = ctx.codes
    n = len(c)
    if n < 2:
        return [], []
    han = (c >= 0x4E00) & (c <= 0x9FFF)
    # Non-Han characters get unique negative stand-ins, so they never compare equal.
    h = np.where(han, c.astype(np.int64), -np.arange(1, n + 1, dtype=np.int64))
    singles = np.flatnonzero(h[:-1] == h[1:]).tolist()
    multi: list[int] = []
    for k in (2, 3, 4):
        m = n - 2 * k + 1
        if m <= 0:
            break
        eq = h[:-k] == h[k:]
        ok = eq[:m].copy()
        for j in range(1, k):
            ok &= eq[j : j + m]
        multi.extend(np.flatnonzero(ok).tolist())
    return sorted(set(multi)), singles


@check("duplicated_chars", "warning", also=("info",), kinds=REPORT_KINDS)
def duplicated_chars(ctx: Context):
    """Doubled text: a repeated word such as 现场现场 (warning) or a doubled character such as 成效效 (info; reduplications like 层层 and word boundaries like 长征街街道 are not reported)."""
    text = ctx.narrative
    multi_starts, singles = _dup_candidates(ctx)
    multi: list[tuple[int, int]] = []
    for i in multi_starts[:200]:
        if multi and i < multi[-1][1]:
            continue
        m = _DUP_MULTI.match(text, i)
        if not m:
            continue
        unit = m.group(1)
        if len(set(unit)) == 1 or (len(unit) == 2 and unit[0] == "一"):
            continue  # 人人人人 is single-character doubling; 一步一步 is a reduplication
        multi.append(m.span())
        yield finding("duplicated_chars", "warning", m.start(), m.end(), key="duplicated_words",
                      dup=ctx.text[m.start() : m.end()], context=_context(ctx.text, m.start(), m.end()))  # fmt: skip
    counts: dict[str, int] = {}
    checked = 0
    last = -2
    for i in singles:
        if i < last + 2:
            continue  # 街街街: report a run once
        ch = text[i]
        last = i
        if text[i : i + 2] in REDUPLICATIONS or ch in _CN_NUMERAL or any(a <= i < b for a, b in multi):
            continue
        if (i + 3 < len(text) and text[i + 2] == text[i + 3] and text[i + 2] != ch) or (
            i >= 2 and text[i - 2] == text[i - 1] and text[i - 1] != ch
        ):
            continue  # AABB: 扎扎实实, 认认真真
        checked += 1
        if checked > 200:
            break
        if _is_boundary(text, i, ch, counts):
            continue
        yield finding("duplicated_chars", "info", i, i + 2, key="duplicated_chars",
                      dup=ctx.text[max(0, i - 1) : i + 2], context=_context(ctx.text, i, i + 2))  # fmt: skip


# ---------------------------------------------------------------- title, unit, 落款

_TITLE_WORDS = re.compile(r"年度报告|年报|总结")
_BARE_LEVEL = re.compile(r"^(?:街道|区|县|市|镇|乡)(?=\d|20[x×]{2}|政|信息|人民|年度|工作|关于|本级|办事处|办公)")
_SIGN_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_SIGN_UNIT = re.compile(r"(?:政府|办事处|局|委|办|委员会|办公室|中心)$")


def _first_line(ctx: Context) -> tuple[int, int] | None:
    """The title line, else the first non-empty line that is not page chrome."""
    if ctx.report.title is not None:
        return ctx.report.title.start, ctx.report.title.end
    for s, e in ctx.lines():
        if ctx.text[s:e].strip() and not ctx.in_chrome(s):
            return s, e
    return None


@check("unit_name_missing", "warning", kinds=REPORT_KINDS)
def unit_name_missing(ctx: Context):
    """The title (or first line) starts with a bare level such as 街道/区 instead of the unit's proper name."""
    span = _first_line(ctx)
    if span is None:
        return
    line = ctx.norm[span[0] : span[1]].strip()
    if _BARE_LEVEL.match(line):
        yield finding("unit_name_missing", "warning", span[0], span[1], title=ctx.text[span[0] : span[1]].strip())


@check("title_missing", "info", kinds=REPORT_KINDS)
def title_missing(ctx: Context):
    """No title line (年度报告/年报/总结) before the first section."""
    if ctx.report.title is not None:
        return  # metadata found one (also a crawler header's 标题, which is chrome)
    end = ctx.first_section_start if ctx.report.sections else min(len(ctx.text), 200)
    for s, e in ctx.lines(0, end):
        if not ctx.in_chrome(s) and _TITLE_WORDS.search(ctx.norm, s, e):
            return
    first = ctx.report.sections[0] if ctx.report.sections else None
    yield finding("title_missing", "info", *ctx.heading_span(first))


@check("signature_missing", "info", kinds=REPORT_KINDS)
def signature_missing(ctx: Context):
    """The last five lines carry neither a 落款 date nor the issuing unit's name."""
    if any(source == "signature" for _d, source, _o in ctx.report.date_candidates):
        return  # metadata read a 落款 date (also one glued to the end of a one-line body)
    tail: list[tuple[int, int]] = []
    end = len(ctx.text)
    while end > 0 and len(tail) < 5:
        start = ctx.text.rfind("\n", 0, end) + 1
        if ctx.norm[start:end].strip() and not ctx.in_chrome(start):
            tail.append((start, end))
        if start == 0:
            break
        end = start - 1
    for s, e in tail:
        line = ctx.norm[s:e].strip()
        if len(line) <= 40 and (_SIGN_DATE.search(line) or _SIGN_UNIT.search(line)):
            return
    yield finding("signature_missing", "info", tail[-1][0] if tail else None, tail[0][1] if tail else None)


# ---------------------------------------------------------------- template marker

_TEMPLATE_TITLE = re.compile(r"范文|最新|精选|模板|通用|优秀|\d+篇")


@check("template_source_marker", "warning", kinds=REPORT_KINDS, template=True)
def template_source_marker(ctx: Context):
    """Signs of a downloaded template: 范文/最新/精选/模板 in the title, 20xx year placeholders, or a title pairing 总结 with 工作思路."""
    title = ctx.title_text
    span = (ctx.report.title.start, ctx.report.title.end) if ctx.report.title else (None, None)
    m = _TEMPLATE_TITLE.search(title)
    if m:
        yield finding("template_source_marker", "warning", *span, key="template_title", word=m.group())
        return
    if "总结" in title and "工作思路" in title:
        yield finding("template_source_marker", "warning", *span, key="template_title", word="总结/工作思路")
        return
    ph = next(((s, e) for s, e, kind, _sev in _placeholders(ctx) if kind == "year" and not ctx.masked(s)), None)
    if ph:
        yield finding(
            "template_source_marker", "warning", ph[0], ph[1], key="template_year", hit=ctx.text[ph[0] : ph[1]]
        )
