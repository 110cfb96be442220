"""Issue 14 point 8: filtering the list on any column, and dismissing a false positive in every report."""

from __future__ import annotations

import tomllib

from tui_helpers import CHANGZHENG, CITY, PEER, XIQU, XIQU_PREV, build_team, make_app, open_report, wait_ready

from shenyue.review import ReviewStore, load_rubric
from shenyue.review.export import collect_score_sheet, write_export
from shenyue.tui.dialogs import DismissAllDialog
from shenyue.tui.list_filter import parse_query
from shenyue.tui.widgets.findings_panel import FindingsPanel


async def _filter(app, pilot, text: str) -> set[str]:
    box = app.screen.query_one("#list-filter")
    await pilot.press("slash")
    box.value = text
    await pilot.pause()
    return {r.rel for r in app.screen.table.rows}


async def test_filter_syntax_on_every_column(copy_folder):
    build_team(copy_folder)
    ReviewStore(copy_folder, "张三").open(CITY).toggle_flag()
    app = make_app(copy_folder)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        assert await _filter(app, pilot, "kind:summary") == {
            "district-summary-template.txt",
            "street-2020-summary-traditional.txt",
        }
        assert await _filter(app, pilot, "kind:年报 -check:section_empty") == {CHANGZHENG}
        assert await _filter(app, pilot, "share>50") == {XIQU, PEER}
        assert await _filter(app, pilot, "share:60-70") == {PEER}
        assert await _filter(app, pilot, "check:section_*  year>=2024") == {XIQU, PEER}
        assert await _filter(app, pilot, "spread>10") == {CHANGZHENG}  # the team disagrees by 12 points
        assert await _filter(app, pilot, "reviewers>=1 -spread>10") == {CITY}
        assert await _filter(app, pilot, "flag") == {CITY}
        assert await _filter(app, pilot, "status:todo 西区") == {XIQU, XIQU_PREV}  # fuzzy words still work
        rows = await _filter(app, pilot, "bogus>3")
        assert len(rows) == len(app.workspace.rows)  # a condition not understood is left out, and said
        summary = str(app.screen.query_one("#list-summary").render())
        assert "bogus" in summary


def test_parse_query_keeps_words_and_reports_bad_conditions():
    q = parse_query("西区 share>abc kind:summary 2023/a.txt")
    assert q.text == "西区 2023/a.txt" and len(q.tests) == 1 and len(q.problems) == 1


async def test_a_false_positive_is_dismissed_in_every_report_with_one_reason(copy_folder, tmp_path):
    app = make_app(copy_folder)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CITY)
        panel = app.screen.query_one(FindingsPanel)
        panel.focus()
        target = next(i for i, f in enumerate(panel.findings) if f is not None and f.check == "title_missing")
        panel.highlighted = target
        await pilot.press("X")
        assert isinstance(app.screen, DismissAllDialog)
        await pilot.press("enter")  # a reason is required
        assert isinstance(app.screen, DismissAllDialog)
        app.screen.query_one("#dismiss-reason").value = "标题在网页标题中"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DismissAllDialog)
        # kept in the reviews folder for the whole team
        data = tomllib.loads((copy_folder / "reviews" / "dismissals.toml").read_text(encoding="utf-8"))
        assert data["dismiss"][0]["check"] == "title_missing" and data["dismiss"][0]["reason"] == "标题在网页标题中"
        assert data["dismiss"][0]["by"] == "张三"
        # shown dim with the reason, in this report and in the others
        reasons = [r for f, r in zip(panel.findings, panel.reasons) if f is not None and f.check == "title_missing"]
        assert reasons and all("标题在网页标题中" in r for r in reasons)
        assert all(f.check != "title_missing" for f in app.screen.active_findings())
        ws = app.workspace
        assert ws.folder_dismissed(ws.by_rel[XIQU])
        await pilot.press("escape")
        having = {r.rel for r in ws.rows if "title_missing" in r.checks()}
        assert len(having) >= 2 and await _filter(app, pilot, "dismissed") == having
    # a new session reads it again
    app = make_app(copy_folder)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        assert app.workspace.folder_dismissed(app.workspace.by_rel[CITY])
    # exported with the reason
    ReviewStore(copy_folder, "张三").open(CITY).set_score("timeliness", 5)
    sheet = collect_score_sheet(copy_folder, app.workspace.reports, load_rubric(copy_folder), lang="zh")
    out = tmp_path / "s.md"
    write_export(sheet, out, "md", lang="zh")
    text = out.read_text(encoding="utf-8")
    assert "title\\_missing" in text and "标题在网页标题中" in text  # Markdown escapes the underscore
    row = next(r for r in sheet.rows if r.report == CITY)
    assert row.dismissed == 1
