"""The copy index matched in a thread while the cached reports load.

After a few files of a large folder changed, a scan builds those reports and loads every other one from
the report cache; the copy index is then updated for the changed ones. Loading is Python work (unpickling),
the update mostly numpy work that leaves the interpreter lock, so they overlap well on two cores: at
10,000 reports with one file changed, loading took 1.4-2.0 s and the match 1.4-1.7 s one after the other,
2.3-3.0 s together.

The match needs little of a report the cache holds: its path and content hash; the copy index's own
store has the rest (unit, year, length, the spans that are not prose). So :func:`scan_folder
<shenyue.analysis.scan.scan_folder>` builds the changed files first, hands them and the cached files'
paths and hashes to :meth:`CopiesAhead.start`, and loads the cached reports meanwhile. A content the
store does not know waits for its report (:meth:`CopiesAhead.result` hands the loaded reports over).

The result is used only when the match ran on exactly the reports the scan gave (same paths and content
hashes): a cached report that failed its check and was read again may have become
unreadable this time. Otherwise, and when the match failed, the caller matches as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shenyue.analysis.similarity.result import Entry, SimilarityResult
    from shenyue.model.report import Report
    from shenyue.model.units import UnitMap

Progress = Callable[[int, int, str], None]

MAX_FRESH_SHARE = 0.05  # beyond this share of new or changed files the match waits for the scan
MIN_FRESH = 20  # ... but this many may always be new


class CopiesAhead:
    """One scan's copy-index match, started by the scan once its changed files are built."""

    def __init__(self, folder: Path, units: UnitMap, *, cache: bool = True) -> None:
        self.folder, self.units, self.cache = folder, units, cache
        self._thread: threading.Thread | None = None
        self._entries: list[Entry] = []
        self._result: SimilarityResult | None = None
        self._failed = False
        self._fetch: Callable[[list[str]], list[Report]] | None = None
        self._reports_ready = threading.Event()
        self._progress: tuple[int, int, str] | None = None

    def start(self, items: Sequence[Report | tuple[str, str]]) -> None:
        """Start the match: ``items`` are the scan's reports in listing order, a built report or, for one the
        report cache holds, its path and content hash. Not started when too many were built."""
        from shenyue.analysis.similarity import entry_of
        from shenyue.analysis.similarity.result import Entry
        from shenyue.model.units import apply_units

        built = [item for item in items if not isinstance(item, tuple)]
        if not self.cache or len(built) > max(MIN_FRESH, MAX_FRESH_SHARE * len(items)):
            return
        apply_units(built, self.units)  # as the scan's end applies them (the same again there)
        self._entries = [
            Entry(rel=item[0], sha=item[1]) if isinstance(item, tuple) else entry_of(item) for item in items
        ]
        self._thread = threading.Thread(target=self._match, name="shenyue-copies-ahead", daemon=True)
        self._thread.start()

    def _match(self) -> None:
        from shenyue.analysis.similarity.engine import run

        def progress(done: int, total: int, rel: str) -> None:
            self._progress = (done, total, rel)

        try:
            self._result = run(self._entries, folder=self.folder, use_cache=True, progress=progress,
                               loader=self._load, units=self.units)  # fmt: skip
        except Exception:  # matched again the usual way, where an error is reported as usual
            self._failed = True

    def _load(self, need: list[Entry]) -> list[Entry]:
        """Entries the store does not know, completed from their reports once the scan has them all."""
        from shenyue.analysis.similarity import entry_of

        self._reports_ready.wait()
        by_rel = {r.rel: r for r in (self._fetch([e.rel for e in need]) if self._fetch is not None else ())}
        done = []
        for e in need:
            report = by_rel.get(e.rel)
            if report is None or report.doc.sha256 != e.sha:
                continue  # not a report this time: the result will not be used
            full = entry_of(report)
            e.unit, e.year, e.text, e.read, e.length = full.unit, full.year, full.text, full.read, full.length
            e.mask, e.outside = full.mask, full.outside
            done.append(e)
        return done

    def started(self) -> bool:
        return self._thread is not None

    def result(self, reports: list[Report], progress: Progress | None = None) -> SimilarityResult | None:
        """The match of ``reports`` (the scan's, units applied), waited for; None when it was not started,
        failed, or ran on other reports."""
        return self.result_of([(r.rel, r.doc.sha256) for r in reports], lambda rels: reports, progress)

    def result_of(
        self,
        pairs: list[tuple[str, str]],
        fetch: Callable[[list[str]], list[Report]],
        progress: Progress | None = None,
    ) -> SimilarityResult | None:
        """:meth:`result` of the scan's reports given by path and content hash; ``fetch`` gives the reports
        of paths the copy index does not know (the match waits for them)."""
        if self._thread is None:
            return None
        self._fetch = fetch
        self._reports_ready.set()
        while self._thread.is_alive():
            self._thread.join(0.1)
            if progress is not None and self._progress is not None:
                progress(*self._progress)
        if self._failed or self._result is None:
            return None
        if sorted((e.rel, e.sha) for e in self._result.entries) != sorted(pairs):
            return None
        return self._result
