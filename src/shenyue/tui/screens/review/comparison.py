"""The comparison pane: which report stands beside this one, its matching
section, the matched pairs (``m``/``M``), who holds a match and what differs.

A mixin of :class:`~shenyue.tui.screens.review.screen.ReviewScreen`; the choices
themselves are made by the Textual-free
:class:`~shenyue.tui.screens.review.viewmodel.ReviewModel`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shenyue.analysis.similarity.paragraphs import joins_in
from shenyue.i18n import t
from shenyue.tui.copies import Pair, first_published, span_at
from shenyue.tui.dialogs import FinderDialog
from shenyue.tui.highlight import DIFF, MATCH, pair_intervals, report_intervals
from shenyue.tui.screens.review.sources import section_sharing_most, source_share, sources_view
from shenyue.tui.screens.review.sources_panel import SourcesPanel
from shenyue.tui.screens.review.viewmodel import heading
from shenyue.tui.textutil import one_line

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen

Spans = list[tuple[int, int]]


class ComparisonPart:
    """Comparison actions of the review screen."""

    def _show_comparison(self: ReviewScreen) -> None:
        ws = self.workspace
        model = self.model
        right = self.right
        if model.section is None:
            return
        other = model.other_report()
        if other is None:
            model.comparison.section = None
            model.comparison.pairs = []
            if not ws.copy_ready and ws.copy_problem is None:
                right.set_message(t("tui.review.copy_pending"))
            elif ws.copy_problem is not None:
                right.set_message(ws.copy_problem)
            else:
                right.set_message(t("tui.review.no_comparison"))
            return
        other_section = model.compare(other)
        right_intervals = report_intervals(
            other, other_section.start, other_section.end, (), (), heading(other_section)
        )
        right_intervals += pair_intervals(model.pairs, other_section.start, other=True)
        joins = joins_in(other.text, other_section.start, other_section.end)
        right.set_text(other.text[other_section.start : other_section.end], other_section.start, right_intervals, joins)
        self.left.set_overlay(MATCH, [])
        self.left.set_overlay(DIFF, [])

    def set_comparison(self: ReviewScreen, rel: str | None, pinned: bool = True) -> None:
        self.model.pin_comparison(rel, pinned)
        self._show_comparison()
        self._apply_search()
        self._titles()

    def action_source(self: ReviewScreen, step: int) -> None:
        rel = self.model.step_source(step)
        if rel is None:
            self.notify(t("tui.review.no_sources"), timeout=2)
            return
        self.set_comparison(rel)

    def action_sources(self: ReviewScreen) -> None:
        """The sources panel: every report this one shares text with; Enter compares the chosen one."""
        ws = self.workspace
        view = sources_view(ws, self.rel, self.model.comparison.rel)
        if view is None:
            if ws.copy_problem is None:
                self.notify(t("tui.sources.none") if ws.copy_ready else t("tui.review.copy_pending"), timeout=3)
            else:
                self.notify(ws.copy_problem, severity="warning", timeout=5)
            return
        r = self.report
        name = one_line(r.unit or r.rel) + (f" {r.year}" if r.year else "")
        self.app.push_screen(SourcesPanel(view, t("tui.sources.title", name=name)), self.compare_with)

    def compare_with(self: ReviewScreen, rel: str | None) -> None:
        """Put ``rel`` in the comparison pane (pinned); when this section shares nothing with it,
        show the section that shares the most."""
        if not rel:
            return
        section = self.model.section
        if section is not None and source_share(self.model.copies(), rel, section) is None:
            key = section_sharing_most(self.model.copies(), self.model.sections, rel)
            if key is not None:
                self.model.pin_comparison(rel)
                self.show_section(key)
                return
        self.set_comparison(rel)

    def action_previous_year(self: ReviewScreen) -> None:
        rel = self.model.previous_year()
        if rel is None:
            self.notify(t("tui.review.no_previous_year"), timeout=3)
            return
        self.set_comparison(rel)

    def action_pick_comparison(self: ReviewScreen) -> None:
        items = []
        for row in self.workspace.rows:
            if row.report is None or row.rel == self.rel:
                continue
            label = f"{row.label}  {row.year or ''}  {row.rel}"
            items.append((row.rel, label, (row.report.unit or "", row.rel)))

        def chosen(rel: str | None) -> None:
            if rel:
                self.set_comparison(rel)

        self.app.push_screen(FinderDialog(t("tui.review.pick_comparison"), items), chosen)

    # ------------------------------------------------------------ matches
    def action_match(self: ReviewScreen, step: int) -> None:
        if self.model.step_pair(step) is None:
            self.notify(t("tui.review.no_matches"), timeout=2)
            return
        self._show_pair()

    def _show_pair(self: ReviewScreen) -> None:
        p = self.model.current_pair()
        if p is None:
            for pane in (self.left, self.right):
                pane.set_overlay(MATCH, [])
                pane.set_overlay(DIFF, [])
            return
        self.left.set_overlay(MATCH, [(p.start, p.end)])
        self.right.set_overlay(MATCH, [(p.other_start, p.other_end)])
        mine, theirs = self._differences(p)
        self.left.set_overlay(DIFF, mine)
        self.right.set_overlay(DIFF, theirs)
        self.left.scroll_to_offset(p.start)
        self.right.scroll_to_offset(p.other_start)
        self._sync_overview_view()
        self._titles()

    def select_pair_at(self: ReviewScreen, offset: int, *, other: bool) -> None:
        """A click on matched text in either pane makes that pair the current one."""
        i = self.model.pair_at(offset, other=other)
        if i is not None:
            self.model.pair_index = i
            self._show_pair()

    def holders_text(self: ReviewScreen, p: Pair) -> str:
        """Every report holding the current match (unit and year) and which published first."""
        ws = self.workspace
        span = span_at(ws.copy.get(self.rel), p.start, p.end)
        if span is None or not span.holders:
            return ""
        names = []
        for h in span.holders:
            other = ws.report(h.report)
            name = other.unit if other is not None and other.unit else h.report
            names.append(one_line(name) + (f" {h.year}" if h.year else ""))
        text = t("tui.review.holders", names="、".join(names))
        if span.n_reports - 1 > len(names):
            text += t("tui.review.holders_more", n=span.n_reports - 1)
        first = first_published([self.rel] + [h.report for h in span.holders], ws.report)
        if first is not None:
            r = ws.report(first)
            label = t("tui.review.this_report") if first == self.rel else one_line(r.unit or first) if r else first
            text += t("tui.review.first_published", name=label)
        return text

    def _differences(self: ReviewScreen, p: Pair) -> tuple[Spans, Spans]:
        """The characters of a matched pair that differ (changed numbers, names, inserted words)."""
        other = self.model.other_report()
        if other is None:
            return [], []
        try:
            from shenyue.analysis.similarity.alignment import align
        except ImportError:
            return [], []
        alignment = align(self.report.text, p.start, p.end, other.text, p.other_start, p.other_end, pad=0)
        mine = [(op.a_start, op.a_end) for op in alignment.differences if op.a_end > op.a_start]
        theirs = [(op.b_start, op.b_end) for op in alignment.differences if op.b_end > op.b_start]
        return mine, theirs
