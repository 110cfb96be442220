"""The code passes the linter configured in pyproject.toml (the README's test command runs it, so CI does)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    return [exe] if exe else [sys.executable, "-m", "ruff"]


def test_ruff_check_passes_on_src_and_tests():
    got = subprocess.run(
        [*ruff(), "check", "--no-cache", "--output-format", "concise", "src", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert got.returncode == 0, got.stdout + got.stderr


def test_ruff_format_leaves_src_and_tests_as_they_are():
    got = subprocess.run(
        [*ruff(), "format", "--check", "--no-cache", "src", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert got.returncode == 0, got.stdout + got.stderr
