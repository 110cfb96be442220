"""``scan --json`` after a few edits of a large folder: only the reports whose JSON may differ are loaded.

After one file of 10,000 changed, the copy index is updated in a thread (:mod:`shenyue.analysis.copies_ahead`)
and nearly every report prints as last time (:mod:`.json_fragments`). Loading all 10,000 cached reports
only to find that out took 1.5-2 s of the run's 4-5 s. A report's JSON depends on its own analysis (its
path and content hash, with the analysis code and settings in the fragments' base), the folder's
units.toml, its copy summary and the prior-year report it is linked to. So the last run also keeps a
ledger (a fragment of its own): for every report printed, its content hash, the key of its JSON
fragment and the prior-year report (path and content hash) it was linked to. This run prints a held
report (one the report cache holds: the same bytes as an earlier scan) as last time, without loading it,
when

* the ledger's units.toml is this run's, and its copy-index run is the one this run's index was updated
  from (:class:`~shenyue.analysis.similarity.result.Lineage`);
* the ledger has the report with the same content hash, and the fragments file has both its fragments;
* its copy summary still holds (:func:`shenyue.analysis.similarity.summaries.last_run`: its spans were not
  computed again, and neither were those of any report it names as a source);
* it links to the same prior-year report, of the same content (by the unit keys and years the copy index
  has of every report, as :func:`~shenyue.analysis.checks.crossreport.link_prior_years` links them).

Every other report is loaded (with the prior-year reports they link to) and goes through the folder
steps as in a whole scan. When a condition of the whole run does not hold, or a report fails its check,
every report is loaded and the scan goes on as usual.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shenyue.analysis.copies_ahead import CopiesAhead, Progress
    from shenyue.analysis.scan import ScanResult
    from shenyue.cli.json_fragments import Fragments
    from shenyue.model.report import Report

LEDGER = "ledger"  # the ledger fragment's inputs


class FragmentLost(Exception):
    """A fragment found a moment before did not read back (the output is left unfinished)."""


@dataclass(frozen=True, slots=True)
class Printed:
    """A report as the last run printed it."""

    sha: str
    head: bytes  # the key of its JSON fragment up to its copy summary
    prior: tuple[str, str] | None  # the prior-year report it was linked to: path, content hash


@dataclass(frozen=True, slots=True)
class Ledger:
    units: str  # the units.toml's digest
    run: str  # the copy-index run its copy summaries were printed under
    reports: dict[str, Printed]


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A report this run prints as the last run did, without loading it."""

    rel: str
    sha: str
    head: bytes
    copy_from: bytes  # the key of its copy summary's fragment, last run's
    copy_to: bytes  # ... and this run's
    prior: tuple[str, str] | None
    run: str  # this run's copy-index run


def ledger_text(units: str, run: str, rows: list[tuple[str, str, bytes, tuple[str, str] | None]]) -> str:
    """The ledger of a run: (path, content hash, head key, prior) of every report printed."""
    reports = [[rel, sha, head.hex(), *(prior or ("", ""))] for rel, sha, head, prior in rows]
    return json.dumps({"units": units, "run": run, "reports": reports}, ensure_ascii=False)


def read_ledger(fragments: Fragments) -> Ledger | None:
    text = fragments.get(fragments.key(LEDGER))
    if text is None:
        return None
    try:
        doc = json.loads(text)
        units, run = doc["units"], doc["run"]
        if not isinstance(units, str) or not isinstance(run, str) or not run:
            return None
        reports = {}
        for rel, sha, head, prior_rel, prior_sha in doc["reports"]:
            prior = (prior_rel, prior_sha) if prior_rel else None
            reports[rel] = Printed(sha, bytes.fromhex(head), prior)
        return Ledger(units, run, reports)
    except (ValueError, KeyError, TypeError):
        return None


class _Sections(Mapping):
    """Every report's sections by path (a section source's section is named from them), a held report's
    loaded when first asked for."""

    def __init__(self, result: ScanResult, loaded: dict[str, Report], listed: set[str]) -> None:
        self.result, self.loaded, self.listed = result, loaded, listed

    def __getitem__(self, rel: str) -> Any:
        report = self.loaded.get(rel)
        if report is None and rel in self.listed:
            report = self.result.load([rel]).get(rel)
            if report is not None:
                self.loaded[rel] = report
        if report is None:
            raise KeyError(rel)
        return report.sections

    def __iter__(self) -> Iterator[str]:
        return iter(self.listed)

    def __len__(self) -> int:
        return len(self.listed)


def settle(
    result: ScanResult, ahead: CopiesAhead, fragments: Fragments, progress: Progress | None = None
) -> list[Report | Unchanged] | None:
    """The folder steps of a scan made with ``load_held=False``, loading only the reports whose JSON may
    differ from the last run's: every report in listing order, loaded and through the folder steps or
    :class:`Unchanged`. None when it cannot: every report is then loaded (``result.reports``) and the
    caller goes on as usual. The report cache is closed either way. ``progress`` hears how far the copy
    index's match is."""
    try:
        return _settle(result, ahead, fragments, progress)
    finally:
        result.close()


