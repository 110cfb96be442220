"""A folder for the table view's tests: 长征街街道 2024 with table 三 changed so that one column's
勾稽 identity fails (3119 + 34 ≠ 3050 + 104), and the same unit's 2023 report whose 结转下年度
(30) differs from this year's 上年结转 (34)."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import CHANGZHENG

from shenyue.model.tables import parse_tables

PRIOR = "xinzhou-changzhengjie-2023.txt"
CHANGES = {
    "t3.new.np": "3119",
    "t3.new.tot": "3119",
    "t3.carried_in.np": "34",
    "t3.carried_in.tot": "34",
    "t3.r1.np": "3050",
    "t3.r1.tot": "3050",
    "t3.r7.np": "3050",
    "t3.r7.tot": "3050",
    "t3.carried_out.np": "104",
    "t3.carried_out.tot": "104",
}


def with_cell(text: str, cell_id: str, value: str) -> str:
    cell = parse_tables(text).cell(cell_id)
    assert cell is not None, cell_id
    return text[: cell.start] + value + text[cell.end :]


def build_table_case(folder: Path) -> None:
    path = folder / CHANGZHENG
    text = path.read_text(encoding="utf-8")
    for cell_id, value in CHANGES.items():
        text = with_cell(text, cell_id, value)
    path.write_text(text, encoding="utf-8")
    prior = with_cell(with_cell(text.replace("2024", "2023"), "t3.carried_out.np", "30"), "t3.carried_out.tot", "34")
    (folder / PRIOR).write_text(prior, encoding="utf-8")
