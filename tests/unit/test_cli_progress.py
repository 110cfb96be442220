"""Progress on long scans: shown on a terminal, silent in pipes and for small folders."""

from __future__ import annotations

import io
import re

from rich.cells import cell_len

from shenyue.cli.common import Progress, format_table, safe_text


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_for_a_large_folder_and_replaces_itself():
    out = FakeTTY()
    progress = Progress("scan.progress", stream=out)
    for i in range(1, 201):
        progress(i, 200, f"r{i}.txt")
    progress.close()
    text = out.getvalue()
    assert "200/200" in text
    assert "\n" not in text  # each update overwrites the line with \r
    assert text.endswith("\r\x1b[K")  # and the line is cleared at the end


def test_progress_stays_silent_in_a_pipe_or_for_a_few_files():
    pipe = io.StringIO()
    p = Progress("scan.progress", stream=pipe)
    p(100, 100)
    p.close()
    tty = FakeTTY()
    small = Progress("scan.progress", stream=tty)
    small(3, 3)
    small.close()
    assert pipe.getvalue() == "" and tty.getvalue() == ""


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_on_a_terminal_shows_the_time_left_from_the_pace_so_far():
    out, clock = FakeTTY(), Clock()
    progress = Progress("scan.progress", stream=out, clock=clock)
    progress(1, 1000)
    assert "剩余" not in out.getvalue()  # no estimate in the first second
    clock.now += 10.0
    progress(100, 1000)  # 10 s for 100 files: 90 s for the other 900
    assert out.getvalue().endswith("100/1000  剩余约 1 分 30 秒\x1b[K")
    clock.now += 80.0
    progress(990, 1000)
    assert out.getvalue().endswith("990/1000  剩余约 1 秒\x1b[K")


def test_progress_in_a_pipe_prints_a_plain_line_now_and_then_for_long_work():
    pipe, clock = io.StringIO(), Clock()
    progress = Progress("scan.progress", stream=pipe, clock=clock)
    for i in range(1, 1001):
        clock.now += 0.02  # 20 s in all: a line every 5 s
        progress(i, 1000)
    progress.close()
    lines = pipe.getvalue().splitlines()
    assert 3 <= len(lines) <= 4
    assert "\r" not in pipe.getvalue() and "\x1b" not in pipe.getvalue()
    assert re.fullmatch(r"正在扫描 25\d/1000 \(25%\)  剩余约 15 秒", lines[0])


def test_tables_align_chinese_by_terminal_cells():
    table = format_table(["单位", "Year"], [["西区街道", "2024"], ["中山市", "2021"]])
    lines = table.splitlines()
    # the year column starts at the same terminal cell although the names differ in characters
    assert cell_len(lines[2][: lines[2].index("2024")]) == cell_len(lines[3][: lines[3].index("2021")]) == 10
    assert lines[3].startswith("中山市    2021")


def test_untrusted_report_text_loses_terminal_control_characters():
    assert safe_text("报告\x1b[31m红\x07\x9b") == "报告 [31m红  "
