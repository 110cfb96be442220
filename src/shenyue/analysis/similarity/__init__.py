"""Copy and boilerplate detection across a folder of reports.

Character k-gram winnowing over the whole folder (numpy, one global sort,
linear in the folder's size), statutory wording masked before hashing,
spans merged across small edits, attributed to a source report (the same
unit's earlier year first), told apart as copied from a peer, repeated from
the same unit or common wording (:mod:`.kinds`), and cached on disk. rapidfuzz aligns a span with its source on demand.

Typical use::

    result = find_copies(reports)          # reports: list[shenyue.model.report.Report]
    attach_copy_info(reports, result)      # report.copy = CopySummary (spans, shares, sources, sections)
    result.to_json()                       # the spans `shenyue similar --json` prints
    align(text, s.start, s.end, other_text, s.other_start, s.other_end)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from shenyue.analysis.similarity.kinds import COMMON, PEER, REUSED_LATER, SAME_UNIT, common_threshold

# numpy-backed types are imported on first use, so code that only needs the kinds
# (the cross-report checks during a plain scan) does not pay for numpy
_LAZY = {
    "CopySpan": "result",
    "CopySummary": "result",
    "Entry": "result",
    "Holder": "result",
    "Shares": "result",
    "SimilarityResult": "result",
    "SourceShare": "result",
    "shares": "result",
    "DEFAULT": "settings",
    "Settings": "settings",
    "Statutory": "statutory",
    "load_statutory": "statutory",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    value = getattr(importlib.import_module(f"shenyue.analysis.similarity.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from shenyue.analysis.similarity.alignment import Alignment
    from shenyue.analysis.similarity.engine import Progress
    from shenyue.analysis.similarity.result import Entry, SimilarityResult
    from shenyue.analysis.similarity.settings import Settings
    from shenyue.analysis.similarity.statutory import Statutory
    from shenyue.model.report import Report
    from shenyue.model.units import UnitMap

__all__ = [
    "COMMON",
    "PEER",
    "REUSED_LATER",
    "SAME_UNIT",
    "CopySpan",
    "CopySummary",
    "Entry",
    "Holder",
    "Shares",
    "SourceShare",
    "shares",
    "Settings",
    "SimilarityResult",
    "Statutory",
    "align",
    "attach_copy_info",
    "common_threshold",
    "find_copies",
    "load_statutory",
]


def _folder_of(reports: Sequence["Report"]) -> Path | None:
    for r in reports:
        path = str(r.path)
        rel = r.rel
        if rel and path.replace("\\", "/").endswith(rel):
            return Path(path[: len(path) - len(rel)] or ".")
    return None


def not_prose(report: "Report") -> list[tuple[int, int]]:
    """Spans of a report that are never compared: web-page chrome and statistics tables."""
    spans = [(c.start, c.end) for c in report.chrome]
    spans += [(t.start, t.end) for t in report.table_spans]
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlaps joined (chrome and table regions may overlap)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def find_copies(
    reports: Sequence["Report"],
    *,
    folder: Path | None = None,
    cache: bool = True,
    progress: "Progress | None" = None,
    settings: "Settings | None" = None,
    statutory: "Statutory | None" = None,
    units: "UnitMap | None" = None,
) -> "SimilarityResult":
    """Spans of text each report shares with other reports of ``reports``.

    ``folder`` (default: the reports' common folder) names the cache and is
    where a user's ``statutory.toml`` and ``units.toml`` are looked for
    (``units`` given: used instead). With ``cache=False`` nothing is read from
    or written to the disk cache.
    """
    from shenyue.analysis.similarity.engine import run
    from shenyue.analysis.similarity.settings import DEFAULT
    from shenyue.model.units import load_units

    settings = settings or DEFAULT

    if folder is None:
        folder = _folder_of(reports)
    if units is None:
        units = load_units(folder)
    entries = [entry_of(r) for r in reports]
    return run(entries, folder=folder, settings=settings, statutory=statutory, use_cache=cache, progress=progress,
               units=units)  # fmt: skip


def entry_of(report: "Report") -> "Entry":
    """The report as the copy index sees it."""
    from shenyue.analysis.similarity.result import Entry

    mask = not_prose(report)
    # a text still in the report cache is read only if the copy index does not know its fingerprints, and
    # then not kept
    text = report.text if report.doc.text_loaded else None
    read = None if text is not None else report.doc.read_text
    return Entry(rel=report.rel, sha=report.doc.sha256, unit=report.unit, year=report.year, text=text, read=read,
                 length=report.doc.length, mask=mask, outside=mask)  # fmt: skip


def prefetch_cache(folder: Path) -> None:
    """Start checking the folder's copy-index cache files (the fingerprint store, the last match's state,
    result and summaries) in a thread, while the caller loads the cached reports."""
    from shenyue.analysis.similarity import cache as disk

    root, fkey = disk.cache_root(), disk.folder_key(folder)
    disk.prefetch(p for kind in ("prints", "added", "result", "shared", "summaries")
                  if (p := root / f"{kind}-{fkey}.bin").is_file())  # fmt: skip


def attach_copy_info(reports: Sequence["Report"], result: "SimilarityResult") -> None:
    """Set ``report.copy`` (a :class:`CopySummary`) and ``report.unit_key`` for every report of ``result``.

    A section source's ``section`` is the source report's section the text sits in.
    """
    sections_by_rel = {r.rel: r.sections for r in reports}
    found = [(r, entry) for r in reports if (entry := result.entry(r.rel)) is not None]
    digests: dict[str, int] = {}
    kept: dict = {}
    if result.lineage is not None:  # the last run's summaries that still hold (:mod:`.summaries`)
        from shenyue.analysis.similarity import summaries

        digests = {r.rel: summaries.digest(e.length, e.outside, r.sections) for r, e in found}
        kept = summaries.load(result, digests)
    made = 0
    lineage = result.lineage
    for r, entry in found:
        r.unit_key = entry.unit_key
        r.copy = kept.get(r.rel)
        if r.copy is None:
            r.copy = result.summary(r.rel, r.sections, sections_by_rel)
            made += 1
        elif lineage is not None:
            r.copy.kept_from = lineage.base
        if lineage is not None:
            r.copy.run = lineage.run
    if made and result.lineage is not None:
        from shenyue.analysis.similarity.engine import write_later

        write_later(summaries.save, result, {r.rel: r.copy for r in reports if r.copy is not None}, digests)
    if result.lineage is not None:  # the cache files this run checked ahead and did not read are let go
        from shenyue.analysis.similarity import cache as disk

        disk.drop_prefetched()


def align(
    text: str, start: int, end: int, other_text: str, other_start: int, other_end: int, *, pad: int = 40
) -> "Alignment":
    """Exactly which characters of a span differ from its source (see :mod:`.alignment`)."""
    from shenyue.analysis.similarity.alignment import align as _align

    return _align(text, start, end, other_text, other_start, other_end, pad=pad)
