#!/usr/bin/env python3
"""Make the README's screenshot of the review screen: docs/review-screen.svg.

Usage (from the repository root)::

    python docs/make_screenshot.py [OUT.svg] [--size 180x48] [--lang zh]

Copies sample_reports/ to a temporary folder, adds the same unit's previous
year (西区街道 2023, a few numbers changed) so there is copying to show,
opens 西区街道 2024 in the app (headless), types two scores, steps to the
first match and saves an SVG. Rich's SVG export sizes each text run by its
number of characters, which squeezes Chinese characters into half their
cells; the runs are widened to their cell width so the picture shows what
a terminal shows.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def widen_cjk_runs(svg: str) -> str:
    from rich.cells import cell_len

    def fix(match: re.Match) -> str:
        attrs, text = match.group(1), match.group(2)
        raw = html.unescape(text)
        length = re.search(r'textLength="([\d.]+)"', attrs)
        if not length or not raw:
            return match.group(0)
        cells = cell_len(raw)
        if cells == len(raw):
            return match.group(0)
        per_char = float(length.group(1)) / len(raw)
        wider = 'textLength="%.1f"' % (cells * per_char)
        return "<text" + attrs.replace(length.group(0), wider) + ">" + text + "</text>"

    return re.sub(r"<text([^>]*)>([^<]*)</text>", fix, svg)


async def shoot(folder: Path, size: tuple[int, int]) -> str:
    from shenyue.tui.app import ShenyueApp

    app = ShenyueApp(folder, reviewer="张三", resume=False, clock=lambda: datetime(2025, 3, 1, 10, 15, 0))
    async with app.run_test(size=size) as pilot:
        ws = app.workspace
        for _ in range(400):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if ws.scanned and ws.reviews_loaded and (ws.copy_ready or ws.copy_problem):
                break
        app.open_report("zhongshan-xiqu-2024.txt")
        await pilot.pause()
        await pilot.press("8", "s", "j", "9", "t", "m", "m")
        await pilot.pause(0.3)
        svg = app.export_screenshot(title="shenyue 审阅")
        await pilot.press("q")
    return svg


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "review-screen.svg")
    parser.add_argument("--size", default="180x48")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for var in ("CONFIG", "CACHE", "DATA"):
            os.environ[f"SHENYUE_{var}_DIR"] = str(tmp_path / var.lower())
        folder = tmp_path / "reports"
        shutil.copytree(ROOT / "sample_reports", folder)
        sys.path.insert(0, str(ROOT / "tests" / "functional"))
        from tui_helpers import build_copies

        build_copies(folder)
        from shenyue.i18n import set_language

        set_language(args.lang)
        svg = asyncio.run(shoot(folder, (width, height)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(widen_cjk_runs(svg), encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
