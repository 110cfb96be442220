"""Web-page chrome: breadcrumbs, site banners, 关闭本页/打印本页, page dates,
and the header a crawler writes above a saved page.

Chrome lines stay in the text (offsets never move); they are returned as
spans so the app can dim them and checks can ignore them. A page date line
also yields a publication-date candidate.

A crawled page opens with a block of ``key: value`` lines (``标题:``,
``发布时间: 2024-01-30 09:47``, ``发布机构:``, ``原文链接:`` …, ASCII or
full-width colon), maybe a note, and a separator line (``==== 正文 ====``)
before the body. The whole block is one ``header`` chrome span; its fields
are read by :func:`crawl_header` (the title, and the publication date with
the source ``"header"``). Site chrome glued to the start or the end of a
one-line body (``当前位置： 首页…微信 微博 QQ空间…相关链接：``, ``附件下载``)
becomes chrome spans too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from shenyue.model.report import Span
from shenyue.model.text import fold, iter_lines

# Rules of annual-report-rules.md §8.1 (web_chrome), on the folded line.
_CHROME_LINE = [
    re.compile(r"^\s*当前位置\s*[:：]"),
    re.compile(r"首页\s*[>＞›»]"),
    re.compile(r"^\s*(关闭本页|打印本页|关闭窗口|返回顶部|上一篇|下一篇)"),
    re.compile(r"【\s*(打印|关闭|大|中|小)\s*】"),
    re.compile(r"^\s*(时间|发布时间|发布日期)\s*[:：]\s*\d{4}[-/年]\d{1,2}[-/月]\d{1,2}"),
    re.compile(r"(浏览次数|访问量|点击数|阅读数)\s*[:：]"),
    re.compile(r"字[号体]\s*[:：]?\s*[\[【]?\s*[大中小]"),
    re.compile(r"扫一扫在手机"),
    re.compile(r"(网站地图|联系我们|版权所有|ICP备|网站标识码|公网安备|技术支持)"),
]
# A line that is only a page date, as gov.cn prints it ("2025-01-22 10:00  来源：…").
_BARE_DATE_LINE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+来源\s*[:：].*)?\s*$"
)
_ANY_CHROME = re.compile("|".join(f"(?:{p.pattern})" for p in _CHROME_LINE))
_BANNER_TOKEN = re.compile(r"^[\u4e00-\u9fff]{1,12}(政府网|政府)$")
PAGE_DATE = re.compile(r"(?:时间|发布时间|发布日期|日期)\s*[:：]\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_MAX_CHROME_LINE = 200  # a long line is prose, however it starts
# Every chrome line holds a cue (what each rule above needs; a banner's first name ends in 政府 or 政府网
# before a space) or starts like a bare page date: the other lines (most of a report's) are not looked at.
# Each pattern starts with a word (the regex engine then looks for it fast).
_CUE = re.compile(
    "当前位置|关闭本页|打印本页|关闭窗口|返回顶部|上一篇|下一篇|【|浏览次数|访问量|点击数|阅读数|字号|字体|扫一扫在手机"
    "|网站地图|联系我们|版权所有|ICP备|网站标识码|公网安备|技术支持"
)
_CUE_BEFORE = re.compile(r"首页\s*[>＞›»]|时间\s*[:：]|日期\s*[:：]|政府\s|政府网\s")
_DATE_START = re.compile(r"[^\S\n]*\d{4}-")
_DATE_LINE = re.compile(r"\n[^\S\n]*\d{4}-")


def is_chrome_line(line: str, folded: bool = False) -> bool:
    s = (line if folded else fold(line)).strip()
    if not s or len(s) > _MAX_CHROME_LINE:
        return False
    if _ANY_CHROME.search(s) or _BARE_DATE_LINE.match(s):
        return True
    tokens = s.split()
    return len(tokens) >= 2 and all(_BANNER_TOKEN.match(tok) for tok in tokens)


def _candidate_lines(text: str, folded: str, body: int) -> list[tuple[int, int]]:
    """``(start, end)`` (as :func:`~shenyue.model.text.iter_lines` gives them) of the lines from ``body`` on
    that may be chrome, in order: those holding a cue, starting like a page date or too long to be one line
    of chrome (a one-line body's glued chrome). The text and its folding break lines at the same places.
    Linear in the text: each line is searched for a cue once, however many it holds."""
    cued = set(_lines_with(_CUE, folded, body)) | set(_lines_with(_CUE_BEFORE, folded, body))
    cued.update(m.start() + 1 for m in _DATE_LINE.finditer(folded, max(body - 1, 0)))
    if _DATE_START.match(folded):
        cued.add(0)
    return [(s, e) for s, e in iter_lines(text) if s >= body and (s in cued or e - s > _MAX_CHROME_LINE)]


def _lines_with(pattern: re.Pattern, folded: str, body: int) -> Iterator[int]:
    """The start of every line (from the one holding ``body`` on) where ``pattern`` finds something: once
    a line has a match, the search goes on from the next line."""
    start = folded.rfind("\n", 0, body) + 1  # the line being looked at, and its end
    nl = folded.find("\n", start)
    pos = body
    while (m := pattern.search(folded, pos)) is not None:
        while 0 <= nl < m.start():
            start = nl + 1
            nl = folded.find("\n", start)
        yield start
        if nl < 0:
            return
        pos = nl + 1


def find_chrome(text: str, folded: str | None = None) -> tuple[list[Span], list[tuple[date, str, int]]]:
    """Chrome line spans and page-date candidates ``(date, source, offset)``; source is
    ``"header"`` for the crawler header's date, ``"page"`` for a page date line."""
    folded = fold(text) if folded is None else folded
    return _find_chrome(text, folded, _candidate_lines)


def _find_chrome(
    text: str, folded: str, lines: Callable[[str, str, int], Iterable[tuple[int, int]]]
) -> tuple[list[Span], list[tuple[date, str, int]]]:
    """:func:`find_chrome`, asking the ``lines`` (of the text, from the body's start on) that may be chrome."""
    spans: list[Span] = []
    dates: list[tuple[date, str, int]] = []
    header = crawl_header(text, folded)
    body = 0
    if header is not None:
        spans.append(header.span)
        body = header.span.end
        published = header.published(text)
        if published is not None:
            dates.append((published[0], "header", published[1]))
    for start, end in lines(text, folded, body):
        if end - start > _MAX_CHROME_LINE:
            spans.extend(glued_chrome(text, folded, start, end))  # a one-line body
            continue
        line = folded[start:end]
        if not is_chrome_line(line, folded=True):
            continue
        spans.append(Span(start, end, "chrome"))
        m = PAGE_DATE.search(line) or _BARE_DATE_LINE.match(line)
        if m:
            try:
                dates.append((date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "page", start + m.start()))
            except ValueError:
                pass
    return spans, dates


# ---------------------------------------------------------------- crawler headers

# Keys a crawler or an archive writes above a saved page (after folding, without the colon).
HEADER_KEYS = frozenset(
    "标题 题目 名称 文章标题 信息名称 发布时间 发布日期 发文日期 成文日期 生成日期 日期 时间 更新时间 抓取时间 采集时间 "
    "文号 发文字号 索引号 发布机构 发文机关 发布单位 来源 信息来源 栏目 所属栏目 分类 主题分类 体裁分类 原文链接 原始链接 "
    "链接 网址 url source title date 本地目录 本地路径 保存路径 作者 关键词 有效性 附件".split()
)
TITLE_KEYS = ("标题", "文章标题", "题目", "信息名称", "名称", "title")
DATE_KEYS = ("发布时间", "发布日期", "发文日期", "成文日期", "生成日期", "日期", "时间", "更新时间", "date")
_KV_LINE = re.compile(r"^\s*([^\s:：]{1,8}?)\s*[:：][ \t]*(.*?)\s*$")
_SEPARATOR = re.compile(r"^\s*(?:[=\-—_*#~]{3,}\s*[^=\-—_*#~\s]{0,8}\s*[=\-—_*#~]{3,}|[=\-—_*#~]{5,})\s*$")
_HEADER_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_MAX_HEADER_LINES = 30
_MAX_NOTES = 3


@dataclass(slots=True)
class CrawlHeader:
    """The ``key: value`` block a crawler wrote above a page; spans index the text."""

    span: Span  # the whole block, separator included
    fields: dict[str, Span] = field(default_factory=dict)  # folded key -> value span (first of each key)

    def value(self, text: str, *keys: str) -> tuple[str, Span] | None:
        for key in keys:
            s = self.fields.get(key)
            if s is not None and s.end > s.start:
                return text[s.start : s.end], s
        return None

    def title(self, text: str) -> Span | None:
        found = self.value(text, *TITLE_KEYS)
        return found[1] if found else None

    def published(self, text: str) -> tuple[date, int] | None:
        found = self.value(text, *DATE_KEYS)
        if not found:
            return None
        m = _HEADER_DATE.search(fold(found[0]))
        if not m:
            return None
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), found[1].start + m.start()
        except ValueError:
            return None


