"""How shenyue reads a folder of real reports: one line per file, then totals.

    python benchmarks/real.py ../shared/real [--no-similar] [--json]

Per file: kind, unit, year, publication date, sections found (canonical keys
of the national format, or summary parts), statistics-table cells read out of
those the format defines, and the error-level findings by check. The totals
count error findings by check over the folder, so a change to reading,
parsing, checks or similarity can be judged on real documents at a glance.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shenyue.analysis.scan import analyse_copies, scan_folder  # noqa: E402
from shenyue.model.report import SECTION_KEYS  # noqa: E402

# Cells each table of the 2021 format defines (annual-report-rules.md §2.2–2.4).
EXPECTED_CELLS = {"t2": 10, "t3": 175, "t4": 15}
TABLE_NAMES = {"t2": "II", "t3": "III", "t4": "IV"}


def table_cells(report) -> str:
    tables = report.tables
    if tables is None or not report.kind.startswith("annual-2021"):
        return "—"
    cells = []
    for key, expected in EXPECTED_CELLS.items():
        table = tables.table(key)
        read = table.n_cells if table is not None else 0
        cells.append(f"{TABLE_NAMES[key]} {read}/{expected}")
    return " ".join(cells)


def sections_found(report) -> str:
    if report.kind == "summary":
        return f"{len(report.sections)} parts"
    keys = {s.key for s in report.sections if s.key in SECTION_KEYS}
    return f"{len(keys)}/6"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--no-similar", action="store_true", help="skip the copy index and the cross-report checks")
    ap.add_argument("--json", action="store_true", help="one JSON object per file instead of the table")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    result = scan_folder(args.folder)
    if not args.no_similar:
        analyse_copies(result.reports, folder=args.folder, cache=False)
    elapsed = time.perf_counter() - started

    totals: collections.Counter[str] = collections.Counter()
    rows = []
    for report in sorted(result.reports, key=lambda r: r.rel):
        errors = collections.Counter(f.check for f in report.findings if f.severity == "error")
        totals.update(errors)
        rows.append({
            "file": report.rel,
            "kind": report.kind,
            "unit": report.unit or "—",
            "year": report.year or "—",
            "published": report.published.isoformat() if report.published else "—",
            "sections": sections_found(report),
            "cells": table_cells(report),
            "errors": dict(errors),
        })  # fmt: skip
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        for row in rows:
            errors = ", ".join(f"{k}×{n}" for k, n in sorted(row["errors"].items())) or "none"
            print(f"{row['file']}\n    {row['kind']} | {row['unit']} | {row['year']} | published {row['published']}"
                  f" | sections {row['sections']} | cells {row['cells']}\n    errors: {errors}")  # fmt: skip
        for u in result.unreadable:
            print(f"{u.rel}\n    unreadable: {u.reason()}")
    print(f"\n{len(result.reports)} reports, {len(result.unreadable)} unreadable or skipped, "
          f"{sum(totals.values())} error findings in {elapsed:.2f} s")  # fmt: skip
    for check, n in totals.most_common():
        print(f"  {check}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
