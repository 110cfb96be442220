"""The review screen's header lines and the two panes' border titles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from shenyue.i18n import t
from shenyue.review import FLAG_RECHECK, format_number
from shenyue.tui.glyphs import glyphs
from shenyue.tui.screens.review.viewmodel import nav_label, section_share
from shenyue.tui.textutil import one_line
from shenyue.tui.widgets.review_header import ReviewHeader

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen


class HeaderPart:
    """Header and pane titles of the review screen."""

    def _titles(self: ReviewScreen) -> None:
        g = glyphs()
        model = self.model
        section = model.section
        if section is None:
            return
        left = self.left
        left.border_title = Content(t("tui.review.this_report") + f" {g.dot} " + one_line(nav_label(section)))
        copies = model.copies()
        sub = []
        if copies is not None:
            sub.append(t("tui.review.shared", pct=round(section_share(copies, section) * 100)))
        pairs = model.pairs
        if pairs:
            pos = model.pair_index + 1 if model.pair_index >= 0 else 0
            sub.append(t("tui.review.match_pos", pos=pos, n=len(pairs)))
        left.border_subtitle = Content(f" {g.dot} ".join(sub)) if sub else None
        right = self.right
        comp = model.comparison
        other = model.other_report()
        if other is None or comp.section is None:
            right.border_title = Content(t("tui.review.comparison"))
            right.border_subtitle = None
            return
        name = one_line(other.unit or other.rel)
        year = f" {other.year}" if other.year else ""
        right.border_title = Content(
            t("tui.review.comparison") + f" {g.dot} " + name + year + f" {g.dot} " + one_line(nav_label(comp.section))
        )
        # the current match: every report holding it and who published first; else how the source was chosen
        pair = model.current_pair()
        holders = self.holders_text(pair) if pair is not None else ""
        right.border_subtitle = Content(
            holders or (t("tui.review.pinned") if comp.pinned else t("tui.review.auto_source"))
        )

    def _header(self: ReviewScreen) -> None:
        g = glyphs()
        r = self.report
        sep = f" {g.dot} "
        line1 = Content.styled(one_line(r.unit or t("tui.review.unit_unknown")), "bold")
        line1 += Content(sep + (str(r.year) if r.year else g.missing) + sep + t(f"kind.{r.kind}") + sep)
        line1 += Content.styled(one_line(r.rel), "$text-muted")
        parts = [Content(t("tui.review.reviewer", name=one_line(self.workspace.reviewer or g.missing)))]
        session = self.session
        if session is not None:
            total = session.total(self.workspace.live_findings(r))
            if total.scored or total.gates:
                text = t("tui.review.total", text=total.text())
            else:
                text = t("tui.review.total_none", max=format_number(total.max))
            parts.append(Content.styled(text, "bold $text-warning" if total.capped or total.value is None else "bold"))
            n_criteria = len(session.rubric.criteria)
            if total.scored and len(total.scored) < n_criteria:
                parts.append(
                    Content.styled(t("tui.review.scored_count", n=len(total.scored), of=n_criteria), "$text-muted")
                )
            parts.append(Content(t(f"tui.status.{session.status}")))
            if session.has_flag(FLAG_RECHECK):
                parts.append(Content.styled(g.flag + " " + FLAG_RECHECK, "bold $text-warning"))
            if session.report_changed:
                parts.append(Content.styled(t("tui.status.changed"), "bold $text-error"))
            if self.saved_at:
                parts.append(Content.styled(t("tui.review.saved_at", time=self.saved_at), "$text-success"))
            elif session.dirty:
                parts.append(Content.styled(t("tui.review.unsaved"), "bold $text-error"))
        else:
            parts.append(Content.styled(self.problem_text, "$text-warning"))
        self.query_one(ReviewHeader).show(line1, Content(sep).join(parts))
