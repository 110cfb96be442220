"""How the review screen is laid out and what has focus: panes shown (``w``), focus keys, the
legend (``l``), and correcting the report's unit (``u``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shenyue.tui.widgets.legend import Legend

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen

VIEWS = ("both", "left", "right")


class ViewPart:
    """Layout and focus actions of the review screen."""

    def action_focus_panel(self: ReviewScreen, which: str) -> None:
        target = {"findings": "#findings", "scores": "#scores", "left": "#left"}[which]
        self.query_one(target).focus()

    def action_cycle_view(self: ReviewScreen) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self._layout(self.size.width)
        if self.view == "right":
            self.right.focus()
        elif self.view == "left":
            self.left.focus()

    def action_unit(self: ReviewScreen) -> None:
        """Correct which unit published this report (written to units.toml, used at once)."""
        from shenyue.tui.dialogs import UnitDialog

        report = self.report

        def done(value: str | None) -> None:
            if value is not None:
                self.app.set_unit(report.rel, value)

        self.app.push_screen(UnitDialog(report.rel, report.unit, report.extra.get("unit_read", report.unit)), done)

    def action_legend(self: ReviewScreen) -> None:
        legend = self.query_one(Legend)
        legend.display = not legend.display
