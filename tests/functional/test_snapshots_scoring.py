"""SVG snapshot of the review header with a deciding gate, status and flag at 100×30 (issue 14 point 3).

Update after an intended change with ``pytest tests/functional/test_snapshots_scoring.py --snapshot-update``.
"""

from __future__ import annotations

from tui_helpers import make_app, open_report, wait_ready

TEMPLATE = "district-summary-template.txt"


def test_header_with_gate_status_and_flag_at_100_columns(snap_compare, samples_copy):
    async def run_before(pilot) -> None:
        await wait_ready(pilot.app, pilot)
        await open_report(pilot.app, pilot, TEMPLATE)
        await pilot.press("1", "0", "J", "1", "2", "J", "1", "5", "d", "F")  # 37, capped at 30; done, flagged
        await pilot.pause()

    app = make_app(samples_copy, resume=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
