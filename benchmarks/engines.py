"""Compare the copy index's "shared fingerprint" group-by in numpy with embedded engines (DuckDB, pyarrow).

Usage: python benchmarks/engines.py [--store PATH] [--repeat N] [--reports N] [--memory-limit 1GB]

Reads a fingerprint store written by a scan (``prints-*.bin``, default: the one of the 10,000 generated
reports under /tmp/bench/scan-cache10000), orders its reports by (unit, year) as the engine does and runs,
each in a fresh subprocess, on the same arrays:

* numpy: ``index._shared``, the project's step (one sort; it also finds every fingerprint's holders);
  numpy P=5 does it a part of the hash space at a time (``partition.shared_subset``, parts in memory);
* duckdb: the core as SQL, fed zero-copy from numpy through a pyarrow Table: key = hash >> bits, per
  key the count of distinct reports (nrp) and units (nup), the rows of keys with 2+ reports, by
  fingerprint number; "limited" sets ``threads=2`` and ``memory_limit``; "holder" adds the same unit's
  other report (as ``hrep[0]``: the previous report of the unit in the group, else the next one);
  "P=5" runs the query for ``key % 5 == p`` one part at a time;
* pyarrow: the same counts with Arrow's own group-by and hash join.

Each child loads the store, builds its inputs, resets its peak memory (``/proc/self/clear_refs``) and
times the step alone: wall and CPU time, peak resident memory of the process (VmHWM, inputs included)
and the step's own peak above what was resident before it. The outputs are checked against numpy's:
the same fingerprints kept and the same nrp/nup (and hrep[0] where computed). Figures are the median
wall/CPU time and the largest peak of --repeat runs. --reports N takes the store's first N reports.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PARTS = 5
ENGINES = ("numpy", "numpy P=5", "duckdb", "duckdb limited", "duckdb holder", "duckdb P=5", "pyarrow")
COUNTS = "SELECT k, count(DISTINCT r) AS nrp, count(DISTINCT u) AS nup FROM t GROUP BY k HAVING count(DISTINCT r) >= 2"
# the same unit's other report: the latest one before this report in the group, else the earliest one after it
# (a RANGE frame over report numbers rather than LAG: a report can hold one key several times)
HOLDER = """, coalesce(
  max(t.r) OVER (PARTITION BY t.k, t.u ORDER BY t.r RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
  min(t.r) OVER (PARTITION BY t.k, t.u ORDER BY t.r RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), -1) AS hrep0"""


def load(store: Path, reports: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashes (reports ordered by unit, year, store order), report bounds and a unit number per report."""
    from shenyue.analysis.similarity.cache import read_blob

    got = read_blob(store, {"kind": "prints"})
    if got is None:
        sys.exit(f"not a readable fingerprint store: {store}")
    header, arrays = got
    entries = header["entries"][:reports] if reports else header["entries"]
    counts = np.array([e[4] for e in entries], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)])
    e = entries
    order = sorted(range(len(e)), key=lambda i: (e[i][1] is None, e[i][1] or "", e[i][2] or 0, i))  # as engine._order
    hashes = np.concatenate([arrays["hashes"][starts[i] : starts[i + 1]] for i in order])  # a copy: the file can go
    bounds = np.concatenate([[0], np.cumsum(counts[order])]).astype(np.int64)
    names: dict[str, int] = {}
    units = [names.setdefault(entries[i][1], len(names)) if entries[i][1] else -1 - j for j, i in enumerate(order)]
    return hashes, bounds, np.array(units, dtype=np.int64)


def arrow_table(hashes: np.ndarray, bounds: np.ndarray, unit_ids: np.ndarray):
    """The fingerprints as a pyarrow Table (h, n, r, u); numpy arrays without nulls are wrapped, not copied."""
    import pyarrow as pa

    from shenyue.analysis.similarity.index import _report_of

    r = _report_of(bounds).astype(np.int32, copy=False)
    n = np.arange(len(hashes), dtype=np.int32)
    return pa.table({"h": hashes, "n": n, "r": r, "u": unit_ids.astype(np.int32)[r]})


