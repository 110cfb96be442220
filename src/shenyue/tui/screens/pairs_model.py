"""What the pairs view shows, without Textual: the folder's most similar pairs of reports.

The pairs are the similarity layer's
(:func:`~shenyue.analysis.similarity.pairs.top_pairs`, the list ``shenyue
similar --pairs`` prints), computed once per set of results; a
:class:`PairRow` carries the :class:`~shenyue.analysis.similarity.pairs.SharedPair`
as it is and adds which of the two reports came later (the one the review
screen opens, with the other compared).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from shenyue.analysis.similarity.pairs import SharedPair, top_pairs
from shenyue.model.report import Report
from shenyue.tui.copies import CopyData, publication_day

SHOWN = 200  # pairs listed at most (the view opens in about 0.2 s on a 1,000-report folder)

_cache: weakref.WeakKeyDictionary[CopyData, list[SharedPair]] = weakref.WeakKeyDictionary()


def folder_pairs(copy: CopyData) -> list[SharedPair]:
    """Every pair of the folder, most shared characters first (computed once per results)."""
    got = _cache.get(copy)
    if got is None:
        got = _cache[copy] = top_pairs(copy.by_rel)
    return got


@dataclass(slots=True, frozen=True)
class PairRow:
    """One pair as the view lists it: the later report (opened) and the earlier one (compared)."""

    rank: int
    pair: SharedPair
    later: Report
    earlier: Report

    @property
    def later_share(self) -> float:
        return self.pair.share if self.later.rel == self.pair.report else self.pair.source_share

    @property
    def earlier_share(self) -> float:
        return self.pair.source_share if self.later.rel == self.pair.report else self.pair.share


def later_first(pair: SharedPair, workspace: Any) -> tuple[Report, Report] | None:
    """(later, earlier) of a pair's two reports: by publication (the year's statutory deadline when no date);
    when that does not tell them apart, the copying side counts as later. None when one is not read."""
    a, b = workspace.report(pair.report), workspace.report(pair.source)
    if a is None or b is None:
        return None
    da, db = publication_day(a), publication_day(b)
    if da is not None and db is not None and da < db:
        return b, a
    return a, b


def pair_rows(workspace: Any, limit: int = SHOWN) -> tuple[list[PairRow], int]:
    """The rows of the pairs view (at most ``limit``) and how many pairs the folder has."""
    pairs = folder_pairs(workspace.copy)
    rows: list[PairRow] = []
    for pair in pairs:
        if len(rows) >= limit:
            break
        order = later_first(pair, workspace)
        if order is not None:
            rows.append(PairRow(len(rows) + 1, pair, *order))
    return rows, len(pairs)
