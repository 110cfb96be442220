"""The report list: a virtual table drawn line by line.

Only the visible rows are drawn, so a folder of ten thousand reports scrolls
as fast as one of ten. Sorting and filtering just reorder the row list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from shenyue.i18n import t
from shenyue.review import format_number
from shenyue.tui.glyphs import bar, glyphs
from shenyue.tui.keys import B
from shenyue.tui.textutil import cell_width, fit, one_line
from shenyue.tui.widgets.style import layer_style
from shenyue.tui.widgets.team_columns import TEAM_COLUMNS, TEAM_KEYS, Cell, Column, team_cell
from shenyue.tui.workspace import Row, Workspace

COLUMNS = (
    Column("label", "tui.col.unit", 0),
    Column("year", "tui.col.year", 4),
    Column("kind", "tui.col.kind", 7),
    Column("sections", "tui.col.sections", 5, "right"),
    Column("findings", "tui.col.findings", 9),
    Column("copy", "tui.col.copy", 10),
    Column("total", "tui.col.total", 7, "right"),
    Column("status", "tui.col.status", 10),
)


class ReportTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "report-table--header",
        "report-table--sorted",
        "report-table--cursor",
        "report-table--dim",
        "report-table--error",
        "report-table--warning",
        "report-table--bar",
        "report-table--bar-high",
        "report-table--done",
        "report-table--progress",
        "report-table--changed",
        "report-table--flag",
        "report-table--unreadable",
    }

    BINDINGS = [
        B("j,down", "move(1)", "tui.key.down", "list.down", show=False),
        B("k,up", "move(-1)", "tui.key.up", "list.up", show=False),
        B("pagedown", "page(1)", "tui.key.page_down", "list.page_down", show=False),
        B("pageup", "page(-1)", "tui.key.page_up", "list.page_up", show=False),
        B("g,home", "edge(0)", "tui.key.top", "list.top", show=False),
        B("G,end", "edge(1)", "tui.key.bottom", "list.bottom", show=False),
        B("enter", "open", "tui.key.open", "list.open"),
    ]

    DEFAULT_CSS = """
    ReportTable { scrollbar-gutter: stable; overflow-x: hidden; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Opened(Message):
        def __init__(self, row: Row) -> None:
            super().__init__()
            self.row = row

    class Highlighted(Message):
        def __init__(self, row: Row | None) -> None:
            super().__init__()
            self.row = row

    class SortRequested(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.rows: list[Row] = []
        self.sort_key = "index"
        self.sort_reverse = False
        self._styles: dict[str, Style] = {}
        self._widths: list[int] = []

    # ------------------------------------------------------------ data
    def set_rows(self, rows: list[Row], keep: str | None = None) -> None:
        """Show ``rows``; the cursor stays on the report ``keep`` (a rel) when it is shown."""
        self.rows = rows
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows) + 1)
        target = 0
        if keep is not None:
            for i, r in enumerate(rows):
                if r.rel == keep:
                    target = i
                    break
        self.cursor = min(target, max(0, len(rows) - 1))
        self.refresh()

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns shown: the team's (reviewers, mean, spread) before the status when there is a team."""
        if self.workspace.has_team:
            return COLUMNS[:-1] + TEAM_COLUMNS + COLUMNS[-1:]
        return COLUMNS

    @property
    def current(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def refresh_rows(self) -> None:
        self.refresh()

    def watch_cursor(self, value: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height - 1  # the header line stays
        if height <= 0:
            return
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    # ------------------------------------------------------------ actions
    def action_move(self, n: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + n))

    def action_page(self, n: int) -> None:
        self.action_move(n * max(1, self.scrollable_content_region.height - 2))

    def action_edge(self, end: int) -> None:
        if self.rows:
            self.cursor = len(self.rows) - 1 if end else 0

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            key = self._column_at(offset.x)
            if key:
                self.post_message(self.SortRequested(key))
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_open()

    def _column_at(self, x: int) -> str | None:
        pos = 0
        for col, w in zip(self.columns, self._widths):
            if pos <= x < pos + w + 1:
                return col.key
            pos += w + 1
        return None

    # ------------------------------------------------------------ drawing
    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows) + 1)
        self._styles.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = layer_style(self, f"report-table--{name}")
            self._styles[name] = style
        return style

    def _column_widths(self, width: int) -> list[int]:
        columns = self.columns
        fixed = sum(c.width for c in columns) + len(columns) - 1
        flex = max(8, width - fixed)
        return [c.width or flex for c in columns]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._widths = widths = self._column_widths(width)
        base = self.rich_style
        if y == 0:
            return self._header(widths, width, base)
        index = self.scroll_offset.y + y - 1
        if index >= len(self.rows):
            return Strip([Segment(" " * width, base)], width)
        row = self.rows[index]
        line_style = base
        if index == self.cursor:
            line_style = base + self._style("cursor")
        segments: list[Segment] = []
        for n, (col, w) in enumerate(zip(self.columns, widths)):
            if n:
                segments.append(Segment(" ", line_style))
            segments.extend(self._cell_segments(self.cell(col.key, row), w, col.align, line_style))
        return Strip(segments).extend_cell_length(width, line_style).crop(0, width)

    def _header(self, widths: list[int], width: int, base: Style) -> Strip:
        g = glyphs()
        style = base + self._style("header")
        segments = []
        for n, (col, w) in enumerate(zip(self.columns, widths)):
            if n:
                segments.append(Segment(" ", style))
            title = t(col.title_key)
            st = style
            if col.key == self.sort_key:
                title += g.sort_down if self.sort_reverse else g.sort_up
                st = style + self._style("sorted")
            segments.append(Segment(_align(fit(title, w, g.ellipsis).rstrip(), w, col.align), st))
        return Strip(segments).extend_cell_length(width, style).crop(0, width)

    def _cell_segments(self, cell: Cell, width: int, align: str, line_style: Style) -> list[Segment]:
        g = glyphs()
        text = "".join(part for _, part in cell)
        if cell_width(text) > width:
            # cut the parts from the right, keeping each part's style
            out_parts: Cell = []
            room = width
            for cls, part in cell:
                w = cell_width(part)
                if w <= room:
                    out_parts.append((cls, part))
                    room -= w
                    continue
                if room > 0:
                    out_parts.append((cls, fit(part, room, g.ellipsis)))
                break
            cell = out_parts
            text = "".join(part for _, part in cell)
        pad = max(0, width - cell_width(text))
        out = []
        if align == "right" and pad:
            out.append(Segment(" " * pad, line_style))
        for cls, part in cell:
            out.append(Segment(part, line_style + self._style(cls) if cls else line_style))
        if align != "right" and pad:
            out.append(Segment(" " * pad, line_style))
        return out

    def cell(self, key: str, row: Row) -> Cell:
        """The text of one cell, as (style class, text) parts."""
        g = glyphs()
        ws = self.workspace
        r = row.report
        if key == "label":
            if row.unreadable is not None and r is None:
                return [("unreadable", one_line(row.rel))]
            if r is not None and r.unit:
                return [("", one_line(r.unit)), ("dim", "  " + one_line(row.rel))]
            return [("", one_line(row.label))]
        if key in TEAM_KEYS:
            return team_cell(key, row.team)
        if r is None:
            if row.unreadable is not None:
                return [("unreadable", t("tui.cell.unreadable") if key == "kind" else "")]
            return [("dim", g.ellipsis if key in ("year", "kind", "sections", "findings") else "")]
        if key == "year":
            return [("", str(r.year))] if r.year else [("dim", g.missing)]
        if key == "kind":
            return [("", t(f"tui.kind_short.{r.kind}"))]
        if key == "sections":
            present, expected = row.sections_present() or (0, 0)
            return [("warning" if present < expected else "", f"{present}/{expected}")]
        if key == "findings":
            counts = row.counts() or {}
            e, w = counts.get("error", 0), counts.get("warning", 0)
            return [
                ("error" if e else "dim", t("tui.cell.errors", n=e)),
                ("", " "),
                ("warning" if w else "dim", t("tui.cell.warnings", n=w)),
            ]
        if key == "copy":
            share = ws.copy.share(row.rel)
            if share is None:
                return [("dim", g.ellipsis if not ws.copy_ready and ws.copy_problem is None else g.missing)]
            cls = "bar-high" if share >= 0.5 else "bar"
            return [(cls, bar(share, 5)), ("", f"{round(share * 100):>4d}%")]
        if key == "total":
            total = row.review.total
            if total is None:
                return [("dim", g.missing)]
            if total.value is None:
                return [("warning", t("tui.cell.not_assessable"))]
            text = format_number(total.value)
            if total.capped:
                return [("warning", text + "*")]
            return [("" if total.complete else "dim", text)]
        if key == "status":
            rv = row.review
            parts: Cell = [
                (
                    {"done": "done", "in-progress": "progress"}.get(rv.status, "dim"),
                    t(f"tui.status.{rv.status}"),
                )
            ]
            if rv.changed:
                parts = [("changed", t("tui.status.changed"))]
            if rv.flagged:
                parts.append(("flag", " " + g.flag))
            return parts
        return [("", "")]

    def cell_text(self, key: str, row: Row) -> str:
        return "".join(part for _, part in self.cell(key, row))


def _align(text: str, width: int, align: str) -> str:
    pad = width - cell_width(text)
    if pad <= 0:
        return text
    return " " * pad + text if align == "right" else text + " " * pad


SortFunc = Callable[[Row], Any]
