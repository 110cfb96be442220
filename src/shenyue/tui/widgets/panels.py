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
from shenyue.tui.textutil import one_line
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
        self._quiet = False

    def set_items(self, items: list[NavItem], current: str | None) -> None:
        g = glyphs()
        self._quiet = True
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
        self._quiet = False

    def select_key(self, key: str) -> None:
        if key in self.keys:
            self._quiet = True
            self.highlighted = self.keys.index(key)
            self._quiet = False

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if not self._quiet and event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def action_first(self) -> None:
        self.action_first_option() if hasattr(self, "action_first_option") else setattr(self, "highlighted", 0)

    def action_last(self) -> None:
        if self.option_count:
            self.highlighted = self.option_count - 1


# ---------------------------------------------------------------- findings


class FindingsPanel(OptionList):
    """Findings of the current section (and of the whole report)."""

    BINDINGS = [
        B("j", "cursor_down", "tui.key.down", "findings.down", show=False),
        B("k", "cursor_up", "tui.key.up", "findings.up", show=False),
        B("x", "dismiss_finding", "tui.key.dismiss", "findings.dismiss"),
    ]

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
        self.findings: list[Finding | None] = []

    def set_findings(self, section: list[Finding], whole: list[Finding], dismissed: Callable[[Finding], str | None]) -> None:
        keep = self.highlighted
        self.clear_options()
        self.findings = []
        options: list[Option | None] = []
        if not section and not whole:
            options.append(Option(Content.styled(t("tui.findings.none"), "$text-muted"), disabled=True))
            self.findings.append(None)
        for group, items in ((None, section), (t("tui.findings.whole_report"), whole)):
            if not items:
                continue
            if group is not None and section:
                options.append(Option(Content.styled(group, "bold $text-muted"), disabled=True))
                self.findings.append(None)
            elif group is not None:
                options.append(Option(Content.styled(group, "bold $text-muted"), disabled=True))
                self.findings.append(None)
            for f in items:
                options.append(Option(_finding_prompt(f, dismissed(f))))
                self.findings.append(f)
        self.add_options(options)
        if keep is not None and keep < self.option_count and self.findings[keep] is not None:
            self.highlighted = keep
        else:
            first = next((i for i, f in enumerate(self.findings) if f is not None), None)
            if first is not None:
                self.highlighted = first

    @property
    def current(self) -> Finding | None:
        i = self.highlighted
        return self.findings[i] if i is not None and 0 <= i < len(self.findings) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        f = self.findings[event.option_index]
        if f is not None:
            self.post_message(self.Jump(f))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()

    def action_dismiss_finding(self) -> None:
        f = self.current
        if f is not None:
            self.post_message(self.Dismiss(f))


_SEVERITY_STYLE = {"error": "bold $text-error", "warning": "bold $text-warning", "info": "$text-primary"}


def _finding_prompt(f: Finding, dismissed: str | None) -> Content:
    sev = Content.styled(t(f"tui.severity.{f.severity}"), _SEVERITY_STYLE.get(f.severity, ""))
    message = Content(one_line(f.message()))
    if dismissed is not None:
        message = message.stylize("strike $text-muted")
        note = t("tui.findings.dismissed", reason=one_line(dismissed)) if dismissed else t("tui.findings.dismissed_no_reason")
        message += Content.styled(" " + note, "italic $text-muted")
    return sev + Content(t("tui.findings.sep")) + message


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


class Legend(Static):
    """What each highlight means, drawn with the highlight styles themselves."""

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        from shenyue.tui.widgets.text_pane import TextPane

        pane = self.screen.query(TextPane).first() if self.is_mounted else None
        parts = [Content.styled(t("tui.legend.title"), "bold")]
        for name in ("peer", "same-unit", "boilerplate", "finding", "chrome", "match", "diff"):
            style = layer_style(pane, f"text-pane--{name}") if pane is not None else Style()
            parts.append(Content(" "))
            parts.append(Content.from_rich_text(_rich_sample(t(f"tui.legend.{name}"), style)))
        self.update(Content("").join(parts))


def _rich_sample(text: str, style: Style):
    from rich.text import Text

    return Text(f" {text} ", style=style)


# ---------------------------------------------------------------- header


class ReviewHeader(Static):
    """Unit, year, kind, file; reviewer, total with gates, status, saved time."""

    def show(self, line1: Content, line2: Content) -> None:
        self.update(line1 + Content("\n") + line2)
