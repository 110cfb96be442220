"""What the detector found, and the per-report and per-section summaries built from it."""

from __future__ import annotations

import math

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shenyue.analysis.similarity.index import SpanArrays
from shenyue.analysis.similarity.settings import Settings

SAME_UNIT = "same_unit"  # the source is the same unit's report (another year: 照搬往年)
PEER = "peer"  # the source is another unit's report
TOP_SOURCES = 5


# Text shared by this many reports of a folder is common wording (套话), not a
# one-to-one copy: at least COMMON_SHARE of the folder, never fewer than COMMON_MIN.
COMMON_SHARE = 0.1
COMMON_MIN = 4


def common_threshold(n_reports_in_folder: int) -> int:
    """How many reports must share a span for it to count as common wording (套话)."""
    return max(COMMON_MIN, math.ceil(COMMON_SHARE * n_reports_in_folder))


@dataclass(slots=True)
class Entry:
    """One report as the engine sees it."""

    rel: str
    sha: str
    unit: str | None = None
    year: int | None = None
    text: str | None = None  # needed only when the cache does not know this content
    length: int = 0  # characters of the text
    mask: list[tuple[int, int]] = field(default_factory=list)  # spans that are not prose (chrome, tables)


@dataclass(slots=True, frozen=True)
class CopySpan:
    """``report[start:end]`` also occurs (allowing small edits) in ``other_report[other_start:other_end]``."""

    report: str
    start: int
    end: int
    other_report: str
    other_start: int
    other_end: int
    kind: str  # SAME_UNIT or PEER
    n_reports: int  # how many reports of the folder share this text (1:1 copy = 2; template prose: many)
    similarity: float  # share of the span covered by exactly shared 10-character runs (0..1)

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
            "similarity": round(self.similarity, 3),
        }


