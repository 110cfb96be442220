"""HTML reading, steps 1 and 2: the page parsed into a light element tree, with its counts.

:class:`_TreeBuilder` (``html.parser``) tolerates malformed markup the way browsers do (unclosed
``<p>``/``<li>``/``<td>`` close themselves, stray end tags are ignored) and gives every
:class:`_Node` its flags (skipped, hidden, furniture, data table …) and its counts (visible
characters, link text, Chinese characters outside links and furniture). Used by html.py (see its
docstring for the whole pipeline).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from shenyue.reading.base import strip_controls

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


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


_WS = re.compile(r"[ \t\r\n\f]+")


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
