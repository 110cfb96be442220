"""SVG snapshots of the main screens (plain ``def``: snap_compare runs its own loop).

Update the baselines after an intended change with
``pytest tests/functional/test_snapshots.py --snapshot-update`` and look at
the SVGs before committing them.
"""

from __future__ import annotations

from tui_helpers import XIQU, build_team, make_app, open_report, wait_ready


def _ready(then=None):
    async def run_before(pilot) -> None:
        await wait_ready(pilot.app, pilot)
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run_before


async def _open_xiqu_and_first_match(pilot) -> None:
    await open_report(pilot.app, pilot, XIQU)
    await pilot.press("m")


def test_report_list(snap_compare, copy_folder):
    app = make_app(copy_folder, resume=False)
    assert snap_compare(app, terminal_size=(160, 40), run_before=_ready())


def test_review_screen_with_highlights(snap_compare, copy_folder):
    app = make_app(copy_folder, resume=False)
    assert snap_compare(app, terminal_size=(180, 50), run_before=_ready(_open_xiqu_and_first_match))


def test_help_screen(snap_compare, copy_folder):
    async def help_on_review(pilot) -> None:
        await open_report(pilot.app, pilot, XIQU)
        await pilot.press("question_mark")

    app = make_app(copy_folder, resume=False)
    assert snap_compare(app, terminal_size=(120, 45), run_before=_ready(help_on_review))


def test_narrow_review_screen(snap_compare, copy_folder):
    app = make_app(copy_folder, resume=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_ready(_open_xiqu_and_first_match))


def test_report_list_with_team_columns(snap_compare, copy_folder):
    build_team(copy_folder)
    app = make_app(copy_folder, resume=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_ready())


def test_report_list_with_team_columns_wide(snap_compare, copy_folder):
    build_team(copy_folder)
    app = make_app(copy_folder, resume=False)
    assert snap_compare(app, terminal_size=(200, 50), run_before=_ready())