class SimilarityResult:
    """Spans of shared text for a set of reports.

    ``entries`` are the reports in the engine's order; span arrays index them.
    """

    def __init__(self, entries: list[Entry], spans: SpanArrays, settings: Settings):
        self.entries = entries
        self.arrays = spans
        self.settings = settings
        self._index = {e.rel: i for i, e in enumerate(entries)}
        # spans come sorted by report number: one slice per report
        self._bounds = np.searchsorted(spans.report, np.arange(len(entries) + 1)) if len(entries) else np.zeros(1, int)

    def __len__(self) -> int:
        return len(self.arrays)

    @property
    def rels(self) -> list[str]:
        return [e.rel for e in self.entries]

    def entry(self, rel: str) -> Entry | None:
        i = self._index.get(rel)
        return None if i is None else self.entries[i]

    def _make(self, rows: Iterable[int]) -> Iterator[CopySpan]:
        a = self.arrays
        for i in rows:
            yield CopySpan(
                report=self.entries[a.report[i]].rel,
                start=int(a.start[i]),
                end=int(a.end[i]),
                other_report=self.entries[a.other[i]].rel,
                other_start=int(a.other_start[i]),
                other_end=int(a.other_end[i]),
                kind=SAME_UNIT if a.same_unit[i] else PEER,
                n_reports=int(a.n_reports[i]),
                similarity=float(a.similarity[i]),
            )

    def spans(self) -> list[CopySpan]:
        """Every span, by report path then position."""
        order = sorted(range(len(self.entries)), key=lambda i: self.entries[i].rel)
        rows: list[int] = []
        for i in order:
            rows.extend(range(int(self._bounds[i]), int(self._bounds[i + 1])))
        return list(self._make(rows))

    def spans_of(self, rel: str) -> list[CopySpan]:
        """The spans of one report, by position."""
        i = self._index.get(rel)
        if i is None:
            return []
        return list(self._make(range(int(self._bounds[i]), int(self._bounds[i + 1]))))

    def _json_columns(self) -> tuple[list, ...]:
        """start, end, other, other_start, other_end, same_unit, n_reports, similarity as lists."""
        a = self.arrays
        return (
            a.start.tolist(),
            a.end.tolist(),
            a.other.tolist(),
            a.other_start.tolist(),
            a.other_end.tolist(),
            a.same_unit.tolist(),
            a.n_reports.tolist(),
            np.round(a.similarity.astype(np.float64), 3).tolist(),
        )

    def to_json(self) -> list[dict[str, Any]]:
        """The list ``shenyue similar --json`` prints."""
        rels = [e.rel for e in self.entries]
        cols = zip(self.arrays.report.tolist(), *self._json_columns())
        out = [
            {
                "report": rels[r],
                "start": s,
                "end": e,
                "other_report": rels[o],
                "other_start": os_,
                "other_end": oe,
                "kind": SAME_UNIT if su else PEER,
                "n_reports": n,
                "similarity": sim,
            }
            for r, s, e, o, os_, oe, su, n, sim in cols
        ]
        out.sort(key=lambda d: (d["report"], d["start"]))
        return out

    def to_json_text(self) -> str:
        """``json.dumps(self.to_json(), ensure_ascii=False)``, built faster for large folders."""
        import json

        names = [json.dumps(e.rel, ensure_ascii=False) for e in self.entries]
        start, end, other, o_start, o_end, same, n_rep, sim = self._json_columns()
        kinds = (json.dumps(PEER), json.dumps(SAME_UNIT))
        items = []
        for i in sorted(range(len(self.entries)), key=lambda i: self.entries[i].rel):
            rel = names[i]
            for j in range(int(self._bounds[i]), int(self._bounds[i + 1])):
                items.append(
                    f'{{"report": {rel}, "start": {start[j]}, "end": {end[j]}, "other_report": {names[other[j]]}, '
                    f'"other_start": {o_start[j]}, "other_end": {o_end[j]}, "kind": {kinds[same[j]]}, '
                    f'"n_reports": {n_rep[j]}, "similarity": {sim[j]!r}}}'
                )
        return "[" + ", ".join(items) + "]"

    # ------------------------------------------------------------------ summaries

    def summary(self, rel: str, sections: Sequence[Any] = (), other_sections: dict[str, Sequence[Any]] | None = None) -> dict[str, Any]:
        """Copy shares of one report, and of each of its sections.

        ``{"peer_share", "same_unit_share", "sources": [{"path", "chars", "kind"}],
        "n_spans", "sections": {key: {"peer_share", "same_unit_share", "sources"}}}``.
        ``sections`` are objects with ``key``, ``start`` and ``end`` (the report's
        sections); with ``other_sections`` (path -> sections of that report) every
        section source also names the source's section (``"section"``): the
        section-to-section pairs the side-by-side view shows.
        """
        entry = self.entry(rel)
        spans = self.spans_of(rel)
        length = entry.length if entry else 0
        out = _shares(spans, 0, length)
        out["n_spans"] = len(spans)
        secs: dict[str, Any] = {}
        for sec in sections:
            clipped = [s for s in spans if s.end > sec.start and s.start < sec.end]
            secs[sec.key] = _shares(clipped, sec.start, sec.end, other_sections)
        out["sections"] = secs
        return out

    def section_pairs(self, rel: str, sections: Sequence[Any], other_sections: dict[str, Sequence[Any]]) -> list[dict[str, Any]]:
        """Section-to-section pairs of one report: ``{"section", "other_report", "other_section", "chars", "kind"}``.

        Sorted by shared characters, largest first.
        """
        pairs: dict[tuple[str, str, str, str], int] = defaultdict(int)
        for span in self.spans_of(rel):
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


def _shares(spans: list[CopySpan], lo: int, hi: int, other_sections: dict[str, Sequence[Any]] | None = None) -> dict[str, Any]:
    size = max(0, hi - lo)
    chars = {PEER: 0, SAME_UNIT: 0}
    by_source: dict[tuple[str, str, str | None], int] = defaultdict(int)
    for s in spans:
        a, b = (max(s.start, lo), min(s.end, hi)) if size else (s.start, s.end)
        n = b - a
        if n <= 0:
            continue
        chars[s.kind] += n
        sec = None
        if other_sections is not None:
            sec = _section_at(other_sections.get(s.other_report, ()), s.other_start, s.other_end)
        by_source[(s.other_report, s.kind, sec)] += n
    top = sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0][0]))[:TOP_SOURCES]
    sources = []
    for (path, kind, sec), n in top:
        item: dict[str, Any] = {"path": path, "chars": n, "kind": kind}
        if other_sections is not None:
            item["section"] = sec
        sources.append(item)
    return {
        "peer_share": round(chars[PEER] / size, 4) if size else 0.0,
        "same_unit_share": round(chars[SAME_UNIT] / size, 4) if size else 0.0,
        "sources": sources,
    }
