"""What the sources panel and the comparison titles show, without Textual.

Every report a report shares text with comes from the similarity layer
(:meth:`~shenyue.analysis.similarity.result.CopySummary.shared_with`, one
:class:`~shenyue.analysis.similarity.result.SourceShare` per report, counted by
:func:`~shenyue.analysis.similarity.result.shares`); a :class:`SourceRow`
carries that object as it is and adds what the workspace knows of the other
report (unit, year, publication date, who came first). Common wording names no
report: it is the panel's separate line (``common_share``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from shenyue.analysis.similarity.result import CopySummary, SourceShare
from shenyue.i18n import t
from shenyue.model.report import Report, Section
from shenyue.tui.copies import publication_day

FIRST_THIS = "this"  # this report was published first
FIRST_OTHER = "other"  # the other report was published first
FIRST_UNKNOWN = "unknown"  # the same day, or a date missing


@dataclass(slots=True, frozen=True)
class SourceRow:
    """One report this one shares text with, as the panel lists it."""

    rank: int  # 1 = shares the most
    source: SourceShare  # path, characters, kind (peer / same unit / reused later), share of this report
    unit: str | None
    year: int | None
    published: date | None  # the publication date read from the report (None: not stated)
    first: str  # FIRST_THIS, FIRST_OTHER or FIRST_UNKNOWN
    current: bool  # the comparison pane shows it

    @property
    def rel(self) -> str:
        return self.source.path


@dataclass(slots=True)
class SourcesView:
    """The sources panel of one report: every report it shares text with, most shared characters first."""

    rel: str
    rows: list[SourceRow]
    common_share: float  # common wording (套话), shown apart: no report is its source
    threshold: int  # units holding a stretch for it to be common wording
    published: date | None  # this report's publication date

    def index_of(self, rel: str | None) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.rel == rel), None)


def who_first(mine: Report, other: Report | None) -> str:
    """Which of two reports was published first (a year's report counts from its statutory deadline)."""
    a = publication_day(mine)
    b = publication_day(other) if other is not None else None
    if a is None or b is None or a == b:
        return FIRST_UNKNOWN
    return FIRST_THIS if a < b else FIRST_OTHER


def sources_view(workspace: Any, rel: str, current: str | None = None) -> SourcesView | None:
    """The panel's rows for report ``rel`` (None until the similarity results are in)."""
    copies: CopySummary | None = workspace.copy.get(rel)
    mine = workspace.report(rel)
    if copies is None or mine is None:
        return None
    rows = []
    for src in copies.shared_with():
        if src.path == rel:
            continue
        other = workspace.report(src.path)
        rows.append(
            SourceRow(
                rank=len(rows) + 1,
                source=src,
                unit=other.unit if other is not None else None,
                year=other.year if other is not None else None,
                published=other.published if other is not None else None,
                first=who_first(mine, other),
                current=src.path == current,
            )
        )
    return SourcesView(rel, rows, copies.common_share, copies.threshold, mine.published)


def source_share(copies: CopySummary | None, other: str, section: Section | None = None) -> SourceShare | None:
    """What report ``other`` shares with this report (or with ``section`` of it): characters, kind and share."""
    if copies is None:
        return None
    if section is None:
        found = copies.shared_with(other=other)
    else:
        found = copies.shared_with(section.start, section.end, other=other)
    return found[0] if found else None


def section_sharing_most(copies: CopySummary | None, sections: list[Section], other: str) -> str | None:
    """The key of the section sharing the most characters with report ``other`` (None: none shares any)."""
    best, best_chars = None, 0
    for sec in sections:
        got = source_share(copies, other, sec)
        if got is not None and got.chars > best_chars:
            best, best_chars = sec.key, got.chars
    return best


# ---------------------------------------------------------------- the comparison's titles


def share_text(share: float) -> str:
    """A share as the titles and the panel print it (tenths below 10 %)."""
    return f"{share * 100:.1f}%" if 0 < share < 0.1 else f"{round(share * 100)}%"


def source_title_parts(model: Any, copies: CopySummary | None) -> list[str]:
    """The comparison pane's title parts: "source i of n" and that report's share of this one."""
    rel = model.comparison.rel
    parts = []
    pos, n = model.source_position()
    if pos:
        parts.append(t("tui.sources.position", pos=pos, n=n))
    got = source_share(copies, rel) if rel else None
    if got is not None:
        parts.append(t("tui.sources.share_of_report", pct=share_text(got.share)))
    return parts


def source_share_parts(copies: CopySummary | None, rel: str | None, section: Section) -> list[str]:
    """This pane's subtitle part: the share of the section the comparison report shares (none: nothing)."""
    got = source_share(copies, rel, section) if rel else None
    return [t("tui.sources.share_of_section", pct=share_text(got.share))] if got is not None else []
