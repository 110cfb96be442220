"""The review screen's side widgets: section navigator, findings, overview strip, legend, header."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shenyue.analysis.findings import Finding
from shenyue.i18n import t
from shenyue.tui.glyphs import glyphs
from shenyue.tui.highlight import BOILER, CHROME, FINDING, PEER_BIT, SAME, overview_cells
from shenyue.tui.keys import B, translate_bindings
from shenyue.tui.textutil import cell_width, fit, one_line, wrap_offsets
from shenyue.tui.widgets.style import layer_style


# ---------------------------------------------------------------- section navigator


@dataclass(slots=True)
class NavItem:
    key: str
    label: str
    empty: bool
    findings: int
    share: float | None  # copied share of the section, None when not known


class SectionNav(OptionList):
    """The sections of the report, with markers; moving the cursor shows the section."""

    BINDINGS = [
        B("j", "cursor_down", "tui.key.down", "nav.down", show=False),
        B("k", "cursor_up", "tui.key.up", "nav.up", show=False),
        B("g", "first", "tui.key.top", "nav.top", show=False),
        B("G", "last", "tui.key.bottom", "nav.bottom", show=False),
    ]

    class Chosen(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.keys: list[str] = []

    def set_items(self, items: list[NavItem], current: str | None) -> None:
        g = glyphs()
        self.clear_options()
        self.keys = [i.key for i in items]
        options = []
        for item in items:
            marks = Content.styled(g.empty, "$text-muted") if item.empty else Content(" ")
            marks += Content.styled(g.finding, "bold $text-error") if item.findings else Content(" ")
            if item.share is not None and item.share >= 0.05:
                marks += Content.styled(f"{round(item.share * 100):>3d}%", "bold $text-warning")
            else:
                marks += Content("    ")
            options.append(Option(marks + Content(" " + one_line(item.label)), id=item.key))
        self.add_options(options)
        if current in self.keys:
            self.highlighted = self.keys.index(current)

    def select_key(self, key: str) -> None:
        """Show ``key`` as the current section (no Chosen message)."""
        if key in self.keys:
            self.highlighted = self.keys.index(key)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Highlight messages arrive late and also follow programmatic changes;
        # the reviewer's moves are reported by the actions below instead.
        event.stop()

    def _chosen(self) -> None:
        if self.highlighted is not None and 0 <= self.highlighted < len(self.keys):
            self.post_message(self.Chosen(self.keys[self.highlighted]))

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._chosen()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._chosen()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._chosen()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._chosen()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def action_first(self) -> None:
        if self.option_count:
            self.highlighted = 0
            self._chosen()

    def action_last(self) -> None:
        if self.option_count:
            self.highlighted = self.option_count - 1
            self._chosen()


# ---------------------------------------------------------------- findings


class FindingsPanel(Widget, can_focus=True):
    """Findings of the current section (and of the whole report), one line
    each; the highlighted one is shown in full below the list. Drawn line by
    line, so changing sections never relays out the screen."""

    COMPONENT_CLASSES = {
        "findings--error",
        "findings--warning",
        "findings--info",
        "findings--header",
        "findings--cursor",
        "findings--dismissed",
        "findings--detail",
        "findings--muted",
    }

    BINDINGS = [
        B("j,down", "move(1)", "tui.key.down", "findings.down", show=False),
        B("k,up", "move(-1)", "tui.key.up", "findings.up", show=False),
        B("enter", "jump", "tui.key.jump_finding", "findings.jump"),
        B("x", "dismiss_finding", "tui.key.dismiss", "findings.dismiss"),
    ]

    DETAIL_LINES = 4

    class Jump(Message):
        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    class Dismiss(Message):
        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.findings: list[Finding | None] = []  # None: a group heading or the "no findings" line
        self.labels: list[str] = []
        self.reasons: list[str | None] = []
        self._cursor: int | None = None
        self._top = 0
        self._signature: tuple | None = None
        self._styles: dict[str, Style] = {}

    # ------------------------------------------------------------ data
    def set_findings(self, section: list[Finding], whole: list[Finding], dismissed: Callable[[Finding], str | None]) -> None:
        signature = (tuple(map(id, section)), tuple(map(id, whole)), tuple(dismissed(f) for f in (*section, *whole)))
        if signature == self._signature:
            return
        self._signature = signature
        keep = self.current
        self.findings, self.labels, self.reasons = [], [], []
        if not section and not whole:
            self._add(None, t("tui.findings.none"), None)
        for f in section:
            self._add(f, one_line(f.message()), dismissed(f))
        if whole:
            self._add(None, t("tui.findings.whole_report"), None)
            for f in whole:
                self._add(f, one_line(f.message()), dismissed(f))
        indexes = [i for i, f in enumerate(self.findings) if f is not None]
        self._cursor = next((i for i in indexes if self.findings[i] is keep), indexes[0] if indexes else None)
        self._top = 0
        self._scroll_to_cursor()
        self.refresh()

    def _add(self, f: Finding | None, label: str, reason: str | None) -> None:
        self.findings.append(f)
        self.labels.append(label)
        self.reasons.append(reason)

    @property
    def highlighted(self) -> int | None:
        return self._cursor

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if index is None or (0 <= index < len(self.findings) and self.findings[index] is not None):
            self._cursor = index
            self._scroll_to_cursor()
            self.refresh()

    @property
    def current(self) -> Finding | None:
        i = self._cursor
        return self.findings[i] if i is not None and 0 <= i < len(self.findings) else None

    # ------------------------------------------------------------ keys
    def action_move(self, step: int) -> None:
        indexes = [i for i, f in enumerate(self.findings) if f is not None]
        if not indexes:
            return
        if self._cursor not in indexes:
            self.highlighted = indexes[0]
            return
        pos = indexes.index(self._cursor) + step
        self.highlighted = indexes[max(0, min(len(indexes) - 1, pos))]

    def action_jump(self) -> None:
        f = self.current
        if f is not None:
            self.post_message(self.Jump(f))

    def action_dismiss_finding(self) -> None:
        f = self.current
        if f is not None:
            self.post_message(self.Dismiss(f))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self._top + offset.y
        if offset.y < self._list_height() and 0 <= index < len(self.findings) and self.findings[index] is not None:
            self.highlighted = index
            if event.chain >= 2:
                self.action_jump()

    # ------------------------------------------------------------ drawing
    def _list_height(self) -> int:
        return max(1, self.size.height - self.DETAIL_LINES - 1)

    def _scroll_to_cursor(self) -> None:
        if self._cursor is None:
            return
        h = self._list_height()
        if self._cursor < self._top:
            self._top = self._cursor
        elif self._cursor >= self._top + h:
            self._top = self._cursor - h + 1

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = layer_style(self, f"findings--{name}")
        return style

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._scroll_to_cursor()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        h = self._list_height()
        if y < h:
            index = self._top + y
            if index >= len(self.findings):
                return Strip([Segment(" " * width, base)], width)
            f = self.findings[index]
            if f is None:
                style = base + self._style("header" if index or self.labels[index] != t("tui.findings.none") else "muted")
                return _line([(self.labels[index], style)], width, base)
            line_style = base + self._style("cursor") if index == self._cursor and self.has_focus else base
            sev = t(f"tui.severity.{f.severity}")
            sev_style = line_style + self._style(f.severity if f.severity in ("error", "warning", "info") else "info")
            text_style = line_style + (self._style("dismissed") if self.reasons[index] is not None else Style())
            mark = glyphs().cursor if index == self._cursor else " "
            return _line([(mark, line_style), (sev, sev_style), (t("tui.findings.sep"), line_style), (self.labels[index], text_style)], width, line_style)
        if y == h:
            return Strip([Segment(" " * width, base)], width)
        f = self.current
        if f is None:
            return Strip([Segment(" " * width, base)], width)
        detail = self.labels[self._cursor]
        reason = self.reasons[self._cursor]
        if reason is not None:
            detail += " " + (t("tui.findings.dismissed", reason=one_line(reason)) if reason else t("tui.findings.dismissed_no_reason"))
        lines = wrap_offsets(detail, max(2, width))
        n = y - h - 1
        if n >= len(lines):
            return Strip([Segment(" " * width, base)], width)
        a, b = lines[n]
        text = detail[a:b]
        if n == self.DETAIL_LINES - 1 and len(lines) > self.DETAIL_LINES:
            text = fit(text, width - 1, glyphs().ellipsis).rstrip() + glyphs().ellipsis
        return _line([(text, base + self._style("detail"))], width, base)


def _line(parts: list[tuple[str, Style]], width: int, fill: Style) -> Strip:
    segments = []
    used = 0
    for text, style in parts:
        if used >= width:
            break
        w = cell_width(text)
        if used + w > width:
            text = fit(text, width - used, glyphs().ellipsis)
            w = width - used
        segments.append(Segment(text, style))
        used += w
    if used < width:
        segments.append(Segment(" " * (width - used), fill))
    return Strip(segments, width)


# ---------------------------------------------------------------- overview strip


class OverviewStrip(Widget):
    """Where in the whole report the copied and flagged parts are, like a
    diff's overview ruler. Column 1 marks the current section, column 2
    the strongest highlight of that stretch. Click to jump."""

    COMPONENT_CLASSES = {
        "overview--peer",
        "overview--same-unit",
        "overview--boilerplate",
        "overview--finding",
        "overview--chrome",
        "overview--section",
        "overview--view",
    }

    DEFAULT_CSS = "OverviewStrip { width: 2; }"

    class Jump(Message):
        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.length = 0
        self.intervals: list[tuple[int, int, int]] = []
        self.section: tuple[int, int] = (0, 0)
        self.view: tuple[int, int] = (0, 0)
        self._cells: list[int] = []
        self._cells_height = -1
        self._styles: dict[str, Style] = {}

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = layer_style(self, f"overview--{name}")
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def set_data(self, length: int, intervals: list[tuple[int, int, int]]) -> None:
        self.length = length
        self.intervals = intervals
        self._cells_height = -1
        self.refresh()

    def set_section(self, start: int, end: int) -> None:
        self.section = (start, end)
        self.refresh()

    def set_view(self, start: int, end: int) -> None:
        if (start, end) != self.view:
            self.view = (start, end)
            self.refresh()

    def cells(self) -> list[int]:
        height = self.size.height
        if height != self._cells_height:
            self._cells = overview_cells(self.length, self.intervals, height)
            self._cells_height = height
        return self._cells

    def _row_range(self, y: int) -> tuple[int, int]:
        h = max(1, self.size.height)
        return (y * self.length // h, (y + 1) * self.length // h)

    def render_line(self, y: int) -> Strip:
        g = glyphs()
        base = self.rich_style
        cells = self.cells()
        bit = cells[y] if y < len(cells) else 0
        a, b = self._row_range(y)
        in_section = self.length > 0 and a < self.section[1] and b > self.section[0]
        in_view = self.length > 0 and a < self.view[1] and b > self.view[0]
        if in_view:
            first = Segment(g.ruler_mark, base + self._style("view"))
        elif in_section:
            first = Segment(g.ruler_mark, base + self._style("section"))
        else:
            first = Segment(" ", base)
        name, char = _OVERVIEW_CELL.get(bit, (None, " "))
        if name is None:
            second = Segment(" ", base)
        else:
            char = char if not glyphs().bar_partial else _OVERVIEW_UNICODE[bit]
            second = Segment(char, base + self._style(name))
        return Strip([first, second], 2)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if self.length and offset is not None:
            a, _ = self._row_range(offset.y)
            self.post_message(self.Jump(a))


# (class name, ASCII char) per highlight bit; the Unicode chars differ in density
_OVERVIEW_CELL = {
    FINDING: ("finding", "!"),
    PEER_BIT: ("peer", "#"),
    SAME: ("same-unit", "="),
    BOILER: ("boilerplate", ":"),
    CHROME: ("chrome", "."),
}
_OVERVIEW_UNICODE = {FINDING: "!", PEER_BIT: "█", SAME: "▓", BOILER: "░", CHROME: "·"}


# ---------------------------------------------------------------- legend


LEGEND_CLASSES = ("peer", "same-unit", "boilerplate", "finding", "chrome", "match", "diff")


class Legend(Widget):
    """What each highlight means, drawn with the highlight styles themselves
    (the stylesheet styles ``Legend > .text-pane--peer`` like the panes)."""

    COMPONENT_CLASSES = {f"text-pane--{name}" for name in LEGEND_CLASSES}

    def render(self) -> Content:
        parts = [Content.styled(t("tui.legend.title"), "bold")]
        for name in LEGEND_CLASSES:
            parts.append(Content(" "))
            parts.append(Content.from_rich_text(_rich_sample(t(f"tui.legend.{name}"), layer_style(self, f"text-pane--{name}"))))
        return Content("").join(parts)

    def show(self) -> None:
        self.refresh()


def _rich_sample(text: str, style: Style):
    from rich.text import Text

    return Text(f" {text} ", style=style)


# ---------------------------------------------------------------- header


class ReviewHeader(Static):
    """Unit, year, kind, file; reviewer, total with gates, status, saved time."""

    def show(self, line1: Content, line2: Content) -> None:
        self.update(line1 + Content("\n") + line2, layout=False)  # always two lines
