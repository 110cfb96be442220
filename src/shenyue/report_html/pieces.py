"""Pieces every page of the evidence report uses: what is collected, labels, painted text, timeliness.

:class:`Evidence` is what the report is rendered from (reports, reviews, score sheet, rubric);
:func:`painted` escapes a slice of report text with marked ranges; :func:`deadline_of` and
:func:`time_bin` place a report's publication date against the statutory deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shenyue.i18n import catalogue, t
from shenyue.report_html.escape import esc
from shenyue.review.export import ScoreSheet, SheetRow
from shenyue.review.rubric import Rubric, format_number
from shenyue.review.store import STATUSES, StoredReview

if TYPE_CHECKING:
    from shenyue.model.report import Report, Unreadable

CONTEXT = 60  # characters shown either side of a finding


PASSAGE_CONTEXT = 30  # characters shown either side of a shared passage


MAX_MARK = 2000  # a finding's highlighted text is cut after this many characters


KINDS_SHOWN = ("peer", "same_unit", "common")


SHARE_BINS = 11  # 0 %, then ten bins of 10 %


NUM_CLASS = ' class="num"'


@dataclass(slots=True)
class Evidence:
    """What the page shows: the scanned reports and the merged reviews."""

    folder: Path
    reports: list["Report"]
    rubric: Rubric
    sheet: ScoreSheet
    reviews: dict[Path, StoredReview] = field(default_factory=dict)  # by review file path
    unreadable: list["Unreadable"] = field(default_factory=list)
    config: Any = None
    rows_by_report: dict[str, list[SheetRow]] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict)  # report rel -> position

    def __post_init__(self) -> None:
        for row in self.sheet.rows:
            self.rows_by_report.setdefault(row.report, []).append(row)
        self.index = {r.rel: i for i, r in enumerate(self.reports)}

    @property
    def reviewers(self) -> list[str]:
        return sorted({row.reviewer for row in self.sheet.rows})


Link = Callable[[int], str]  # report position -> href of its page


# ---------------------------------------------------------------- small pieces


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def _kind_label(kind: str, lang: str) -> str:
    key = f"kind.{kind}"
    return t(key, lang) if key in catalogue() else kind


def _status_label(status: str, lang: str) -> str:
    return t(f"review.status.{status}", lang) if status in STATUSES else status


def _copy_kind_label(kind: str, lang: str) -> str:
    return t(f"html.kind.{kind}", lang)


def _section_name(report: "Report", offset: int | None) -> str:
    if offset is None:
        return ""
    for s in report.sections:
        if s.start <= offset < s.end:
            return s.title
    return ""


def painted(text: str, lo: int, hi: int, mark_lo: int, mark_hi: int, mark_class: str,
            diffs: Sequence[tuple[int, int]] = ()) -> str:  # fmt: skip
    """``text[lo:hi]`` escaped, ``mark_lo..mark_hi`` in ``<mark class=...>``
    and the ``diffs`` (changed characters) inside it in ``<span class=diff>``."""
    lo, hi = max(0, lo), min(len(text), hi)
    mark_lo, mark_hi = max(lo, mark_lo), min(hi, max(mark_lo, mark_hi))
    out = [esc(text[lo:mark_lo]), f'<mark class="{mark_class}">']
    pos = mark_lo
    for a, b in sorted(diffs):
        a, b = max(a, pos), min(b, mark_hi)
        if b <= a:
            continue
        out.append(esc(text[pos:a]))
        out.append(f'<span class="diff">{esc(text[a:b])}</span>')
        pos = b
    out.append(esc(text[pos:mark_hi]))
    out.append("</mark>")
    out.append(esc(text[mark_hi:hi]))
    return "".join(out)


# ---------------------------------------------------------------- timeliness


def deadline_of(report: "Report", config: Any) -> date | None:
    """The publication deadline of an annual report (as ``publish_late`` computes it), or None."""
    from shenyue.analysis.checks.base import ANNUAL_KINDS, Context
    from shenyue.analysis.checks.timing import LAST_YEAR_OF_2007_RULES, deadline_for, unit_type

    if report.kind not in ANNUAL_KINDS or report.year is None:
        return None
    month, day = deadline_for(config, unit_type(Context(report, config)))
    if report.year <= LAST_YEAR_OF_2007_RULES:
        month, day = 3, 31
    try:
        return date(report.year + 1, month, 28 if (month, day) == (2, 29) else day)
    except ValueError:
        return None


TIME_BINS = ("early30", "early", "ontime", "late30", "late60", "late_more", "no_date")


def time_bin(report: "Report", deadline: date | None) -> str | None:
    if deadline is None:
        return None
    if report.published is None:
        return "no_date"
    days = (report.published - deadline).days
    if days < -30:
        return "early30"
    if days < 0:
        return "early"
    if days == 0:
        return "ontime"
    if days <= 30:
        return "late30"
    if days <= 60:
        return "late60"
    return "late_more"


def _total_text(row: SheetRow | None) -> str:
    if row is None:
        return ""
    return format_number(row.total) if row.total is not None else "—"
