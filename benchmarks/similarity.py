"""Time and score `shenyue similar --json` on generated corpora of 1,000 and 10,000 reports.

Usage: python benchmarks/similarity.py [--sizes 1000 10000] [--seed 0] [--keep DIR]

Builds each corpus with ../shared/bench/make_corpus.py (fixed seed) from
sample_reports/, then runs `shenyue similar CORPUS --json` as a whole process
(Python start-up and imports included):

  cold    with an empty cache folder,
  warm    again with the same cache (nothing changed),
  edited  after one report was changed (its own share of the work only),

and prints wall time and peak memory (max RSS of the process and its workers,
from wait4) of each, plus precision / recall / F1 from
../shared/bench/score_spans.py (statutory text counted as false positives).
Targets: N=1,000 cold <= 3 s, warm <= 0.5 s, F1 >= 0.97; N=10,000 cold
<= 30 s, peak memory <= 1.5 GB, F1 >= 0.97.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BENCH, build_corpus, timed


def build(n: int, seed: int, out: Path) -> int:
    return build_corpus(n, out, seed)


def score(corpus: Path, detected: Path) -> str:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "score_spans.py"), str(corpus / "truth.json"), str(detected), "--per-kind"],
        check=True,
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="keep corpora (and caches) in this folder")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="shenyue-sim-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    exe = shutil.which("shenyue", path=str(Path(sys.executable).parent)) or "shenyue"
    try:
        for n in args.sizes:
            corpus = base / f"corpus{n}-seed{args.seed}"
            t0 = time.perf_counter()
            chars = build(n, args.seed, corpus)
            print(f"N={n}: corpus {chars / 1e6:.1f} M chars ({time.perf_counter() - t0:.1f} s to build or find)")
            cache = base / f"cache{n}"
            shutil.rmtree(cache, ignore_errors=True)
            env = dict(os.environ, SHENYUE_CACHE_DIR=str(cache), SHENYUE_CONFIG_DIR=str(base / "config"))
            cmd = [exe, "similar", str(corpus), "--json"]
            cold = timed(cmd, env)
            warm = timed(cmd, env)
            victim = corpus / "r00001.txt"
            original = victim.read_bytes()
            try:
                victim.write_bytes(original + "本报告由本单位自行编写。\n".encode())
                edited = timed(cmd, env)
            finally:
                victim.write_bytes(original)
            detected = base / f"detected{n}.json"
            detected.write_bytes(cold[2])
            spans = json.loads(cold[2])
            same = json.loads(warm[2]) == spans
            print(f"  cold   wall {cold[0]:6.2f} s  peak RSS {cold[1]:7.0f} MB  {len(spans)} spans")
            print(f"  warm   wall {warm[0]:6.2f} s  peak RSS {warm[1]:7.0f} MB  same output: {same}")
            print(f"  edited wall {edited[0]:6.2f} s  peak RSS {edited[1]:7.0f} MB  (one report changed)")
            kinds = {}
            for d in spans:
                kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
            print(f"  kinds {kinds}")
            for line in score(corpus, detected).splitlines():
                print("  " + re.sub(r"\s+", " ", line))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
