"""HTML reading, steps 3 and 4: which part of the page is the article.

The article is the element with the most Chinese text outside links and furniture, less its link
text (readability-style), favoured by class/id words (content, article, TRS_Editor …); its
neighbours that belong to it (title, date line, signature, a table in a sibling) are added, the walk
stopping at link lists, footers and related articles. Used by html.py (see its docstring).
"""

from __future__ import annotations

import re

from shenyue.reading.html_tree import (
    _CJK,
    _HEADINGS,
    _NEVER_CHROME,
    CHROME,
    CHROME_MARK,
    DATA_TABLE,
    HARD,
    HIDDEN,
    IN_DATA,
    SKIP,
    _Node,
)

# class/id words that say "this is the article" / "this is not".
_POSITIVE_PART = ("content", "article", "editor", "zoom", "detail", "artibody", "zhengwen", "neirong", "wenzhang")


_POSITIVE_TOKEN = frozenset({"con", "cont", "main", "text", "txt", "body", "zw", "nr", "view", "pages_content"})


_NEGATIVE_PART = (
    "related",
    "relate",
    "comment",
    "recommend",
    "footer",
    "foot",
    "bottom",
    "copyright",
    "sidebar",
    "share",
    "pager",
    "pagination",
    "fenye",
    "friend",
    "yqlj",
    "sitemap",
    "search",
    "login",
    "qrcode",
    "erweima",
    "advert",
)


_NEGATIVE_TOKEN = frozenset(
    {
        "xgwz",
        "xgxx",
        "xglj",
        "xgwj",
        "xgxw",
        "xgzc",
        "hot",
        "ad",
        "ads",
        "links",
        "tags",
        "ewm",
        "dibu",
        "bq",
        "bqxx",
        "list",
    }
)


_HINT_UP = 1.3


_HINT_DOWN = 0.4


_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}")


_FOOTER_WORDS = re.compile(r"版权所有|ICP备|ICP证|网站标识码|公网安备|主办单位|承办单位|Copyright|©", re.I)


# Headings of the lists that follow an article: related articles, previous/next.
_LIST_WORDS = re.compile(
    r"相关(?:文章|链接|新闻|阅读|信息|稿件|文件|推荐)|推荐阅读|热点(?:新闻|推荐)|上一篇|下一篇|上一条|下一条"
)


_CRUMB_WORDS = re.compile(r"(?:当前|现在|所在|您的)的?位置\s*[:：]|首页\s*(?:>|＞|›|»|&gt;|→)")


_REPORT_TITLE = re.compile(r"年度报告|年报|工作总结|工作报告")


_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|--|—|-\s|\s-)\s*")


# Article choice.
_BIG_CONTENT = 800  # a "nav"/"banner"-classed element with this much plain text is not furniture


_WEAK_CHARS = 200  # furniture or link lines at most this long (and with at most


_WEAK_LINKS = 5  # this many links) may sit between the article and its title; more is a link list


_SHORT = 300  # a neighbour this short with a date or a heading is the article's title/date line


_MIN_SHARE = 0.5  # the article must hold at least this share of the page's plain text, or the page is read whole


# ---------------------------------------------------------------- analysis


def _hint(attr: str) -> float:
    if not attr:
        return 1.0
    low = attr.lower()
    tokens = set(re.split(r"[^a-z0-9_]+", low)) | set(re.split(r"[^a-z0-9]+", low))
    if any(p in low for p in _NEGATIVE_PART) or tokens & _NEGATIVE_TOKEN:
        return _HINT_DOWN
    if any(p in low for p in _POSITIVE_PART) or tokens & _POSITIVE_TOKEN:
        return _HINT_UP
    return 1.0


def _analyse(order: list[_Node]) -> None:
    """Subtree counts, table kinds and effective furniture, in two linear passes."""
    for node in reversed(order):  # children before parents
        parent = node.parent
        if node.tag == "table":
            nested = node.tables > 0
            # A data table: no table inside, short cells, and at least two rows of two cells or more.
            if not nested and node.max_cell <= _SHORT and node.multi >= 2:
                node.flags |= DATA_TABLE
            node.tables += 1
        elif node.tag in ("td", "th") and node.owner is not None:
            node.owner.max_cell = max(node.owner.max_cell, node.chars)
        elif node.tag == "tr" and node.owner is not None:
            cells = sum(1 for c in node.children if not isinstance(c, str) and c.tag in ("td", "th") and c.chars)
            if cells >= 2:
                node.owner.multi += 1
        elif node.tag == "a":
            node.anchors += 1
        if parent is not None:
            parent.chars += node.chars
            parent.link += node.link
            parent.anchors += node.anchors
            parent.cjk += node.cjk
            parent.tables += node.tables
    for node in order:  # parents before children
        parent = node.parent
        if parent is None:
            continue
        inherited = parent.flags & (CHROME | IN_DATA)
        if parent.flags & DATA_TABLE:
            inherited |= IN_DATA
        node.flags |= inherited
        if node.flags & CHROME_MARK and not node.flags & CHROME:
            # A wrapper that happens to be called "banner" or "nav" but holds the article is not furniture.
            plain = node.cjk
            if not (plain >= _BIG_CONTENT and node.link < 0.25 * max(1, node.chars)):
                node.flags |= CHROME
    for node in reversed(order):
        parent = node.parent
        if node.flags & CHROME:
            node.ccjk = node.cjk
        if parent is not None and not parent.flags & CHROME:
            parent.ccjk += node.ccjk


