"""Paths of the sample reports, for tests (import as ``from tests.helpers import SAMPLE``).

``SAMPLES`` is a private copy of the five sample reports, made once per test
run in a temporary folder: whatever a user has done in the checkout (the app
writes ``sample_reports/reviews/`` when a report is scored there, a user may
drop files in), the tests read exactly the shipped samples and never write
into the checkout.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "sample_reports"

# What each sample document is: short name -> file name.
SAMPLE_FILES = {
    "xiqu": "zhongshan-xiqu-2024.txt",  # seed 000: 西区街道 2024, tables lost
    "changzheng": "xinzhou-changzhengjie-2024.txt",  # seed 001: web copy, full tables
    "traditional": "street-2020-summary-traditional.txt",  # seed 002: mirror copy
    "template": "district-summary-template.txt",  # seed 003: 20xx template
    "zhongshan": "zhongshan-city-2021.txt",  # seed 004: 中山市 2021
}


def _private_copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="shenyue-samples-")) / "sample_reports"
    folder.mkdir()
    atexit.register(shutil.rmtree, folder.parent, True)
    for name in SAMPLE_FILES.values():
        shutil.copyfile(SHIPPED / name, folder / name)
        (folder / name).chmod(0o644)
    return folder


SAMPLES = _private_copy()
SAMPLE = {key: SAMPLES / name for key, name in SAMPLE_FILES.items()}
