"""The review screen's table view (key ``t``): tables 二/三/四 as grids on a screen of their own
(:mod:`.table_screen`), built from the report, the findings the reviewer has not dismissed and
the same unit's previous-year report (:mod:`.tablemodel`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shenyue.i18n import t
from shenyue.model.report import FORMAT_KINDS
from shenyue.tui.glyphs import glyphs
from shenyue.tui.screens.review.tablemodel import TableView, build_view, prior_of

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen


class TableViewPart:
    """The ``t`` action of the review screen."""

    def table_view(self: ReviewScreen) -> TableView:
        report = self.report
        return build_view(report, self.active_findings(), prior_of(report, self.workspace.report))

    def action_tables(self: ReviewScreen) -> None:
        from shenyue.tui.screens.review.table_screen import TableScreen

        report = self.report
        if report is None:
            return
        if report.kind not in FORMAT_KINDS and (report.tables is None or not report.tables.all()):
            self.notify(t("tui.tables.no_tables"), markup=False)
            return
        title = " ".join(str(x) for x in (report.unit, report.year) if x) or report.rel
        self.app.push_screen(TableScreen(self.table_view(), f"{title} {glyphs().dot} {report.rel}"))
