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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"


def shenyue_exe() -> str:
    """The ``shenyue`` command of this Python's environment; exits with a plain message when it is not installed."""
    import shutil

    exe = shutil.which("shenyue", path=str(Path(sys.executable).parent)) or shutil.which("shenyue")
    if exe is None:
        sys.exit(f"shenyue is not installed for {sys.executable}: run `pip install -e .` in the project first")
    return exe


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


# Starts the timed command and reports its wall time, peak RSS and CPU time. It runs in a fresh, small
# interpreter: a child inherits the peak RSS of the process that started it (Linux keeps the high-water
# mark across fork and exec), so a command started by this script after it held a large corpus's outputs
# was reported hundreds of megabytes larger than it was (a trivial command started after 400 MB were
# allocated here showed 413 MB).
_RUNNER = """
import json, os, subprocess, sys, time
cmd, out_path, err_path = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(out_path, "wb") as out, open(err_path, "wb") as err:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
print(json.dumps([wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)]))
"""


def timed_cpu(cmd: list[str], env: dict, before=None) -> tuple[float, float, bytes, float]:
    """As :func:`timed`, plus the CPU seconds (user + system) of the process and its reaped workers.

    CPU seconds do not grow when other work shares the machine; wall time does. ``before`` (a callable) runs
    first, untimed.
    """
    if before is not None:
        before()
    with tempfile.TemporaryDirectory() as tmp:
        out, err = os.path.join(tmp, "out"), os.path.join(tmp, "err")
        got = subprocess.run([sys.executable, "-c", _RUNNER, json.dumps(cmd), out, err], env=env,
                             capture_output=True, check=True)  # fmt: skip
        wall, maxrss, cpu, code = json.loads(got.stdout)
        if code != 0:
            with open(err, "rb") as handle:
                raise SystemExit(f"command failed ({code}): {handle.read().decode(errors='replace')[-2000:]}")
        with open(out, "rb") as handle:
            return wall, maxrss / 1024, handle.read(), cpu
