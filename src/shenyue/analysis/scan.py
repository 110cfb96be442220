"""Scan a folder: read every report, build its model, run the checks.

``scan_folder`` is what the CLI, the app and the exporters use. Reading and
parsing run in a process pool when the folder is large; one bad file never
stops the scan.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from shenyue.analysis.checks import check_ids, run_checks
from shenyue.analysis.copies_ahead import CopiesAhead
from shenyue.analysis.report_cache import ReportCache, open_report_cache
from shenyue.config import ReadLimits
from shenyue.gcpause import gc_paused, process_pool
from shenyue.model.chrome import find_chrome
from shenyue.model.metadata import find_signature_date, find_title, find_unit, report_year
from shenyue.model.report import Document, Report, Span, Unreadable
from shenyue.model.sections import (
    build_sections,
    clip_table_regions,
    document_kind,
    find_headings,
    find_inline_parts,
    find_midline_headings,
)
from shenyue.model.tables import parse_tables
from shenyue.model.tables.matching import match_text
from shenyue.model.text import fold
from shenyue.model.units import UnitMap, apply_units, load_units, unit_key
from shenyue.reading import FolderListing, iter_report_files, read_document, relative

# progress(done, total, path) — called from the scanning thread.
Progress = Callable[[int, int, str], None]

PARALLEL_THRESHOLD = 200  # below this many files one process is faster than a pool


@dataclass(frozen=True, slots=True)
class HeldReport:
    """A report file the report cache holds, not loaded (a scan with ``load_held=False``)."""

    path: Path
    rel: str
    sha: str


@dataclass
class ScanResult:
    folder: Path
    reports: list[Report] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    units_problem: str | None = None  # why the folder's units.toml was not used
    units_digest: str = ""  # the units.toml applied (:attr:`UnitMap.digest <shenyue.model.units.UnitMap.digest>`)
    # with ``load_held=False``: every report in listing order, a built one or one the cache holds, until
    # :meth:`load_held` loads the rest (``reports`` has the built ones meanwhile)
    listed: list[Report | HeldReport] | None = None
    _held: _Held | None = None

    def report(self, rel: str) -> Report | None:
        return next((r for r in self.reports if r.rel == rel), None)

    def load(self, rels: list[str]) -> dict[str, Report]:
        """Reports the cache holds of ``rels`` (a path of a built or an unknown report is left out, and one
        that fails its check), units applied; the scan's cache stays open (see :meth:`load_held`)."""
        if self._held is None:
            return {}
        out = self._held.load(rels)
        apply_units(list(out.values()), self._held.units)
        return out

    def load_held(self) -> None:
        """Load every report the cache holds (one that fails its check is read again), as a scan with
        ``load_held`` does: ``reports`` then has every report in listing order; the cache is closed."""
        held, self._held = self._held, None
        if held is None:
            return
        self.listed = None
        late = held.load_all()
        self.reports = [o for o in held.outcomes if isinstance(o, Report)]
        self.unreadable += [o for i in late if isinstance(o := held.outcomes[i], Unreadable)]
        self.unreadable.sort(key=lambda u: u.rel)
        apply_units(self.reports, held.units)

    def close(self) -> None:
        """Close the report cache a scan with ``load_held=False`` left open (what was not loaded stays out)."""
        held, self._held = self._held, None
        if held is not None and held.store is not None:
            held.store.close()


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted spans with overlapping spans of the same kind joined."""
    out: list[Span] = []
    last: dict[str, int] = {}  # kind -> index in out of its latest span
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        i = last.get(s.kind)
        if i is not None and s.start <= out[i].end:
            out[i] = Span(out[i].start, max(out[i].end, s.end), s.kind)
        else:
            last[s.kind] = len(out)
            out.append(Span(s.start, s.end, s.kind))
    return out


def build_report(doc: Document, *, checks: bool = True, config=None) -> Report:
    """The report model of one document, with its findings."""
    text = doc.text
    folded = fold(text)  # one folded copy (same length) for every matcher below
    chrome, dates = find_chrome(text, folded)
    chrome = _merge(chrome + list(doc.chrome))
    norm = match_text(text)  # the tables' and the checks' matching copy
    parsed = parse_tables(text, folded=norm, ignore=chrome)
    tables = _merge(list(doc.tables) + [Span(a, b, "table") for a, b in parsed.regions])
    headings = find_headings(text, tables, folded, chrome)
    found = {h.key for h in headings if h.key}
    headings += find_midline_headings(text, tables, found, folded, chrome)
    tables = clip_table_regions(text, tables, headings)
    # the parsed tables' own regions too: the checks mask them out of the narrative
    parsed_spans = [Span(a, b, "table") for a, b in parsed.regions]
    parsed.regions = [(s.start, s.end) for s in clip_table_regions(text, parsed_spans, headings)]
    first_heading = min(
        (h.start for h in headings if h.level in ("numbered", "markdown", "plain", "paren")), default=len(text)
    )
    title = find_title(text, first_heading, chrome)
    sections, preamble = build_sections(text, headings, summary=False, table_regions=tables, chrome=chrome)
    signature = find_signature_date(text, chrome)
    year = report_year(text, title, sections, signature[1] if signature else None, folded)
    line_numbered = sum(1 for h in headings if h.level == "numbered" and not h.inline)
    parts = find_inline_parts(text, folded, chrome=chrome) if line_numbered < 2 else []  # a one-line summary's parts
    kind = document_kind(text, title, sections, headings, parts, year, parsed, tables, chrome)
    if kind in ("summary", "annual-legacy", "unknown"):
        sections, preamble = build_sections(
            text, headings, summary=True, table_regions=tables, chrome=chrome, parts=parts
        )
    if signature:
        dates.append((signature[0], "signature", signature[1]))
    report = Report(
        doc=doc,
        kind=kind,
        sections=sections,
        preamble=preamble,
        chrome=chrome,
        table_spans=tables,
        unit=(unit := find_unit(text, title, sections, chrome)),
        unit_key=unit_key(unit),
        year=year,
        published=_publication_date(dates),
        date_candidates=dates,
        title=title,
        tables=parsed,
    )
    if checks:
        report.findings = run_checks(report, config=config, norm=norm)
    return report


def _publication_date(dates):
    for source in ("header", "signature", "page"):  # a crawler header's 发布时间 is the publication date
        for d, src, _ in dates:
            if src == source:
                return d
    return None


@gc_paused()
def analyse_copies(
    reports: list[Report],
    *,
    folder: Path | None = None,
    progress: Progress | None = None,
    cache: bool = True,
    ahead: CopiesAhead | None = None,
):
    """The folder stage after scanning: apply the folder's units.toml, find text
    shared between the reports, attach each report's copy summary
    (``report.copy``) and add the cross-report findings (copied from last year
    or a peer, carry-over). Returns the similarity result (spans, sources,
    alignments). ``ahead``: the match the scan started while it loaded the
    cached reports, used when it ran on these reports and units."""
    from shenyue.analysis.checks.crossreport import add_folder_findings
    from shenyue.analysis.similarity import _folder_of, attach_copy_info, find_copies

    if folder is None:
        folder = _folder_of(reports)
    units = load_units(folder)
    apply_units(reports, units)
    result = None
    if cache and ahead is not None and ahead.units.digest == units.digest:
        result = ahead.result(reports, progress)
    if result is None:
        result = find_copies(reports, folder=folder, progress=progress, cache=cache, units=units)
    attach_copy_info(reports, result)
    add_folder_findings(reports)
    return result


def known_check_ids() -> set[str]:
    return set(check_ids())


def _scan_one(
    args: tuple[Path, Path, int | None, bool, int | None, dict | None, ReadLimits | None, bool],
    cancelled: Callable[[], bool] | None = None,
) -> Report | Unreadable | tuple[bytes, str]:
    """One file's report; pickled already when ``pack`` (a worker's report goes to the cache as it travels:
    see :func:`_packed`)."""
    path, folder, max_bytes, checks, max_pages, config, limits, pack = args
    # container formats are read in a child process that is abandoned after the
    # time limit or when the scan is cancelled (reading/guard.py)
    doc = read_document(path, folder, max_bytes, max_pages, limits=limits, cancelled=cancelled)
    if isinstance(doc, Unreadable):
        return doc  # not cached: a time or memory limit, or a missing library, may not hold next time
    try:
        report = build_report(doc, checks=checks, config=config)
    except RecursionError:
        return Unreadable(path, doc.rel, "too_deep")
    if pack:
        packed = _packed(report)
        if packed is not None:
            return packed
    return report


def _packed(report: Report) -> tuple[bytes, str] | None:
    """The report pickled without its text and its path, and its text (the report cache keeps them apart);
    None when it cannot be pickled. Whoever loads it knows the path (a warm scan's file may have moved), and
    a path unpickled would cost a ``Path`` built per report for nothing."""
    doc = report.doc
    text, path = doc.detach_text(), doc.path
    doc.path = None  # type: ignore[assignment]
    try:
        return pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL), text
    except (pickle.PicklingError, RecursionError, TypeError):
        return None
    finally:
        doc.path = path
        doc.attach_text(text)


def _keep(
    outcome: Report | Unreadable | tuple[bytes, str], store: ReportCache | None, path: Path
) -> Report | Unreadable:
    """The report of the scanned file ``path``, written to the cache as it was built (before any folder step)."""
    if isinstance(outcome, tuple):  # from a worker: pickled once, for the trip and for the cache
        payload, text = outcome
        report = pickle.loads(payload)
        report.doc.path = path
        source = store.add(report.doc.sha256, path.suffix.lower(), payload, text) if store else None
        # a cached report's text is read back when it is needed, as on a warm scan: a large folder's texts
        # do not stay in memory
        report.doc.attach_text(None if source else text, source)
        return report
    if store is not None and isinstance(outcome, Report):
        packed = _packed(outcome)
        if packed is not None:
            source = store.add(outcome.doc.sha256, outcome.path.suffix.lower(), *packed)
            if source is not None:
                outcome.doc.attach_text(source=source)
    return outcome


@gc_paused()
def scan_folder(
    folder: Path,
    *,
    max_bytes: int | None = None,
    max_pages: int | None = None,
    progress: Progress | None = None,
    checks: bool = True,
    workers: int | None = None,
    deadlines: dict | None = None,
    cancelled: Callable[[], bool] | None = None,
    limits: ReadLimits | None = None,
    cache: bool = True,
    listing: FolderListing | None = None,
    report_cache: ReportCache | None = None,
    ahead: Callable[[list[Report | tuple[str, str]]], None] | None = None,
    load_held: bool = True,
) -> ScanResult:
    """Read and analyse every report under ``folder``.

    ``limits`` bounds the reading of each file (size, pages, text, time,
    memory; the config's ``read_limits``); ``max_bytes`` and ``max_pages``
    override its first two.

    ``cancelled`` is asked between files; when it returns True the scan stops
    at once (queued files are dropped) and returns what it has so far.

    With ``cache`` (the default) a file whose content, settings and analysis
    code are unchanged since an earlier scan is loaded from the report cache
    (:mod:`shenyue.analysis.report_cache`) instead of read again.

    ``listing`` is a walk of ``folder`` made just before (the output memo's), used instead of walking again;
    ``report_cache``, the report cache of these settings already open (the one that hashed its files), is
    used instead of opening another, and closed at the end.

    ``ahead`` (:meth:`CopiesAhead.start <shenyue.analysis.copies_ahead.CopiesAhead.start>`) is given the
    reports in listing order once the files the cache does not hold are built, before the cached ones
    are loaded: a built report, or a cached one's path and content hash. With ``ahead`` and not
    ``load_held``, the cached ones are not loaded: ``listed`` names them, the report cache stays open, and
    the caller loads some (:meth:`ScanResult.load`) or all (:meth:`ScanResult.load_held`) and closes it.
    """
    folder = Path(folder)
    result = ScanResult(folder)
    stop = cancelled or (lambda: False)
    files, skipped = [], []  # skipped: links, special files, folders that cannot be opened (with the reason)
    digests = listing.digests if listing is not None else {}
    if listing is not None:
        walk, skipped = iter(listing.files), list(listing.skipped)
    else:
        walk = iter_report_files(folder, skipped)
    for path, supported in walk:
        if stop():
            return result
        if supported:
            files.append(path)
        else:
            result.unreadable.append(read_document(path, folder, max_bytes))  # "unsupported type" entry
    result.unreadable.extend(skipped)
    total = len(files)
    if not cache:
        store = None
    elif report_cache is not None:
        store = report_cache
    else:
        store = open_report_cache(max_bytes, max_pages, checks, deadlines, limits)
    # each file's outcome in listing order, so that a warm scan lists exactly what a cold one does
    outcomes: list[Report | Unreadable | None] = [None] * total
    todo: list[int] = []
    done = 0
    limit = (limits or ReadLimits()).max_bytes if not max_bytes else max_bytes
    held: list[tuple[int, str]] = []  # with ``ahead``: the files the cache holds, loaded after the others

    settings = (max_bytes, checks, max_pages, deadlines or None, limits)  # a job's, after its file and folder

    def took(i: int, outcome: Report | Unreadable) -> None:
        nonlocal done
        outcomes[i] = outcome
        done += 1
        if progress:
            progress(done, total, outcome.rel)

    for i, path in enumerate(files):
        if i % 256 == 255 and stop():  # a lookup is quick: asked now and then, not per file
            if store is not None:
                store.close()
            return _finish(result, outcomes, folder)
        hit = None
        if store is not None:
            sha = digests.get(path) or store.file_digest(path, limit)
            if ahead is not None and sha and store.holds(path, sha):
                held.append((i, sha))
                continue
            hit = store.load(path, relative(path, folder), sha) if sha else None
        if hit is None:
            todo.append(i)
        else:
            took(i, hit)
    for i, outcome in _built(todo, files, folder, store, settings, workers, stop, cancelled):
        took(i, outcome)
    units = load_units(folder)
    rest = _Held(outcomes, held, files, folder, store, settings, stop, cancelled, took, units)
    if ahead is not None and held and not stop():
        rels = {i: relative(files[i], folder) for i, _ in held}
        ahead([o if isinstance(o, Report) else (rels[i], sha) for i, o, sha in _in_order(outcomes, held)])
        if not load_held:
            result.listed = [o if isinstance(o, Report) else HeldReport(files[i], rels[i], sha)
                             for i, o, sha in _in_order(outcomes, held)]  # fmt: skip
            rest.by_rel = {rels[i]: (i, sha) for i, sha in held}
            result._held = rest
            return _finish(result, outcomes, folder, units)
        rest.load_all()
    if store is not None:
        store.close()
    return _finish(result, outcomes, folder, units)


@dataclass
class _Held:
    """The files a scan found in the report cache and has not loaded, and what loading them needs."""

    outcomes: list[Report | Unreadable | None]
    held: list[tuple[int, str]]  # (listing number, content hash)
    files: list[Path]
    folder: Path
    store: ReportCache | None
    settings: tuple
    stop: Callable[[], bool]
    cancelled: Callable[[], bool] | None
    took: Callable[[int, Report | Unreadable], None]
    units: UnitMap
    by_rel: dict[str, tuple[int, str]] = field(default_factory=dict)  # the held files by path

    def load(self, rels: list[str]) -> dict[str, Report]:
        out = {}
        for rel in rels:
            found = self.by_rel.get(rel)
            if found is not None and self.store is not None:
                report = self.store.load(self.files[found[0]], rel, found[1])
                if report is not None:
                    out[rel] = report
        return out

    def load_all(self) -> list[int]:
        """Load the held files in listing order (one that fails its check is read again: their listing
        numbers are returned); close the cache."""
        late = []
        for n, (i, sha) in enumerate(self.held):
            if n % 256 == 255 and self.stop():
                break
            path = self.files[i]
            hit = self.store.load(path, relative(path, self.folder), sha) if self.store is not None else None
            if hit is None:  # it failed its check: read again
                late.append(i)
            else:
                self.took(i, hit)
        for i, outcome in _built(
            late, self.files, self.folder, self.store, self.settings, 1, self.stop, self.cancelled
        ):
            self.took(i, outcome)
        self.held = []
        if self.store is not None:
            self.store.close()
        return late


def _in_order(outcomes: list, held: list[tuple[int, str]]):
    """(listing number, report or None, content hash or None) of every report or held file, in listing
    order (the unreadable ones left out)."""
    shas = dict(held)
    for i, o in enumerate(outcomes):
        if isinstance(o, Report) or i in shas:
            yield i, o, shas.get(i)


def _built(
    todo: list[int],
    files: list[Path],
    folder: Path,
    store: ReportCache | None,
    settings: tuple,
    workers: int | None,
    stop: Callable[[], bool],
    cancelled: Callable[[], bool] | None,
) -> Iterator[tuple[int, Report | Unreadable]]:
    """The reports of ``files`` numbered ``todo``, built (in worker processes when there are many) and kept
    in the cache, as they come: (number, report or unreadable file). ``settings``: the read and check
    settings of a job (max_bytes, checks, max_pages, deadlines, limits)."""
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    parallel = len(todo) >= PARALLEL_THRESHOLD and n_workers > 1
    pack = parallel and store is not None  # a worker pickles its report once: for the trip and for the cache
    # checks get the config's [deadlines] table (a plain dict travels to worker processes)
    jobs = [(files[i], folder, *settings, pack) for i in todo]
    if parallel:
        pool = process_pool(n_workers)
        try:
            got = pool.map(_scan_one, jobs, chunksize=max(8, len(jobs) // (n_workers * 8)))
            for i, outcome in zip(todo, got):
                if stop():
                    break
                yield i, _keep(outcome, store, files[i])
        finally:
            cancel = stop()
            pool.shutdown(wait=not cancel, cancel_futures=True)
            if cancel:  # a worker may be waiting on a hostile file: end it now (its reader ends by its CPU limit)
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.terminate()
    else:
        for i, job in zip(todo, jobs):
            if stop():
                break
            yield i, _keep(_scan_one(job, cancelled), store, job[0])


def _finish(result: ScanResult, outcomes: list, folder: Path, units: UnitMap | None = None) -> ScanResult:
    for outcome in outcomes:
        if outcome is not None:
            _collect(result, outcome)
    result.unreadable.sort(key=lambda u: u.rel)
    units = units if units is not None else load_units(folder)
    result.units_problem = units.problem
    result.units_digest = units.digest
    apply_units(result.reports, units)
    return result


def _collect(result: ScanResult, outcome: Report | Unreadable) -> None:
    if isinstance(outcome, Unreadable):
        result.unreadable.append(outcome)
    else:
        result.reports.append(outcome)