def run_numpy(hashes, bounds, unit_ids, bits: int, parts: int) -> dict[str, np.ndarray]:
    from shenyue.analysis.similarity.index import _shared
    from shenyue.analysis.similarity.partition import _Hashes, shared_subset

    if parts == 1:
        prints = [_Hashes(hashes[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
        order, _hold, hrep, nrp, nup = _shared(prints, bounds, unit_ids)
        return {"n": order, "nrp": nrp, "nup": nup, "hrep0": hrep[0]}
    part = (hashes >> np.uint64(bits)) % np.uint64(parts)
    got = [shared_subset(hashes, bounds, unit_ids, bits, part == p) for p in range(parts)]  # _shared's arrays
    n, hrep0, nrp, nup = (np.concatenate(c) for c in zip(*((g[0], g[2][0], g[3], g[4]) for g in got)))
    by_n = np.argsort(n, kind="stable")
    return {"n": n[by_n], "nrp": nrp[by_n], "nup": nup[by_n], "hrep0": hrep0[by_n]}


def run_duckdb(table, bits: int, parts: int, config: dict, holder: bool, spill: str) -> dict[str, np.ndarray]:
    import duckdb

    con = duckdb.connect(config={"temp_directory": spill, **config})  # spills under the benchmark's own folder
    con.register("fp", table)
    select = f"SELECT t.n, g.nrp, g.nup{HOLDER if holder else ''} FROM t JOIN g USING (k)"
    got = []
    for p in range(parts):
        where = f"WHERE (h >> {bits}) % {parts} = {p}" if parts > 1 else ""
        sql = f"WITH t AS (SELECT n, r, u, h >> {bits} AS k FROM fp {where}), g AS ({COUNTS}) {select}"
        got.append(con.execute(sql + (" ORDER BY t.n" if parts == 1 else "")).fetchnumpy())
    out = {f: np.concatenate([np.asarray(g[f]) for g in got]) for f in got[0]}
    if parts > 1:
        by_n = np.argsort(out["n"], kind="stable")
        out = {f: a[by_n] for f, a in out.items()}
    return out


def run_pyarrow(table, bits: int) -> dict[str, np.ndarray]:
    import pyarrow as pa
    import pyarrow.compute as pc

    t = table.append_column("k", pc.shift_right(table["h"], pa.scalar(bits, pa.uint64()))).select(["n", "r", "u", "k"])
    g = t.group_by("k").aggregate([("r", "count_distinct"), ("u", "count_distinct")])
    g = g.filter(pc.greater_equal(g["r_count_distinct"], 2))
    j = t.select(["n", "k"]).join(g, "k", join_type="inner").sort_by("n")
    return {"n": j["n"].to_numpy(), "nrp": j["r_count_distinct"].to_numpy(), "nup": j["u_count_distinct"].to_numpy()}


def status_mb(field: str) -> float:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) / 1024 for line in handle if line.startswith(field + ":"))


def child(a: argparse.Namespace) -> None:
    """Run one engine once; save its arrays to --out and print its figures as one JSON line."""
    from shenyue.analysis.similarity.index import group_bits

    hashes, bounds, unit_ids = load(Path(a.store), a.reports)
    bits, engine = group_bits(len(hashes)), a.child
    parts = PARTS if engine.endswith("P=5") else 1
    if not engine.startswith("numpy"):  # imported before the figures: an import is not the step's
        import pyarrow  # noqa: F401
    if engine.startswith("duckdb"):
        import duckdb  # noqa: F401
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # VmHWM starts again from the current resident size
    except OSError:
        pass
    base, t0, c0 = status_mb("VmRSS"), time.perf_counter(), time.process_time()
    if engine.startswith("numpy"):
        out = run_numpy(hashes, bounds, unit_ids, bits, parts)
    else:  # the engines' input columns are built in the step: numpy makes its own from the same arrays
        table = arrow_table(hashes, bounds, unit_ids)
        if engine == "pyarrow":
            out = run_pyarrow(table, bits)
        else:
            config = {"threads": 2, "memory_limit": a.memory_limit} if engine == "duckdb limited" else {}
            out = run_duckdb(table, bits, parts, config, engine == "duckdb holder", str(Path(a.out).parent))
    wall, cpu, peak = time.perf_counter() - t0, time.process_time() - c0, status_mb("VmHWM")
    np.savez(a.out, **{f: np.asarray(v, dtype=np.int64) for f, v in out.items()})
    print(json.dumps({"wall": wall, "cpu": cpu, "peak": peak, "step": peak - base, "F": len(hashes), "bits": bits}))


def agree(ref: dict, got: dict) -> str:
    """Whether an engine keeps the fingerprints numpy keeps, with the same counts (and holder report)."""
    both, i, j = np.intersect1d(ref["n"], got["n"], assume_unique=True, return_indices=True)
    bad = [f for f in ("nrp", "nup", "hrep0") if f in got and not np.array_equal(ref[f][i], got[f][j])]
    same_set = len(both) == len(ref["n"]) == len(got["n"])
    if same_set and not bad:
        return "yes" + (" (+hrep0)" if "hrep0" in got else "")
    return f"no (kept {len(got['n'])} vs {len(ref['n'])}, differ: {','.join(bad) or '-'})"


def main() -> None:
    found = sorted(glob.glob("/tmp/bench/scan-cache10000/similarity/prints-*.bin"))
    found = found or sorted(glob.glob("/tmp/bench/scan-cache*/similarity/prints-*.bin"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", default=found[0] if found else None, help="a prints-*.bin fingerprint store")
    ap.add_argument("--repeat", type=int, default=1, help="runs per engine, each in a fresh process")
    ap.add_argument("--reports", type=int, default=None, help="only the store's first N reports")
    ap.add_argument("--memory-limit", default="1GB", help="DuckDB's memory_limit for the 'limited' run")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, from: " + ", ".join(ENGINES))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.store is None:
        sys.exit("no fingerprint store found: pass --store")
    if a.child:
        return child(a)
    rows, ref, info = [], None, {"F": 0, "bits": 0}
    with tempfile.TemporaryDirectory(prefix="engines-") as tmp:
        for engine in a.engines.split(","):
            runs, failed = [], ""
            out = Path(tmp) / f"{engine.replace(' ', '_').replace('=', '')}.npz"
            for _ in range(a.repeat):
                cmd = [sys.executable, os.path.abspath(__file__), "--child", engine, "--store", a.store]
                cmd += ["--out", str(out), "--memory-limit", a.memory_limit]
                cmd += ["--reports", str(a.reports)] if a.reports else []
                proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
                if proc.returncode:  # e.g. DuckDB out of its memory_limit: reported, the others still run
                    lines = [line for line in proc.stderr.splitlines() if "Error" in line or "Exception" in line]
                    failed = (lines or [f"exit {proc.returncode}"])[-1][:150]
                    break
                runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            if failed:
                rows.append((engine, float("nan"), float("nan"), float("nan"), float("nan"), 0, "failed: " + failed))
                continue
            info = runs[0]
            with np.load(out) as z:
                got = {f: z[f] for f in z.files}
            out.unlink()
            ref = got if engine == "numpy" else ref
            ok = "reference" if engine == "numpy" else agree(ref, got) if ref is not None else "? (run numpy too)"
            wall, cpu = (statistics.median(r[f] for r in runs) for f in ("wall", "cpu"))
            peak, step = (max(r[f] for r in runs) for f in ("peak", "step"))
            rows.append((engine, wall, cpu, peak, step, len(got["n"]), ok))
    print(
        f"store {a.store}: {a.reports or 'all'} reports, {info['F']:,} fingerprints, bits {info['bits']}, {a.repeat} run(s)"
    )
    print(f"{'engine':<15} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'step MB':>8} {'kept':>11}  agree")
    for engine, wall, cpu, peak, step, kept, ok in rows:
        print(f"{engine:<15} {wall:7.2f} {cpu:7.2f} {peak:8.0f} {step:8.0f} {kept:11,}  {ok}")


if __name__ == "__main__":
    main()