def _score(node: _Node) -> float:
    hint = _hint(node.attr)
    if hint < 1.0 and node.tag in _NEVER_CHROME:
        hint = 1.0  # <body class="has-sidebar"> says nothing about the body's text
    return (node.cjk - node.ccjk - node.link) * hint


def _best(order: list[_Node]) -> _Node | None:
    best: _Node | None = None
    best_score = 0.0
    for node in order:
        if node.flags & (SKIP | HIDDEN | CHROME | IN_DATA) or node.tag in ("a", "#document", "html", "head", "title"):
            continue
        if (node.cjk - node.ccjk) * _HINT_UP <= best_score:
            continue  # cannot win: its score is at most its plain text times the boost
        score = _score(node)
        if score > best_score:
            best, best_score = node, score
    return best


def _small_text(node: _Node, limit: int) -> str:
    """The visible text of a small subtree (at most ``limit`` pieces are looked at)."""
    out: list[str] = []
    stack: list[_Node | str] = [node]
    while stack and len(out) < limit:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif not item.flags & (SKIP | HIDDEN):
            stack.extend(reversed(item.children))
    return "".join(out)


def _has_heading(node: _Node) -> bool:
    stack: list[_Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            continue
        if item.tag in _HEADINGS:
            return True
        stack.extend(item.children)
    return False


CONTENT, NEUTRAL, WEAK, STRONG = "content", "neutral", "weak", "strong"


def _classify(item: _Node | str) -> str:
    """What a neighbour of the article is: part of it, nothing, small furniture, or a wall."""
    if isinstance(item, str):
        return CONTENT if item.strip(" \t\r\n\f\xa0\u3000") else NEUTRAL
    if item.flags & (SKIP | HIDDEN) or item.chars == 0:
        return NEUTRAL
    if item.flags & HARD and item.flags & CHROME or _hint(item.attr) < 1.0:
        return STRONG
    if item.chars <= 2 * _SHORT:
        text = _small_text(item, 4 * _SHORT)
        if _FOOTER_WORDS.search(text) or _LIST_WORDS.search(text):
            return STRONG
        if _CRUMB_WORDS.search(text):
            return WEAK
        if item.chars <= _SHORT and (item.tag in _HEADINGS or _DATE.search(text) or _has_heading(item)):
            return CONTENT
    if item.flags & CHROME or item.link >= 0.3 * item.chars:
        return WEAK if item.chars <= _WEAK_CHARS and item.anchors <= _WEAK_LINKS else STRONG
    return CONTENT


def _article(root: _Node, best: _Node) -> list[_Node | str]:
    """The article and the neighbours that belong to it, in document order."""
    unit: _Node = best
    while True:
        parent = unit.parent
        if parent is None or parent.tag in ("#document", "html"):
            return [unit]
        kids = parent.children
        i = next(k for k, c in enumerate(kids) if c is unit)
        kinds = [_classify(c) if j != i else CONTENT for j, c in enumerate(kids)]
        lo = hi = i
        j = i - 1
        while j >= 0 and kinds[j] != STRONG:
            if kinds[j] == CONTENT:
                lo = j
            j -= 1
        j = i + 1
        while j < len(kids) and kinds[j] != STRONG:
            if kinds[j] == CONTENT:
                hi = j
            j += 1
        if STRONG in kinds or parent.tag == "body" or parent.flags & (CHROME | IN_DATA):
            return kids[lo : hi + 1]
        unit = parent  # the parent holds nothing but the article and small furniture: take it whole


def _plain(items: list[_Node | str]) -> int:
    total = 0
    for item in items:
        if isinstance(item, str):
            total += len(_CJK.findall(item))
        elif not item.flags & (SKIP | HIDDEN):
            total += item.cjk - item.ccjk
    return total
