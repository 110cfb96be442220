"""Scoring on the review screen: the review session of the report, the score
panel, typed scores, status, flag, comments and dismissed findings. Every
change goes through :meth:`ScoringPart._save` (saved at once through the
review layer); without a review store each change says why once, in
:meth:`ScoringPart._need_session`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shenyue.analysis.findings import Finding
from shenyue.i18n import t
from shenyue.model.report import Section
from shenyue.review.comments import legacy_renames, section_comment, section_target
from shenyue.review.reasons import criterion_reasons
from shenyue.review.undo import Undo, changed
from shenyue.tui.dialogs import CommentDialog, ConfirmDialog, InputDialog
from shenyue.tui.dialogs.comment import CommentTarget
from shenyue.tui.dialogs.reasons import ReasonDialog
from shenyue.tui.highlight import FLASH
from shenyue.tui.keys import B
from shenyue.tui.messages import ReviewChanged
from shenyue.tui.screens.review.evidence import Passage, evidence, line_at
from shenyue.tui.screens.review.viewmodel import PSEUDO, nav_label
from shenyue.tui.textutil import one_line
from shenyue.tui.widgets.score_panel import ScorePanel
from shenyue.tui.widgets.team_panel import TeamPanel

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen

SCORE_CHARS = "0123456789."  # typed anywhere on the screen (outside the search box), they score the criterion

# scoring's keys, joined to the screen's BINDINGS (Textual reads BINDINGS only from widget classes)
SCORING_BINDINGS = [
    B("E", "quote", "tui.key.quote", "review.quote", show=False),
    B("r", "reasons", "tui.key.reasons", "review.reasons", show=False),
    B("U", "undo", "tui.key.undo", "review.undo", show=False),
]
UNDO_DEPTH = 100  # changes remembered for undo (across reports)


class ScoringPart:
    """Review session and scoring of the review screen."""

    session: Any
    review_problem: str
    saved_at: str | None

    # ------------------------------------------------------------ the session
    def _open_session(self: ReviewScreen) -> None:
        self.scores.new_report()  # typed digits and notes stay with their report; the cursor goes to the first unscored
        self.session = None
        self.review_problem = ""
        self.saved_at = None
        ws = self.workspace
        if ws.store is None:
            self.review_problem = ws.review_problem or t("tui.review.no_store")
            return
        from shenyue.review import CorruptReviewError, ReviewLayerError

        try:
            self.session = ws.session(self.rel)
        except CorruptReviewError as exc:
            # after this screen is shown, so the dialog lands on top of it
            self.app.call_later(
                self.app.show_error, t("tui.error.corrupt_title"), str(exc) + "\n\n" + t("tui.error.corrupt_next")
            )
            try:
                self.session = ws.session(self.rel, acknowledge_corrupt=True)
            except ReviewLayerError as exc2:
                self.review_problem = str(exc2)
        except ReviewLayerError as exc:
            self.review_problem = str(exc)
        session = self.session
        if session is None:
            return
        session.section_renames = legacy_renames(session.review.section_comments, self.report.sections)
        if session.report_changed:
            self.notify(t("tui.review.report_changed"), severity="warning", timeout=6)
        if session.rubric_mismatch:
            self.notify(t("tui.review.rubric_mismatch"), severity="warning", timeout=6)
        invalid = session.invalid_scores()
        if invalid:
            items = ", ".join(f"{session.rubric.criterion(c).label()} = {v:g}" for c, v in invalid)
            self.notify(t("tui.review.invalid_scores", items=items), severity="warning", timeout=8)

    @property
    def problem_text(self) -> str:
        """Why this report's review cannot be kept."""
        return self.review_problem or t("tui.review.no_store")

    def _need_session(self: ReviewScreen) -> bool:
        """True with a review session; else the reviewer is told why nothing can be saved."""
        if self.session is None:
            self.notify(self.problem_text, severity="warning")
            return False
        return True

    def active_findings(self: ReviewScreen) -> list[Finding]:
        """The report's findings the reviewer has not dismissed."""
        findings = self.workspace.live_findings(self.report)  # without those dismissed for the whole folder
        if self.session is not None:
            return self.session.active_findings(findings)
        return findings

    def dismissal_reason(self: ReviewScreen, f: Finding) -> str | None:
        """The reason a finding was dismissed ("" without one), or None when it stands."""
        folder = self.workspace.folder_dismissal(f)
        if folder is not None:
            return t("tui.findings.folder_reason", reason=folder.reason)
        if self.session is None:
            return None
        for d in self.session.review.dismissed:
            if d.matches(f):
                return d.reason
        return None

    # ------------------------------------------------------------ scores
    @property
    def scores(self: ReviewScreen) -> ScorePanel:
        return self.query_one(ScorePanel)

    def _score_panel(self: ReviewScreen) -> None:
        panel = self.scores
        row = self.workspace.by_rel.get(self.rel)
        team = row.team if row is not None else None
        if self.session is None:
            panel.set_review(None, {}, [], None, self.review_problem or self.workspace.review_problem or "")
            self.query_one(TeamPanel).show_team(team, self.workspace.rubric, self.workspace.reviewer, {}, None)
            return
        total = self.session.total(self.workspace.live_findings(self.report))
        review = self.session.review
        section = self.section
        note = ""
        if section is not None and section.key not in PSEUDO:
            note = section_comment(review, section)
        panel.set_review(
            self.session.rubric,
            review.scores,
            self.active_findings(),
            total,
            comments=review.criterion_comments,
            section_comment=note,
        )
        self.query_one(TeamPanel).show_team(team, self.session.rubric, review.reviewer, review.scores, total)

    def section_commented(self: ReviewScreen, section: Section) -> bool:
        """Whether the reviewer wrote a comment on this section (a mark in the navigator)."""
        if self.session is None or section.key in PSEUDO:
            return False
        return bool(section_comment(self.session.review, section))

    def action_criterion(self: ReviewScreen, step: int) -> None:
        self.scores.action_move(step)

    def action_score_step(self: ReviewScreen, step: int) -> None:
        self.scores.action_step(step)

    def action_score_clear(self: ReviewScreen) -> None:
        self.scores.action_clear()

    def action_done(self: ReviewScreen) -> None:
        if not self._need_session():
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

    def action_flag(self: ReviewScreen) -> None:
        self._save(lambda s: s.toggle_flag())

    def action_comment(self: ReviewScreen) -> None:
        self.open_comments()

    def open_comments(self: ReviewScreen, append: str = "") -> None:
        """The comment editor on the criterion, the section and the whole report (``append``
        added to the one it opens on, e.g. a quoted passage)."""
        if not self._need_session():
            return
        s = self.session
        targets = []
        crit = self.scores.criterion
        if crit is not None:
            targets.append(CommentTarget(crit.id, t("tui.comment.criterion", name=crit.label()), s.comment(crit.id)))
        section = self.section
        if section is not None and section.key not in PSEUDO:
            name = nav_label(section)
            text = section_comment(s.review, section)
            targets.append(CommentTarget(section_target(section), t("tui.comment.section", name=name), text))
        targets.append(CommentTarget("overall", t("tui.comment.overall"), s.comment("overall")))
        selected = 0 if self.scores.has_focus or len(targets) < 3 else 1

        def saved(changes: dict[str, str] | None) -> None:
            if not changes:
                return
            for target, text in changes.items():
                if not self._save(lambda ss, tg=target, tx=text: ss.set_comment(tg, tx)):
                    break
            self._nav_items()  # the comment marks

        dialog = CommentDialog(targets, selected)
        if append:  # an edit of the comment, saved (or not) like any other
            text = targets[selected].text
            dialog.buffers[selected] = (text.rstrip("\n") + "\n" if text.strip() else "") + append
        self.app.push_screen(dialog, saved)

    # ------------------------------------------------------------ evidence, reasons, undo
    def action_quote(self: ReviewScreen) -> None:
        """Quote the passage in view (match, search hit, flashed finding or top line) into a comment."""
        if not self._need_session() or self.section is None:
            return
        model = self.model
        report = self.report
        pair = model.current_pair()
        other = model.other_report()
        source = None
        if pair is not None:
            here = Passage(report, self.section, pair.start, pair.end)
            if other is not None:
                source = Passage(other, model.comparison.section, pair.other_start, pair.other_end)
        elif 0 <= model.search_index < len(model.search_hits):
            here = Passage(report, self.section, *model.search_hits[model.search_index])
        elif self.left.overlay(FLASH):
            start, end = self.left.overlay(FLASH)[0]
            here = Passage(report, model.section_at(start) or self.section, start, end)
        else:
            section = self.section
            start, end = line_at(report.text, self.left.visible_range()[0], section.start, section.end)
            here = Passage(report, section, start, end)
        self.open_comments(append=evidence(here, source))

    def action_reasons(self: ReviewScreen) -> None:
        """Pick a preset deduction reason of the current criterion; it is added to the criterion's comment."""
        if not self._need_session():
            return
        c = self.scores.criterion
        if c is None:
            return
        reasons = criterion_reasons(c)
        if not reasons:
            self.notify(t("tui.reasons.none", name=c.label()), severity="warning", timeout=5)
            return

        def picked(reason: str | None) -> None:
            if not reason:
                return
            old = self.session.comment(c.id)
            if reason in old.splitlines():
                return
            text = (old.rstrip("\n") + "\n" if old.strip() else "") + reason
            if self._save(lambda s: s.set_comment(c.id, text)):
                self.notify(t("tui.reasons.added", reason=reason), timeout=2)

        self.app.push_screen(ReasonDialog(t("tui.reasons.title", name=c.label()), reasons), picked)

    def action_undo(self: ReviewScreen) -> None:
        """Undo the last change on this report (a score, comment, status, flag or dismissal)."""
        if not self._need_session():
            return
        stack = self._undo_stack()
        entry = next((u for u in reversed(stack) if u.rel == self.rel), None)
        if entry is None:
            self.notify(t("tui.undo.nothing"), timeout=2)
            return
        if self._save(lambda s: s.revert(entry.before, entry.after), refresh_findings=True, undoable=False):
            stack.remove(entry)
            self.notify(t("tui.undo.done"), timeout=2)

    def _undo_stack(self: ReviewScreen) -> list[Undo]:
        stack = getattr(self, "_undo", None)
        if stack is None:
            stack = self._undo = []
        return stack

    # ------------------------------------------------------------ findings
    def dismiss_or_restore(self: ReviewScreen, f: Finding) -> None:
        """Dismiss a finding with a reason, or (when dismissed) ask to restore it."""
        if not self._need_session():
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

        dialog = InputDialog(
            t("tui.findings.dismiss_title"),
            placeholder=t("tui.findings.dismiss_placeholder"),
            hint=one_line(f.message()),
        )
        self.app.push_screen(dialog, reason_given)

    # ------------------------------------------------------------ saving
    def _save(
        self: ReviewScreen, change: Callable[[Any], Any], *, refresh_findings: bool = False, undoable: bool = True
    ) -> bool:
        """Apply one change through the review layer (saved at once); True when it worked.
        The review before and after is kept so ``U`` can undo it."""
        if not self._need_session():
            return False
        session = self.session
        before = copy.deepcopy(session.review)
        ok = self.app.apply_change(session, change)
        if ok:
            self.saved_at = self.app.clock().strftime("%H:%M:%S")
            if undoable and changed(before, session.review):
                stack = self._undo_stack()
                stack.append(Undo(self.rel, before, copy.deepcopy(session.review)))
                del stack[:-UNDO_DEPTH]
        self._after_change(refresh_findings)
        return ok

    def _after_change(self: ReviewScreen, refresh_findings: bool = False) -> None:
        self.post_message(ReviewChanged(self.rel))
        if refresh_findings:
            self._findings_panel()
            self._nav_items()
            if self.section is not None:
                top = self.left.top
                self.show_section(self.section.key)
                self.left.scroll_to_line(top)
        self._score_panel()
        self._header()

    def session_reloaded(self: ReviewScreen) -> None:
        """After a conflict was resolved by taking the file on disk."""
        self._after_change(refresh_findings=True)