def crawl_header(text: str, folded: str | None = None) -> CrawlHeader | None:
    """The crawler's header block at the start of ``text``, or None.

    A header is a run of ``key: value`` lines from the first non-blank line, at
    least two of them with keys crawlers write (标题, 发布时间, 原文链接 …), ended
    by a separator line (a note line or two may stand before it) or, without a
    separator, by the first other line when at least three known keys were
    seen. Only the first lines are looked at: constant work per document.
    """
    head = text[:8000]
    fields: dict[str, Span] = {}
    known = 0
    notes = 0
    block_start: int | None = None
    last_kv_end = 0
    for n, (start, end) in enumerate(iter_lines(head)):
        if n >= _MAX_HEADER_LINES:
            return None
        line = folded[start:end] if folded is not None else fold(head[start:end])  # fold only what is read
        if not line.strip():
            continue
        if block_start is None:
            block_start = start
        if _SEPARATOR.match(line):
            if known >= 2:
                return CrawlHeader(Span(block_start, end, "header"), fields)
            return None
        m = _KV_LINE.match(line)
        key = m.group(1).lower() if m else ""
        if m and key in HEADER_KEYS and notes == 0:
            known += 1
            if key not in fields:
                fields[key] = Span(start + m.start(2), start + m.end(2), "header-field")
            last_kv_end = end
            continue
        if known == 0:
            return None  # the text does not open with a header
        if notes < _MAX_NOTES and len(line) <= 200:
            notes += 1  # a note line, kept only if a separator follows
            continue
        break
    if known >= 3 and last_kv_end and notes == 0 and block_start is not None:
        return CrawlHeader(Span(block_start, last_kv_end, "header"), fields)
    return None


