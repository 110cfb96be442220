"""``shenyue similar FOLDER``: text the reports of a folder share with each other.

With ``--json``: a list of spans ``{"report", "start", "end", "other_report",
"other_start", "other_end", "kind", "n_reports", "n_units", "similarity",
"holders"}`` (paths relative to the folder, offsets into the decoded text;
``kind`` is ``peer``, ``same_unit`` or ``common``; ``holders`` the best few
reports holding the stretch, with year and kind, the source first). Without
it: a table of the reports with the most copied text (common wording left out);
with ``--pairs``: the pairs of reports sharing the most copied text
(:func:`shenyue.analysis.similarity.pairs.top_pairs`, the app's pairs view).

Only files the cache does not know are read and modelled; an unchanged
folder is answered from the cache.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from shenyue.cli.common import Progress, folder_argument, format_table, max_bytes_argument, safe_text, warn_config
from shenyue.gcpause import process_pool
from shenyue.i18n import t

PARALLEL_THRESHOLD = 200  # below this many files to model, one process is faster than a pool


def add_parser(sub, parent) -> None:
    p = sub.add_parser("similar", parents=[parent], help=t("similar.help"), description=t("similar.help"))
    p.add_argument("folder", help=t("similar.opt_folder"))
    p.add_argument("--json", action="store_true", help=t("similar.opt_json"))
    p.add_argument("--no-cache", action="store_true", help=t("similar.opt_no_cache"))
    p.add_argument("--top", type=int, default=20, metavar="N", help=t("similar.opt_top"))
    p.add_argument("--pairs", action="store_true", help=t("similar.opt_pairs"))
    p.add_argument("--max-size", type=float, metavar="MB", help=t("similar.opt_max_size"))


def _load_one(job: tuple[str, str, int | None]):
    """Read and model one file: (text, unit, year, sha256, spans not compared) or None when unreadable."""
    from shenyue.analysis.scan import build_report
    from shenyue.model.report import Unreadable
    from shenyue.reading import read_document

    path, folder, max_bytes, max_pages = job
    doc = read_document(Path(path), Path(folder), max_bytes, max_pages=max_pages)
    if isinstance(doc, Unreadable):
        return None
    try:
        report = build_report(doc, checks=False)
    except RecursionError:
        return None
    from shenyue.analysis.similarity import not_prose

    return doc.text, report.unit, report.year, doc.sha256, not_prose(report)


def _loader(
    folder: Path, paths: dict[str, Path], max_bytes: int | None, progress: Progress, max_pages: int | None = None
):
    def load(entries):
        jobs = [(str(paths[e.rel]), str(folder), max_bytes, max_pages) for e in entries]
        total = len(jobs)
        workers = os.cpu_count() or 1
        if total >= PARALLEL_THRESHOLD and workers > 1:
            with process_pool(workers) as pool:
                outcomes = list(
                    _progress_iter(
                        pool.map(_load_one, jobs, chunksize=max(8, total // (workers * 8))), total, entries, progress
                    )
                )
        else:
            outcomes = list(_progress_iter(map(_load_one, jobs), total, entries, progress))
        loaded = []
        for e, got in zip(entries, outcomes):
            if got is None:
                continue
            e.text, e.unit, e.year, e.sha, e.mask = got
            e.outside = e.mask  # the engine drops mask after fingerprinting; shares keep leaving it out
            loaded.append(e)
        progress.close()
        return loaded

    return load


def _progress_iter(outcomes, total, entries, progress):
    for i, got in enumerate(outcomes, 1):
        progress(i, total, entries[i - 1].rel)
        yield got


def run(args) -> int:
    folder = folder_argument(args.folder)
    if folder is None:
        return 2
    warn_config(args)
    max_bytes = max_bytes_argument(args, "similar.bad_max_size")
    if max_bytes is None:
        return 2
    from shenyue.analysis.similarity import Entry, load_statutory
    from shenyue.analysis.similarity.engine import run as run_engine
    from shenyue.model.units import load_units
    from shenyue.reading import DEFAULT_MAX_BYTES, iter_report_files, relative

    limit = max_bytes or DEFAULT_MAX_BYTES
    units = load_units(folder)
    if units.problem:
        sys.stderr.write("shenyue: " + t("units.file_unusable", reason=safe_text(units.problem)) + "\n")
    statutory = load_statutory(folder)
    for path, reason in statutory.problems:
        sys.stderr.write(
            "shenyue: " + t("similar.statutory_unreadable", path=safe_text(path), reason=safe_text(reason)) + "\n"
        )

    entries, paths, skipped = [], {}, 0
    for path, supported in iter_report_files(folder):
        if not supported:
            continue
        try:
            size = path.stat().st_size
            if size == 0 or size > limit:
                skipped += 1
                continue
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            skipped += 1
            continue
        rel = relative(path, folder)
        entries.append(Entry(rel=rel, sha=sha))
        paths[rel] = path

    read_progress = Progress("similar.progress_read")
    index_progress = Progress("similar.progress_index")
    result = run_engine(
        entries,
        folder=folder,
        statutory=statutory,
        use_cache=not args.no_cache,
        progress=index_progress,
        loader=_loader(folder, paths, max_bytes, read_progress, args.config.max_pdf_pages),
        units=units,
    )
    index_progress.close()
    skipped += len(entries) - len(result.entries)

    if args.json:
        sys.stdout.write(result.to_json_text())
        sys.stdout.write("\n")
        return 0
    if args.pairs:
        _print_pairs(result, skipped, max(1, args.top))
        return 0
    _print_summary(result, skipped, max(1, args.top))
    return 0


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _print_summary(result, skipped: int, top: int) -> None:
    rows = []
    for e in result.entries:
        s = result.summary(e.rel)
        rows.append((s.share, e.rel, s))
    rows.sort(key=lambda r: (-r[0], r[1]))
    n_spans = len(result)
    out = sys.stdout
    out.write(t("similar.summary", reports=len(result.entries), spans=n_spans) + "\n")
    if skipped:
        out.write(t("similar.skipped", count=skipped) + "\n")
    if not n_spans:
        out.write(t("similar.nothing") + "\n")
        return
    table = []
    for total, rel, s in rows[:top]:
        if total <= 0:
            break
        src = s.main_source
        source = ""
        if src:
            kind = t("similar.kind_same_unit") if src.kind == "same_unit" else t("similar.kind_peer")
            source = t("similar.source", path=safe_text(src.path), kind=kind, chars=src.chars)
        table.append(
            [safe_text(rel), _pct(s.peer_share), _pct(s.same_unit_share), _pct(s.common_share), str(s.n_spans), source]
        )
    headers = [
        t("similar.col_report"),
        t("similar.col_peer"),
        t("similar.col_same_unit"),
        t("similar.col_common"),
        t("similar.col_spans"),
        t("similar.col_source"),
    ]
    out.write(format_table(headers, table, [40, 14, 14, 14, 8, 70]) + "\n")
    out.write(t("similar.hint_json") + "\n")


def _print_pairs(result, skipped: int, top: int) -> None:
    from shenyue.analysis.similarity.pairs import top_pairs

    pairs = top_pairs({e.rel: result.summary(e.rel) for e in result.entries}, limit=top)
    out = sys.stdout
    out.write(t("similar.summary", reports=len(result.entries), spans=len(result)) + "\n")
    if skipped:
        out.write(t("similar.skipped", count=skipped) + "\n")
    if not pairs:
        out.write(t("similar.nothing") + "\n")
        return
    table = [
        [
            str(p.chars),
            t("similar.kind_same_unit") if p.kind == "same_unit" else t("similar.kind_peer"),
            safe_text(p.report),
            _pct(p.share),
            safe_text(p.source),
            _pct(p.source_share),
        ]
        for p in pairs
    ]
    headers = [
        t("similar.col_chars"),
        t("similar.col_kind"),
        t("similar.col_report"),
        t("similar.col_share"),
        t("similar.col_other"),
        t("similar.col_share"),
    ]
    out.write(format_table(headers, table, [14, 12, 50, 8, 50, 8]) + "\n")
