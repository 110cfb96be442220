"""What the benchmark scripts share: building a corpus and timing one process.

Run the scripts from the repository root (``python benchmarks/scan.py``);
their own folder is on ``sys.path``, so ``import common`` finds this file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"


def build_corpus(n: int, out: Path, seed: int = 7, layouts: str | None = None) -> int:
    """Build ``n`` reports with ../shared/bench/make_corpus.py (once); returns the corpus size in characters.

    ``layouts`` is make_corpus.py's ``--layouts`` mix (default: its own).
    """
    if not (out / "truth.json").exists():
        extra = ["--layouts", layouts] if layouts else []
        subprocess.run(
            [sys.executable, str(BENCH / "make_corpus.py"), "--seeds", str(ROOT / "sample_reports"),
             "--n", str(n), "--out", str(out), "--seed", str(seed), *extra],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    return sum(r["chars"] for r in truth["reports"].values())


def timed(cmd: list[str], env: dict) -> tuple[float, float, bytes]:
    """Wall seconds and peak RSS (MB) of exactly this child process (and its reaped workers)."""
    wall, rss, out, _cpu = timed_cpu(cmd, env)
    return wall, rss, out


def timed_cpu(cmd: list[str], env: dict) -> tuple[float, float, bytes, float]:
    """As :func:`timed`, plus the CPU seconds (user + system) of the process and its reaped workers.

    CPU seconds do not grow when other work shares the machine; wall time does.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        out.seek(0)
        err.seek(0)
        if code != 0:
            raise SystemExit(f"command failed ({code}): {err.read().decode(errors='replace')[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read(), usage.ru_utime + usage.ru_stime