def _settle(
    result: ScanResult, ahead: CopiesAhead, fragments: Fragments, progress: Progress | None
) -> list[Report | Unchanged] | None:
    from shenyue.analysis.checks.crossreport import link_key, prior_links, prior_record, run_folder_checks
    from shenyue.analysis.scan import HeldReport
    from shenyue.analysis.similarity import cache as disk
    from shenyue.analysis.similarity import summaries
    from shenyue.cli.scan import copy_key

    listed = result.listed
    if listed is None:
        return None  # every report is loaded already
    ledger = read_ledger(fragments) if ahead.started() else None

    def give_up() -> None:
        result.load_held()

    if ledger is None or ledger.units != result.units_digest:
        return give_up()
    loaded: dict[str, Report] = {r.rel: r for r in result.reports}

    def load(rels: list[str]) -> list[Report]:
        wanted = [rel for rel in rels if rel not in loaded]
        loaded.update(result.load(wanted))
        return [loaded[rel] for rel in rels if rel in loaded]

    pairs = [(x.rel, x.sha) if isinstance(x, HeldReport) else (x.rel, x.doc.sha256) for x in listed]
    match = ahead.result_of(pairs, load, progress)
    lineage = match.lineage if match is not None else None
    if match is None or lineage is None or lineage.base != ledger.run:
        return give_up()
    entries = [match.entry(rel) for rel, _ in pairs]
    if any(e is None for e in entries):
        return give_up()
    # a held report is linked by the unit key the index has (units.toml applied to the unit it read), as
    # the scan links a loaded one; but a name whose key is empty may be another name the report read, then
    # mapped: such a report is loaded. (No name read: no key either way.)
    unsure = [x.rel for x, e in zip(listed, entries) if isinstance(x, HeldReport) and not e.unit_key and e.unit]
    if len(load(unsure)) != len(unsure):
        return give_up()
    for rel, e in zip((rel for rel, _ in pairs), entries):
        report = loaded.get(rel)
        if report is not None:
            report.unit_key = e.unit_key  # as attach_copy_info sets it
    keys_years = []
    for (rel, _), e in zip(pairs, entries):
        report = loaded.get(rel)
        keys_years.append((link_key(report), report.year) if report is not None else (e.unit_key, e.year))
    links = prior_links(keys_years)
    priors = [pairs[p] if p is not None else None for p in links]

    digests = {rel: summaries.digest(e.length, e.outside, loaded[rel].sections)
               for (rel, _), e in zip(pairs, entries) if rel in loaded}  # fmt: skip
    held_rels = [rel for rel, _ in pairs if rel not in loaded]
    last = summaries.last_run(match, digests, held_rels)
    holding = last.holding if last is not None else {}

    threshold = match.threshold
    order: list[Report | Unchanged | None] = []
    for (rel, sha), prior in zip(pairs, priors):
        printed = ledger.reports.get(rel)
        if rel in loaded or printed is None or printed.sha != sha or rel not in holding or rel not in digests:
            order.append(None)
            continue
        copy_from = copy_key(fragments, ledger.run, rel, threshold)
        if printed.prior != prior or not fragments.has(printed.head) or not fragments.has(copy_from):
            order.append(None)
            continue
        copy_to = copy_key(fragments, lineage.run, rel, threshold)
        order.append(Unchanged(rel, sha, printed.head, copy_from, copy_to, prior, lineage.run))
    redo = [rel for (rel, _), item in zip(pairs, order) if item is None]
    need = redo + [p[0] for p, item in zip(priors, order) if p is not None and item is None]
    load(need)
    if any(rel not in loaded for rel in need):
        return give_up()  # a report failed its check: it is read again with the rest

    kept = last.summaries([rel for rel in redo if rel in holding]) if last is not None else {}
    listed_rels = {rel for rel, _ in pairs}
    others = _Sections(result, loaded, listed_rels)
    made = 0
    redone = []
    for i, ((rel, _), e) in enumerate(zip(pairs, entries)):
        if order[i] is not None:
            continue
        report = loaded[rel]
        report.copy = kept.get(rel)
        if report.copy is None:
            report.copy = match.summary(rel, report.sections, others)
            made += 1
        else:
            report.copy.kept_from = lineage.base
        report.copy.run = lineage.run
        digests.setdefault(rel, summaries.digest(e.length, e.outside, report.sections))
        report.extra.pop("prior_year", None)
        if priors[i] is not None:
            report.extra["prior_year"] = prior_record(loaded[priors[i][0]])
        order[i] = report
        redone.append(report)
    run_folder_checks(redone)
    if made:
        from shenyue.analysis.similarity.engine import write_later

        # every other summary is copied from the last file
        write_later(summaries.save_over, match, last, {r.rel: r.copy for r in redone}, digests)
    disk.drop_prefetched()
    result.reports = redone
    return order  # type: ignore[return-value]  # every place is filled
