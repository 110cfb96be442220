"""The first screen: every report of the folder, sortable and filterable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from shenyue.i18n import t
from shenyue.tui.dialogs import FilterDialog
from shenyue.tui.glyphs import glyphs
from shenyue.tui.keys import B
from shenyue.tui.messages import OpenReport, WorkspaceChanged
from shenyue.tui.screens.pairs_view import open_pairs
from shenyue.tui.textutil import one_line
from shenyue.tui.widgets.keybar import KeyBar
from shenyue.tui.widgets.report_table import ReportTable
from shenyue.tui.widgets.status_line import ProgressLine, SummaryLine
from shenyue.tui.workspace import SORT_KEYS, ListFilter, Row, Workspace

if TYPE_CHECKING:
    from shenyue.tui.app import ShenyueApp


class ListScreen(Screen):
    BINDINGS = [
        # priority: run before the keys typed after it are handed to the list (they go to the search box)
        B("slash", "filter", "tui.key.filter", "list.filter", priority=True),
        B("f", "finding_filter", "tui.key.finding_filter", "list.finding_filter"),
        B("s", "sort_next", "tui.key.sort", "list.sort"),
        B("r", "sort_reverse", "tui.key.sort_reverse", "list.sort_reverse", show=False),
        B("n", "next_unreviewed", "tui.key.next_unreviewed", "list.next_unreviewed"),
        B("u", "unit", "tui.key.unit", "list.unit", show=False),
        B("p", "pairs", "tui.key.pairs", "list.pairs"),
        B("escape", "clear_filter", "tui.key.clear_filter", "list.clear_filter", show=False),
        B("x", "app.export", "tui.key.export", "app.export"),
        # Ctrl+C quits (Textual's screens would copy the mouse selection instead)
        B("ctrl+c", "app.quit", "tui.key.quit", "app.quit_ctrl_c", show=False),
    ]

    # what the help screen and the command palette list: this screen's keys, then its panes' (selector, group)
    HELP_TITLE = "tui.help.title_list"
    HELP_GROUP = "tui.help.group_list"
    HELP_NOTES = "tui.help.list_notes"
    HELP_PANES = (("ReportTable", "tui.help.group_table"),)

    app: "ShenyueApp"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(id="list-screen")
        self.workspace = workspace
        self.filter = ListFilter()

    def compose(self) -> ComposeResult:
        yield Static(id="list-title", classes="title-bar")
        yield ReportTable(self.workspace, id="report-table")
        yield Input(placeholder=t("tui.list.filter_placeholder"), id="list-filter", select_on_focus=False)
        yield SummaryLine(id="list-summary")
        yield ProgressLine(id="list-progress")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#list-filter", Input).display = False
        self._title()
        self.refill()
        self.table.focus()

    @property
    def table(self) -> ReportTable:
        return self.query_one(ReportTable)

    def _title(self) -> None:
        ws = self.workspace
        g = glyphs()
        parts = [t("tui.app_name"), one_line(ws.folder.name or str(ws.folder))]
        if ws.reviewer:
            parts.append(t("tui.list.reviewer", name=one_line(ws.reviewer)))
        self.query_one("#list-title", Static).update(Content(f" {g.dot} ".join(parts)))

    # ------------------------------------------------------------ data
    def refill(self, keep: str | None = None) -> None:
        table = self.table
        if keep is None and table.current is not None:
            keep = table.current.rel
        rows = self.workspace.visible_rows(self.filter, table.sort_key, table.sort_reverse)
        table.set_rows(rows, keep)
        self.query_one(SummaryLine).show(self.workspace, self.filter, len(rows))

    @on(WorkspaceChanged)
    def _workspace_changed(self, event: WorkspaceChanged) -> None:
        if event.what == "reviewer":
            self._title()
        if event.what == "reviews" and self.workspace.dismissals_problem:
            self.notify(self.workspace.dismissals_problem, severity="warning", timeout=10)
        if event.what == "review":
            self.table.refresh_rows()
            self.query_one(SummaryLine).show(self.workspace, self.filter, len(self.table.rows))
            return
        self.refill()

    def shown_rows(self) -> list[Row]:
        """The rows as the reviewer sees them: filtered and sorted."""
        return self.table.rows

    def follow(self, rel: str) -> None:
        """The cursor moves to ``rel`` when it is shown (the review screen stepped to it); filters stay."""
        self.table.set_rows(self.table.rows, keep=rel)

    def select(self, rel: str) -> None:
        """Put the cursor on a report (clearing filters that hide it)."""
        if rel not in {r.rel for r in self.table.rows}:
            self.filter = ListFilter(copy_min=self.filter.copy_min)
            box = self.query_one("#list-filter", Input)
            box.value = ""
            box.display = False
        self.refill(keep=rel)

    def action_pairs(self) -> None:
        open_pairs(self)

    # ------------------------------------------------------------ filters
    def action_filter(self) -> None:
        box = self.query_one("#list-filter", Input)
        if box.has_focus:  # the key is a priority binding: in the box it is just a character ("2023/a.txt")
            if "list.filter" not in (getattr(self.app, "user_keymap", None) or {}):
                box.insert_text_at_cursor("/")
            return
        box.display = True
        # focus now, not after the next refresh (Widget.focus): keys typed in the same burst as / go to the box
        self.set_focus(box)

    @on(Input.Changed, "#list-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.filter = ListFilter(event.value.strip(), self.filter.finding, self.filter.copy_min)
        self.refill()

    @on(Input.Submitted, "#list-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            event.input.display = False
        self.table.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#list-filter", Input)
        if not self.filter.active() and not box.display:
            return
        box.value = ""
        box.display = False
        self.filter = ListFilter(copy_min=self.filter.copy_min)
        self.refill()
        self.table.focus()

    def action_finding_filter(self) -> None:
        def chosen(result: ListFilter | None) -> None:
            if result is not None:
                self.filter = result
                self.refill()

        self.app.push_screen(FilterDialog(self.filter), chosen)

    def set_filter_text(self, text: str) -> None:
        """Show ``text`` in the filter box and filter by it (the palette's ready-made filters)."""
        box = self.query_one("#list-filter", Input)
        box.display = True
        box.value = text  # Input.Changed filters
        self.filter = ListFilter(text, self.filter.finding, self.filter.copy_min)
        self.refill()

    def set_finding_filter(self, finding: str, share: float | None = None) -> None:
        self.filter = ListFilter(self.filter.text, finding, self.filter.copy_min if share is None else share)
        self.refill()

    # ------------------------------------------------------------ sorting
    def sort_by(self, key: str) -> None:
        table = self.table
        if table.sort_key == key:
            table.sort_reverse = not table.sort_reverse
        else:
            table.sort_key = key
            table.sort_reverse = key in ("copy", "findings", "total", "reviewers", "mean", "spread")
        self.refill()

    def action_sort_next(self) -> None:
        table = self.table
        order = ["index", *(c.key for c in table.columns if c.key in SORT_KEYS)]
        # a key whose column is not shown (the team's, before any other reviewer's file) goes to the first one
        at = order.index(table.sort_key) if table.sort_key in order else -1
        table.sort_key = order[(at + 1) % len(order)]
        table.sort_reverse = table.sort_key in ("copy", "findings", "total", "reviewers", "mean", "spread")
        self.refill()
        name = (
            t(next(c.title_key for c in table.columns if c.key == table.sort_key))
            if table.sort_key != "index"
            else t("tui.list.sort_file_order")
        )
        self.notify(t("tui.list.sorted_by", column=name), timeout=1.5)

    def action_sort_reverse(self) -> None:
        self.table.sort_reverse = not self.table.sort_reverse
        self.refill()

    @on(ReportTable.SortRequested)
    def _sort_clicked(self, event: ReportTable.SortRequested) -> None:
        self.sort_by(event.key)

    # ------------------------------------------------------------ moving on
    def action_next_unreviewed(self) -> None:
        table = self.table
        found = self.workspace.next_unreviewed(table.rows, table.cursor)
        if found is None:
            self.notify(t("tui.list.all_done"))
            return
        table.cursor = found

    # ------------------------------------------------------------ the unit
    def action_unit(self) -> None:
        """Correct which unit published the current report (written to units.toml, used at once)."""
        from shenyue.tui.dialogs import UnitDialog

        row = self.table.current
        report = self.workspace.report(row.rel) if row is not None else None
        if report is None:
            return
        read = report.extra.get("unit_read", report.unit)

        def done(value: str | None) -> None:
            if value is not None:
                self.app.set_unit(report.rel, value)

        self.app.push_screen(UnitDialog(report.rel, report.unit, read), done)

    @on(ReportTable.Opened)
    def _open(self, event: ReportTable.Opened) -> None:
        self.post_message(OpenReport(event.row.rel))

    def palette_commands(self) -> list[tuple[str, str, object]]:
        """Extra commands for the command palette: (title, help, callback)."""
        out = []
        for col in self.table.columns:
            out.append((t("tui.palette.sort_by", column=t(col.title_key)), "", lambda k=col.key: self.sort_by(k)))
        for choice in ("all", "template", "arithmetic", "copy"):
            out.append(
                (
                    t("tui.palette.filter", what=t(f"tui.filter.choice_{choice}")),
                    "",
                    lambda c=choice: self.set_finding_filter(c),
                )
            )
        out.append((t("tui.palette.disagreement", n=10), "spread>10", lambda: self.set_filter_text("spread>10")))
        return out
