"""Dismissing a false positive in every report (``X`` in the findings): the dialog, the write to the
reviews folder's dismissals.toml (review layer), and the screens brought up to date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shenyue.analysis.findings import Finding
from shenyue.i18n import t
from shenyue.tui.dialogs import DismissAllDialog
from shenyue.tui.messages import ReviewChanged

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen


def _check_label(check: str) -> str:
    from shenyue.i18n import catalogue

    key = f"check.{check}"
    return t(key) if key in catalogue() else check


def dismiss_everywhere(screen: ReviewScreen, finding: Finding) -> None:
    ws = screen.workspace
    if ws.store is None:
        screen.notify(screen.problem_text, severity="warning")
        return
    count = sum(1 for r in ws.rows if r.report is not None for f in r.report.findings if f.check == finding.check)

    def chosen(result: tuple[str, str] | None) -> None:
        if result is None:
            return
        message, reason = result
        from shenyue.review import ReviewLayerError

        try:
            n = ws.dismiss_everywhere(finding.check, message, reason)
        except ReviewLayerError as exc:
            screen.app.show_error(t("tui.error.save_title"), str(exc))
            return
        screen.notify(t("tui.dismiss_all.done", n=n, check=finding.check), timeout=4)
        screen._after_change(refresh_findings=True)  # noqa: SLF001 — the scoring part's refresh
        screen.post_message(ReviewChanged(screen.rel))  # the list's totals and counts

    screen.app.push_screen(
        DismissAllDialog(finding.check, _check_label(finding.check), finding.message(), count), chosen
    )
