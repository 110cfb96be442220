"""SVG snapshots of the table view (Chinese), narrow and wide: a failing cell selected with its
expectation in the header, the previous year's table 三 below (100×30) or beside (200×50).

Update after an intended change with ``--snapshot-update`` and look at the SVGs first."""

from __future__ import annotations

import pytest
from table_case import build_table_case
from tui_helpers import CHANGZHENG, make_app, open_report, wait_ready


@pytest.fixture
def table_folder(samples_copy):
    build_table_case(samples_copy)
    return samples_copy


def _tables_then(*keys: str):
    async def run_before(pilot) -> None:
        await wait_ready(pilot.app, pilot)
        await open_report(pilot.app, pilot, CHANGZHENG)
        await pilot.press("t", *keys)
        await pilot.pause()

    return run_before


def test_table_view_narrow(snap_compare, table_folder):
    app = make_app(table_folder, resume=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_tables_then("n", "n"))


def test_table_view_wide_with_the_previous_year(snap_compare, table_folder):
    app = make_app(table_folder, resume=False)
    assert snap_compare(app, terminal_size=(200, 50), run_before=_tables_then("right_square_bracket", "n"))
