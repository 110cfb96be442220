"""``shenyue scan FOLDER``: what was found in every report, as a table or JSON."""

from __future__ import annotations

import json
import sys
from functools import partial
from typing import TYPE_CHECKING, TextIO

from shenyue.cli.common import Progress, folder_argument, format_table, max_bytes_argument, safe_text, warn_config
from shenyue.gcpause import gc_paused
from shenyue.i18n import current_language, t

if TYPE_CHECKING:
    from shenyue.analysis.scan import ScanResult
    from shenyue.cli.json_fragments import Fragments
    from shenyue.cli.scan_light import Unchanged
    from shenyue.model.report import Report

# The analysis (the checks, numpy) is imported when a scan runs: a scan whose output is memoised, and
# every other command, start without it.


def add_parser(sub, parent) -> None:
    p = sub.add_parser("scan", parents=[parent], help=t("scan.help"), description=t("scan.help"))
    p.add_argument("folder", help=t("scan.opt_folder"))
    p.add_argument("--json", action="store_true", help=t("scan.opt_json"))
    p.add_argument("--only", metavar="CHECK_ID", action="append", help=t("scan.opt_only"))
    p.add_argument("--max-size", type=float, metavar="MB", help=t("scan.opt_max_size"))
    p.add_argument("--no-similar", action="store_true", help=t("scan.opt_no_similar"))
    p.add_argument("--no-cache", action="store_true", help=t("scan.opt_no_cache"))


def run(args) -> int:
    folder = folder_argument(args.folder)
    if folder is None:
        return 2
    warn_config(args)
    max_bytes = max_bytes_argument(args)
    if max_bytes is None:
        return 2
    memo = None if args.no_cache else _memo(folder, args, max_bytes)
    if memo is not None and memo.replay(sys.stdout):
        return 0  # nothing the output depends on changed since it was printed
    # the reports' JSON as the last run printed it, for those made from the same things (every one but an
    # edited file's, usually); its file is checked while the reports load
    fragments = memo.fragments() if memo is not None and args.json else None
    from shenyue.cli.scan_light import FragmentLost

    try:
        return _scan(args, folder, max_bytes, memo, fragments)
    except FragmentLost:
        sys.stderr.write("shenyue: " + t("scan.fragments_lost") + "\n")
        return 1
    finally:
        if fragments is not None:
            fragments.discard()  # nothing after a commit; the last file stays after an error


def _scan(args, folder, max_bytes: int, memo, fragments) -> int:
    from shenyue.analysis.scan import scan_folder

    ahead = None
    if not args.no_cache and not args.no_similar:
        from shenyue.analysis.copies_ahead import CopiesAhead
        from shenyue.analysis.similarity import prefetch_cache
        from shenyue.model.units import load_units

        prefetch_cache(folder)  # the copy index's cache files are checked while the reports load
        if memo is not None:  # after a few changes the copy index is matched while the cached reports load
            ahead = CopiesAhead(folder, load_units(folder))
    # after a few edits, a JSON scan loads only the reports whose JSON may differ from the last run's
    light = ahead is not None and fragments is not None and not args.only
    progress = Progress("scan.progress")
    try:
        result = scan_folder(
            folder,
            max_bytes=max_bytes,
            max_pages=args.config.max_pdf_pages,
            progress=progress,
            deadlines=args.config.deadlines,
            limits=args.config.read_limits,
            cache=not args.no_cache,
            listing=memo.listing if memo is not None else None,
            report_cache=memo.store if memo is not None else None,
            ahead=ahead.start if ahead is not None else None,
            load_held=not light,
        )
    finally:
        progress.close()
    order = None
    if light:
        from shenyue.cli.scan_light import settle

        progress = Progress("scan.progress_similar")
        try:
            order = settle(result, ahead, fragments, progress)
        finally:
            progress.close()
    if result.units_problem:
        sys.stderr.write("shenyue: " + t("units.file_unusable", reason=safe_text(result.units_problem)) + "\n")
    if not args.no_similar and result.reports and order is None:
        from shenyue.analysis.scan import analyse_copies

        progress = Progress("scan.progress_similar")
        try:
            analyse_copies(result.reports, folder=folder, progress=progress, cache=not args.no_cache, ahead=ahead)
        finally:
            progress.close()
    only = set(args.only or [])
    if only:
        from shenyue.analysis.scan import known_check_ids

        unknown = only - known_check_ids()
        if unknown:
            sys.stderr.write("shenyue: " + t("scan.unknown_check", ids=", ".join(sorted(unknown))) + "\n")
            return 2
        for report in result.reports:
            report.findings = [f for f in report.findings if f.check in only]
    # memoised only when every report was read (a file a time limit left unreadable may read next time)
    recorder = None
    printed = len(order) if order is not None else len(result.reports)
    if memo is not None and printed == memo.reports and not result.units_problem:
        recorder = memo.recorder(sys.stdout)
    out = recorder or sys.stdout
    try:
        if args.json:
            # json.dumps without indent runs the C encoder: several times faster on big folders
            with gc_paused():
                write_scan_json(result, out, fragments=fragments, order=order)
        else:
            out.write(scan_table(result) + "\n")
        if recorder is not None:
            recorder.commit()
        if fragments is not None:
            fragments.commit()
    finally:
        if recorder is not None:
            recorder.discard()  # nothing after a commit; the partial memo after an error
    return 0


