"""The table view's pane: tables 二/三/四 drawn as grids, only the visible lines.

What is drawn comes from :mod:`shenyue.tui.screens.review.tablemodel` (the
grids, their marks and notes, laid out for the pane's width); this widget
draws the lines as plain segments (never markup), scrolls, and moves a
selection over the marked cells (``n``/``N``) and between tables
(``]``/``[``); a click selects a cell. The selected cell and its note are drawn reversed.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from shenyue.tui.keys import B
from shenyue.tui.screens.review.tablemodel import Layout, TableView, layout
from shenyue.tui.textutil import cell_width
from shenyue.tui.widgets.line_scroll import LineScroller
from shenyue.tui.widgets.style import layer_style

STYLES = ("title", "header", "label", "group", "value", "note", "fail", "warn", "info", "split", "unread", "blank")


class TableGrid(LineScroller, Widget, can_focus=True):
    COMPONENT_CLASSES = {f"table-grid--{name}" for name in STYLES} | {
        "table-grid--selected",
        "table-grid--scrollbar",
        "table-grid--thumb",
    }

    BINDINGS = [
        B("n", "mark(1)", "tui.key.tables_next_mark", "tables.next_mark", scope="tables"),
        B("N", "mark(-1)", "tui.key.tables_prev_mark", "tables.prev_mark", show=False, scope="tables"),
        B(
            "right_square_bracket",
            "table(1)",
            "tui.key.tables_next_table",
            "tables.next_table",
            key_display="]",
            scope="tables",
        ),
        B(
            "left_square_bracket",
            "table(-1)",
            "tui.key.tables_prev_table",
            "tables.prev_table",
            key_display="[",
            show=False,
            scope="tables",
        ),
        B("j,down", "scroll_lines(1)", "tui.key.scroll_down", "tables.down", show=False, scope="tables"),
        B("k,up", "scroll_lines(-1)", "tui.key.scroll_up", "tables.up", show=False, scope="tables"),
        B("pagedown,space", "page(1)", "tui.key.page_down", "tables.page_down", show=False, scope="tables"),
        B("pageup,b", "page(-1)", "tui.key.page_up", "tables.page_up", show=False, scope="tables"),
        B("g,home", "edge(0)", "tui.key.top", "tables.top", show=False, scope="tables"),
        B("G,end", "edge(1)", "tui.key.bottom", "tables.bottom", show=False, scope="tables"),
    ]

    DEFAULT_CSS = """
    TableGrid { height: 1fr; }
    TableGrid > .table-grid--title { text-style: bold; color: $accent; }
    TableGrid > .table-grid--header { color: $text-muted; }
    TableGrid > .table-grid--group { color: $text-muted; text-style: italic; }
    TableGrid > .table-grid--note { color: $text-muted; }
    TableGrid > .table-grid--fail { background: $error 35%; text-style: bold; }
    TableGrid > .table-grid--warn { background: $warning 30%; }
    TableGrid > .table-grid--info { color: $accent; }
    TableGrid > .table-grid--split { color: $secondary; text-style: underline; }
    TableGrid > .table-grid--unread { color: $text-warning; }
    TableGrid > .table-grid--blank { color: $text-disabled; }
    TableGrid > .table-grid--selected { text-style: reverse; }
    TableGrid > .table-grid--scrollbar { background: $panel; }
    TableGrid > .table-grid--thumb { background: $primary 60%; }
    TableGrid:focus > .table-grid--thumb { background: $primary; }
    """

    class Selected(Message):
        """The selection moved to a cell (None: no cell selected)."""

        def __init__(self, grid: TableGrid, cell: str | None) -> None:
            super().__init__()
            self.grid = grid
            self.cell = cell

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: TableView | None = None
        self._layout: Layout | None = None
        self._layout_width = 0
        self._marked: list[str] = []
        self.selected: str | None = None
        self._top = 0
        self._styles: dict[str, Style] = {}

    # ------------------------------------------------------------ content
    def set_view(self, view: TableView) -> None:
        self.view = view
        self._marked = view.marked()
        self.selected = None
        self._top = 0
        self._layout = None
        self._relayout()

    @property
    def lines(self) -> list[list[tuple[str, str, str | None]]]:
        return self._layout.lines if self._layout is not None else []

    @property
    def top(self) -> int:
        return self._top

    @property
    def max_top(self) -> int:
        return max(0, len(self.lines) - max(1, self.size.height))

    def _relayout(self) -> None:
        width = max(0, self.size.width - 1)
        if self.view is None or width <= 0:
            self._layout = None
            return
        if self._layout is None or width != self._layout_width:
            self._layout = layout(self.view, width)
            self._layout_width = width
        self._top = min(self._top, self.max_top)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    # ------------------------------------------------------------ moving
    def scroll_to_line(self, line: int) -> None:
        self._top = max(0, min(self.max_top, line))
        self.refresh()

    def select(self, cell: str | None) -> None:
        """Select ``cell`` (a cell id of this report) and scroll it into view."""
        self.selected = cell
        if cell is not None and self._layout is not None and cell in self._layout.cell_lines:
            line = self._layout.cell_lines[cell]
            height = max(1, self.size.height)
            if not self._top <= line < self._top + height:
                self.scroll_to_line(line - height // 3)
        self.refresh()
        self.post_message(self.Selected(self, cell))

    def action_mark(self, step: int) -> None:
        marked = self._marked
        if not marked:
            self.app.bell()
            return
        if self.selected in marked:
            i = (marked.index(self.selected) + step) % len(marked)
        else:
            i = 0 if step > 0 else len(marked) - 1
        self.select(marked[i])

    def on_click(self, event: events.Click) -> None:
        """A click on a cell of this report (or on a note) selects that cell."""
        offset = event.get_content_offset(self)
        if offset is None or self._layout is None:
            return
        index = self._top + offset.y
        if not 0 <= index < len(self.lines):
            return
        x = 0
        for text, _name, cell in self.lines[index]:
            w = cell_width(text)
            if x <= offset.x < x + w:
                if cell is not None and cell in self._layout.cell_lines:
                    self.select(cell)
                return
            x += w

    def action_table(self, step: int) -> None:
        if self._layout is None:
            return
        starts = self._layout.table_lines
        i = bisect_right(starts, self._top) - 1
        target = starts[max(0, min(len(starts) - 1, i + step))]
        self.scroll_to_line(target)

    # ------------------------------------------------------------ drawing
    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style
            if name:
                style += layer_style(self, f"table-grid--{name}")
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = max(0, self.size.width - 1)
        index = self._top + y
        base = self._style("")
        lines = self.lines
        if index < len(lines):
            segments = []
            for text, name, cell in lines[index]:
                style = self._style(name)
                if cell is not None and cell == self.selected:
                    style += layer_style(self, "table-grid--selected")
                segments.append(Segment(text, style))
            strip = Strip(segments).extend_cell_length(width, base).crop(0, width)
        else:
            strip = Strip([Segment(" " * width, base)], width)
        return Strip.join([strip, self._scrollbar_cell(y)])

    def _scrollbar_cell(self, y: int) -> Strip:
        name = self.scrollbar_part(y, len(self.lines))
        return Strip([Segment(" ", self._style(name))], 1)
