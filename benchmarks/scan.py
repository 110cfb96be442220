"""Time `shenyue scan --json` on generated corpora of 1,000 and 10,000 reports.

Usage: python benchmarks/scan.py [--sizes 1000 10000] [--keep DIR]

Builds each corpus with ../shared/bench/make_corpus.py (fixed seed) from
sample_reports/, then runs the scan as a whole process, twice, and prints
wall time and peak memory (max RSS of the process tree) of the faster run,
plus the corpus size in characters. Targets: 1,000 reports <= 3 s,
10,000 <= 30 s, memory growing no faster than the text.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from common import build_corpus, timed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--keep", type=Path, help="keep corpora in this folder")
    ap.add_argument("--extra", nargs="*", default=[], help="extra arguments for shenyue scan")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="shenyue-bench-"))
    exe = shutil.which("shenyue", path=str(Path(sys.executable).parent)) or "shenyue"
    env = dict(os.environ, SHENYUE_CACHE_DIR=str(base / "cache"), SHENYUE_CONFIG_DIR=str(base / "config"))
    try:
        for n in args.sizes:
            corpus = base / f"corpus{n}"
            chars = build_corpus(n, corpus)
            runs = [timed([exe, "scan", str(corpus), "--json", *args.extra], env) for _ in range(2)]
            wall = min(r[0] for r in runs)
            data = json.loads(runs[-1][2])
            findings = sum(len(r["findings"]) for r in data["reports"])
            print(
                f"scan N={n}: {len(data['reports'])} reports, {chars / 1e6:.1f} M chars, "
                f"wall {wall:.2f} s (runs: {', '.join(f'{r[0]:.2f}' for r in runs)}), "
                f"peak RSS {max(r[1] for r in runs):.0f} MB, {findings} findings"
            )
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
