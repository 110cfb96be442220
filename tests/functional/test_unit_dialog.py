"""The reviewer corrects a report's unit: written to units.toml, the copy kinds change at once."""

from __future__ import annotations

import tomllib

from textual.widgets import Input
from tui_helpers import CHANGZHENG, PEER, make_app, wait_ready

from shenyue.analysis.similarity import PEER as PEER_KIND
from shenyue.analysis.similarity import SAME_UNIT
from shenyue.tui.dialogs import UnitDialog


async def test_unit_dialog_writes_units_toml_and_recomputes_the_copy_kind(copy_folder):
    app = make_app(copy_folder)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        ws = app.workspace
        # 东区街道 took two paragraphs of 长征街街道's report: a peer copy
        assert ws.copy.get(PEER).main_source.path == CHANGZHENG
        assert ws.copy.get(PEER).main_source.kind == PEER_KIND
        assert ws.copy.get(PEER).peer_share > 0
        table = app.screen.table
        table.cursor = [r.rel for r in table.rows].index(PEER)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, UnitDialog)
        box = app.screen.query_one("#unit-value", Input)
        assert box.value == "东区街道"
        box.value = ""
        unit = ws.report(CHANGZHENG).unit
        await pilot.press(*unit, "enter")
        await wait_ready(app, pilot)
        data = tomllib.loads((copy_folder / "units.toml").read_text(encoding="utf-8"))
        assert data == {"files": {PEER: unit}}
        # used at once: the list shows the unit, the copy is now the same unit's
        assert ws.report(PEER).unit == unit
        assert any(r.rel == PEER and r.label == unit for r in table.rows)
        copy = ws.copy.get(PEER)
        assert copy.main_source.kind == SAME_UNIT and copy.peer_share == 0 and copy.same_unit_share > 0
        # Esc leaves everything as it is; an empty name goes back to the text's unit
        table.cursor = [r.rel for r in table.rows].index(PEER)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("escape")
        assert (copy_folder / "units.toml").exists() and ws.report(PEER).unit == unit
        await pilot.press("u")
        await pilot.pause()
        app.screen.query_one("#unit-value", Input).value = ""
        await pilot.press("enter")
        await wait_ready(app, pilot)
        assert tomllib.loads((copy_folder / "units.toml").read_text(encoding="utf-8")) == {"files": {}}
        assert ws.report(PEER).unit == "东区街道"
        assert ws.copy.get(PEER).main_source.kind == PEER_KIND


async def test_a_damaged_units_toml_is_reported_not_overwritten(copy_folder):
    (copy_folder / "units.toml").write_text("[files\n", encoding="utf-8")
    app = make_app(copy_folder)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        table = app.screen.table
        table.cursor = [r.rel for r in table.rows].index(PEER)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("x", "enter")
        await pilot.pause()
        assert "units.toml" in str(app.screen.query_one("#error-message").render())
        assert (copy_folder / "units.toml").read_text(encoding="utf-8") == "[files\n"


async def test_a_match_lists_every_holder_and_who_published_first(copy_folder):
    from tui_helpers import XIQU, XIQU_PREV, open_report

    from shenyue.i18n import t

    app = make_app(copy_folder)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        assert screen.comparison.rel == XIQU_PREV
        await pilot.press("m")
        sub = str(screen.right.border_subtitle)
        prev = app.workspace.report(XIQU_PREV)
        city = app.workspace.report("zhongshan-city-2021.txt")
        # the first match (a stock clause) stands in the unit's 2023 report and in 中山市's 2021 report
        assert f"{prev.unit} 2023" in sub and f"{city.unit} 2021" in sub
        assert t("tui.review.first_published", name=city.unit) in sub  # 2021 stood first


async def test_unit_key_in_the_review_screen(copy_folder):
    from tui_helpers import open_report

    app = make_app(copy_folder)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, PEER)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, UnitDialog)
        app.screen.query_one("#unit-value", Input).value = "东区街道办事处"
        await pilot.press("enter")
        await wait_ready(app, pilot)
        assert tomllib.loads((copy_folder / "units.toml").read_text(encoding="utf-8")) == {
            "files": {PEER: "东区街道办事处"}
        }
        assert app.screen.rel == PEER and app.workspace.report(PEER).unit == "东区街道办事处"
