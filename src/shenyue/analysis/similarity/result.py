"""What the detector found, and the per-report and per-section summaries built from it.

One type per idea from the engine to the screen: :class:`CopySpan` (a shared
stretch with its kind and holders), :class:`Shares` (how much of a stretch of
text is copied, and from whom) and :class:`CopySummary` (a report's spans,
shares and per-section shares). The list, the review pane, the score sheets,
``scan --json`` and the cross-report checks all read these; :func:`shares`
is the one place shares are computed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from shenyue.analysis.similarity.index import SpanArrays
from shenyue.analysis.similarity.kinds import (
    COMMON,
    COMMON_MIN,
    COMMON_SHARE,
    KINDS,
    PEER,
    REUSED_LATER,
    SAME_UNIT,
    common_threshold,
)
from shenyue.analysis.similarity.settings import Settings

__all__ = [
    "COMMON", "COMMON_MIN", "COMMON_SHARE", "PEER", "REUSED_LATER", "SAME_UNIT", "CopySpan", "CopySummary", "Entry", "Holder",
    "Lineage", "Shares", "SimilarityResult", "SourceShare", "common_threshold", "shares",
]  # fmt: skip

TOP_SOURCES = 5
_KIND_OF_CODE = dict(enumerate(KINDS))  # kinds.KIND_CODE inverted
_RELATION_KINDS = (PEER, SAME_UNIT, REUSED_LATER)  # a holder's relation code -> its kind


@dataclass(slots=True)
class Entry:
    """One report as the engine sees it."""

    rel: str
    sha: str
    unit: str | None = None  # the unit name as read from the report
    year: int | None = None
    text: str | None = None  # needed only when the cache does not know this content
    # or where to read it from then (a cached report's text, read when its fingerprints are made and not kept)
    read: Callable[[], str] | None = None
    length: int = 0  # characters of the text
    mask: list[tuple[int, int]] = field(default_factory=list)  # spans that are not prose (chrome, tables)
    # The same spans, kept after fingerprinting (the engine drops ``mask``): left out of every share's denominator,
    # so a share is of the prose a unit wrote, not of its statistics tables or a web page's header.
    outside: list[tuple[int, int]] = field(default_factory=list)
    unit_key: str | None = None  # which unit it is (:mod:`shenyue.model.units`; units.toml applied)


@dataclass(slots=True, frozen=True)
class Holder:
    """Another report holding a shared stretch: its path, year and relation (PEER or SAME_UNIT)."""

    report: str
    year: int | None
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {"report": self.report, "year": self.year, "kind": self.kind}


class CopySpan(NamedTuple):
    """``report[start:end]`` also occurs (allowing small edits) in ``other_report[other_start:other_end]``.

    ``kind`` is PEER (copied from another unit), SAME_UNIT (repeated from the
    same unit's earlier report), COMMON (common wording held by many units) or
    REUSED_LATER (only the same unit's later report repeats it: not copying).
    ``holders`` are the best few reports holding it, the source first.

    A named tuple, not a frozen dataclass: a folder has hundreds of thousands of spans, and a tuple is
    made five times faster (0.6 s of a warm scan of 10,000 reports went to making them).
    """

    report: str
    start: int
    end: int
    other_report: str
    other_start: int
    other_end: int
    kind: str
    n_reports: int  # how many reports of the folder share this text (1:1 copy = 2; template prose: many)
    similarity: float  # share of the span covered by exactly shared 10-character runs (0..1)
    n_units: int = 2  # how many distinct units hold it (the report's own unit included)
    holders: tuple[Holder, ...] = ()

    @property
    def copied(self) -> bool:
        """Copied from a peer or repeated from the same unit (not common wording)."""
        return self.kind in (PEER, SAME_UNIT)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": self.report,
            "start": self.start,
            "end": self.end,
            "other_report": self.other_report,
            "other_start": self.other_start,
            "other_end": self.other_end,
            "kind": self.kind,
            "n_reports": self.n_reports,
            "n_units": self.n_units,
            "similarity": round(self.similarity, 3),
            "holders": [h.to_json() for h in self.holders],
        }


@dataclass(slots=True, frozen=True)
class SourceShare:
    """Characters of a stretch copied from one source report (``kind`` PEER or SAME_UNIT).

    In :meth:`CopySummary.shared_with` (every report a report shares text with)
    ``kind`` may also be REUSED_LATER: a later report repeats this text.
    """

    path: str
    chars: int
    kind: str
    section: str | None = None  # the source's section the text sits in (section shares only)
    share: float = 0.0  # ``chars`` as a share of the stretch's prose (the same denominator as the kind shares)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "chars": self.chars, "kind": self.kind}
        if self.section is not None:
            out["section"] = self.section
        return out


@dataclass(slots=True)
class Shares:
    """How much of a stretch of text (a report, a section) is shared, by kind, and the main sources.

    ``peer_share`` and ``same_unit_share`` never include common wording;
    ``sources`` name only copying (peer and same-unit), most characters first.
    """

    peer_share: float = 0.0
    same_unit_share: float = 0.0
    common_share: float = 0.0
    sources: list[SourceShare] = field(default_factory=list)

    @property
    def share(self) -> float:
        """Copied share: from peers plus from the same unit's earlier years (common wording left out)."""
        return self.peer_share + self.same_unit_share

    @property
    def main_source(self) -> SourceShare | None:
        return self.sources[0] if self.sources else None

    def of(self, kind: str) -> float:
        return {PEER: self.peer_share, SAME_UNIT: self.same_unit_share, COMMON: self.common_share}[kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "peer_share": self.peer_share,
            "same_unit_share": self.same_unit_share,
            "common_share": self.common_share,
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass(slots=True, init=False, eq=False)
class CopySummary(Shares):
    """A report's shared text: its spans (by position), shares and per-section shares.

    A summary read back from the cache (:mod:`.summaries`) makes its spans from the result when they are
    first asked for: the list, the checks and ``scan --json`` read only the shares and the span count.
    """

    sections: dict[str, Shares]
    threshold: int  # units holding a stretch for it to be common wording in this folder
    outside: list[tuple[int, int]]  # not prose: left out of share denominators
    length: int  # characters of the report's text (0: not known)
    _spans: list[CopySpan] | None
    _made_by: Callable[[], list[CopySpan]] | None  # makes the spans when they are not kept
    _count: int  # how many spans, when they are not kept
    # the cached run whose result this summary is of, and the earlier run whose summary it is unchanged
    # (read back from the cache: :mod:`.summaries`); None without the cache
    run: str | None
    kept_from: str | None

    def __init__(
        self,
        peer_share: float = 0.0,
        same_unit_share: float = 0.0,
        common_share: float = 0.0,
        sources: list[SourceShare] | None = None,
        spans: list[CopySpan] | None = None,
        sections: dict[str, Shares] | None = None,
        threshold: int = COMMON_MIN,
        outside: list[tuple[int, int]] | None = None,
        length: int = 0,
        *,
        made_by: Callable[[], list[CopySpan]] | None = None,
        count: int = 0,
    ) -> None:
        Shares.__init__(self, peer_share, same_unit_share, common_share, [] if sources is None else sources)
        self._spans = [] if spans is None and made_by is None else spans
        self._made_by = made_by
        self._count = count
        self.sections = {} if sections is None else sections
        self.threshold = threshold
        self.outside = [] if outside is None else outside
        self.length = length
        self.run = None
        self.kept_from = None

    @property
    def spans(self) -> list[CopySpan]:
        """The spans, by position."""
        if self._spans is None:
            self._spans = self._made_by() if self._made_by is not None else []
            self._made_by = None
        return self._spans

    @property
    def n_spans(self) -> int:
        return len(self._spans) if self._spans is not None else self._count

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CopySummary):
            return NotImplemented
        return Shares.__eq__(self, other) and (self.spans, self.sections, self.threshold, self.outside, self.length) == (
            other.spans, other.sections, other.threshold, other.outside, other.length
        )  # fmt: skip

    def spans_in(self, start: int, end: int) -> list[CopySpan]:
        """The spans overlapping ``start..end``, by position."""
        starts = [s.start for s in self.spans]
        i = max(0, bisect_left(starts, start) - 1)
        out = []
        for s in self.spans[i:]:
            if s.start >= end:
                break
            if s.end > start:
                out.append(s)
        return out

    def shared_with(self, start: int = 0, end: int | None = None, other: str | None = None) -> list[SourceShare]:
        """Every report this one (or its ``start..end``) shares text with, most characters first.

        Copied text (PEER, SAME_UNIT) and text a later report repeats
        (REUSED_LATER), each with its share of the prose; common wording names
        no report. ``other`` keeps only that report. Counted by :func:`shares`.
        """
        end = self.length if end is None else end
        spans = self.spans_in(start, end) if (start, end) != (0, self.length) else self.spans
        if other is not None:
            spans = [s for s in spans if s.other_report == other]
        return shares(spans, start, end, outside=self.outside, top=None, later=True).sources

    def to_json(self) -> dict[str, Any]:
        out = Shares.to_json(self)
        out["n_spans"] = self.n_spans
        out["common_threshold"] = self.threshold
        out["sections"] = {k: v.to_json() for k, v in self.sections.items()}
        return out


def _overlap(spans: Iterable[tuple[int, int]], lo: int, hi: int) -> int:
    """Characters of ``lo..hi`` that sorted, non-overlapping ``spans`` cover."""
    return sum(max(0, min(b, hi) - max(a, lo)) for a, b in spans)


def shares(
    spans: Iterable[CopySpan],
    lo: int,
    hi: int,
    other_sections: dict[str, Sequence[Any]] | None = None,
    outside: Sequence[tuple[int, int]] = (),
    *,
    top: int | None = TOP_SOURCES,
    later: bool = False,
    ordered: bool = False,
) -> Shares:
    """The shares of ``lo..hi`` covered by ``spans``, by kind, and its main sources.

    The one function that computes shares: the list, the review pane, the
    score sheets and the checks all read its result. Characters covered twice
    count once (for the first span's kind). With ``other_sections`` (path ->
    sections of that report) every source also names the source's section.
    ``outside`` (chrome, statistics tables) is not prose: it is left out of
    the denominator, so a share is of the text a unit wrote. ``top`` sources
    are named (None: all); with ``later`` a report that repeats this text later
    (REUSED_LATER) is named too (it is never counted in a share). ``ordered``:
    the spans are already sorted by (start, end).
    """
    size = max(0, hi - lo - _overlap(outside, lo, hi))
    if not size:
        return Shares()
    peer = same = common = 0
    by_source: dict[tuple[str, str, str | None], int] = defaultdict(int)
    last = lo
    for s in spans if ordered else sorted(spans, key=_position):
        a = s.start if s.start > last else last
        b = s.end if s.end < hi else hi
        if b <= a:
            continue
        last = b
        kind = s.kind
        if kind == PEER:
            peer += b - a
        elif kind == SAME_UNIT:
            same += b - a
        elif kind == COMMON:
            common += b - a
            continue
        elif not (later and kind == REUSED_LATER):
            continue
        sec = None
        if other_sections is not None:
            sec = _section_at(other_sections.get(s.other_report, ()), s.other_start, s.other_end)
        by_source[(s.other_report, kind, sec)] += b - a
    top_sources = sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0][0]))[:top]
    return Shares(
        peer_share=round(peer / size, 4),
        same_unit_share=round(same / size, 4),
        common_share=round(common / size, 4),
        sources=[SourceShare(path, n, kind, sec, round(n / size, 4)) for (path, kind, sec), n in top_sources],
    )


