"""Time and size of `shenyue report` on a generated corpus of 1,000 reports.

Usage: python benchmarks/html_report.py [--sizes 1000] [--keep DIR] [--extra ARGS...]

Builds the corpus with ../shared/bench/make_corpus.py (fixed seed) from
sample_reports/, adds review files for a third of the reports (two reviewers,
so the score chart and the team's spread have data), then runs
``shenyue report CORPUS -o OUT.html`` as a whole process (the copy index warm
from a first run, as a team re-running the report would have it) and prints
wall time, peak memory, the file's size and how many shared passages it shows.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import build_corpus, shenyue_exe, timed


def add_reviews(corpus: Path, env: dict) -> None:
    script = r"""
import sys
from pathlib import Path
from shenyue.analysis.scan import scan_folder
from shenyue.review import ReviewStore
folder = Path(sys.argv[1])
reports = scan_folder(folder, checks=False).reports
for reviewer, base in (("reviewer-a", 0), ("reviewer-b", 2)):
    store = ReviewStore(folder, reviewer=reviewer)
    for i, report in enumerate(reports[::3]):
        session = store.open(report)
        for j, criterion in enumerate(store.rubric.criteria):
            session.set_score(criterion.id, str(max(0, min(int(criterion.max), (i + j + base) % (int(criterion.max) + 1)))))
        session.set_comment("overall", f"comment {i}")
        session.set_status("done")
"""
    if not (corpus / "reviews").exists():
        subprocess.run([sys.executable, "-c", script, str(corpus)], check=True, env=env)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    ap.add_argument("--extra", nargs="*", default=[], help="extra arguments for shenyue report")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="shenyue-bench-"))
    exe = shenyue_exe()
    env = dict(os.environ, SHENYUE_CACHE_DIR=str(base / "cache"), SHENYUE_CONFIG_DIR=str(base / "config"))
    try:
        for n in args.sizes:
            corpus = base / f"corpus{n}"
            chars = build_corpus(n, corpus)
            add_reviews(corpus, env)
            out = base / f"report{n}.html"
            runs = [timed([exe, "report", str(corpus), "-o", str(out), "--force", *args.extra], env) for _ in range(2)]
            wall = min(r[0] for r in runs)
            written = out if out.exists() else out.with_suffix("")
            size = (
                written.stat().st_size if written.is_file() else sum(p.stat().st_size for p in written.rglob("*.html"))
            )
            text = written.read_text(encoding="utf-8") if written.is_file() else ""
            pairs = len(re.findall(r'<div class="pair"', text))
            print(
                f"report N={n}: {chars / 1e6:.1f} M chars in, wall {wall:.2f} s (runs: {', '.join(f'{r[0]:.2f}' for r in runs)}), "
                f"peak RSS {max(r[1] for r in runs):.0f} MB, output {size / 1048576:.1f} MB "
                f"({'one file' if written.is_file() else 'folder'}), {pairs} shared passages shown"
            )
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
