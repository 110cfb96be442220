"""SVG snapshots of the sources panel in Chinese (plain ``def``: snap_compare runs its own loop).

The 2023 report of 西区街道 is open: the panel lists the city's report it took words from and
its 2024 report that repeats it, with the common-wording line apart. Update with
``pytest tests/functional/test_snapshots_sources.py --snapshot-update`` after an intended change.
"""

from __future__ import annotations

from tui_helpers import XIQU_PREV, make_app, open_report, wait_ready


async def _sources_panel(pilot) -> None:
    await wait_ready(pilot.app, pilot)
    await open_report(pilot.app, pilot, XIQU_PREV)
    await pilot.press("S")
    await pilot.pause()


def test_sources_panel_narrow(snap_compare, copy_folder):
    app = make_app(copy_folder, resume=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_sources_panel)


def test_sources_panel_wide(snap_compare, copy_folder):
    app = make_app(copy_folder, resume=False)
    assert snap_compare(app, terminal_size=(200, 50), run_before=_sources_panel)
