"""The review screen: one report's sections beside a comparison report, findings and scoring."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from shenyue.analysis.findings import Finding
from shenyue.i18n import t
from shenyue.model.report import Report, Section
from shenyue.review import format_number
from shenyue.analysis.similarity.result import CopySummary, shares
from shenyue.tui.copies import Pair, first_published, span_at
from shenyue.tui.dialogs import CommentDialog, ConfirmDialog, FinderDialog, InputDialog
from shenyue.tui.dialogs.comment import CommentTarget
from shenyue.tui.glyphs import glyphs
from shenyue.tui.highlight import DIFF, FLASH, MATCH, SEARCH, pair_intervals, report_intervals
from shenyue.tui.keys import B, translate_bindings
from shenyue.tui.messages import WorkspaceChanged
from shenyue.tui.textutil import one_line
from shenyue.tui.widgets.keybar import KeyBar
from shenyue.tui.widgets.panels import FindingsPanel, Legend, NavItem, OverviewStrip, ReviewHeader, SectionNav
from shenyue.tui.widgets.score_panel import ScorePanel
from shenyue.tui.widgets.text_pane import TextPane

if TYPE_CHECKING:
    from shenyue.tui.app import ShenyueApp

NARROW = 120  # below this many columns the panes stack
PREAMBLE = "_preamble"
WHOLE = "_whole"
VIEWS = ("both", "left", "right")


@dataclass(slots=True)
class Comparison:
    rel: str | None = None
    pinned: bool = False
    section: Section | None = None
    pairs: list[Pair] | None = None


class ReviewScreen(Screen):
    BINDINGS = [
        B("escape", "back", "tui.key.back", "review.back"),
        B("right_square_bracket", "section(1)", "tui.key.next_section", "review.next_section", key_display="]"),
        B("left_square_bracket", "section(-1)", "tui.key.prev_section", "review.prev_section", key_display="[", show=False),
        B("m", "match(1)", "tui.key.next_match", "review.next_match"),
        B("M", "match(-1)", "tui.key.prev_match", "review.prev_match", show=False),
        B("c", "source(1)", "tui.key.next_source", "review.next_source"),
        B("C", "source(-1)", "tui.key.prev_source", "review.prev_source", show=False),
        B("y", "previous_year", "tui.key.previous_year", "review.previous_year", show=False),
        B("o", "pick_comparison", "tui.key.pick_comparison", "review.pick_comparison", show=False),
        B("slash", "search", "tui.key.search", "review.search", show=False),
        B("n", "search_hit(1)", "tui.key.next_hit", "review.next_hit", show=False),
        B("N", "search_hit(-1)", "tui.key.prev_hit", "review.prev_hit", show=False),
        B("f", "focus_panel('findings')", "tui.key.focus_findings", "review.focus_findings", show=False),
        B("s", "focus_panel('scores')", "tui.key.focus_scores", "review.focus_scores"),
        B("t", "focus_panel('left')", "tui.key.focus_text", "review.focus_text", show=False),
        B("J", "criterion(1)", "tui.key.next_criterion", "review.next_criterion", show=False),
        B("K", "criterion(-1)", "tui.key.prev_criterion", "review.prev_criterion", show=False),
        B("plus,equals_sign", "score_step(1)", "tui.key.score_up", "review.score_up", show=False),
        B("minus", "score_step(-1)", "tui.key.score_down", "review.score_down", show=False),
        B("backspace,delete", "score_clear", "tui.key.score_clear", "review.score_clear", show=False),
        B("e", "comment", "tui.key.comment", "review.comment"),
        B("d", "done", "tui.key.done", "review.done"),
        B("F", "flag", "tui.key.flag", "review.flag", show=False),
        B("greater_than_sign", "report(1)", "tui.key.next_report", "review.next_report", key_display=">"),
        B("less_than_sign", "report(-1)", "tui.key.prev_report", "review.prev_report", key_display="<", show=False),
        B("w", "cycle_view", "tui.key.cycle_view", "review.cycle_view", show=False),
        B("l", "legend", "tui.key.legend", "review.legend", show=False),
        B("u", "unit", "tui.key.unit", "review.unit", show=False),
        # Ctrl+C quits (Textual's screens would copy the mouse selection instead)
        B("ctrl+c", "app.quit", "tui.key.quit", "app.quit_ctrl_c", show=False),
    ]

    HELP_NOTES = "tui.help.review_notes"

    app: "ShenyueApp"

    def __init__(self, rel: str = "", section: str | None = None) -> None:
        """The app keeps one review screen and shows each report in it with
        :meth:`load` (building the screen's widgets once keeps opening fast)."""
        super().__init__(id="review-screen")
        translate_bindings(self)
        self.rel = rel
        self.report: Report = None  # type: ignore[assignment]
        self.sections: list[Section] = []
        self.section: Section | None = None
        self.start_section = section
        self.comparison = Comparison()
        self.pair_index = -1
        self.session: Any = None
        self.review_problem = ""
        self.saved_at: str | None = None
        self.view = "both"
        self.search_text = ""
        self.search_hits: list[tuple[int, int]] = []
        self.search_index = -1
        self._flash_timer: Timer | None = None
        self._place_timer: Timer | None = None

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield ReviewHeader(id="review-header")
        with Horizontal(id="review-body"):
            yield SectionNav(id="nav")
            with Horizontal(id="panes"):
                with Horizontal(id="left-col"):
                    yield TextPane(id="left")
                    yield OverviewStrip(id="overview")
                with Horizontal(id="right-col"):
                    yield TextPane(id="right")
            with Vertical(id="side"):
                yield FindingsPanel(id="findings")
                yield ScorePanel(id="scores")
        yield Input(placeholder=t("tui.review.search_placeholder"), id="search", select_on_focus=False)
        yield Legend(id="legend")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self._layout(self.app.size.width)
        if self.rel:
            self.load(self.rel, self.start_section)
        self.left.focus()
        self.call_after_refresh(self.query_one(Legend).show)

    def on_screen_resume(self) -> None:
        self._layout(self.app.size.width)

    def on_resize(self, event) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")
        for bar in self.query(KeyBar):
            bar.set_compact(width < NARROW)  # Ctrl+P still works in narrow terminals; the help lists it
        for v in VIEWS:
            self.set_class(self.view == v, f"-view-{v}")

    @property
    def left(self) -> TextPane:
        return self.query_one("#left", TextPane)

    @property
    def right(self) -> TextPane:
        return self.query_one("#right", TextPane)

    # ------------------------------------------------------------ loading a report
    def load(self, rel: str, section_key: str | None = None) -> None:
        ws = self.app.workspace
        report = ws.report(rel)
        if report is None:
            return
        self.rel = rel
        self.report = report
        self.sections = _sections_of(report)
        self.comparison = Comparison()
        self.search_text = ""
        self.search_hits = []
        self.search_index = -1
        search = self.query_one("#search", Input)
        if search.display:
            search.display = False
        self._open_session()
        self._overview()
        self.section = None
        self._nav_items()
        keys = [s.key for s in self.sections]
        # open at the first real section; the title and opening stay one key away
        default = next((k for k in keys if k != PREAMBLE), keys[0])
        key = section_key if section_key in keys else default
        self.show_section(key)
        self._remember_place()

    def _open_session(self) -> None:
        self.session = None
        self.review_problem = ""
        self.saved_at = None
        ws = self.app.workspace
        if ws.store is None:
            self.review_problem = ws.review_problem or t("tui.review.no_store")
            return
        from shenyue.review import CorruptReviewError, ReviewLayerError

        try:
            self.session = ws.session(self.rel)
        except CorruptReviewError as exc:
            # after this screen is shown, so the dialog lands on top of it
            self.app.call_later(self.app.show_error, t("tui.error.corrupt_title"), str(exc) + "\n\n" + t("tui.error.corrupt_next"))
            try:
                self.session = ws.session(self.rel, acknowledge_corrupt=True)
            except ReviewLayerError as exc2:
                self.review_problem = str(exc2)
        except ReviewLayerError as exc:
            self.review_problem = str(exc)
        if self.session is not None and self.session.report_changed:
            self.notify(t("tui.review.report_changed"), severity="warning", timeout=6)
        if self.session is not None and self.session.rubric_mismatch:
            self.notify(t("tui.review.rubric_mismatch"), severity="warning", timeout=6)
        if self.session is not None and self.session.invalid_scores():
            self.notify(t("tui.review.invalid_scores", items=", ".join(f"{self.session.rubric.criterion(c).label()} = {v:g}" for c, v in self.session.invalid_scores())), severity="warning", timeout=8)

    @on(WorkspaceChanged)
    def _workspace_changed(self, event: WorkspaceChanged) -> None:
        """Similarity results (or a rescan) arrived while this screen is open."""
        if event.what not in ("copy", "scan") or self.section is None:
            return
        report = self.app.workspace.report(self.rel)
        if report is None:
            return
        self.report = report
        self.sections = _sections_of(report)
        keep = self.section.key
        top = self.left.top
        self._overview()
        self._nav_items()
        self.show_section(keep if keep in {s.key for s in self.sections} else self.sections[0].key)
        self.left.scroll_to_line(top)

    # ------------------------------------------------------------ sections
    def show_section(self, key: str) -> None:
        section = next((s for s in self.sections if s.key == key), None)
        if section is None:
            return
        self.section = section
        report = self.report
        ws = self.app.workspace
        copies = ws.copy.get(report.rel)
        spans = copies.spans_in(section.start, section.end) if copies else []
        active = self._active_findings()
        heading = section if section.key not in (PREAMBLE, WHOLE) else None
        intervals = report_intervals(report, section.start, section.end, spans, active, heading)
        self.left.set_text(report.text[section.start : section.end], section.start, intervals)
        self.pair_index = -1
        self._choose_comparison()
        self._show_comparison()
        self._apply_search()
        self.query_one(SectionNav).select_key(key)
        self._findings_panel()
        self.query_one(OverviewStrip).set_section(section.start, section.end)
        self._sync_overview_view()
        self._titles()
        self._header()
        self._score_panel()
        self._schedule_place()

    def _nav_items(self) -> None:
        ws = self.app.workspace
        copies = ws.copy.get(self.report.rel)
        active = self._active_findings()
        items = []
        for s in self.sections:
            share = None
            if copies is not None:
                share = _section_share(copies, s)
            n = len(findings_in_section(self.report, s, active))
            items.append(NavItem(s.key, _nav_label(s), s.empty, n, share))
        self.query_one(SectionNav).set_items(items, self.section.key if self.section else None)

    def action_section(self, step: int) -> None:
        if not self.sections or self.section is None:
            return
        keys = [s.key for s in self.sections]
        i = keys.index(self.section.key)
        j = max(0, min(len(keys) - 1, i + step))
        if j != i:
            self.show_section(keys[j])

    @on(SectionNav.Chosen)
    def _nav_chosen(self, event: SectionNav.Chosen) -> None:
        if self.section is None or event.key != self.section.key:
            self.show_section(event.key)

    # ------------------------------------------------------------ comparison
    def comparison_sources(self) -> list[str]:
        """Other reports sharing text with this section, most shared first;
        then the other sources of the whole report."""
        ws = self.app.workspace
        copies = ws.copy.get(self.report.rel)
        if copies is None or self.section is None:
            return []
        weights: Counter[str] = Counter()
        for s in copies.spans_in(self.section.start, self.section.end):
            if s.copied:  # common wording (or a later year's reuse) never makes a report the source
                weights[s.other_report] += min(s.end, self.section.end) - max(s.start, self.section.start)
        order = [rel for rel, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))]
        for src in copies.sources:
            if src.path not in weights and src.path != self.rel:
                order.append(src.path)
        return [rel for rel in order if ws.report(rel) is not None]

    def _choose_comparison(self) -> None:
        if self.comparison.pinned and self.comparison.rel:
            return
        sources = self.comparison_sources()
        self.comparison.rel = sources[0] if sources else None

    def _show_comparison(self) -> None:
        ws = self.app.workspace
        comp = self.comparison
        right = self.right
        section = self.section
        if section is None:
            return
        other = ws.report(comp.rel) if comp.rel else None
        if other is None:
            comp.section = None
            comp.pairs = []
            if not ws.copy_ready and ws.copy_problem is None:
                right.set_message(t("tui.review.copy_pending"))
            elif ws.copy_problem is not None:
                right.set_message(ws.copy_problem)
            else:
                right.set_message(t("tui.review.no_comparison"))
            return
        other_section = self._matching_section(other)
        comp.section = other_section
        comp.pairs = ws.copy.pairs(self.rel, section.start, section.end, other.rel, other_section.start, other_section.end)
        right_intervals = report_intervals(other, other_section.start, other_section.end, (), (), _heading(other_section))
        right_intervals += pair_intervals(comp.pairs, other_section.start, other=True)
        right.set_text(other.text[other_section.start : other_section.end], other_section.start, right_intervals)
        self.left.set_overlay(MATCH, [])
        self.left.set_overlay(DIFF, [])
        self.pair_index = -1

    def _matching_section(self, other: Report) -> Section:
        """The section of ``other`` holding most of the text this section shares with it."""
        sections = _sections_of(other)
        section = self.section
        assert section is not None
        copies = self.app.workspace.copy.get(self.rel)
        weights: Counter[str] = Counter()
        if copies is not None:
            for s in copies.spans_in(section.start, section.end):
                if s.other_report == other.rel:
                    hit = other.section_at(s.other_start)
                    if hit is not None:
                        weights[hit.key] += s.end - s.start
        theirs = self.app.workspace.copy.get(other.rel)
        if theirs is not None:
            for s in theirs.spans:
                if s.other_report == self.rel and section.start <= s.other_start < section.end:
                    hit = other.section_at(s.start)
                    if hit is not None:
                        weights[hit.key] += s.end - s.start
        if weights:
            key = weights.most_common(1)[0][0]
            found = next((s for s in sections if s.key == key), None)
            if found is not None:
                return found
        same = next((s for s in sections if s.key == section.key), None)
        return same or sections[0]

    def set_comparison(self, rel: str | None, pinned: bool = True) -> None:
        self.comparison = Comparison(rel, pinned and rel is not None)
        self._show_comparison()
        self._apply_search()
        self._titles()

    def action_source(self, step: int) -> None:
        sources = self.comparison_sources()
        if not sources:
            self.notify(t("tui.review.no_sources"), timeout=2)
            return
        current = self.comparison.rel
        i = sources.index(current) if current in sources else -1
        j = (i + step) % len(sources)
        self.set_comparison(sources[j])

    def action_previous_year(self) -> None:
        ws = self.app.workspace
        r = self.report
        if not r.unit or not r.year:
            self.notify(t("tui.review.no_previous_year"), timeout=3)
            return
        candidates = [
            row.report
            for row in ws.rows
            if row.report is not None and _same_unit(row.report, r) and row.report.year and row.report.year < r.year
        ]
        if not candidates:
            self.notify(t("tui.review.no_previous_year"), timeout=3)
            return
        best = max(candidates, key=lambda x: (x.year, x.rel))
        self.set_comparison(best.rel)

    def action_pick_comparison(self) -> None:
        ws = self.app.workspace
        items = []
        for row in ws.rows:
            if row.report is None or row.rel == self.rel:
                continue
            label = f"{row.label}  {row.year or ''}  {row.rel}"
            items.append((row.rel, label, (row.report.unit or "", row.rel)))

        def chosen(rel: str | None) -> None:
            if rel:
                self.set_comparison(rel)

        self.app.push_screen(FinderDialog(t("tui.review.pick_comparison"), items), chosen)

    # ------------------------------------------------------------ matches
    def action_match(self, step: int) -> None:
        pairs = self.comparison.pairs or []
        if not pairs:
            self.notify(t("tui.review.no_matches"), timeout=2)
            return
        self.pair_index = (self.pair_index + step) % len(pairs) if self.pair_index >= 0 else (0 if step > 0 else len(pairs) - 1)
        self._show_pair()

    def _show_pair(self) -> None:
        pairs = self.comparison.pairs or []
        if not (0 <= self.pair_index < len(pairs)):
            for pane in (self.left, self.right):
                pane.set_overlay(MATCH, [])
                pane.set_overlay(DIFF, [])
            return
        p = pairs[self.pair_index]
        self.left.set_overlay(MATCH, [(p.start, p.end)])
        self.right.set_overlay(MATCH, [(p.other_start, p.other_end)])
        mine, theirs = self._differences(p)
        self.left.set_overlay(DIFF, mine)
        self.right.set_overlay(DIFF, theirs)
        self.left.scroll_to_offset(p.start)
        self.right.scroll_to_offset(p.other_start)
        self._sync_overview_view()
        self._titles()

    def _holders_text(self, p: Pair) -> str:
        """Every report holding the current match (unit and year) and which published first."""
        ws = self.app.workspace
        span = span_at(ws.copy.get(self.rel), p.start, p.end)
        if span is None or not span.holders:
            return ""
        names = []
        for h in span.holders:
            other = ws.report(h.report)
            names.append(one_line((other.unit if other is not None and other.unit else h.report)) + (f" {h.year}" if h.year else ""))
        text = t("tui.review.holders", names="、".join(names))
        if span.n_reports - 1 > len(names):
            text += t("tui.review.holders_more", n=span.n_reports - 1)
        first = first_published([self.rel] + [h.report for h in span.holders], ws.report)
        if first is not None:
            r = ws.report(first)
            label = t("tui.review.this_report") if first == self.rel else one_line(r.unit or first) if r else first
            text += t("tui.review.first_published", name=label)
        return text

    def _differences(self, p: Pair) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """The characters of a matched pair that differ (changed numbers, names, inserted words)."""
        other = self.app.workspace.report(self.comparison.rel) if self.comparison.rel else None
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

    @on(TextPane.Clicked)
    def _clicked(self, event: TextPane.Clicked) -> None:
        pairs = self.comparison.pairs or []
        side_other = event.pane is self.right
        for i, p in enumerate(pairs):
            a, b = (p.other_start, p.other_end) if side_other else (p.start, p.end)
            if a <= event.offset < b:
                self.pair_index = i
                self._show_pair()
                return

    # ------------------------------------------------------------ search
    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self.search_text
        box.focus()

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self._apply_search()

    @on(Input.Submitted, "#search")
    def _search_done(self, event: Input.Submitted) -> None:
        self.query_one("#search", Input).display = False
        self.left.focus()
        if self.search_hits:
            self.search_index = -1
            self.action_search_hit(1)
        elif self.search_text:
            self.notify(t("tui.review.search_none", text=self.search_text), timeout=2)

    def _apply_search(self) -> None:
        text = self.search_text
        hits: list[tuple[int, int]] = []
        if text and self.section is not None:
            body = self.report.text[self.section.start : self.section.end]
            pos = body.find(text)
            while pos >= 0 and len(hits) < 1000:
                hits.append((self.section.start + pos, self.section.start + pos + len(text)))
                pos = body.find(text, pos + len(text))
        self.search_hits = hits
        self.search_index = -1
        self.left.set_overlay(SEARCH, hits)
        comp = self.comparison
        other = self.app.workspace.report(comp.rel) if comp.rel else None
        right_hits = []
        if text and other is not None and comp.section is not None:
            body = other.text[comp.section.start : comp.section.end]
            pos = body.find(text)
            while pos >= 0 and len(right_hits) < 1000:
                right_hits.append((comp.section.start + pos, comp.section.start + pos + len(text)))
                pos = body.find(text, pos + len(text))
        self.right.set_overlay(SEARCH, right_hits)

    def action_search_hit(self, step: int) -> None:
        if not self.search_hits:
            return
        self.search_index = (self.search_index + step) % len(self.search_hits)
        a, b = self.search_hits[self.search_index]
        self.left.scroll_to_offset(a)
        self._flash(a, b)

    # ------------------------------------------------------------ findings
    def _active_findings(self) -> list[Finding]:
        if self.session is not None:
            return self.session.active_findings(self.report.findings)
        return list(self.report.findings)

    def dismissal_reason(self, f: Finding) -> str | None:
        """The reason a finding was dismissed ("" without one), or None when it stands."""
        if self.session is None:
            return None
        for d in self.session.review.dismissed:
            if d.matches(f):
                return d.reason
        return None

    def _findings_panel(self) -> None:
        section = self.section
        whole = [f for f in self.report.findings if f.start is None and (not f.section or section is None or f.section not in {s.key for s in self.sections})]
        mine = findings_in_section(self.report, section, self.report.findings) if section else []
        mine = [f for f in mine if f not in whole]
        self.query_one(FindingsPanel).set_findings(mine, whole, self.dismissal_reason)

    @on(FindingsPanel.Jump)
    def _jump(self, event: FindingsPanel.Jump) -> None:
        self.jump_to_finding(event.finding)

    def jump_to_finding(self, f: Finding) -> None:
        if f.start is None:
            if f.section and f.section in {s.key for s in self.sections} and self.section and f.section != self.section.key:
                self.show_section(f.section)
            return
        target = next((s for s in self.sections if s.start <= f.start < s.end), None)
        if target is not None and (self.section is None or target.key != self.section.key):
            self.show_section(target.key)
        end = f.end if f.end is not None and f.end > f.start else f.start + 1
        self.left.scroll_to_offset(f.start)
        self._flash(f.start, end)
        self._sync_overview_view()

    def _flash(self, start: int, end: int) -> None:
        self.left.set_overlay(FLASH, [(start, end)])
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(self.app.flash_seconds, lambda: self.left.set_overlay(FLASH, []))

    @on(FindingsPanel.Dismiss)
    def _dismiss(self, event: FindingsPanel.Dismiss) -> None:
        f = event.finding
        if self.session is None:
            self.notify(self.review_problem or t("tui.review.no_store"), severity="warning")
            return
        if self.session.is_dismissed(f):

            def restore(yes: bool | None) -> None:
                if yes:
                    self._save(lambda s: s.restore(f), refresh_findings=True)

            self.app.push_screen(ConfirmDialog(t("tui.findings.restore_q")), restore)
            return

        def reason_given(reason: str | None) -> None:
            if reason is None:
                return
            quote = self.report.text[f.start : f.end] if f.start is not None and f.end is not None else ""
            self._save(lambda s: s.dismiss(f, reason.strip(), quote), refresh_findings=True)

        self.app.push_screen(
            InputDialog(t("tui.findings.dismiss_title"), placeholder=t("tui.findings.dismiss_placeholder"), hint=one_line(f.message())),
            reason_given,
        )

    # ------------------------------------------------------------ scoring
    @property
    def scores(self) -> ScorePanel:
        return self.query_one(ScorePanel)

    def _score_panel(self) -> None:
        ws = self.app.workspace
        panel = self.scores
        if self.session is None:
            panel.set_review(None, {}, [], None, self.review_problem or ws.review_problem or "")
            return
        total = self.session.total(self.report.findings)
        panel.set_review(self.session.rubric, self.session.review.scores, self._active_findings(), total)

    @on(ScorePanel.ScoreSet)
    def _score_set(self, event: ScorePanel.ScoreSet) -> None:
        self._save(lambda s: s.set_score(event.criterion, event.value))

    @on(ScorePanel.ScoreCleared)
    def _score_cleared(self, event: ScorePanel.ScoreCleared) -> None:
        self._save(lambda s: s.clear_score(event.criterion))

    def on_key(self, event) -> None:
        # digits type a score from anywhere on the screen (the panel handles them when focused)
        if event.character and event.character in "0123456789." and not isinstance(self.focused, Input):
            event.stop()
            event.prevent_default()
            self.scores.type_char(event.character)

    def action_criterion(self, step: int) -> None:
        self.scores.action_move(step)

    def action_score_step(self, step: int) -> None:
        self.scores.action_step(step)

    def action_score_clear(self) -> None:
        self.scores.action_clear()

    def action_done(self) -> None:
        if self.session is None:
            self.notify(self.review_problem or t("tui.review.no_store"), severity="warning")
            return
        status = "in-progress" if self.session.status == "done" else "done"
        if self.session.report_changed:
            # on a report changed since it was reviewed, "done" means: this version is reviewed
            status = "done"
            self._save(lambda s: s.accept_report_change())
        self._save(lambda s: s.set_status(status))
        if status == "done":
            missing = self.session.missing_criteria()
            if missing:
                self.notify(t("tui.review.done_missing", n=len(missing)), severity="warning", timeout=4)
            else:
                self.notify(t("tui.review.marked_done"), timeout=2)

    def action_flag(self) -> None:
        self._save(lambda s: s.toggle_flag())

    def action_comment(self) -> None:
        if self.session is None:
            self.notify(self.review_problem or t("tui.review.no_store"), severity="warning")
            return
        s = self.session
        targets = []
        crit = self.scores.criterion
        if crit is not None:
            targets.append(CommentTarget(crit.id, t("tui.comment.criterion", name=crit.label()), s.comment(crit.id)))
        section = self.section
        if section is not None and section.key not in (PREAMBLE, WHOLE):
            targets.append(CommentTarget(section.key, t("tui.comment.section", name=_nav_label(section)), s.comment(section.key)))
        targets.append(CommentTarget("overall", t("tui.comment.overall"), s.comment("overall")))
        selected = 0 if self.scores.has_focus or len(targets) < 3 else 1

        def saved(changes: dict[str, str] | None) -> None:
            if not changes:
                return
            for target, text in changes.items():
                if not self._save(lambda ss, tg=target, tx=text: ss.set_comment(tg, tx)):
                    break

        self.app.push_screen(CommentDialog(targets, selected), saved)

    def _save(self, change: Callable[[Any], Any], *, refresh_findings: bool = False) -> bool:
        """Apply one change through the review layer (saved at once); True when it worked."""
        if self.session is None:
            self.notify(self.review_problem or t("tui.review.no_store"), severity="warning")
            return False
        ok = self.app.apply_change(self.session, change)
        if ok:
            self.saved_at = self.app.clock().strftime("%H:%M:%S")
        self._after_change(refresh_findings)
        return ok

    def _after_change(self, refresh_findings: bool = False) -> None:
        self.app.workspace.refresh_row(self.rel)
        self.app.broadcast(WorkspaceChanged("review", self.rel))
        if refresh_findings:
            self._findings_panel()
            self._nav_items()
            if self.section is not None:
                top = self.left.top
                self.show_section(self.section.key)
                self.left.scroll_to_line(top)
        self._score_panel()
        self._header()

    def session_reloaded(self) -> None:
        """After a conflict was resolved by taking the file on disk."""
        self._after_change(refresh_findings=True)

    # ------------------------------------------------------------ other reports
    def action_report(self, step: int) -> None:
        rel = self.app.neighbour_report(self.rel, step)
        if rel is None:
            self.notify(t("tui.review.no_more_reports"), timeout=2)
            return
        self._remember_place()
        self.load(rel)

    def action_back(self) -> None:
        box = self.query_one("#search", Input)
        if box.display:
            box.display = False
            self.search_text = ""
            self._apply_search()
            self.left.focus()
            return
        self._remember_place()
        self.app.back_to_list(self.rel)

    # ------------------------------------------------------------ view
    def action_focus_panel(self, which: str) -> None:
        target = {"findings": "#findings", "scores": "#scores", "left": "#left"}[which]
        self.query_one(target).focus()

    def action_cycle_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self._layout(self.size.width)
        if self.view == "right":
            self.right.focus()
        elif self.view == "left":
            self.left.focus()

    def action_unit(self) -> None:
        """Correct which unit published this report (written to units.toml, used at once)."""
        from shenyue.tui.dialogs import UnitDialog

        report = self.report

        def done(value: str | None) -> None:
            if value is not None:
                self.app.set_unit(report.rel, value)

        self.app.push_screen(UnitDialog(report.rel, report.unit, report.extra.get("unit_read", report.unit)), done)

    def action_legend(self) -> None:
        legend = self.query_one(Legend)
        legend.display = not legend.display

    # ------------------------------------------------------------ header, titles, overview
    def _overview(self) -> None:
        report = self.report
        copies = self.app.workspace.copy.get(report.rel)
        intervals = report_intervals(report, 0, len(report.text), copies.spans if copies else (), self._active_findings())
        self.query_one(OverviewStrip).set_data(len(report.text), intervals)

    def _sync_overview_view(self) -> None:
        self.query_one(OverviewStrip).set_view(*self.left.visible_range())

    @on(TextPane.Scrolled)
    def _pane_scrolled(self, event: TextPane.Scrolled) -> None:
        if event.pane is self.left:
            self.query_one(OverviewStrip).set_view(*self.left.visible_range())

    @on(OverviewStrip.Jump)
    def _overview_jump(self, event: OverviewStrip.Jump) -> None:
        target = next((s for s in self.sections if s.start <= event.offset < s.end), None)
        if target is not None and (self.section is None or target.key != self.section.key):
            self.show_section(target.key)
        self.left.scroll_to_offset(event.offset)
        self._sync_overview_view()

    def _titles(self) -> None:
        g = glyphs()
        section = self.section
        if section is None:
            return
        left = self.left
        left.border_title = Content(t("tui.review.this_report") + f" {g.dot} " + one_line(_nav_label(section)))
        copies = self.app.workspace.copy.get(self.rel)
        sub = []
        if copies is not None:
            share = _section_share(copies, section)
            sub.append(t("tui.review.shared", pct=round(share * 100)))
        pairs = self.comparison.pairs or []
        if pairs:
            pos = self.pair_index + 1 if self.pair_index >= 0 else 0
            sub.append(t("tui.review.match_pos", pos=pos, n=len(pairs)))
        left.border_subtitle = Content(f" {g.dot} ".join(sub)) if sub else None
        right = self.right
        comp = self.comparison
        other = self.app.workspace.report(comp.rel) if comp.rel else None
        if other is None or comp.section is None:
            right.border_title = Content(t("tui.review.comparison"))
            right.border_subtitle = None
        else:
            name = one_line(other.unit or other.rel)
            year = f" {other.year}" if other.year else ""
            right.border_title = Content(
                t("tui.review.comparison") + f" {g.dot} " + name + year + f" {g.dot} " + one_line(_nav_label(comp.section))
            )
            # the current match: every report holding it and who published first; else how the source was chosen
            holders = self._holders_text(pairs[self.pair_index]) if 0 <= self.pair_index < len(pairs) else ""
            right.border_subtitle = Content(
                holders or (t("tui.review.pinned") if comp.pinned else t("tui.review.auto_source"))
            )

    def _header(self) -> None:
        g = glyphs()
        r = self.report
        sep = f" {g.dot} "
        line1 = Content.styled(one_line(r.unit or t("tui.review.unit_unknown")), "bold")
        line1 += Content(sep + (str(r.year) if r.year else g.missing) + sep + t(f"kind.{r.kind}") + sep)
        line1 += Content.styled(one_line(r.rel), "$text-muted")
        ws = self.app.workspace
        parts = [Content(t("tui.review.reviewer", name=one_line(ws.reviewer or g.missing)))]
        if self.session is not None:
            total = self.session.total(self.report.findings)
            if total.scored or total.gates:
                text = t("tui.review.total", text=total.text())
            else:
                text = t("tui.review.total_none", max=format_number(total.max))
            parts.append(Content.styled(text, "bold $text-warning" if total.capped or total.value is None else "bold"))
            n_criteria = len(self.session.rubric.criteria)
            if total.scored and len(total.scored) < n_criteria:
                parts.append(Content.styled(t("tui.review.scored_count", n=len(total.scored), of=n_criteria), "$text-muted"))
            parts.append(Content(t(f"tui.status.{self.session.status}")))
            if self.session.has_flag(_flag_name()):
                parts.append(Content.styled(g.flag + " " + _flag_name(), "bold $text-warning"))
            if self.session.report_changed:
                parts.append(Content.styled(t("tui.status.changed"), "bold $text-error"))
            if self.saved_at:
                parts.append(Content.styled(t("tui.review.saved_at", time=self.saved_at), "$text-success"))
            elif self.session.dirty:
                parts.append(Content.styled(t("tui.review.unsaved"), "bold $text-error"))
        else:
            parts.append(Content.styled(self.review_problem or t("tui.review.no_store"), "$text-warning"))
        line2 = Content(sep).join(parts)
        self.query_one(ReviewHeader).show(line1, line2)

    # ------------------------------------------------------------ where the reviewer is
    def _schedule_place(self) -> None:
        if self._place_timer is not None:
            self._place_timer.stop()
        self._place_timer = self.set_timer(1.0, self._remember_place)

    def _remember_place(self) -> None:
        if self.section is not None:
            self.app.remember_place(self.rel, self.section.key if self.section.key not in (PREAMBLE, WHOLE) else None)

    def palette_commands(self) -> list[tuple[str, str, object]]:
        out = []
        for s in self.sections:
            out.append((t("tui.palette.goto_section", name=_nav_label(s)), "", lambda k=s.key: self.show_section(k)))
        return out


