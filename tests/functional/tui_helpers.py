"""Helpers for driving the reviewer app with Pilot (imported by the tests and conftest.py).

Every test gets its own config, cache and data folders (tests/conftest.py)
and a writable copy of sample_reports/ (``samples_copy``). ``copy_folder``
adds two reports built from the samples so there is copying to see: the
same unit's previous year (西区街道 2023, numbers and year changed) and a
peer unit that took two paragraphs of 长征街街道's report.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

from shenyue import paths
from shenyue.config import load_config

FIXED_NOW = datetime(2025, 3, 1, 10, 15, 0)
XIQU = "zhongshan-xiqu-2024.txt"
XIQU_PREV = "zhongshan-xiqu-2023.txt"
PEER = "dongqu-2024.txt"
CHANGZHENG = "xinzhou-changzhengjie-2024.txt"
CITY = "zhongshan-city-2021.txt"


def fixed_clock() -> datetime:
    return FIXED_NOW


def build_copies(folder: Path) -> None:
    """Add the previous-year and the peer report to ``folder``."""
    xiqu = (folder / XIQU).read_text(encoding="utf-8")
    prev = xiqu.replace("2024年", "2023年").replace("648条", "612条").replace("撤回过期信息20条", "撤回过期信息18条")
    (folder / XIQU_PREV).write_text(prev, encoding="utf-8")
    changzheng = (folder / CHANGZHENG).read_text(encoding="utf-8")
    paras = [p for p in changzheng.split("\n") if len(p) > 120][:2]
    body = [
        "东区街道2024年政府信息公开工作年度报告",
        "一、总体情况",
        "2024年，东区街道坚持以人民为中心，扎实推进各项工作，主动公开各类信息310条。",
        paras[0].replace("长征街", "东区街"),
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        paras[1],
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]
    (folder / PEER).write_text("\n".join(body) + "\n", encoding="utf-8")


def build_team(folder: Path) -> Path:
    """Two other reviewers: 李四 and 王五 disagree by 12 points on 长征街; only 李四 scored 中山市."""
    from shenyue.review import ReviewStore

    li = ReviewStore(folder, "李四").open(CHANGZHENG)
    li.set_score("timeliness", 10)
    li.set_score("structure", 10)
    wang = ReviewStore(folder, "王五").open(CHANGZHENG)
    wang.set_score("timeliness", 4)
    wang.set_score("structure", 4)
    wang.set_status("done")
    ReviewStore(folder, "李四").open(CITY).set_score("timeliness", 9)
    return folder


def make_app(folder: Path, **kw):
    from shenyue.tui.app import ShenyueApp

    kw.setdefault("reviewer", "张三")
    kw.setdefault("clock", fixed_clock)
    kw.setdefault("config", load_config())
    app = ShenyueApp(folder, **kw)
    app.flash_seconds = 30  # long enough to be seen by the test
    return app


async def wait_ready(app, pilot, *, copies: bool = True) -> None:
    """Wait until reading, similarity and review files are all in."""
    ws = app.workspace
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        done = ws.scanned and (ws.store is None or ws.reviews_loaded)
        if copies:
            done = done and (ws.copy_ready or ws.copy_problem is not None)
        if done and not any(w.is_running for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError("the app did not finish loading")


def review_file(folder: Path, reviewer: str, rel: str) -> Path:
    from shenyue.review import review_rel_path, sanitize_reviewer

    return folder / "reviews" / sanitize_reviewer(reviewer) / review_rel_path(rel)


def read_review(folder: Path, reviewer: str, rel: str) -> dict:
    with open(review_file(folder, reviewer, rel), "rb") as handle:
        return tomllib.load(handle)


def config_data() -> dict:
    path = paths.config_file()
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def write_config(text: str) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def open_report(app, pilot, rel: str) -> None:
    """From the list: put the cursor on ``rel`` and press Enter."""
    from shenyue.tui.screens.list_screen import ListScreen

    screen = app.screen
    assert isinstance(screen, ListScreen)
    table = screen.table
    table.cursor = [r.rel for r in table.rows].index(rel)
    await pilot.press("enter")
    await pilot.pause()


def screen_lines(app) -> list[str]:
    """The characters on the app's screen, one string per row."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, record=True, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))  # noqa: SLF001
    return console.export_text().splitlines()
