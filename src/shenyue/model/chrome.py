"""Web-page chrome: breadcrumbs, site banners, 关闭本页/打印本页, page dates.

Chrome lines stay in the text (offsets never move); they are returned as
spans so the app can dim them and checks can ignore them. A page date line
also yields a publication-date candidate.
"""

from __future__ import annotations

import re
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
_BARE_DATE_LINE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+来源\s*[:：].*)?\s*$")
_ANY_CHROME = re.compile("|".join(f"(?:{p.pattern})" for p in _CHROME_LINE))
_BANNER_TOKEN = re.compile(r"^[\u4e00-\u9fff]{1,12}(政府网|政府)$")
PAGE_DATE = re.compile(r"(?:时间|发布时间|发布日期|日期)\s*[:：]\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_MAX_CHROME_LINE = 200  # a long line is prose, however it starts


def is_chrome_line(line: str, folded: bool = False) -> bool:
    s = (line if folded else fold(line)).strip()
    if not s or len(s) > _MAX_CHROME_LINE:
        return False
    if _ANY_CHROME.search(s) or _BARE_DATE_LINE.match(s):
        return True
    tokens = s.split()
    return len(tokens) >= 2 and all(_BANNER_TOKEN.match(tok) for tok in tokens)


def find_chrome(text: str, folded: str | None = None) -> tuple[list[Span], list[tuple[date, str, int]]]:
    """Chrome line spans and page-date candidates ``(date, "page", offset)``."""
    folded = fold(text) if folded is None else folded
    spans: list[Span] = []
    dates: list[tuple[date, str, int]] = []
    for start, end in iter_lines(text):
        if end - start > _MAX_CHROME_LINE:
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
