"""Time and score `shenyue similar --json` on generated corpora of 1,000 and 10,000 reports.

Usage: python benchmarks/similarity.py [--sizes 1000 10000 100000] [--seed 0] [--keep DIR] [--layouts MIX]

Builds each corpus with ../shared/bench/make_corpus.py (fixed seed) from
sample_reports/, then runs `shenyue similar CORPUS --json` as a whole process
(Python start-up and imports included):

  cold    with an empty cache folder,
  warm    again with the same cache (nothing changed),
  edited  after one report was changed (its own share of the work only),

and prints wall time and peak memory (max RSS of the process and its workers,
from wait4) of each, plus precision / recall / F1 from
../shared/bench/score_spans.py (statutory text counted as false positives),
and the same figures per layout (plain, pdf, flat: truth.json says which;
same scoring rules, computed here with numpy) with the share of statutory
characters flagged. The corpus uses make_corpus.py's default layout mix
unless --layouts is given.
Targets: N=1,000 cold <= 1.5 s, warm <= 0.3 s, F1 >= 0.98 overall and
>= 0.97 in each layout, statutory flagged <= 1 % in each layout; N=10,000
cold <= 15 s, peak memory <= 1.5 GB.

Measured 2026-11-28 (2 cores shared with other work, load average 1.1-1.5;
``python benchmarks/similarity.py --sizes 1000 10000 --repeat 2``, seed 0,
default mix: plain 40 %, pdf 40 %, flat 20 %):

  N       layout  precision  recall  F1      statutory flagged
  1,000   plain   0.9949     0.9835  0.9891  0.00 %
          pdf     0.9934     0.9817  0.9875  0.00 %
          flat    0.9948     0.9836  0.9891  0.27 %
          all     0.9942     0.9827  0.9884  0.05 %
  10,000  plain   0.9902     0.9893  0.9898  0.00 %
          pdf     0.9883     0.9872  0.9878  0.00 %
          flat    0.9896     0.9892  0.9894  0.52 %
          all     0.9894     0.9885  0.9889  0.10 %

  N=1,000: cold 1.5-2.4 s wall (2.7-2.8 s CPU), warm 0.30-0.34 s, 190 MB.
  N=10,000: cold 13.4-15.6 s wall (24 s CPU), warm 0.8 s, peak RSS 1.29 GB.
  (before the paragraph-level masking: F1 0.920; plain 0.988, pdf 0.835,
  flat 0.949 with 84 % of its statutory text flagged; N=10,000 cold 20.5 s.)
About two thirds of the cold CPU time is reading and modelling the files
(``shenyue similar``'s loader builds each report's model for its unit, year,
chrome and tables); fingerprinting runs in worker processes and the index
is one sort.
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

import numpy as np
from common import BENCH, build_corpus, shenyue_exe, timed_cpu


def build(n: int, seed: int, out: Path, layouts: str | None) -> int:
    return build_corpus(n, out, seed, layouts=layouts)


_SPACE = np.array([ord(c) for c in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u3000"]
                  + list(range(0x2000, 0x200B)) + [0x202F, 0x205F], dtype=np.uint32)  # fmt: skip


def _mask(n: int, spans) -> np.ndarray:
    delta = np.zeros(n + 1, dtype=np.int32)
    for a, b in spans:
        a, b = max(0, a), min(n, b)
        if b > a:
            delta[a] += 1
            delta[b] -= 1
    return np.cumsum(delta[:n]) > 0


def score_layouts(corpus: Path, detected: list[dict]) -> dict[str, tuple[float, float, float, float]]:
    """Per layout (and "all"): precision, recall, F1, statutory share flagged, scored as score_spans.py does."""
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    found: dict[str, list[tuple[int, int]]] = {}
    for d in detected:
        found.setdefault(d["report"], []).append((d["start"], d["end"]))
    counts: dict[str, np.ndarray] = {}
    for name, info in truth["reports"].items():
        text = (corpus / name).read_text(encoding="utf-8")
        n = info["chars"]
        scored = ~np.isin(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)[:n], _SPACE)
        copied = _mask(n, [(c["start"], c["end"]) for c in info["copied"]])
        statutory = _mask(n, info["statutory"]) & scored
        flagged = _mask(n, found.get(name, []))
        prose = scored & ~statutory
        tp = int(np.count_nonzero(prose & copied & flagged))
        fp = int(np.count_nonzero(prose & flagged & ~copied)) + int(np.count_nonzero(statutory & flagged))
        fn = int(np.count_nonzero(prose & copied & ~flagged))
        row = np.array([tp, fp, fn, np.count_nonzero(statutory & flagged), np.count_nonzero(statutory)], dtype=np.int64)
        layout = info.get("layout", "plain")
        counts[layout] = counts.get(layout, 0) + row
    counts = dict(sorted(counts.items()))
    counts["all"] = sum(counts.values())
    out = {}
    for layout, (tp, fp, fn, sflag, stotal) in counts.items():
        p = tp / max(1, tp + fp)
        r = tp / max(1, tp + fn)
        out[layout] = (p, r, 2 * p * r / max(1e-12, p + r), sflag / max(1, stotal))
    return out


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
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="corpus sizes, up to 100000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="keep corpora (and caches) in this folder")
    ap.add_argument("--layouts", help="make_corpus.py --layouts (default: its own mix)")
    ap.add_argument("--repeat", type=int, default=1, help="cold and warm runs each; the fastest is reported")
    args = ap.parse_args()
    if any(n < 1 or n > 100_000 for n in args.sizes):
        ap.error("--sizes: between 1 and 100000")
    base = args.keep or Path(tempfile.mkdtemp(prefix="shenyue-sim-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    exe = shenyue_exe()
    try:
        for n in args.sizes:
            tag = "" if not args.layouts else "-" + re.sub(r"[^a-z0-9.]+", "_", args.layouts)
            corpus = base / f"corpus{n}-seed{args.seed}{tag}"
            t0 = time.perf_counter()
            chars = build(n, args.seed, corpus, args.layouts)
            print(f"N={n}: corpus {chars / 1e6:.1f} M chars ({time.perf_counter() - t0:.1f} s to build or find)")
            cache = base / f"cache{n}"
            shutil.rmtree(cache, ignore_errors=True)
            env = dict(os.environ, SHENYUE_CACHE_DIR=str(cache), SHENYUE_CONFIG_DIR=str(base / "config"))
            cmd = [exe, "similar", str(corpus), "--json"]
            colds = []
            for _ in range(max(1, args.repeat)):
                shutil.rmtree(cache, ignore_errors=True)
                colds.append(timed_cpu(cmd, env))
            cold = min(colds, key=lambda r: r[0])
            warm = min((timed_cpu(cmd, env) for _ in range(max(1, args.repeat))), key=lambda r: r[0])
            victim = corpus / "r00001.txt"
            original = victim.read_bytes()
            try:
                victim.write_bytes(original + "本报告由本单位自行编写。\n".encode())
                edited = timed_cpu(cmd, env)
            finally:
                victim.write_bytes(original)
            detected = base / f"detected{n}.json"
            detected.write_bytes(cold[2])
            spans = json.loads(cold[2])
            same = json.loads(warm[2]) == spans
            print(
                f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine slows the wall times)"
            )
            print(
                f"  cold   wall {cold[0]:6.2f} s  cpu {cold[3]:6.2f} s  peak RSS {cold[1]:7.0f} MB  {len(spans)} spans"
                + (f"  (best of {len(colds)}: {', '.join(f'{r[0]:.2f}' for r in colds)})" if len(colds) > 1 else "")
            )
            print(
                f"  warm   wall {warm[0]:6.2f} s  cpu {warm[3]:6.2f} s  peak RSS {warm[1]:7.0f} MB  same output: {same}"
            )
            print(
                f"  edited wall {edited[0]:6.2f} s  cpu {edited[3]:6.2f} s  peak RSS {edited[1]:7.0f} MB  (one report changed)"
            )
            kinds = {}
            for d in spans:
                kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
            print(f"  kinds {kinds}")
            for line in score(corpus, detected).splitlines():
                print("  " + re.sub(r"\s+", " ", line))
            print("  layout   precision  recall      F1  statutory flagged")
            for layout, (p, r, f1, st) in score_layouts(corpus, spans).items():
                print(f"  {layout:<8} {p:9.4f} {r:7.4f} {f1:7.4f} {100 * st:9.2f} %")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
