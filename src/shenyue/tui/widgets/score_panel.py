"""The scoring panel: the rubric's criteria with score, max and the checks that inform them.

Keys (when the panel has focus): j/k or arrows move between criteria; digits
type a score (each digit saves at once: "1" saves 1, a following "2" within
1.5 s makes it 12 if the criterion allows it, else 12 is refused with a
message and the score stays 1; "." adds a decimal point); +/- step by the
criterion's step; Backspace/Delete clears.

A mark shows criteria with a comment; the current criterion's comment and the
section's are shown under the list, and a score in the file that the rubric
does not allow is drawn in red with why. :meth:`ScorePanel.new_report` puts the
cursor on the first criterion still to score and forgets typed digits.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from shenyue.i18n import t
from shenyue.review import format_number
from shenyue.tui.glyphs import glyphs
from shenyue.tui.keys import B
from shenyue.tui.textutil import cell_width, fit, one_line

TYPE_TIMEOUT = 1.5  # seconds after which typed digits start a new score
COMMENT_LINES = 4  # lines of a criterion's comment shown under it


def comment_lines(text: str, width: int, limit: int = COMMENT_LINES) -> list[str]:
    """A comment wrapped to ``width`` cells, at most ``limit`` rows (the last one ending in an
    ellipsis when there is more), as plain strings with control characters replaced."""
    width = max(4, width)
    rows: list[str] = []
    for paragraph in text.strip().splitlines():
        row, used = "", 0
        for ch in one_line(paragraph):
            w = cell_width(ch)
            if used + w > width:
                rows.append(row)
                row, used = "", 0
            row += ch
            used += w
        if row.strip():
            rows.append(row)
    if len(rows) > limit:
        rows = rows[: limit - 1] + [fit(rows[limit - 1], width - 1, "").rstrip() + glyphs().ellipsis]
    return rows


class ScorePanel(Static, can_focus=True):
    BINDINGS = [
        B("j,down", "move(1)", "tui.key.next_criterion", "score.down", show=False),
        B("k,up", "move(-1)", "tui.key.prev_criterion", "score.up", show=False),
        B("plus,equals_sign", "step(1)", "tui.key.score_up", "score.step_up"),
        B("minus", "step(-1)", "tui.key.score_down", "score.step_down"),
        B("backspace,delete", "clear", "tui.key.score_clear", "score.clear"),
    ]

    class ScoreSet(Message):
        def __init__(self, criterion: str, value: Any) -> None:
            super().__init__()
            self.criterion = criterion
            self.value = value

    class ScoreCleared(Message):
        def __init__(self, criterion: str) -> None:
            super().__init__()
            self.criterion = criterion

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.rubric: Any = None
        self.scores: dict[str, Any] = {}
        self.findings: list[Any] = []
        self.total: Any = None
        self.index = 0
        self.buffer = ""
        self.buffer_at = 0.0
        self.note = ""
        self.problem = ""
        self.comments: dict[str, str] = {}  # criterion id -> comment
        self.section_comment = ""  # the comment on the section on screen
        self._fresh = False
        self._lines = -1

    # ------------------------------------------------------------ data
    def new_report(self) -> None:
        """Another report is shown: forget typed digits and notes; the next
        :meth:`set_review` puts the cursor on the first criterion not scored."""
        self.buffer = ""
        self.buffer_at = 0.0
        self.note = ""
        self._fresh = True

    def set_review(
        self,
        rubric: Any,
        scores: dict[str, Any],
        findings: list[Any],
        total: Any,
        problem: str = "",
        comments: dict[str, str] | None = None,
        section_comment: str = "",
    ) -> None:
        self.rubric = rubric
        self.scores = dict(scores)
        self.findings = findings
        self.total = total
        self.problem = problem
        self.comments = dict(comments or {})
        self.section_comment = section_comment
        if rubric is None:
            self.index = 0
        elif self._fresh:
            self.index = self.first_unscored()
        else:
            self.index = min(self.index, max(0, len(rubric.criteria) - 1))
        self._fresh = self._fresh and rubric is None
        self._draw()

    def first_unscored(self) -> int:
        """The index of the first criterion without a valid score (0 when all are scored)."""
        for i, c in enumerate(self.rubric.criteria):
            if not self.is_scored(c.id):
                return i
        return 0

    def is_scored(self, criterion_id: str) -> bool:
        value = self.scores.get(criterion_id)
        return value is not None and self.rubric.is_valid_score(criterion_id, value)

    @property
    def criterion(self) -> Any:
        if self.rubric is None or not self.rubric.criteria:
            return None
        return self.rubric.criteria[self.index]

    # ------------------------------------------------------------ keys
    def action_move(self, n: int) -> None:
        if self.rubric is None:
            return
        self.index = max(0, min(len(self.rubric.criteria) - 1, self.index + n))
        self.buffer = ""
        self.note = ""
        self._draw()

    def select(self, criterion_id: str) -> None:
        if self.rubric is not None and criterion_id in self.rubric.criterion_ids:
            self.index = list(self.rubric.criterion_ids).index(criterion_id)
            self.buffer = ""
            self._draw()

    def type_char(self, char: str) -> None:
        """A digit or "." typed for the current criterion."""
        c = self.criterion
        if c is None:
            return
        now = time.monotonic()
        if now - self.buffer_at > TYPE_TIMEOUT:
            self.buffer = ""
        self.buffer_at = now
        candidate = self.buffer + char
        value = _parse(candidate)
        if char == ".":
            if "." in self.buffer:
                return
            self.buffer = (self.buffer or "0") + "."
            self._draw()
            return
        if value is None or not self.rubric.is_valid_score(c.id, value):
            # refused with a message, never read as another score: "2","0" on a /15 criterion keeps 2
            self.buffer = ""
            self.note = t("tui.score.invalid", value=candidate, max=format_number(c.max), step=format_number(c.step))
            self._draw()
            return
        self.buffer = candidate
        self.note = ""
        self.post_message(self.ScoreSet(c.id, value))

    def action_step(self, n: int) -> None:
        c = self.criterion
        if c is None:
            return
        self.buffer = ""
        current = self.scores.get(c.id)
        if current is None:
            value = c.max if n > 0 else 0
        else:
            value = min(c.max, max(0, float(current) + n * c.step))
        self.post_message(self.ScoreSet(c.id, value))

    def action_clear(self) -> None:
        c = self.criterion
        if c is not None:
            self.buffer = ""
            self.post_message(self.ScoreCleared(c.id))

    # ------------------------------------------------------------ drawing
    def _draw(self) -> None:
        g = glyphs()
        rubric = self.rubric
        if rubric is None:
            self.update(Content.styled(self.problem or t("tui.score.unavailable"), "$text-muted"))
            return
        width = max(16, self.size.width or 30)
        lines: list[Content] = []
        hits = Counter(f.check for f in self.findings)
        for i, c in enumerate(rubric.criteria):
            score = self.scores.get(c.id)
            bad = score is not None and not self.is_scored(c.id)
            value = format_number(score) if score is not None else g.missing
            right = f"{value}/{format_number(c.max)}"
            fired = sum(hits.get(ch, 0) for ch in c.checks)
            mark = Content.styled(g.finding, "bold $text-error") if fired else Content(" ")
            mark += Content.styled(g.comment, "bold $accent") if self.comments.get(c.id) else Content(" ")
            label = one_line(c.label())
            room = width - len(right) - 4
            line = (
                Content(g.cursor if i == self.index else " ")
                + mark
                + Content(fit(label, room, g.ellipsis))
                + Content(" ")
            )
            line += Content.styled(right, "bold $text-error" if bad else "bold" if score is not None else "$text-muted")
            if i == self.index:
                line = line.stylize("reverse" if self.has_focus else "bold $accent")
            lines.append(line)
        c = self.criterion
        lines.append(Content(""))
        if c is not None:
            detail = c.full_marks()
            if detail:
                lines.append(Content.styled(one_line(detail), "$text-muted"))
            fired_checks = [(ch, hits[ch]) for ch in c.checks if hits.get(ch)]
            if fired_checks:
                lines.append(
                    Content.styled(t("tui.score.checks"), "bold")
                    + Content(
                        " "
                        + "，".join(
                            f"{t('check.' + ch) if _has('check.' + ch) else ch}{glyphs().times}{n}"
                            for ch, n in fired_checks
                        )
                    )
                )
            elif c.checks:
                lines.append(Content.styled(t("tui.score.checks_clear", n=len(c.checks)), "$text-success"))
            score = self.scores.get(c.id)
            if score is not None and not self.is_scored(c.id):
                lines.append(
                    Content.styled(
                        t("tui.score.invalid_in_file", value=format_number(score), max=format_number(c.max)),
                        "bold $text-error",
                    )
                )
            comment = self.comments.get(c.id, "")
            if comment:
                lines.append(Content.styled(g.comment + " " + t("tui.score.comment"), "bold"))
                lines.extend(Content(row) for row in comment_lines(comment, width - 1))
        if self.section_comment:
            lines.append(Content.styled(g.comment + " " + t("tui.score.section_comment"), "bold"))
            lines.extend(Content(row) for row in comment_lines(self.section_comment, width - 1))
        if self.buffer:
            lines.append(Content.styled(t("tui.score.typing", value=self.buffer), "bold $accent"))
        if self.note:
            lines.append(Content.styled(self.note, "$text-warning"))
        # a relayout (costly) only when the number of lines changes
        self.update(Content("\n").join(lines), layout=len(lines) != self._lines)
        self._lines = len(lines)

    def on_focus(self) -> None:
        self._draw()

    def on_blur(self) -> None:
        self.buffer = ""
        self._draw()

    def on_resize(self) -> None:
        self._draw()


def _has(key: str) -> bool:
    from shenyue.i18n import catalogue

    return key in catalogue()


def _parse(text: str) -> float | int | None:
    if not text or text == ".":
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value == int(value) else value