def _position(span: CopySpan) -> tuple[int, int]:
    return (span.start, span.end)


@dataclass(slots=True, frozen=True)
class Lineage:
    """Where a cached run's result comes from, for the caches built on it (:mod:`.summaries`).

    ``run`` is the result's run id (its result file's). ``base`` is the run whose spans it kept: its own
    when it was read whole from the cache, the last run's after an update, None after a whole match.
    ``fresh`` marks the reports (engine order) whose spans this run computed (None: every one).
    """

    key: str
    run: str
    base: str | None
    fresh: np.ndarray | None
    summaries: Path


class SimilarityResult:
    """Spans of shared text for a set of reports.

    ``entries`` are the reports in the engine's order; span arrays index them. ``lineage`` is set when
    the result is cached (None with the cache off).
    """

    def __init__(self, entries: list[Entry], spans: SpanArrays, settings: Settings, lineage: Lineage | None = None):
        self.entries = entries
        self.arrays = spans
        self.settings = settings
        self.lineage = lineage
        self._index = {e.rel: i for i, e in enumerate(entries)}
        self._threshold: int | None = None
        # each report's holder in each relation (peer, same unit, later year), made when first asked for
        self._holders: dict[int, tuple[Holder, Holder, Holder]] = {}
        self._unit_year: tuple[np.ndarray, np.ndarray] | None = None
        self._rel: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # spans come sorted by report number: one slice per report
        self._bounds = np.searchsorted(spans.report, np.arange(len(entries) + 1)) if len(entries) else np.zeros(1, int)

    def __len__(self) -> int:
        return len(self.arrays)

    @property
    def rels(self) -> list[str]:
        return [e.rel for e in self.entries]

    @property
    def threshold(self) -> int:
        """How many distinct units make a stretch common wording in this folder (computed once)."""
        if self._threshold is None:
            keys = [e.unit_key for e in self.entries]
            self._threshold = common_threshold(len({k for k in keys if k}) + sum(1 for k in keys if not k))
        return self._threshold

    def entry(self, rel: str) -> Entry | None:
        i = self._index.get(rel)
        return None if i is None else self.entries[i]

    def index_of(self, rel: str) -> int | None:
        """The report's number in :attr:`entries` (and in the span arrays)."""
        return self._index.get(rel)

    def _units_and_years(self) -> tuple[np.ndarray, np.ndarray]:
        """Every report's unit number (a report with no unit is its own, negative) and year (0 unknown)."""
        if self._unit_year is None:
            ids: dict[str, int] = {}
            uid = np.array(
                [ids.setdefault(e.unit_key, len(ids)) if e.unit_key else -1 - i for i, e in enumerate(self.entries)],
                dtype=np.int64,
            )
            yr = np.array([e.year or 0 for e in self.entries], dtype=np.int64)
            self._unit_year = (uid, yr)
        return self._unit_year

    def _relations_of(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows ``lo..hi``'s relation to their three holders (0 peer, 1 same unit, 2 the same unit's later
        year), as :meth:`_holder` would one by one."""
        a = self.arrays
        if not self.entries or lo >= hi:
            empty = np.zeros(0, np.int8)
            return (empty, empty, empty)
        uid, yr = self._units_and_years()
        me = a.report[lo:hi].astype(np.int64)
        rel = []
        for col in (a.other, a.holder1, a.holder2):
            o = np.maximum(col[lo:hi].astype(np.int64), 0)
            same = uid[me] == uid[o]
            later = same & (yr[o] > yr[me]) & (yr[me] > 0)
            rel.append(np.where(later, 2, same.astype(np.int8)).astype(np.int8))
        return (rel[0], rel[1], rel[2])

    def _relations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every span's relation to its three holders (computed once for the folder)."""
        if self._rel is None:
            self._rel = self._relations_of(0, len(self.arrays))
        return self._rel

    def _make(self, lo: int, hi: int) -> list[CopySpan]:
        """The spans of rows ``lo..hi`` (one report's rows, or a part of them)."""
        a = self.arrays
        cols = [getattr(a, f)[lo:hi].tolist() for f in ("start", "end", "other", "other_start", "other_end",
                                                       "kind", "n_reports", "similarity", "n_units", "holder1", "holder2")]  # fmt: skip
        if self._rel is not None:
            rels = [r[lo:hi].tolist() for r in self._rel]
        else:  # one report opened: its rows only, not the whole folder's
            rels = [r.tolist() for r in self._relations_of(lo, hi)]
        if lo < hi:
            rel = self.entries[int(a.report[lo])].rel  # rows of one report
        entries, holder = self.entries, self._holder_of
        out = []
        for start, end, other, o_start, o_end, kind, n_rep, sim, n_units, h1, h2, r0, r1, r2 in zip(*cols, *rels):
            if h1 < 0:
                hs: tuple[Holder, ...] = (holder(other)[r0],)
            elif h2 < 0:
                hs = (holder(other)[r0], holder(h1)[r1])
            else:
                hs = (holder(other)[r0], holder(h1)[r1], holder(h2)[r2])
            out.append(
                CopySpan(rel, start, end, entries[other].rel, o_start, o_end, _KIND_OF_CODE[kind], n_rep, sim,
                         n_units, hs)
            )  # fmt: skip
        return out

    def _holder_of(self, i: int) -> tuple[Holder, Holder, Holder]:
        """Report ``i`` as a holder in each relation (peer, same unit, later year), made once when asked."""
        made = self._holders.get(i)
        if made is None:
            e = self.entries[i]
            made = self._holders[i] = (
                Holder(e.rel, e.year, _RELATION_KINDS[0]),
                Holder(e.rel, e.year, _RELATION_KINDS[1]),
                Holder(e.rel, e.year, _RELATION_KINDS[2]),
            )
        return made

    def spans(self) -> list[CopySpan]:
        """Every span, by report path then position."""
        order = sorted(range(len(self.entries)), key=lambda i: self.entries[i].rel)
        out: list[CopySpan] = []
        for i in order:
            out.extend(self._make(int(self._bounds[i]), int(self._bounds[i + 1])))
        return out

    def spans_of(self, rel: str) -> list[CopySpan]:
        """The spans of one report, by position."""
        i = self._index.get(rel)
        if i is None:
            return []
        return self._make(int(self._bounds[i]), int(self._bounds[i + 1]))

    def to_json(self) -> list[dict[str, Any]]:
        """The list ``shenyue similar --json`` prints."""
        import json

        return json.loads(self.to_json_text())

    def to_json_text(self) -> str:
        """The spans as JSON text (the keys of :meth:`CopySpan.to_json`), built fast for large folders."""
        import json

        a = self.arrays
        E = len(self.entries)
        names = [json.dumps(e.rel, ensure_ascii=False) for e in self.entries]
        rel_kind = [json.dumps(k) for k in (PEER, SAME_UNIT, REUSED_LATER)]
        # every holder's JSON, once per report and relation (peer, same unit, the same unit's later year)
        frag = [
            [f'{{"report": {names[o]}, "year": {json.dumps(e.year)}, "kind": {k}}}' for k in rel_kind]
            for o, e in enumerate(self.entries)
        ]
        rels = self._relations()
        (other, rel0), (h1, rel1), (h2, rel2) = (
            (col.tolist(), r.tolist()) for col, r in zip((a.other, a.holder1, a.holder2), rels)
        )
        start, end, o_start, o_end = (x.tolist() for x in (a.start, a.end, a.other_start, a.other_end))
        n_rep, n_units, kind = a.n_reports.tolist(), a.n_units.tolist(), a.kind.tolist()
        sim = np.round(a.similarity.astype(np.float64), 3).tolist()
        kinds = {code: json.dumps(k) for code, k in _KIND_OF_CODE.items()}

        items = []
        for i in sorted(range(E), key=lambda i: self.entries[i].rel):
            rel = names[i]
            for j in range(int(self._bounds[i]), int(self._bounds[i + 1])):
                hs = frag[other[j]][rel0[j]]
                if h1[j] >= 0:
                    hs += ", " + frag[h1[j]][rel1[j]]
                    if h2[j] >= 0:
                        hs += ", " + frag[h2[j]][rel2[j]]
                items.append(
                    f'{{"report": {rel}, "start": {start[j]}, "end": {end[j]}, "other_report": {names[other[j]]}, '
                    f'"other_start": {o_start[j]}, "other_end": {o_end[j]}, "kind": {kinds[kind[j]]}, '
                    f'"n_reports": {n_rep[j]}, "n_units": {n_units[j]}, "similarity": {sim[j]!r}, "holders": [{hs}]}}'
                )
        return "[" + ", ".join(items) + "]"

    # ------------------------------------------------------------------ summaries

    def summary(
        self, rel: str, sections: Sequence[Any] = (), other_sections: dict[str, Sequence[Any]] | None = None
    ) -> CopySummary:
        """Spans and shares of one report, and of each of its sections.

        ``sections`` are objects with ``key``, ``start`` and ``end`` (the report's
        sections); with ``other_sections`` (path -> sections of that report) every
        section source also names the source's section.
        """
        entry = self.entry(rel)
        spans = self.spans_of(rel)
        outside = entry.outside if entry else []
        positions = [(s.start, s.end) for s in spans]
        ordered = all(a <= b for a, b in zip(positions, positions[1:]))  # the usual case: no sort needed
        whole = shares(spans, 0, entry.length if entry else 0, outside=outside, ordered=ordered)
        # the spans are made again from the result when something asks for them (the review screen): a large
        # folder's span objects kept in every summary took 1.3 GB at 100,000 reports
        out = CopySummary(whole.peer_share, whole.same_unit_share, whole.common_share, whole.sources,
                          made_by=partial(self.spans_of, rel), count=len(spans))  # fmt: skip
        out.threshold = self.threshold
        out.outside = outside
        out.length = entry.length if entry else 0
        starts = [p[0] for p in positions]
        reach = list(accumulate((s.end for s in spans), max))  # how far the spans up to each one reach
        by_start = all(a <= b for a, b in zip(starts, starts[1:]))  # by position: the usual case
        for sec in sections:
            if by_start:  # only the spans that can touch the section are looked at
                first = bisect_right(reach, sec.start)  # the spans before it all end at or before the section
                near = spans[first : bisect_left(starts, sec.end)]
            else:
                near = spans
            clipped = [s for s in near if s.end > sec.start and s.start < sec.end]
            out.sections[sec.key] = shares(clipped, sec.start, sec.end, other_sections, outside, ordered=ordered)
        return out

    def section_pairs(
        self, rel: str, sections: Sequence[Any], other_sections: dict[str, Sequence[Any]]
    ) -> list[dict[str, Any]]:
        """Section-to-section pairs of copied text: ``{"section", "other_report", "other_section", "chars", "kind"}``.

        Sorted by shared characters, largest first; common wording is left out.
        """
        pairs: dict[tuple[str, str, str, str], int] = defaultdict(int)
        for span in self.spans_of(rel):
            if not span.copied:
                continue
            for sec in sections:
                chars = min(span.end, sec.end) - max(span.start, sec.start)
                if chars <= 0:
                    continue
                other = _section_at(other_sections.get(span.other_report, ()), span.other_start, span.other_end)
                pairs[(sec.key, span.other_report, other or "", span.kind)] += chars
        rows = [
            {"section": s, "other_report": o, "other_section": os_ or None, "chars": c, "kind": k}
            for (s, o, os_, k), c in pairs.items()
        ]
        rows.sort(key=lambda r: (-r["chars"], r["section"], r["other_report"]))
        return rows


def _section_at(sections: Sequence[Any], start: int, end: int) -> str | None:
    best, best_overlap = None, 0
    for sec in sections:
        overlap = min(end, sec.end) - max(start, sec.start)
        if overlap > best_overlap:
            best, best_overlap = sec.key, overlap
    return best
