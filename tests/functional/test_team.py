"""Issue 14 point 7: the team in view -- the list's team columns and filter, the review screen's team pane."""

from __future__ import annotations

from tui_helpers import CHANGZHENG, CITY, XIQU, make_app, open_report, screen_lines, wait_ready
from tui_helpers import build_team as team_folder

from shenyue.review import ReviewStore
from shenyue.tui.widgets.team_panel import TeamPanel


async def test_the_list_shows_how_many_scored_their_mean_and_spread(samples_copy):
    team_folder(samples_copy)
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        table = app.screen.table
        keys = [c.key for c in table.columns]
        assert keys[-4:] == ["reviewers", "mean", "spread", "status"]
        row = app.workspace.by_rel[CHANGZHENG]
        assert table.cell_text("reviewers", row) == "2"
        assert table.cell_text("mean", row) == "14"
        assert table.cell_text("spread", row) == "12"
        assert table.cell("spread", row)[0][0] == "warning"  # 10 points or more stand out
        assert table.cell_text("spread", app.workspace.by_rel[CITY]) != "0"  # one reviewer: no spread
        assert table.cell_text("reviewers", app.workspace.by_rel[XIQU]) == "0"
        # this reviewer's scores count at once
        await open_report(app, pilot, CITY)
        await pilot.press("5")
        await pilot.press("escape")
        row = app.workspace.by_rel[CITY]
        assert table.cell_text("reviewers", row) == "2" and table.cell_text("spread", row) == "4"
        # sorted by disagreement, largest first
        app.screen.sort_by("spread")
        assert [r.rel for r in table.rows[:2]] == [CHANGZHENG, CITY]


async def test_no_team_columns_for_a_reviewer_alone(samples_copy):
    ReviewStore(samples_copy, "张三").open(CITY).set_score("timeliness", 9)
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        assert "spread" not in [c.key for c in app.screen.table.columns]


async def test_the_review_screen_shows_the_other_reviewers_scores_read_only(samples_copy):
    team_folder(samples_copy)
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        panel = app.screen.query_one(TeamPanel)
        assert panel.display and panel.others == ["李四", "王五"]
        await pilot.press("7")  # my own score shows beside theirs
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "团队评分" in text and "李四" in text and "王五" in text
        line = next(line for line in screen_lines(app) if "按时发布" in line and "10" in line and " 4" in line)
        assert " 7 " in line
        # read-only: nothing of theirs changed
        assert ReviewStore(samples_copy, "李四").open(CHANGZHENG).review.scores["timeliness"] == 10
        await open_report_from_review(app, pilot, XIQU)
        assert not app.screen.query_one(TeamPanel).display  # nobody else reviewed it


async def open_report_from_review(app, pilot, rel):
    await pilot.press("escape")
    await open_report(app, pilot, rel)


async def test_sorting_on_from_a_column_that_is_not_shown_starts_again(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        table = app.screen.table
        table.sort_key = "spread"  # the team's column, not shown to a reviewer alone
        await pilot.press("s")
        await pilot.pause()
        assert table.sort_key == "index" and app.is_running  # the file order again, no error
