"""Time `shenyue scan --json` on generated corpora (1,000, 10,000, up to 100,000 reports).

Usage: python benchmarks/scan.py [--sizes 1000 10000 100000] [--keep DIR] [--repeat N]
                                 [--workers-compare] [--extra ARG ...]

Builds each corpus with ../shared/bench/make_corpus.py (fixed seed) from
sample_reports/ (once; --keep reuses it), then runs `shenyue scan CORPUS
--json` as a whole process (start-up, imports and the JSON output included):

  cold    with an empty cache folder (every file read, modelled, checked,
          fingerprinted),
  warm    again with the same cache (nothing changed): the output memo prints what the
          cold run printed,
  loaded  the same without the output memo (removed before each run): every report
          loaded from the report cache, the copy index and cross-report checks redone,
  edited  after one report was changed (that file's work plus the
          folder-level steps: units, copy index, cross-report checks),

and prints wall time, CPU time and peak memory (max RSS of the process and
its reaped workers, from wait4) of each, and whether warm and edited output
equal a cold run's. ``--workers-compare`` also times the reading and checks
alone (scan_folder, no cache) in one process and with the process pool.
The machine may be shared: the load average is printed with each size.
Bytecode is written and used as on a user's machine (PYTHONDONTWRITEBYTECODE
is dropped from the environment).

Targets (a quiet 2-core machine): 1,000 cold <= 1.5 s, warm <= 0.3 s;
10,000 cold <= 15 s, warm <= 2 s, one file changed <= 3 s, peak <= 1.5 GB;
100,000 cold <= 5 min, peak <= 4 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from common import ROOT, build_corpus, shenyue_exe, timed_cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="corpus sizes, up to 100000")
    ap.add_argument("--keep", type=Path, help="keep corpora in this folder (and reuse them)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each kind; the fastest is reported")
    ap.add_argument("--workers-compare", action="store_true", help="also time reading+checks with 1 and 2 processes")
    ap.add_argument("--extra", nargs="*", default=[], help="extra arguments for shenyue scan")
    args = ap.parse_args()
    if any(n < 1 or n > 100_000 for n in args.sizes):
        ap.error("--sizes: between 1 and 100000")
    base = args.keep or Path(tempfile.mkdtemp(prefix="shenyue-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    exe = shenyue_exe()
    try:
        for n in args.sizes:
            corpus = base / f"corpus{n}"
            t0 = time.perf_counter()
            chars = build_corpus(n, corpus)
            print(f"N={n}: corpus {chars / 1e6:.1f} M chars ({time.perf_counter() - t0:.1f} s to build or find)")
            cache = base / f"scan-cache{n}"
            env = dict(os.environ, SHENYUE_CACHE_DIR=str(cache), SHENYUE_CONFIG_DIR=str(base / "config"),
                       SHENYUE_DATA_DIR=str(base / "data"))  # fmt: skip
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            cmd = [exe, "scan", str(corpus), "--json", *args.extra]
            colds = []
            for _ in range(max(1, args.repeat)):
                shutil.rmtree(cache, ignore_errors=True)
                colds.append(timed_cpu(cmd, env))
            cold = min(colds, key=lambda r: r[0])
            warm = min((timed_cpu(cmd, env) for _ in range(max(1, args.repeat))), key=lambda r: r[0])
            loaded = min((timed_cpu(cmd, env, before=partial(shutil.rmtree, cache / "output", ignore_errors=True))
                          for _ in range(max(1, args.repeat))), key=lambda r: r[0])  # fmt: skip
            victim = corpus / "r00001.txt"
            original = victim.read_bytes()
            try:
                victim.write_bytes(original + "本报告由本单位自行编写。\n".encode())
                edited = timed_cpu(cmd, env)
            finally:
                victim.write_bytes(original)
            data = json.loads(cold[2])
            same = json.loads(warm[2]) == data
            same_loaded = json.loads(loaded[2]) == data
            findings = sum(len(r["findings"]) for r in data["reports"])
            print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work slows the wall times)")
            print(
                f"  cold   wall {cold[0]:7.2f} s  cpu {cold[3]:7.2f} s  peak RSS {cold[1]:6.0f} MB  "
                f"{len(data['reports'])} reports, {findings} findings"
                + (f"  (runs: {', '.join(f'{r[0]:.2f}' for r in colds)})" if len(colds) > 1 else "")
            )
            print(f"  warm   wall {warm[0]:7.2f} s  cpu {warm[3]:7.2f} s  peak RSS {warm[1]:6.0f} MB  same: {same}"
                  "  (the output memo)")  # fmt: skip
            print(f"  loaded wall {loaded[0]:7.2f} s  cpu {loaded[3]:7.2f} s  peak RSS {loaded[1]:6.0f} MB  "
                  f"same: {same_loaded}  (warm without the output memo: every report loaded from the cache)")  # fmt: skip
            print(f"  edited wall {edited[0]:7.2f} s  cpu {edited[3]:7.2f} s  peak RSS {edited[1]:6.0f} MB")
            if args.workers_compare:
                compare_workers(corpus)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def compare_workers(corpus: Path) -> None:
    """Reading, modelling and checks alone (no cache, no copy index): one process, then the pool, back to back."""
    sys.path.insert(0, str(ROOT / "src"))
    from shenyue.analysis.scan import scan_folder

    for workers in (1, 2, 1, 2):
        t0, c0 = time.perf_counter(), time.process_time()
        result = scan_folder(corpus, workers=workers, cache=False)
        wall = time.perf_counter() - t0
        print(
            f"  reading+checks, {workers} process{'es' if workers > 1 else ''}: wall {wall:6.2f} s "
            f"(this process's cpu {time.process_time() - c0:6.2f} s), {len(result.reports)} reports"
        )


if __name__ == "__main__":
    main()
