"""The review screen: it composes the panes and routes their messages.

What it shows comes from the Textual-free
:class:`~shenyue.tui.screens.review.viewmodel.ReviewModel`; the comparison
pane, scoring and the header are parts of their own
(:mod:`.comparison`, :mod:`.scoring`, :mod:`.header`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from shenyue.analysis.similarity.paragraphs import joins_in
from shenyue.i18n import t
from shenyue.model.report import Report, Section
from shenyue.tui.highlight import FLASH, report_intervals
from shenyue.tui.keys import B
from shenyue.tui.messages import BackToList, StepReport, WorkspaceChanged
from shenyue.tui.screens.review.comparison import ComparisonPart
from shenyue.tui.screens.review.dismiss_all import dismiss_everywhere
from shenyue.tui.screens.review.header import HEADER_BINDINGS, HeaderPart
from shenyue.tui.screens.review.scoring import SCORE_CHARS, SCORING_BINDINGS, ScoringPart
from shenyue.tui.screens.review.search import SearchPart
from shenyue.tui.screens.review.sources import section_sharing_most
from shenyue.tui.screens.review.tableview import TableViewPart
from shenyue.tui.screens.review.view import VIEWS, ViewPart
from shenyue.tui.screens.review.viewmodel import (
    Comparison,
    ReviewModel,
    findings_in_section,
    heading,
    nav_label,
    section_share,
)
from shenyue.tui.widgets.findings_panel import FindingsPanel
from shenyue.tui.widgets.keybar import KeyBar
from shenyue.tui.widgets.legend import Legend
from shenyue.tui.widgets.overview_strip import OverviewStrip
from shenyue.tui.widgets.review_header import ReviewHeader
from shenyue.tui.widgets.score_panel import ScorePanel
from shenyue.tui.widgets.section_nav import NavItem, SectionNav
from shenyue.tui.widgets.team_panel import TeamPanel
from shenyue.tui.widgets.text_pane import TextPane

if TYPE_CHECKING:
    from shenyue.tui.app import ShenyueApp
    from shenyue.tui.workspace import Workspace

NARROW = 120  # below this many columns the panes stack


class ReviewScreen(ComparisonPart, ScoringPart, HeaderPart, SearchPart, ViewPart, TableViewPart, Screen):
    BINDINGS = [
        B("escape", "back", "tui.key.back", "review.back"),
        B("right_square_bracket", "section(1)", "tui.key.next_section", "review.next_section", key_display="]"),
        B(
            "left_square_bracket",
            "section(-1)",
            "tui.key.prev_section",
            "review.prev_section",
            key_display="[",
            show=False,
        ),
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
        B("T", "focus_panel('left')", "tui.key.focus_text", "review.focus_text", show=False),
        B("t", "tables", "tui.key.tables", "review.tables", show=False),
        B("J", "criterion(1)", "tui.key.next_criterion", "review.next_criterion", show=False),
        B("K", "criterion(-1)", "tui.key.prev_criterion", "review.prev_criterion", show=False),
        B("plus,equals_sign", "score_step(1)", "tui.key.score_up", "review.score_up", show=False),
        B("minus", "score_step(-1)", "tui.key.score_down", "review.score_down", show=False),
        B("backspace,delete", "score_clear", "tui.key.score_clear", "review.score_clear", show=False),
        B("e", "comment", "tui.key.comment", "review.comment"),
        B("d", "done", "tui.key.done", "review.done"),
        B("F", "flag", "tui.key.flag", "review.flag", show=False),
        B("greater_than_sign", "report(1)", "tui.key.next_report", "review.next_report", key_display=">"),
        B("S", "sources", "tui.key.sources", "review.sources"),
        B("less_than_sign", "report(-1)", "tui.key.prev_report", "review.prev_report", key_display="<", show=False),
        B("w", "cycle_view", "tui.key.cycle_view", "review.cycle_view", show=False),
        B("l", "legend", "tui.key.legend", "review.legend", show=False),
        B("u", "unit", "tui.key.unit", "review.unit", show=False),
        # Ctrl+C quits (Textual's screens would copy the mouse selection instead)
        B("ctrl+c", "app.quit", "tui.key.quit", "app.quit_ctrl_c", show=False),
        *HEADER_BINDINGS,
        *SCORING_BINDINGS,
    ]

    # what the help screen and the command palette list: this screen's keys, then its panes' (selector, group)
    HELP_TITLE = "tui.help.title_review"
    HELP_GROUP = "tui.help.group_review"
    HELP_NOTES = "tui.help.review_notes"
    HELP_PANES = (
        ("#left", "tui.help.group_text"),
        ("#nav", "tui.help.group_nav"),
        ("#findings", "tui.help.group_findings"),
        ("#scores", "tui.help.group_scores"),
    )

    app: ShenyueApp

    def __init__(self, workspace: Workspace, rel: str = "", section: str | None = None) -> None:
        """The app keeps one review screen and shows each report in it with
        :meth:`load` (building the screen's widgets once keeps opening fast)."""
        super().__init__(id="review-screen")
        self.workspace = workspace
        self.model = ReviewModel(workspace)
        self.model.rel = rel
        self.start_section = section
        self.start_compare: str | None = None  # the report to compare when the screen opens (pinned)
        self.session: Any = None
        self.review_problem = ""
        self.saved_at: str | None = None
        self.view = "both"
        self._flash_timer: Timer | None = None
        self._place_timer: Timer | None = None

    # ------------------------------------------------------------ the model's state, as the app and tests read it
    @property
    def rel(self) -> str:
        return self.model.rel

    @rel.setter
    def rel(self, value: str) -> None:
        self.model.rel = value

    @property
    def report(self) -> Report:
        return self.model.report

    @property
    def sections(self) -> list[Section]:
        return self.model.sections

    @property
    def section(self) -> Section | None:
        return self.model.section

    @property
    def comparison(self) -> Comparison:
        return self.model.comparison

    @property
    def pair_index(self) -> int:
        return self.model.pair_index

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
                yield TeamPanel(id="team")
        yield Input(placeholder=t("tui.review.search_placeholder"), id="search", select_on_focus=False)
        yield Legend(id="legend")
        yield KeyBar()

    def on_mount(self) -> None:
        self.search_box.display = False
        self._layout(self.app.size.width)
        if self.rel:
            self.load(self.rel, self.start_section, self.start_compare)
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

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    # ------------------------------------------------------------ loading a report
    def load(self, rel: str, section_key: str | None = None, compare: str | None = None) -> None:
        report = self.workspace.report(rel)
        if report is None:
            return
        self.model.load(report)
        if compare:  # opened to compare with a source: pinned, at the section sharing the most with it
            self.model.pin_comparison(compare)
            section_key = section_key or section_sharing_most(self.model.copies(), self.sections, compare)
        search = self.search_box
        if search.display:
            search.display = False
        self._open_session()
        self._overview()
        self._nav_items()
        self.show_section(self.model.first_key(section_key))
        self._remember_place()

    @on(WorkspaceChanged)
    def _workspace_changed(self, event: WorkspaceChanged) -> None:
        """Similarity results (or a rescan) arrived while this screen is open."""
        if event.what not in ("copy", "scan") or self.section is None:
            return
        report = self.workspace.report(self.rel)
        if report is None:
            return
        key = self.model.refresh(report)
        top = self.left.top
        self._overview()
        self._nav_items()
        self.show_section(key)
        self.left.scroll_to_line(top)

    # ------------------------------------------------------------ sections
    def show_section(self, key: str) -> None:
        section = self.model.find_section(key)
        if section is None:
            return
        self.model.section = section
        report = self.report
        copies = self.model.copies()
        spans = copies.spans_in(section.start, section.end) if copies else []
        intervals = report_intervals(
            report, section.start, section.end, spans, self.active_findings(), heading(section)
        )
        joins = joins_in(report.text, section.start, section.end)
        self.left.set_text(report.text[section.start : section.end], section.start, intervals, joins)
        self.model.pair_index = -1
        self.model.choose_comparison()
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
        copies = self.model.copies()
        active = self.active_findings()
        items = []
        for s in self.sections:
            share = section_share(copies, s) if copies is not None else None
            n = len(findings_in_section(self.report, s, active))
            items.append(NavItem(s.key, nav_label(s), s.empty, n, share, self.section_commented(s)))
        self.query_one(SectionNav).set_items(items, self.section.key if self.section else None)

    def _findings_panel(self) -> None:
        mine, whole = self.model.findings_split()
        self.query_one(FindingsPanel).set_findings(mine, whole, self.dismissal_reason)

    def action_section(self, step: int) -> None:
        key = self.model.step_section(step)
        if key is not None:
            self.show_section(key)

    def _show_section_at(self, offset: int) -> None:
        target = self.model.section_at(offset)
        if target is not None and (self.section is None or target.key != self.section.key):
            self.show_section(target.key)

    # ------------------------------------------------------------ messages from the panes
    @on(SectionNav.Chosen)
    def _nav_chosen(self, event: SectionNav.Chosen) -> None:
        if self.section is None or event.key != self.section.key:
            self.show_section(event.key)

    @on(FindingsPanel.Jump)
    def _jump(self, event: FindingsPanel.Jump) -> None:
        self.jump_to_finding(event.finding)

    @on(FindingsPanel.Dismiss)
    def _dismiss(self, event: FindingsPanel.Dismiss) -> None:
        self.dismiss_or_restore(event.finding)

    @on(FindingsPanel.DismissEverywhere)
    def _dismiss_everywhere(self, event: FindingsPanel.DismissEverywhere) -> None:
        dismiss_everywhere(self, event.finding)

    @on(ScorePanel.ScoreSet)
    def _score_set(self, event: ScorePanel.ScoreSet) -> None:
        self._save(lambda s: s.set_score(event.criterion, event.value))

    @on(ScorePanel.ScoreCleared)
    def _score_cleared(self, event: ScorePanel.ScoreCleared) -> None:
        self._save(lambda s: s.clear_score(event.criterion))

    @on(TextPane.Clicked)
    def _clicked(self, event: TextPane.Clicked) -> None:
        self.select_pair_at(event.offset, other=event.pane is self.right)

    @on(TextPane.Scrolled)
    def _pane_scrolled(self, event: TextPane.Scrolled) -> None:
        if event.pane is self.left:
            self._sync_overview_view()

    @on(OverviewStrip.Jump)
    def _overview_jump(self, event: OverviewStrip.Jump) -> None:
        self._show_section_at(event.offset)
        self.left.scroll_to_offset(event.offset)
        self._sync_overview_view()

    def on_key(self, event) -> None:
        # digits type a score from anywhere on the screen, the score panel included (not in the search box)
        if event.character and event.character in SCORE_CHARS and not isinstance(self.focused, Input):
            event.stop()
            event.prevent_default()
            self.scores.type_char(event.character)

    # ------------------------------------------------------------ findings
    def jump_to_finding(self, f) -> None:
        key = self.model.finding_section(f)
        if key is not None:
            self.show_section(key)
        if f.start is None:
            return
        end = f.end if f.end is not None and f.end > f.start else f.start + 1
        self.left.scroll_to_offset(f.start)
        self._flash(f.start, end)
        self._sync_overview_view()

    def _flash(self, start: int, end: int) -> None:
        self.left.set_overlay(FLASH, [(start, end)])
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(self.app.flash_seconds, lambda: self.left.set_overlay(FLASH, []))

    # ------------------------------------------------------------ search (the search box's messages; the rest in search.py)
    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        self.search_typed(event.value)

    @on(Input.Submitted, "#search")
    def _search_done(self, event: Input.Submitted) -> None:
        self.search_submitted()

    # ------------------------------------------------------------ other reports, back, view
    def action_report(self, step: int) -> None:
        self._remember_place()
        self.post_message(StepReport(self.rel, step))

    def action_back(self) -> None:
        if self.close_search():
            return
        self._remember_place()
        self.post_message(BackToList(self.rel))

    # ------------------------------------------------------------ overview strip
    def _overview(self) -> None:
        report = self.report
        copies = self.model.copies()
        spans = copies.spans if copies else ()
        intervals = report_intervals(report, 0, len(report.text), spans, self.active_findings())
        self.query_one(OverviewStrip).set_data(len(report.text), intervals)

    def _sync_overview_view(self) -> None:
        self.query_one(OverviewStrip).set_view(*self.left.visible_range())

    # ------------------------------------------------------------ where the reviewer is
    def _schedule_place(self) -> None:
        if self._place_timer is not None:
            self._place_timer.stop()
        self._place_timer = self.set_timer(1.0, self._remember_place)

    def _remember_place(self) -> None:
        if self.section is not None:
            self.app.remember_place(self.rel, self.model.place_key())

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [
            (t("tui.palette.goto_section", name=nav_label(s)), "", lambda k=s.key: self.show_section(k))
            for s in self.sections
        ]