def _memo(folder, args, max_bytes: int):
    """The output memo of this scan (see :mod:`shenyue.cli.output_memo`), or None."""
    from shenyue.analysis.report_cache import open_report_cache
    from shenyue.cli.output_memo import OutputMemo
    from shenyue.config import ReadLimits

    config = args.config
    store = open_report_cache(max_bytes, config.max_pdf_pages, True, config.deadlines, config.read_limits)
    if store is None:
        return None
    limit = max_bytes or (config.read_limits or ReadLimits()).max_bytes
    options = (bool(args.json), sorted(set(args.only or [])), bool(args.no_similar), max_bytes, config.data)
    return OutputMemo.open("scan", folder, options, store, limit)


def report_json(report: Report, lang: str | None = None) -> dict:
    data = {
        "path": report.rel,
        "encoding": report.doc.encoding,
        "kind": report.kind,
        "unit": report.unit,
        "year": report.year,
        "published": report.published.isoformat() if report.published else None,
        "chars": report.doc.length,
        "sections": [s.to_json() for s in report.sections],
        "findings": [f.to_json(lang) for f in report.findings],
    }
    if report.copy is not None:
        data["copy"] = report.copy.to_json()
    return data


def scan_json(result: ScanResult) -> dict:
    lang = current_language()
    return {
        "folder": str(result.folder),
        "reports": [report_json(r, lang) for r in result.reports],
        "unreadable": [{"path": u.rel, "reason": u.reason(lang)} for u in result.unreadable],
    }


def fragment_inputs(report: Report, folder_ids: frozenset[str]) -> str | None:
    """What a report's JSON fragment (:func:`report_json` but its copy summary) is made from, beside what
    :mod:`.json_fragments` puts in every key (command, language, code, analysis settings): the cached
    analysis of the file's bytes, the fields the folder steps set and the cross-report findings. None: a
    report not to keep a fragment of."""
    doc = report.doc
    if not doc.sha256:
        return None
    folder = [
        (f.check, f.severity, f.start, f.end, f.message_key, f.note, f.params)
        for f in report.findings
        if f.check in folder_ids
    ]
    published = report.published.isoformat() if report.published else None
    fields = (doc.encoding, report.kind, report.unit, report.year, published, doc.length, len(report.findings))
    return f"report\x1f{report.rel}\x1f{doc.sha256}\x1f{fields!r}\x1f{folder!r}"


def copy_key(fragments: Fragments, run: str, rel: str, threshold: object) -> bytes:
    """The key of a report's copy summary's fragment, printed under the copy index's ``run``."""
    return fragments.key(f"copy\x1f{run}\x1f{rel}\x1f{threshold}")


def report_json_text(
    item: Report | Unchanged, lang: str, dumps, fragments: Fragments | None, folder_ids: frozenset[str]
) -> tuple[str | bytes, bytes]:
    """``dumps(report_json(report, lang))``, its fragment taken from ``fragments`` when one was kept, and
    its head fragment's key (empty: none). An :class:`~.scan_light.Unchanged` report prints as last time,
    in UTF-8 bytes."""
    from shenyue.cli.scan_light import FragmentLost, Unchanged

    if isinstance(item, Unchanged):  # as UTF-8 bytes: 100 MB of text at 10,000 reports not decoded nor encoded
        head, text = fragments.get_bytes(item.head), fragments.get_bytes(item.copy_from)
        if head is None or text is None:  # checked whole and there a moment ago (scan_light._settle)
            raise FragmentLost
        fragments.put_bytes(item.head, head)
        fragments.put_bytes(item.copy_to, text)
        return b"".join((head, b', "copy": ', text, b"}")), item.head
    report = item
    inputs = fragment_inputs(report, folder_ids) if fragments is not None else None
    if inputs is None:
        return dumps(report_json(report, lang)), b""
    key = fragments.key(inputs)
    head = fragments.get(key)
    if head is None:
        data = report_json(report, lang)
        data.pop("copy", None)
        head = dumps(data)[:-1]  # "{...": the copy summary goes after, as report_json places it
    fragments.put(key, head)
    copy = report.copy
    if copy is None:
        return head + "}", key
    if copy.run is None:  # no cached copy index: nothing to find it by
        return head + ', "copy": ' + dumps(copy.to_json()) + "}", key
    # a summary kept unchanged from an earlier run prints as it printed then
    text = fragments.get(copy_key(fragments, copy.kept_from, report.rel, copy.threshold)) if copy.kept_from else None
    if text is None:
        text = dumps(copy.to_json())
    fragments.put(copy_key(fragments, copy.run, report.rel, copy.threshold), text)
    return head + ', "copy": ' + text + "}", key