# ---------------------------------------------------------------- helpers


def _flag_name() -> str:
    from shenyue.review import FLAG_RECHECK

    return FLAG_RECHECK


def _heading(section: Section) -> Section | None:
    return section if section.key not in (PREAMBLE, WHOLE) else None


def _sections_of(report: Report) -> list[Section]:
    """The report's sections, with the text before the first heading as a
    pseudo-section when it holds anything, or the whole text when no
    section was recognised."""
    out: list[Section] = []
    if report.sections:
        first = report.sections[0].start
        if report.text[:first].strip():
            out.append(Section(PREAMBLE, t("tui.review.preamble"), 0, first, 0))
        out.extend(report.sections)
    else:
        out.append(Section(WHOLE, t("tui.review.whole_text"), 0, len(report.text), 0))
    return out


def _nav_label(section: Section) -> str:
    if section.key in (PREAMBLE, WHOLE):
        return section.title
    return section.title or t(f"tui.section.{section.key}")


def _same_unit(a: Report, b: Report) -> bool:
    """One unit, by key (two spellings of one body, units.toml applied)."""
    from shenyue.model.units import unit_key

    key = a.unit_key or unit_key(a.unit)
    return key is not None and key == (b.unit_key or unit_key(b.unit))


def _section_share(copies: CopySummary, section: Section) -> float:
    """The copied share of a section (common wording left out), as the similarity layer counts it."""
    got = copies.sections.get(section.key)
    if got is None:  # the preamble or the whole text: the same function on its spans
        got = shares(copies.spans_in(section.start, section.end), section.start, section.end, outside=copies.outside)
    return got.share


def findings_in_section(report: Report, section: Section | None, findings: list[Finding]) -> list[Finding]:
    if section is None:
        return []
    out = []
    for f in findings:
        if f.start is not None:
            if section.start <= f.start < section.end:
                out.append(f)
        elif f.section == section.key:
            out.append(f)
    return out

