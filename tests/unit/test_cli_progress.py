"""Progress on long scans: shown on a terminal, silent in pipes and for small folders."""

from __future__ import annotations

import io

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


def test_tables_align_chinese_by_terminal_cells():
    table = format_table(["单位", "Year"], [["西区街道", "2024"], ["中山市", "2021"]])
    lines = table.splitlines()
    # the year column starts at the same terminal cell although the names differ in characters
    assert cell_len(lines[2][: lines[2].index("2024")]) == cell_len(lines[3][: lines[3].index("2021")]) == 10
    assert lines[3].startswith("中山市    2021")


def test_untrusted_report_text_loses_terminal_control_characters():
    assert safe_text("报告\x1b[31m红\x07\x9b") == "报告 [31m红  "