def write_scan_json(
    result: ScanResult,
    out: TextIO,
    batch: int = 200,
    fragments: Fragments | None = None,
    order: list[Report | Unchanged] | None = None,
) -> None:
    """``json.dumps(scan_json(result))`` and a newline, written a few reports at a time: the same text,
    without the whole folder's JSON in memory at once (100,000 reports make half a gigabyte of it). With
    ``fragments``, a report's JSON made from the same things as last run is that run's text, and the
    ledger of what was printed is kept for the next run (:mod:`.scan_light`); ``order``: the reports to
    print instead of ``result.reports`` (some printed as last time, :func:`.scan_light.settle`)."""
    lang = current_language()
    dumps = partial(json.dumps, ensure_ascii=False)  # no indent: the C encoder
    folder_ids: frozenset[str] = frozenset()
    if fragments is not None:
        from shenyue.analysis.checks.base import ids_where

        folder_ids = ids_where(stage="folder")
    out.write('{"folder": ' + dumps(str(result.folder)) + ', "reports": [')
    items = order if order is not None else result.reports
    heads: list[bytes] = []
    sink = None
    if order is not None:  # a report printed as last time is bytes
        from shenyue.cli.output_memo import byte_sink

        sink = byte_sink(out)
    for i in range(0, len(items), batch):
        texts = []
        for item in items[i : i + batch]:
            text, head = report_json_text(item, lang, dumps, fragments, folder_ids)
            texts.append(text)
            heads.append(head)
        if sink is not None:
            data = b", ".join(x if isinstance(x, bytes) else x.encode("utf-8", "surrogatepass") for x in texts)
            sink((b", " if i else b"") + data)
        else:
            joined = ", ".join(x if isinstance(x, str) else x.decode("utf-8", "surrogatepass") for x in texts)
            out.write((", " if i else "") + joined)
    unreadable = [{"path": u.rel, "reason": u.reason(lang)} for u in result.unreadable]
    out.write('], "unreadable": ' + dumps(unreadable) + "}\n")
    if fragments is not None:
        _keep_ledger(result, items, heads, fragments)


def _keep_ledger(result: ScanResult, items: list[Report | Unchanged], heads: list[bytes], fragments: Fragments) -> None:
    from shenyue.cli.scan_light import LEDGER, Unchanged, ledger_text

    shas = {x.rel: x.sha if isinstance(x, Unchanged) else x.doc.sha256 for x in items}
    # the copy-index run the summaries were printed under (one per run)
    runs = {x.run if isinstance(x, Unchanged) else x.copy.run if x.copy is not None else None for x in items}
    rows = []
    for x, head in zip(items, heads):
        if isinstance(x, Unchanged):
            rows.append((x.rel, x.sha, head, x.prior))
            continue
        prior = x.extra.get("prior_year")
        link = (prior["path"], shas.get(prior["path"], "")) if prior else None
        rows.append((x.rel, x.doc.sha256 or "", head, link))
    run = runs.pop() if len(runs) == 1 else None
    fragments.put(fragments.key(LEDGER), ledger_text(result.units_digest, run or "", rows))


def section_summary(report: Report) -> str:
    from shenyue.model.report import FORMAT_KINDS, SECTION_KEYS

    present = {s.key for s in report.sections if s.canonical}
    if report.kind not in FORMAT_KINDS:  # a summary, a pre-2019 report, a non-report: its own parts
        return t("scan.parts", n=len(report.sections))
    missing = [k for k in SECTION_KEYS if k not in present]
    empty = [s for s in report.sections if s.canonical and s.empty]
    return t("scan.sections_cell", found=len(present), missing=len(missing), empty=len(empty))


def copy_cell(report: Report) -> str:
    """Copied shares and the main source, e.g. "同单位 12% 他单位 30% ← a.txt"."""
    copy = report.copy
    if copy is None or copy.main_source is None:
        return "—"
    cell = t("scan.copy_cell", peer=round(100 * copy.peer_share), same=round(100 * copy.same_unit_share))
    return cell + " ← " + safe_text(copy.main_source.path)


def scan_table(result: ScanResult) -> str:
    from shenyue.analysis.findings import count_by_severity, most_serious

    headers = [
        t(f"scan.col_{c}") for c in ("file", "unit", "year", "kind", "sections", "findings", "copied", "top_finding")
    ]
    rows = []
    for r in result.reports:
        counts = count_by_severity(r.findings)
        top = most_serious(r.findings)
        rows.append(
            [
                safe_text(r.rel),
                safe_text(r.unit or "—"),
                str(r.year) if r.year else "—",
                t(f"kind.{r.kind}"),
                section_summary(r),
                t("scan.counts_cell", **counts),
                copy_cell(r),
                safe_text(top.message()) if top else "",
            ]
        )
    out = [format_table(headers, rows, [36, 16, 4, 14, 30, 16, 34, 60])] if rows else [t("scan.no_reports")]
    if result.unreadable:
        out.append("")
        out.append(t("scan.unreadable_header", n=len(result.unreadable)))
        for u in result.unreadable:
            out.append(f"  {safe_text(u.rel)}: {u.reason()}")
    total = sum(count_by_severity(r.findings)["error"] for r in result.reports)
    out.append("")
    out.append(t("scan.summary_line", reports=len(result.reports), unreadable=len(result.unreadable), errors=total))
    return "\n".join(out)
