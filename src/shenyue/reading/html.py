"""Text from saved web pages (``.htm``/``.html``), with the standard library only.

A government web page is mostly site furniture: a banner with dozens of
links, a breadcrumb, a sidebar of link lists, related articles, a share bar,
a footer with 版权所有/ICP备/网站标识码. Only the article is the report, so:

1. the page is parsed into a light element tree (``html.parser``; malformed
   markup is tolerated the way browsers do: unclosed ``<p>``/``<li>``/``<td>``
   close themselves, stray end tags are ignored). Every step below walks the
   tree iteratively, so deep nesting and huge pages stay linear;
2. every element gets its counts: visible characters, characters inside
   links, Chinese characters outside links, and how many of those sit in
   furniture (``<nav>``/``<header>``/``<footer>``/``<aside>``, or a class/id
   saying nav, menu, breadcrumb, footer, sidebar, share …);
3. the main article is the element with the most Chinese text outside links
   and furniture, less its link text (readability-style), favoured when its
   class/id says content, article, TRS_Editor, zoom, detail …;
4. the article's neighbours that belong to it are added: its title, the
   date line (``发布时间：2025-01-22`` becomes a publication-date candidate
   through the model's chrome detection), a signature or table that sits in a
   sibling element; the walk goes up while the parent holds nothing else but
   small furniture, and stops at link lists, footers and related articles;
5. only that part of the page is rendered: block elements become lines; a
   data ``<table>`` becomes one line per row with its cells separated by
   `` | `` (the pipe-row layout the table parser reads); a layout table (one
   holding other tables or long passages) is read as blocks; a metadata
   table of "label： value" pairs (索引号： 发布日期： …) becomes chrome lines;
   ``<script>``/``<style>`` and ``display:none`` elements are dropped.
   Furniture *inside* the article (【打印】【关闭】, 字号：大 中 小, a
   breadcrumb inside the content div) stays in the text as chrome spans.

A page without such an article (a plain page, a fragment) is rendered whole,
with its furniture as chrome spans. Pages of 256 KB or more are cached by
their hash (about 15 ms for a typical 50 KB page is faster than a cache write).

Encoding: a BOM wins, then an XML declaration, then ``<meta charset>`` or
``<meta http-equiv content="text/html; charset=gb2312">`` (gb2312/gbk decode
as GB18030); a page that is valid UTF-8 is read as UTF-8 whatever its meta
says (browsers' "save as" re-encodes without fixing the meta).
"""

from __future__ import annotations

import bisect
import re
from html.parser import HTMLParser
from pathlib import Path

from shenyue.reading.base import SNIFF_NAMES, Extracted, ReadError, Span, cached_extract, sniff, strip_controls
from shenyue.reading.decode import decode_bytes

