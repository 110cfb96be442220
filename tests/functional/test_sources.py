"""The sources panel (S on the review screen) and the most-similar-pairs view (p on the list), driven with Pilot."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import CHANGZHENG, PEER, XIQU, XIQU_PREV, make_app, open_report, screen_lines, wait_ready

from shenyue.analysis.similarity.kinds import PEER as KIND_PEER
from shenyue.analysis.similarity.kinds import REUSED_LATER, SAME_UNIT
from shenyue.tui.screens.list_screen import ListScreen
from shenyue.tui.screens.pairs_view import PairsView
from shenyue.tui.screens.review import ReviewScreen
from shenyue.tui.screens.review.sources_panel import SourcesPanel

CITY = "zhongshan-city-2021.txt"


async def test_sources_panel_ranks_every_report_shared_with_and_enter_compares_it(copy_folder):
    app = make_app(copy_folder, resume=False)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU_PREV)
        screen = app.screen
        # the 2023 report copied a few characters from the city's report; its 2024 successor repeats nearly all of it
        assert screen.comparison.rel == CITY  # a later report repeating this one is never picked by itself
        await pilot.press("S")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, SourcesPanel)
        rows = panel.view.rows
        assert [(r.rel, r.source.kind) for r in rows] == [(XIQU, REUSED_LATER), (CITY, KIND_PEER)]
        assert rows[0].source.chars > 2000 > rows[1].source.chars > 0
        assert rows[0].source.share > 0.9
        table = panel.query_one(DataTable)
        assert table.row_count == 2 and table.cursor_row == 1  # the cursor starts on the report compared now
        text = "\n".join(screen_lines(app))
        for label in ("后来沿用本报告", "其他单位", "常见套话", "谁在先", "西区街道", "中山市"):
            assert label in text
        # Enter on the first row: the 2024 report is compared (pinned), at the section sharing the most with it
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.comparison.rel == XIQU and screen.comparison.pinned
        assert screen.comparison.pairs
        title = str(screen.right.border_title)
        assert "西区街道 2024" in title and "来源 2/2" in title and "占本报告 92%" in title
        assert "此来源" in str(screen.left.border_subtitle)
        # Esc closes the panel and keeps the comparison
        await pilot.press("S")
        await pilot.pause()
        assert app.screen.query_one(DataTable).cursor_row == 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.comparison.rel == XIQU


async def test_c_says_which_source_of_how_many_is_compared(copy_folder):
    app = make_app(copy_folder, resume=False)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU_PREV)
        screen = app.screen
        assert "来源 1/2" in str(screen.right.border_title)
        await pilot.press("c")
        assert screen.comparison.rel == XIQU
        assert "来源 2/2" in str(screen.right.border_title)
        await pilot.press("c")
        assert screen.comparison.rel == CITY
        assert "来源 1/2" in str(screen.right.border_title)


async def test_pairs_view_ranks_the_folders_pairs_and_opens_the_later_report_compared(copy_folder):
    app = make_app(copy_folder, resume=False)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_ready(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, PairsView)
        got = [(r.later.rel, r.earlier.rel, r.pair.kind) for r in view.rows]
        assert got == [(XIQU, XIQU_PREV, SAME_UNIT), (PEER, CHANGZHENG, KIND_PEER), (XIQU_PREV, CITY, KIND_PEER)]
        chars = [r.pair.chars for r in view.rows]
        assert chars == sorted(chars, reverse=True)
        text = "\n".join(screen_lines(app))
        assert "最相似的报告对" in text and "同一单位" in text and "不同单位" in text
        # Enter on the second pair: 东区街道 (published after 长征街's 2025-01-22) opens with 长征街 compared
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.rel == PEER
        assert screen.comparison.rel == CHANGZHENG and screen.comparison.pinned
        assert screen.comparison.pairs  # opened at a section sharing text with it
        # back to the list, where p opens the view again
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.rel == XIQU and app.screen.comparison.rel == XIQU_PREV


async def test_without_similarity_results_the_panel_says_so_and_opens_once_they_arrive(copy_folder):
    app = make_app(copy_folder, similarity=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PairsView) and app.screen.rows == []
        await pilot.press("escape")
        await open_report(app, pilot, XIQU)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert any("没有共享文字" in str(n.message) for n in app._notifications)  # noqa: SLF001
        app.find_copies(app.workspace.reports)
        await wait_ready(app, pilot)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SourcesPanel)
        assert [r.rel for r in app.screen.view.rows] == [XIQU_PREV]
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert len(app.screen.rows) == 3  # computed again for the new results


async def test_after_an_edit_the_app_matches_while_it_loads_and_shows_what_a_fresh_scan_finds(copy_folder, monkeypatch):
    from shenyue.analysis import copies_ahead
    from shenyue.analysis.scan import analyse_copies, scan_folder

    def seen(reports) -> dict:
        return {r.rel: (r.copy.to_json() if r.copy else None, [f.to_json() for f in r.findings]) for r in reports}

    app = make_app(copy_folder, resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(app, pilot)
    # the peer report is edited; every other report comes from the cache
    peer = copy_folder / PEER
    peer.write_text(peer.read_text(encoding="utf-8") + "本报告由本单位自行编写。\n", encoding="utf-8")
    runs = []
    real = copies_ahead.CopiesAhead.result

    def spy(self, reports, progress=None):
        got = real(self, reports, progress)
        runs.append(got is not None)
        return got

    monkeypatch.setattr(copies_ahead.CopiesAhead, "result", spy)
    app = make_app(copy_folder, resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(app, pilot)
        shown = seen(app.workspace.reports)
    assert runs == [True]  # the match made while the cached reports loaded was used
    fresh = scan_folder(copy_folder, cache=False)
    analyse_copies(fresh.reports, folder=copy_folder, cache=False)
    assert shown == seen(fresh.reports)
    assert shown[PEER][0] is not None and shown[PEER][0]["sources"]
