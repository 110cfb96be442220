"""The most similar pairs of reports of a folder, from the per-report copy summaries.

Each report's :meth:`~shenyue.analysis.similarity.result.CopySummary.shared_with`
names every report it shares text with; a pair is two reports where at least
one of them copied from the other (PEER) or repeated it (SAME_UNIT). Common
wording never makes a pair. ``shenyue similar --pairs`` prints these, and the
app's pairs view lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shenyue.analysis.similarity.kinds import PEER, SAME_UNIT
from shenyue.analysis.similarity.result import CopySummary, SourceShare

__all__ = ["SharedPair", "top_pairs"]


@dataclass(slots=True, frozen=True)
class SharedPair:
    """Two reports sharing copied text.

    ``report`` holds the text as copied (its spans name ``source`` as PEER or
    SAME_UNIT); ``chars`` is the larger of the two sides' shared characters;
    ``share``/``source_share`` are the shares of each side's prose it covers.
    ``kind`` is SAME_UNIT when both are one unit's reports, else PEER (as the copying side's spans say).
    """

    report: str
    source: str
    kind: str
    chars: int
    share: float
    source_share: float


def top_pairs(summaries: Mapping[str, CopySummary], limit: int | None = None) -> list[SharedPair]:
    """Pairs of reports sharing copied text, most shared characters first (ties by path)."""
    sides: dict[str, dict[str, SourceShare]] = {}
    for rel, summary in summaries.items():
        mine: dict[str, SourceShare] = {}
        for src in summary.shared_with():
            if src.path != rel and (src.path not in mine or src.chars > mine[src.path].chars):
                mine[src.path] = src
        sides[rel] = mine
    pairs: list[SharedPair] = []
    for a, mine in sides.items():
        for b, ab in mine.items():
            ba = sides.get(b, {}).get(a)
            if b < a and ba is not None:
                continue  # counted from b's side
            copied_ab = ab.kind in (PEER, SAME_UNIT)
            copied_ba = ba is not None and ba.kind in (PEER, SAME_UNIT)
            if not (copied_ab or copied_ba):
                continue
            # the copying side: the one whose spans call it copied (the larger one when both do)
            if copied_ba and (not copied_ab or ba.chars > ab.chars):  # type: ignore[union-attr]
                report, source, mine_side, theirs = b, a, ba, ab
            else:
                report, source, mine_side, theirs = a, b, ab, ba
            # the copying side's kind tells one unit from two (REUSED_LATER is said of peers and the same unit alike)
            kind = mine_side.kind  # type: ignore[union-attr]
            chars = max(ab.chars, ba.chars if ba is not None else 0)
            pairs.append(
                SharedPair(
                    report=report,
                    source=source,
                    kind=kind,
                    chars=chars,
                    share=mine_side.share,  # type: ignore[union-attr]
                    source_share=theirs.share if theirs is not None else 0.0,
                )
            )
    pairs.sort(key=lambda p: (-p.chars, p.report, p.source))
    return pairs[:limit]