# Site chrome glued into a one-line body: the breadcrumb and share bar before
# the report, the attachment and page tools after it.
_LEAD_CHROME = re.compile(r"^\s*当前位置\s*[:：]")
_LEAD_CHROME_END = re.compile(
    r"(?:相关链接\s*[:：]|文件下载|文字版|全真版|QQ空间|微博|微信|分享到\s*[:：]?|【\s*关闭\s*】|【\s*打印\s*】|-->)"
)
_TAIL_CHROME = re.compile(
    r"(?:\s|^)(?:附件下载|相关附件|附件\s*[:：]?|【\s*打印本页\s*】|【\s*关闭窗口\s*】|打印本页|关闭窗口|分享到\s*[:：]?|扫一扫在手机打开当前页)"
    r"(?:\s*(?:附件下载|打印本页|关闭窗口|【[^】]{1,6}】))*\s*$"
)
_LEAD_WINDOW = 400


def glued_chrome(text: str, folded: str, start: int, end: int) -> list[Span]:
    """Chrome at the start and end of one long line: ``当前位置：…相关链接：`` and ``附件下载``."""
    spans: list[Span] = []
    line = folded[start:end]
    if _LEAD_CHROME.match(line):
        last = None
        for m in _LEAD_CHROME_END.finditer(line, 0, min(len(line), _LEAD_WINDOW)):
            last = m
        if last is not None:
            spans.append(Span(start, start + last.end(), "chrome"))
    m = _TAIL_CHROME.search(line[-60:]) if len(line) > 60 else None
    if m:
        off = end - len(line[-60:]) + m.start()
        while off < end and text[off].isspace():
            off += 1
        spans.append(Span(off, end, "chrome"))
    return spans
