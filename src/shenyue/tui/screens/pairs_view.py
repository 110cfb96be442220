"""The pairs view (key ``p`` on the list): the folder's most similar pairs of reports.

Ranked by shared characters, with the kind (two units, or one unit's two
years), both units and years and each side's share. Enter opens the review of
the later report with the earlier one in the comparison pane. The rows come
from the Textual-free :mod:`shenyue.tui.screens.pairs_model`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from shenyue.i18n import t
from shenyue.tui.dialogs.basic import Dialog
from shenyue.tui.glyphs import glyphs
from shenyue.tui.messages import OpenReport
from shenyue.tui.screens.pairs_model import PairRow, pair_rows
from shenyue.tui.screens.review.sources import share_text
from shenyue.tui.screens.review.sources_panel import KIND_STYLE
from shenyue.tui.textutil import one_line


class PairsView(Dialog):
    """Returns the chosen :class:`PairRow`, or None (Esc)."""

    CSS = """
    #pairs-view { width: 96%; max-width: 180; height: 90%; }
    #pairs-table { height: 1fr; }
    """

    def __init__(self, rows: list[PairRow], total: int) -> None:
        super().__init__()
        self.rows = rows
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pairs-view"):
            yield Static(Content(t("tui.pairs.title")), classes="dialog-title")
            summary = t("tui.pairs.summary", n=self.total)
            if self.total > len(self.rows):
                summary += t("tui.pairs.shown", n=len(self.rows))
            yield Static(Content(summary), id="pairs-summary")
            yield DataTable(id="pairs-table", cursor_type="row", zebra_stripes=True)
            yield Static(Content(t("tui.pairs.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        g = glyphs()
        table.add_columns(
            "#",
            t("tui.sources.col.chars"),
            t("tui.sources.col.kind"),
            t("tui.pairs.col.later"),
            t("tui.sources.col.year"),
            t("tui.pairs.col.later_share"),
            t("tui.pairs.col.earlier"),
            t("tui.sources.col.year"),
            t("tui.pairs.col.earlier_share"),
        )
        for row in self.rows:
            p = row.pair
            table.add_row(
                Text(str(row.rank), justify="right"),
                Text(f"{p.chars:,}", justify="right"),
                Text(t(f"tui.pairs.kind.{p.kind}"), style=KIND_STYLE.get(p.kind, "")),
                Text(one_line(row.later.unit or row.later.rel)),
                Text(str(row.later.year) if row.later.year else g.missing),
                Text(share_text(row.later_share), justify="right"),
                Text(one_line(row.earlier.unit or row.earlier.rel)),
                Text(str(row.earlier.year) if row.earlier.year else g.missing),
                Text(share_text(row.earlier_share), justify="right"),
            )
        table.focus()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        i = self.query_one(DataTable).cursor_row
        self.dismiss(self.rows[i] if 0 <= i < len(self.rows) else None)


def open_pairs(screen: Any) -> None:
    """Show the pairs view over ``screen`` (the list); the chosen pair opens the later report compared with the other."""
    ws = screen.workspace
    if ws.copy_problem is not None:
        screen.notify(ws.copy_problem, severity="warning", timeout=5)
        return
    if not ws.copy_ready:
        screen.notify(t("tui.pairs.pending"), timeout=3)
        return
    rows, total = pair_rows(ws)

    def chosen(row: PairRow | None) -> None:
        if row is not None:
            screen.post_message(OpenReport(row.later.rel, compare=row.earlier.rel))

    screen.app.push_screen(PairsView(rows, total), chosen)
