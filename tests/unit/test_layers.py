"""The layers hold: nothing below the interfaces imports Textual, and the app's plain-Python
parts (workspace, copy data, highlight layers, the review screen's view model) do not either.
Checked in a fresh interpreter, so what other tests imported does not count."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import shenyue

TEXTUAL_FREE_TUI = [
    "shenyue.tui.workspace",
    "shenyue.tui.copies",
    "shenyue.tui.highlight",
    "shenyue.tui.textutil",
    "shenyue.tui.glyphs",
    "shenyue.tui.state",
    "shenyue.tui.screens.review.viewmodel",
    "shenyue.tui.screens.review.tablemodel",
]


def lower_layer_modules() -> list[str]:
    root = Path(shenyue.__file__).parent
    out = []
    for info in pkgutil.walk_packages([str(root)], "shenyue."):
        name = info.name
        if name.startswith(("shenyue.tui", "shenyue.cli", "shenyue.__main__")):
            continue
        out.append(name)
    return out


def imports_textual(modules: list[str]) -> list[str]:
    """The modules (of ``modules``) after whose import Textual is loaded, in a fresh interpreter each batch."""
    probe = (
        "import importlib, sys\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "    if 'textual' in sys.modules:\n"
        "        bad.append(name); break\n"
        "print(','.join(bad))\n"
    )
    got = subprocess.run([sys.executable, "-c", probe, *modules], capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr[-3000:]
    return [m for m in got.stdout.strip().split(",") if m]


def test_reading_model_analysis_and_review_never_import_textual():
    modules = lower_layer_modules()
    assert {"shenyue.reading.pdf", "shenyue.model.report", "shenyue.analysis.scan", "shenyue.review.session"} <= set(
        modules
    )
    assert imports_textual(modules) == []


def test_the_apps_plain_python_parts_never_import_textual():
    assert imports_textual(TEXTUAL_FREE_TUI) == []
    assert imports_textual(["shenyue.tui.screens.review.screen"]) == [
        "shenyue.tui.screens.review.screen"
    ]  # the probe sees it
