"""Builders of hostile folders and files for the adversarial tests (all in tmp_path)."""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import SAMPLES

REPORT = "zhongshan-xiqu-2024.txt"
OTHER = "zhongshan-city-2021.txt"
SECRET = "外部机密文件不应被读取SECRET-MARKER"


def reports_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copyfile(SAMPLES / REPORT, folder / REPORT)
    return folder


def outside_folder(tmp_path: Path) -> Path:
    """A sibling folder with a report-looking file that must never be read."""
    out = tmp_path / "outside"
    out.mkdir()
    (out / "secret.txt").write_text(SAMPLES.joinpath(OTHER).read_text(encoding="utf-8") + SECRET, encoding="utf-8")
    return out


@contextmanager
def deadline(seconds: float):
    started = time.monotonic()
    yield
    took = time.monotonic() - started
    assert took < seconds, f"took {took:.1f} s (limit {seconds} s)"


def gbk_name(folder: Path, name: str = "报告.txt") -> tuple[bytes, str]:
    """The bytes path and the str (surrogate-escaped) name of a GBK-named file in ``folder``."""
    raw = os.fsencode(str(folder)) + b"/" + name.encode("gbk")
    return raw, os.fsdecode(name.encode("gbk"))
