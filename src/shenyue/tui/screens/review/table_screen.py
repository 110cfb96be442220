"""The table view: a screen over the review screen (key ``t``; ``Esc`` or ``t`` goes back).

It shows the grids of :mod:`.tablemodel` in a :class:`~shenyue.tui.widgets.table_grid.TableGrid`
under a two-line header (the report and how many cells are marked; the selected cell's note).
The review screen builds the :class:`~.tablemodel.TableView` (it knows the findings the
reviewer has not dismissed and the previous-year report) and pushes this screen.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from shenyue.i18n import t
from shenyue.tui.glyphs import glyphs
from shenyue.tui.keys import B
from shenyue.tui.screens.review.tablemodel import TableView, mark_glyphs
from shenyue.tui.textutil import one_line
from shenyue.tui.widgets.keybar import KeyBar
from shenyue.tui.widgets.table_grid import TableGrid


class TableScreen(Screen):
    BINDINGS = [
        B("escape,t", "close", "tui.key.tables_close", "tables.close", scope="tables"),
        B("ctrl+c", "app.quit", "tui.key.quit", "tables.quit_ctrl_c", show=False, scope="tables"),
    ]
    HELP_TITLE = "tui.help.title_tables"
    HELP_GROUP = "tui.help.group_tables"
    HELP_PANES = (("#table-grid", "tui.help.group_tables"),)

    DEFAULT_CSS = """
    TableScreen #tables-header { height: 2; background: $panel; padding: 0 1; }
    """

    def __init__(self, view: TableView, title: str) -> None:
        super().__init__(id="table-screen")
        self.view = view
        self.title_text = one_line(title)

    @property
    def HELP_NOTES(self) -> str:  # noqa: N802 — the name the help screen reads
        """The help's notes with the marks as drawn (``--ascii`` included); the help passes a
        string that is no catalogue key through unchanged."""
        g = mark_glyphs()
        marks = {name: getattr(g, name) for name in ("fail", "warn", "info", "split", "unread", "blank")}
        return t("tui.help.tables_notes", **marks)

    def compose(self) -> ComposeResult:
        yield Static(Content(self._header(None)), id="tables-header", markup=False)
        yield TableGrid(id="table-grid")
        yield KeyBar()

    def on_mount(self) -> None:
        grid = self.grid
        grid.set_view(self.view)
        grid.focus()

    @property
    def grid(self) -> TableGrid:
        return self.query_one("#table-grid", TableGrid)

    def _header(self, cell: str | None) -> str:
        n = len(self.view.marked())
        count = t("tui.tables.marks_count", n=n) if n else t("tui.tables.no_marks")
        note = self.view.note_of(cell) if cell else None
        dot = glyphs().dot
        return f"{self.title_text} {dot} {count}\n{note.text if note is not None else ''}"

    @on(TableGrid.Selected)
    def _selected(self, event: TableGrid.Selected) -> None:
        self.query_one("#tables-header", Static).update(Content(self._header(event.cell)), layout=False)

    def action_close(self) -> None:
        self.dismiss(None)
