"""The review screen's overview strip: where in the whole report the copied and flagged parts are."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from shenyue.tui.glyphs import glyphs
from shenyue.tui.highlight import BOILER, CHROME, FINDING, PEER_BIT, SAME, overview_cells
from shenyue.tui.widgets.style import layer_style


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
