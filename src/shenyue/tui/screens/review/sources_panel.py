"""The sources panel (key ``S`` on the review screen): every report this one shares text with.

Ranked by shared characters, with the kind (another unit / the same unit's
earlier year / a later report repeating this one), the share of this report,
both publication dates and who came first; common wording on a line of its
own (no report is its source). Enter returns the chosen report, which the
review screen puts in the comparison pane. The rows come from the Textual-free
:func:`~shenyue.tui.screens.review.sources.sources_view`.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from shenyue.i18n import t
from shenyue.tui.dialogs.basic import Dialog
from shenyue.tui.glyphs import glyphs
from shenyue.tui.screens.review.sources import SourceRow, SourcesView, share_text
from shenyue.tui.textutil import one_line

KIND_STYLE = {"peer": "bold red", "same_unit": "bold yellow", "reused_later": "cyan"}


def kind_label(kind: str) -> str:
    return t(f"tui.sources.kind.{kind}")


def first_label(first: str) -> str:
    return t(f"tui.sources.first.{first}")


class SourcesPanel(Dialog):
    """Returns the rel path of the chosen report, or None (Esc)."""

    # opaque: a dialog's translucent background draws the whole review screen beneath it again, dimmed
    # (two thirds of the time the panel took to open at 10,000 reports), and this panel covers most of it
    CSS = """
    SourcesPanel { background: $background; }
    #sources-panel { width: 96%; max-width: 160; height: 90%; }
    #sources-table { height: 1fr; }
    #sources-common { height: auto; margin: 1 0 0 0; }
    """

    def __init__(self, view: SourcesView, title: str) -> None:
        super().__init__()
        self.view = view
        self.title_text = title

    def compose(self) -> ComposeResult:
        view = self.view
        with Vertical(classes="dialog", id="sources-panel"):
            yield Static(Content(self.title_text), classes="dialog-title", id="sources-title")
            yield Static(Content(t("tui.sources.summary", n=len(view.rows))), id="sources-summary")
            yield DataTable(id="sources-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                Content(t("tui.sources.common", pct=share_text(view.common_share), units=view.threshold)),
                id="sources-common",
                classes="dialog-hint",
            )
            yield Static(Content(t("tui.sources.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        g = glyphs()
        table.add_columns(
            "#",
            t("tui.sources.col.unit"),
            t("tui.sources.col.year"),
            t("tui.sources.col.kind"),
            t("tui.sources.col.chars"),
            t("tui.sources.col.share"),
            t("tui.sources.col.published"),
            t("tui.sources.col.first"),
            t("tui.sources.col.file"),
        )
        for row in self.view.rows:
            table.add_row(*self._cells(row, g), key=row.rel)
        current = next((i for i, row in enumerate(self.view.rows) if row.current), 0)
        if self.view.rows:
            table.move_cursor(row=current)
        table.focus()

    @staticmethod
    def _cells(row: SourceRow, g) -> list[Text]:
        src = row.source
        mark = g.cursor if row.current else " "
        return [
            Text(f"{mark}{row.rank}", justify="right"),
            Text(one_line(row.unit or g.missing)),
            Text(str(row.year) if row.year else g.missing),
            Text(kind_label(src.kind), style=KIND_STYLE.get(src.kind, "")),
            Text(f"{src.chars:,}", justify="right"),
            Text(share_text(src.share), justify="right"),
            Text(row.published.isoformat() if row.published else g.missing),
            Text(first_label(row.first)),
            Text(one_line(row.rel)),
        ]

    @property
    def chosen(self) -> str | None:
        """The report under the cursor."""
        table = self.query_one(DataTable)
        rows = self.view.rows
        return rows[table.cursor_row].rel if rows and 0 <= table.cursor_row < len(rows) else None

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(self.chosen)
