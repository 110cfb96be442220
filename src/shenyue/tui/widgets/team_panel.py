"""The review screen's team pane (read-only): the other reviewers' scores of this report per criterion,
beside this reviewer's own, with each one's total. Hidden while nobody else has reviewed the report."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Static

from shenyue.i18n import t
from shenyue.review import format_number
from shenyue.tui.glyphs import glyphs
from shenyue.tui.textutil import cell_width, fit, one_line

MAX_OTHERS = 3  # columns for other reviewers; more are summed up in a mean column
NUMBER_WIDTH = 5


class TeamPanel(Static):
    DEFAULT_CSS = """
    TeamPanel {
        height: auto;
        max-height: 16;
        border: round $panel-lighten-2;
        background: $surface;
        padding: 0 1;
        display: none;
    }
    TeamPanel.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.others: list[str] = []

    def show_team(self, team: Any, rubric: Any, me: str | None, my_scores: dict[str, Any], my_total: Any) -> None:
        """``team``: the report's :class:`~shenyue.review.team.TeamScores` (None: nobody's review)."""
        self.others = team.others(me) if team is not None else []
        self.set_class(bool(self.others) and rubric is not None, "-shown")
        if not self.others or rubric is None:
            self.update("")
            return
        g = glyphs()
        shown = self.others[:MAX_OTHERS]
        rest = self.others[MAX_OTHERS:]
        heads = (
            [t("tui.team.me")]
            + [one_line(n) for n in shown]
            + ([t("tui.team.others_mean", n=len(rest))] if rest else [])
        )
        width = max(8, (self.size.width or 38) - 2 - (NUMBER_WIDTH + 1) * len(heads))

        def row(label: str, values: list[str], style: str = "") -> Content:
            cells = fit(label, width) + "".join(" " + _right(v, NUMBER_WIDTH) for v in values)
            return Content.styled(cells, style) if style else Content(cells)

        def num(value: Any) -> str:
            return g.missing if value is None else format_number(value)

        def mean(values: list[Any]) -> Any:
            nums = [v for v in values if isinstance(v, (int, float))]
            return round(sum(nums) / len(nums), 1) if nums else None

        lines = [Content.styled(t("tui.team.title", n=len(self.others)), "bold"), row("", heads, "$text-muted")]
        for c in rubric.criteria:
            given = team.criterion(c.id)
            values = [num(my_scores.get(c.id))] + [num(given.get(n)) for n in shown]
            if rest:
                values.append(num(mean([given.get(n) for n in rest])))
            lines.append(row(f"{c.label()} /{format_number(c.max)}", values))
        totals = [num(getattr(my_total, "value", None) if my_scores else None)] + [
            num(team.totals.get(n)) for n in shown
        ]
        if rest:
            totals.append(num(mean([team.totals.get(n) for n in rest])))
        lines.append(row(t("tui.team.total"), totals, "bold"))
        statuses = [t(f"tui.status.{team.reviews[n].status}") for n in shown]
        lines.append(
            Content.styled(
                t("tui.team.status", items=", ".join(f"{n} {s}" for n, s in zip(shown, statuses))), "$text-muted"
            )
        )
        self.update(Content("\n").join(lines))


def _right(text: str, width: int) -> str:
    text = fit(text, width).rstrip()
    return " " * (width - cell_width(text)) + text
