"""The report list's team columns: how many reviewers scored a report, their mean total and the spread
(highest minus lowest), from :class:`shenyue.review.team.TeamScores`. Shown when someone besides this
reviewer has review files in the reviews folder; a spread of :data:`SPREAD_WARN` points or more stands out."""

from __future__ import annotations

from dataclasses import dataclass

from shenyue.review import format_number
from shenyue.tui.glyphs import glyphs


@dataclass(slots=True)
class Column:
    key: str  # sort key
    title_key: str
    width: int  # 0: takes the remaining width
    align: str = "left"


# (style class, text) for one cell
Cell = list[tuple[str, str]]

TEAM_COLUMNS = (
    Column("reviewers", "tui.col.reviewers", 4, "right"),
    Column("mean", "tui.col.mean", 6, "right"),
    Column("spread", "tui.col.spread", 6, "right"),
)
TEAM_KEYS = tuple(c.key for c in TEAM_COLUMNS)
SPREAD_WARN = 10.0


def team_cell(key: str, team) -> Cell:
    """The text of one team cell for a row's :class:`TeamScores` (None: nobody reviewed it)."""
    g = glyphs()
    if team is None or not team.scored:
        return [("dim", "0" if key == "reviewers" else g.missing)]
    if key == "reviewers":
        return [("", str(team.scored))]
    if key == "mean":
        mean = team.mean
        return [("", format_number(round(mean, 1)))] if mean is not None else [("warning", g.missing)]
    spread = team.spread
    if spread is None:
        return [("dim", g.missing)]
    return [("warning" if spread >= SPREAD_WARN else "", format_number(round(spread, 1)))]
