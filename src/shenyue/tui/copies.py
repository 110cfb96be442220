"""Copy data as the app needs it: per report, the similarity layer's :class:`CopySummary`.

The similarity layer (:mod:`shenyue.analysis.similarity`) finds the spans
and summarises them per report (:class:`~shenyue.analysis.similarity.result.CopySummary`:
spans with kind and holders, shares by kind, sources, per-section shares);
the list, the panes, the overview strip and the score sheets read that same
object. This module only answers "which pairs of stretches do these two
sections share". An empty :class:`CopyData` stands for "not computed yet".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from shenyue.analysis.similarity.kinds import COMMON, PEER, REUSED_LATER, SAME_UNIT
from shenyue.analysis.similarity.result import CopySpan, CopySummary, SourceShare

__all__ = ["COMMON", "PEER", "REUSED_LATER", "SAME_UNIT", "CopyData", "CopySpan", "CopySummary", "Pair"]


@dataclass(slots=True)
class Pair:
    """A stretch of this section shared with a stretch of the comparison section."""

    start: int
    end: int
    other_start: int
    other_end: int
    kind: str


class CopyData:
    """Copy spans of every report in the folder (empty until similarity ran)."""

    def __init__(self, by_rel: dict[str, CopySummary] | None = None, *, backend: Any = None):
        self.by_rel: dict[str, CopySummary] = by_rel or {}
        self.backend = backend  # the similarity layer's result, for on-demand alignment

    def __bool__(self) -> bool:
        return bool(self.by_rel)

    def get(self, rel: str) -> CopySummary | None:
        return self.by_rel.get(rel)

    def share(self, rel: str) -> float | None:
        """The copied share of a report (peer + same unit; common wording left out)."""
        rc = self.by_rel.get(rel)
        return rc.share if rc is not None else None

    def sources(self, rel: str) -> list[SourceShare]:
        rc = self.by_rel.get(rel)
        return list(rc.sources) if rc else []

    def pairs(self, rel: str, start: int, end: int, other: str, other_start: int, other_end: int) -> list[Pair]:
        """Stretches of ``rel[start:end]`` shared with ``other[other_start:other_end]``.

        Uses the spans of both reports that name each other as source; a
        span whose source stretch falls outside the other section is left out.
        """
        out: list[Pair] = []
        seen: set[tuple[int, int, int, int]] = set()
        mine = self.by_rel.get(rel)
        theirs = self.by_rel.get(other)
        if mine:
            for s in mine.spans_in(start, end):
                if s.other_report == other:
                    key = _clip(s.start, s.end, s.other_start, s.other_end, start, end, other_start, other_end)
                    if key is not None and key not in seen:
                        seen.add(key)
                        out.append(Pair(*key, s.kind))
        if theirs:
            for s in theirs.spans_in(other_start, other_end):
                if s.other_report == rel:
                    back = _clip(s.start, s.end, s.other_start, s.other_end, other_start, other_end, start, end)
                    if back is None:
                        continue
                    key = (back[2], back[3], back[0], back[1])
                    if not any(_overlaps(key, k) for k in seen):
                        seen.add(key)
                        out.append(Pair(*key, s.kind))
        out.sort(key=lambda p: (p.start, p.other_start))
        return out


def _clip(a: int, b: int, oa: int, ob: int, lo: int, hi: int, olo: int, ohi: int) -> tuple[int, int, int, int] | None:
    """Clip a span ``a..b`` (source ``oa..ob``) to ``lo..hi`` on its side and
    ``olo..ohi`` on the source side, trimming the other side by as much."""
    cut = max(0, lo - a, olo - oa)
    a, oa = a + cut, oa + cut
    cut = max(0, b - hi, ob - ohi)
    b, ob = b - cut, ob - cut
    if b <= a or ob <= oa:
        return None
    return (a, b, oa, ob)


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_at(summary: CopySummary | None, start: int, end: int) -> CopySpan | None:
    """The span of a report that covers most of ``start..end``."""
    if summary is None:
        return None
    best, best_n = None, 0
    for s in summary.spans_in(start, end):
        n = min(s.end, end) - max(s.start, start)
        if n > best_n:
            best, best_n = s, n
    return best


def first_published(rels: list[str], report_of) -> str | None:
    """Which of the reports ``rels`` was published first: by publication date, else by year
    (a year-Y report counts as published on the statutory deadline, 31 January of Y+1);
    None when nothing is known. ``report_of(rel)`` gives a Report."""
    best, best_key = None, None
    for rel in rels:
        r = report_of(rel)
        if r is None:
            continue
        when = publication_day(r)
        if when is None:
            continue
        if best_key is None or (when, rel) < best_key:
            best, best_key = rel, (when, rel)
    return best


def publication_day(report: Any) -> date | None:
    """When a report was published: its publication date, else the statutory deadline of its year
    (31 January of the next year); None when neither is known."""
    if report.published:
        return report.published
    year = report.year
    return date(year + 1, 1, 31) if year and year < 9999 else None
