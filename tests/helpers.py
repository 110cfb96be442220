"""Paths of the sample reports, for tests (import as ``from tests.helpers import SAMPLE``)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_reports"

# What each sample document is: short name -> file.
SAMPLE = {
    "xiqu": SAMPLES / "zhongshan-xiqu-2024.txt",  # seed 000: 西区街道 2024, tables lost
    "changzheng": SAMPLES / "xinzhou-changzhengjie-2024.txt",  # seed 001: web copy, full tables
    "traditional": SAMPLES / "street-2020-summary-traditional.txt",  # seed 002: mirror copy
    "template": SAMPLES / "district-summary-template.txt",  # seed 003: 20xx template
    "zhongshan": SAMPLES / "zhongshan-city-2021.txt",  # seed 004: 中山市 2021
}