VERSION = 1  # bump when the extracted text changes, so cached results are rebuilt
CACHE_FROM_BYTES = 256 * 1024  # smaller pages are parsed again faster than a cache entry is written

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_BLOCK = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 section article header footer nav aside "
    "blockquote pre hr title address dl dt dd form figure figcaption center main "
    "table tr td th caption tbody thead tfoot fieldset legend details summary".split()
)
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "object", "iframe", "select", "textarea", "button", "math"}
)
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
_NEVER_CHROME = frozenset({"html", "body", "main", "article"})  # <body class="has-navbar"> is still the page
_CHROME_ATTR = re.compile(
    r"nav|menu|breadcrumb|crumb|footer|sidebar|side-bar|share|toolbar|banner|copyright|position|location", re.I
)
# Furniture that ends the walk over the article's neighbours however small it is.
_HARD_ATTR = re.compile(r"nav|menu|footer|sidebar|side-bar|banner|copyright", re.I)
_VOID = frozenset(
    {
        "br",
        "hr",
        "img",
        "meta",
        "link",
        "input",
        "area",
        "base",
        "col",
        "embed",
        "source",
        "wbr",
        "param",
        "track",
        "keygen",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that close an open <p> when they start (HTML's "p in button scope", simplified).
_CLOSES_P = frozenset(
    "address article aside blockquote center details div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr main nav ol p pre section table ul li dd dt".split()
)
_MAX_IMPLIED_WALK = 24  # how far up implied end tags look; keeps hostile nesting linear
_MAX_SCOPE_WALK = 64
_TABLE_PARTS = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th"})

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

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WS = re.compile(r"[ \t\r\n\f]+")
_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}")
_FOOTER_WORDS = re.compile(r"版权所有|ICP备|ICP证|网站标识码|公网安备|主办单位|承办单位|Copyright|©", re.I)
# Headings of the lists that follow an article: related articles, previous/next.
_LIST_WORDS = re.compile(
    r"相关(?:文章|链接|新闻|阅读|信息|稿件|文件|推荐)|推荐阅读|热点(?:新闻|推荐)|上一篇|下一篇|上一条|下一条"
)
_CRUMB_WORDS = re.compile(r"(?:当前|现在|所在|您的)的?位置\s*[:：]|首页\s*(?:>|＞|›|»|&gt;|→)")
_REPORT_TITLE = re.compile(r"年度报告|年报|工作总结|工作报告")
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|--|—|-\s|\s-)\s*")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_DISPLAY_STYLE = re.compile(r"display\s*:\s*(block|flex|grid|table)", re.I)
_CJK_CHAR = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

# node.flags
SKIP = 1  # script/style/…: never read
HIDDEN = 2  # display:none
CHROME_MARK = 4  # tag or class/id says furniture
CHROME = 8  # furniture, by itself or by an ancestor (after the big-content override)
DATA_TABLE = 16  # a <table> read as pipe rows
IN_DATA = 32  # inside a data table (cells are not article candidates)
HARD = 64  # furniture that ends the neighbour walk
LAYOUT_BLOCK = 128  # a display:block element, read as a line even if inline

# Article choice.
_BIG_CONTENT = 800  # a "nav"/"banner"-classed element with this much plain text is not furniture
_WEAK_CHARS = 200  # furniture or link lines at most this long (and with at most
_WEAK_LINKS = 5  # this many links) may sit between the article and its title; more is a link list
_SHORT = 300  # a neighbour this short with a date or a heading is the article's title/date line
_MIN_SHARE = 0.5  # the article must hold at least this share of the page's plain text, or the page is read whole


class _Node:
    __slots__ = (
        "tag",
        "attr",
        "parent",
        "children",
        "flags",
        "chars",
        "link",
        "anchors",
        "cjk",
        "ccjk",
        "tables",
        "owner",
        "max_cell",
        "multi",
    )

    def __init__(self, tag: str, attr: str, parent: _Node | None, flags: int = 0):
        self.tag = tag
        self.attr = attr
        self.parent = parent
        self.children: list[_Node | str] = []
        self.flags = flags
        self.chars = 0  # visible non-space characters (links included)
        self.link = 0  # of which inside <a href>
        self.anchors = 0  # <a> elements in the subtree
        self.cjk = 0  # Chinese characters outside links
        self.ccjk = 0  # of which inside furniture
        self.tables = 0  # <table> elements in the subtree, itself included
        self.owner: _Node | None = None  # for td/th/tr: the table they belong to
        self.max_cell = 0  # for tables: longest cell (characters)
        self.multi = 0  # for tables: rows with two or more cells


class _TreeBuilder(HTMLParser):
    """Builds the element tree; counts text per element as it goes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#document", "", None)
        self.stack: list[_Node] = [self.root]
        self.open_count: dict[str, int] = {}
        self.order: list[_Node] = [self.root]  # pre-order
        self.skip = 0
        self.hidden = 0
        self.links = 0
        self.table_stack: list[_Node] = []
        self.title: list[str] = []
        self.in_title = 0

    # -- stack
    def _push(self, node: _Node) -> None:
        self.stack[-1].children.append(node)
        self.stack.append(node)
        self.order.append(node)
        self.open_count[node.tag] = self.open_count.get(node.tag, 0) + 1
        if node.flags & SKIP:
            self.skip += 1
        if node.flags & HIDDEN:
            self.hidden += 1
        if node.tag == "a":
            self.links += 1
        elif node.tag == "table":
            self.table_stack.append(node)
        elif node.tag == "title":
            self.in_title += 1

    def _pop(self) -> None:
        node = self.stack.pop()
        self.open_count[node.tag] -= 1
        if node.flags & SKIP:
            self.skip -= 1
        if node.flags & HIDDEN:
            self.hidden -= 1
        if node.tag == "a":
            self.links -= 1
        elif node.tag == "table":
            if self.table_stack and self.table_stack[-1] is node:
                self.table_stack.pop()
        elif node.tag == "title":
            self.in_title -= 1

    def _close(self, tag: str, stop: frozenset[str] = frozenset()) -> None:
        """Close the nearest open ``tag`` when it is near the top and not beyond a ``stop`` element."""
        if not self.open_count.get(tag):
            return
        for depth, node in enumerate(reversed(self.stack)):
            if depth > _MAX_IMPLIED_WALK or node.tag in stop or node is self.root:
                return
            if node.tag == tag:
                for _ in range(depth + 1):
                    self._pop()
                return

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _VOID:
            if tag in ("br", "hr"):
                if tag == "hr":
                    self._close("p", frozenset({"td", "th", "table"}))
                node = _Node(tag, "", self.stack[-1])
                self.stack[-1].children.append(node)
            return
        if tag in _CLOSES_P:
            self._close("p", frozenset({"td", "th", "table", "div", "li"}))
        if tag == "li":
            self._close("li", frozenset({"ul", "ol", "table"}))
        elif tag in ("dt", "dd"):
            self._close("dt", frozenset({"dl", "table"}))
            self._close("dd", frozenset({"dl", "table"}))
        elif tag in ("td", "th"):
            self._close("td", frozenset({"tr", "table"}))
            self._close("th", frozenset({"tr", "table"}))
        elif tag == "tr":
            self._close("td", frozenset({"table"}))
            self._close("th", frozenset({"table"}))
            self._close("tr", frozenset({"table"}))
        elif tag in ("tbody", "thead", "tfoot"):
            for t in ("td", "th", "tr", "tbody", "thead", "tfoot"):
                self._close(t, frozenset({"table"}))
        elif tag == "option":
            self._close("option")
        attr = ""
        style = ""
        for k, v in attrs:
            if k in ("class", "id") and v:
                attr = f"{attr} {v}" if attr else v
            elif k == "style" and v:
                style = v
        flags = 0
        if tag in _SKIP:
            flags |= SKIP
        if style:
            if _HIDDEN_STYLE.search(style):
                flags |= HIDDEN
            elif _DISPLAY_STYLE.search(style):
                flags |= LAYOUT_BLOCK
        chrome_tag = tag in _CHROME_TAGS
        if (
            chrome_tag
            and tag in ("header", "footer")
            and (self.open_count.get("article") or self.open_count.get("main"))
        ):
            # HTML5: an <article>'s own <header> holds its title and date; its <footer> is small print.
            chrome_tag = tag == "footer"
            hard = False
        else:
            hard = chrome_tag
        if chrome_tag or (attr and tag not in _NEVER_CHROME and _CHROME_ATTR.search(attr)):
            flags |= CHROME_MARK
            if hard or _HARD_ATTR.search(attr):
                flags |= HARD
        node = _Node(tag, attr, self.stack[-1], flags)
        if tag in ("td", "th", "tr") and self.table_stack:
            node.owner = self.table_stack[-1]
        self._push(node)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # "</br>" is read as "<br>" by browsers
            self.handle_starttag("br", [])
            return
        if tag in _VOID or tag in ("html", "body") or not self.open_count.get(tag):
            return  # text after "</body>" still belongs to the body, as in browsers
        stack = self.stack
        if tag not in _TABLE_PARTS:
            # An end tag does not reach out of a table cell (HTML's table scope); looked at near the top only.
            for depth in range(1, min(len(stack), _MAX_SCOPE_WALK)):
                t = stack[-depth].tag
                if t == tag:
                    break
                if t in _TABLE_PARTS:
                    return
        while len(stack) > 1:
            top = stack[-1]
            self._pop()
            if top.tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        data = strip_controls(data.replace("\r", " ").replace("\f", " "))
        if not data:
            return
        if self.in_title and not self.hidden:
            self.title.append(data)
        node = self.stack[-1]
        node.children.append(data)
        if self.hidden:
            return
        n = len(data) - sum(map(data.count, " \t\n\xa0\u3000"))
        if n <= 0:
            return
        node.chars += n
        if self.links:
            node.link += n
        else:
            node.cjk += len(_CJK.findall(data))


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


# ---------------------------------------------------------------- rendering


def _one_line(pieces: list[str]) -> str:
    """A cell's text on one line: CJK runs on without a space ("商业⏎企业" → "商业企业")."""
    out = ""
    for piece in "".join(pieces).split("\n"):
        piece = " ".join(piece.split())
        if not piece:
            continue
        if out and not (_CJK_CHAR.match(out[-1]) or _CJK_CHAR.match(piece[0])):
            out += " "
        out += piece
    return out.replace("|", "｜")


_LABEL_CELL = re.compile(r"[:：]\s*$")


def _key_value(rows: list[list[str]]) -> bool:
    """A table of "label： | value" pairs (an article's metadata), not a statistics table."""
    labels = [row[k] for row in rows for k in range(0, len(row), 2) if row[k]]
    return len(labels) >= 2 and sum(1 for c in labels if _LABEL_CELL.search(c)) >= 0.6 * len(labels)


class _Renderer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.chrome_depth = 0
        self.chrome_start = 0
        self.chrome: list[Span] = []
        self.tables: list[Span] = []
        self.table: _Node | None = None  # the data table being rendered
        self.rows: list[list[str]] = []  # its rows so far
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.saved: list[tuple[_Node | None, list[list[str]], list[str] | None, list[str] | None]] = []

    def _emit(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.length += len(s)

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self._emit("\n")

    def _break(self) -> None:
        if self.cell is not None:
            self.cell.append("\n")
        elif self.table is None:
            self._newline()

    def render(self, items: list[_Node | str], *, hidden: bool = False) -> None:
        stack: list[tuple[_Node | str, bool]] = [(item, False) for item in reversed(items)]
        skip = SKIP if hidden else SKIP | HIDDEN
        while stack:
            item, closing = stack.pop()
            if isinstance(item, str):
                self.text(item)
            elif closing:
                self.close(item)
            elif not item.flags & skip:
                self.open(item)
                stack.append((item, True))
                stack.extend((c, False) for c in reversed(item.children))

    def _chrome_here(self, node: _Node) -> bool:
        return bool(node.flags & CHROME_MARK and node.flags & CHROME) and self.table is None

    def open(self, node: _Node) -> None:
        tag = node.tag
        if tag in ("br", "hr"):
            if self.cell is not None:
                self.cell.append("\n")
            elif self.table is None:
                self._newline()
            return
        if self._chrome_here(node):
            if self.chrome_depth == 0:
                self._newline()
                self.chrome_start = self.length
            self.chrome_depth += 1
        if tag == "table" and node.flags & DATA_TABLE and self.cell is None:
            self.saved.append((self.table, self.rows, self.row, self.cell))
            self._newline()
            self.table, self.rows, self.row, self.cell = node, [], None, None
        elif tag == "tr" and self.table is not None and node.owner is self.table:
            self.row = []
        elif tag in ("td", "th") and self.row is not None and node.owner is self.table:
            self.cell = []
        elif tag == "caption" and self.table is not None and self.row is None and self.cell is None:
            self.cell = []  # collected like a cell, shown as a line of its own above the rows
        elif tag in _BLOCK or node.flags & LAYOUT_BLOCK:
            self._break()

    def close(self, node: _Node) -> None:
        tag = node.tag
        if tag in ("td", "th") and self.cell is not None and node.owner is self.table and self.row is not None:
            self.row.append(_one_line(self.cell))
            self.cell = None
        elif tag == "caption" and self.table is not None and self.row is None and self.cell is not None:
            caption = _one_line(self.cell)
            self.cell = None
            if caption:  # a line of its own above the rows, outside the table's span
                self._newline()
                self._emit(caption + "\n")
        elif tag == "tr" and self.row is not None and node.owner is self.table:
            if any(self.row):
                self.rows.append(self.row)
            self.row = None
        elif tag == "table" and node is self.table:
            self._newline()
            if _key_value(self.rows):
                # An article's metadata table (索引号： … 发布日期： …) is page furniture: one
                # "label value" line per pair, so "发布日期：2025-01-22" reads as the date line it is.
                start = self.length
                for row in self.rows:
                    for k in range(0, len(row), 2):
                        line = "".join(row[k : k + 2]).strip()
                        if line:
                            self._emit(line + "\n")
                if self.chrome_depth == 0 and self.length > start:
                    self.chrome.append(Span(start, self.length, "chrome"))
            elif self.rows:
                start = self.length
                for row in self.rows:
                    self._emit("| " + " | ".join(row) + " |\n")
                self.tables.append(Span(start, self.length, "table"))
            self.table, self.rows, self.row, self.cell = self.saved.pop()
        elif tag in _BLOCK or node.flags & LAYOUT_BLOCK:
            self._break()
        if self._chrome_here(node):
            self.chrome_depth -= 1
            if self.chrome_depth == 0:
                self._newline()
                if self.length > self.chrome_start:
                    self.chrome.append(Span(self.chrome_start, self.length, "chrome"))

    def text(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.table is not None:
            return  # stray text between rows
        text = _WS.sub(" ", data)
        if not self.parts or self.parts[-1].endswith("\n"):
            text = text.lstrip(" ")
        self._emit(text)


# ---------------------------------------------------------------- entry points


def declared_charset(data: bytes) -> str | None:
    """The encoding the page names: an XML declaration, else the first ``<meta>`` charset."""
    m = _XML_DECL.match(data[:512])
    if m is None:
        m = _META_CHARSET.search(data[:16384])
    return m.group(1).decode("ascii", "ignore") if m else None


def decode_page(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM, then ``declared`` (a transport header), XML declaration, meta charset."""
    declared = declared or declared_charset(data)
    if declared and declared.lower().replace("_", "-") not in ("utf-8", "utf8") and any(b > 0x7F for b in data[:65536]):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            declared = "utf-8"  # re-encoded by a browser's "save as", the meta left stale
    return decode_bytes(data, declared)


def extract_html(source: str, encoding: str) -> Extracted:
    """Extract the article text of a decoded page."""
    builder = _TreeBuilder()
    # A comment never closed runs to the end of the page (as browsers read it);
    # the standard parser would give its whole contents back as text.
    opened = source.rfind("<!--")
    if opened >= 0 and source.find("-->", opened + 4) < 0:
        source = source[:opened]
    try:
        builder.feed(source)
        builder.close()
    except (AssertionError, ValueError, IndexError):
        pass  # keep what was parsed: a broken page still shows its text
    order = builder.order
    _analyse(order)
    root = builder.root
    body = next((n for n in order if n.tag == "body"), root)
    best = _best(order)
    items: list[_Node | str] | None = None
    if best is not None and best is not body:
        items = _article(root, best)
        if _plain(items) < _MIN_SHARE * (body.cjk - body.ccjk):
            items = None
    whole = items is None
    renderer = _Renderer()
    if whole:
        renderer.render([root])
    else:
        title = _page_title(builder.title)
        if title and title not in _small_text_of(items, 4096):
            renderer._emit(title + "\n")
        renderer.render(items)
    if not "".join(renderer.parts).strip():
        renderer = _Renderer()
        renderer.render([root], hidden=True)
    text, chrome, tables = _tidy("".join(renderer.parts), renderer.chrome, renderer.tables)
    if not text.strip():
        raise ReadError("no_text")
    return Extracted(text=text, encoding=encoding, chrome=chrome, tables=tables)


def _small_text_of(items: list[_Node | str], limit: int) -> str:
    out = []
    size = 0
    for item in items:
        piece = item if isinstance(item, str) else _small_text(item, limit)
        out.append(piece)
        size += len(piece)
        if size > limit * 8:
            break
    return re.sub(r"\s+", "", "".join(out))


def _page_title(pieces: list[str]) -> str | None:
    """The report title from ``<title>`` ("xx年度报告_忻州市人民政府" → "xx年度报告"), if it names a report."""
    title = " ".join("".join(pieces).split())
    if not title:
        return None
    parts = [p for p in _TITLE_SPLIT.split(title) if _REPORT_TITLE.search(p)]
    if not parts:
        return None
    best = max(parts, key=len)
    return re.sub(r"\s+", "", best) if len(best) <= 80 else None


def extract(data: bytes, path: Path, *, max_pages: int | None = None, use_cache: bool = True) -> Extracted:
    """The article text of a saved page; big pages are cached by their bytes' hash."""
    from shenyue.reading import mhtml

    if mhtml.looks_like_mhtml(data):  # a single-file archive saved with an .htm name
        return mhtml.extract(data, path, use_cache=use_cache)
    kind = sniff(data)
    if kind in ("pdf", "zip", "ole", "rtf"):
        raise ReadError("wrong_extension", ext=path.suffix.lower() or "(none)", actual=SNIFF_NAMES[kind])

    def build() -> Extracted:
        source, encoding = decode_page(data)
        return extract_html(source, encoding)

    return cached_extract("html", VERSION, data, build, use_cache=use_cache and len(data) >= CACHE_FROM_BYTES)


def _tidy(raw: str, chrome: list[Span], tables: list[Span]) -> tuple[str, list[Span], list[Span]]:
    """Trim trailing spaces per line and collapse runs of blank lines, keeping spans valid."""
    out: list[str] = []
    old_starts: list[int] = []
    new_starts: list[int] = []
    kept: list[int] = []
    pos = 0
    new = 0
    blank_run = 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\n").rstrip(" \t\xa0\u3000")
        keep = body + ("\n" if line.endswith("\n") else "")
        if not body.strip():
            blank_run += 1
            keep = "\n" if blank_run == 1 and out else ""
        else:
            blank_run = 0
        old_starts.append(pos)
        new_starts.append(new)
        kept.append(len(keep))
        pos += len(line)
        out.append(keep)
        new += len(keep)
    joined = "".join(out)
    text = joined.strip("\n") + "\n"
    lead = len(joined) - len(joined.lstrip("\n"))

    def mapped(off: int) -> int:
        if off >= pos:
            return new
        k = bisect.bisect_right(old_starts, off) - 1
        return new_starts[k] + min(off - old_starts[k], kept[k])

    def remap(spans: list[Span]) -> list[Span]:
        result = []
        for s in spans:
            a = max(0, mapped(s.start) - lead)
            b = min(len(text), mapped(s.end) - lead)
            if b > a:
                result.append(Span(a, b, s.kind))
        return result

    return text, remap(chrome), remap(tables)
