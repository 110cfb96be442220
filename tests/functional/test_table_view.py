"""The table view (key t on the review screen): opening and closing it, a failing cell marked
with what its identity expects, the previous year's table 三 beside this year's."""

from __future__ import annotations

import pytest
from table_case import PRIOR, build_table_case
from tui_helpers import CHANGZHENG, make_app, open_report, screen_lines, wait_ready

from shenyue.tui.glyphs import use_ascii
from shenyue.tui.screens.review import ReviewScreen
from shenyue.tui.screens.review.table_screen import TableScreen
from shenyue.tui.textutil import cell_width
from shenyue.tui.widgets.table_grid import TableGrid


@pytest.fixture
def table_folder(samples_copy):
    build_table_case(samples_copy)
    return samples_copy


async def _open_tables(app, pilot) -> TableGrid:
    await wait_ready(app, pilot)
    await open_report(app, pilot, CHANGZHENG)
    assert isinstance(app.screen, ReviewScreen)
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(app.screen, TableScreen)
    return app.screen.query_one(TableGrid)


async def test_t_opens_the_table_view_and_escape_or_t_goes_back(table_folder):
    app = make_app(table_folder, resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_tables(app, pilot)
        text = "\n".join(screen_lines(app))
        assert "二、主动公开政府信息情况" in text
        assert "本年制发" in text and "规章" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.rel == CHANGZHENG
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TableScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_a_failing_cell_is_marked_with_what_the_identity_expects(table_folder):
    app = make_app(table_folder, resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await _open_tables(app, pilot)
        # marked cells in reading order: the carry-over warning, then the failing column balance
        assert grid.view.marked() == ["t3.carried_in.np", "t3.carried_out.np"]
        await pilot.press("n", "n")
        await pilot.pause()
        assert grid.selected == "t3.carried_out.np"
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert "3119 + 34 ≠ 3050 + 104" in text
        row = next(line for line in lines if line.startswith("四、结转下年度"))
        assert "104✗" in row  # the cell carries the glyph
        assert "3119 + 34 ≠ 3050 + 104" in lines[1]  # the header shows the selected cell's note
        # the cell's colour: the fail style, not the plain value style
        strip = grid.render_line(grid._layout.cell_lines["t3.carried_out.np"] - grid.top)  # noqa: SLF001
        seg = next(s for s in strip if "104" in s.text)
        assert seg.style.bgcolor is not None and seg.style.reverse


async def test_the_marks_in_ascii(table_folder):
    app = make_app(table_folder, resume=False, ascii_borders=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _open_tables(app, pilot)
            await pilot.press("n", "n")
            await pilot.pause()
            lines = screen_lines(app)
            assert "3119 + 34 != 3050 + 104" in "\n".join(lines)
            assert "104x" in next(line for line in lines if line.startswith("四、结转下年度"))
    finally:
        use_ascii(False)


async def test_the_previous_years_table_is_shown_beside_for_the_carry_over(table_folder):
    app = make_app(table_folder, resume=False)
    async with app.run_test(size=(200, 50)) as pilot:
        grid = await _open_tables(app, pilot)
        view = grid.view
        assert view.prior is not None and PRIOR in view.prior_title
        assert view.prior.cell("t3.carried_out.np").text == "30"
        assert view.prior.cell("t3.carried_out.np").mark == "warn"
        await pilot.press("right_square_bracket")  # to table 三
        await pilot.pause()
        lines = screen_lines(app)
        title = next(line for line in lines if "三、收到和处理政府信息公开申请情况" in line)
        assert "上一年度 2023" in title  # beside, on the same line
        carried = next(line for line in lines if line.startswith("四、结转下年度"))
        assert carried.count("四、结转下年度") == 2 and "30!" in carried
        assert "34 ≠ 30（2023年结转下年度）" in "\n".join(lines)


async def test_n_steps_through_the_marked_cells_and_brackets_through_the_tables(table_folder):
    app = make_app(table_folder, resume=False)
    async with app.run_test(size=(100, 30)) as pilot:
        grid = await _open_tables(app, pilot)
        marked = grid.view.marked()
        assert len(marked) >= 2
        for expected in marked:
            await pilot.press("n")
            assert grid.selected == expected
            assert grid.top <= grid._layout.cell_lines[expected] < grid.top + grid.size.height  # noqa: SLF001
        await pilot.press("g", "right_square_bracket")
        assert grid.top == grid._layout.table_lines[1]  # noqa: SLF001


async def test_help_on_the_table_view_lists_its_keys_and_marks_in_ascii(table_folder):
    from shenyue.tui.screens.help import HelpScreen

    app = make_app(table_folder, resume=False, ascii_borders=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _open_tables(app, pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            ids = {item.id for item in app.screen.items}
            assert {"tables.close", "tables.next_mark", "tables.next_table"} <= ids
            assert "x 计算关系不成立" in app.screen.notes and "✗" not in app.screen.notes
    finally:
        use_ascii(False)


async def test_a_click_on_a_cell_selects_it_and_shows_its_note(table_folder):
    app = make_app(table_folder, resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await _open_tables(app, pilot)
        line = grid._layout.cell_lines["t3.carried_out.np"]  # noqa: SLF001
        grid.scroll_to_line(line - 2)
        await pilot.pause()
        runs = grid.lines[line]
        x = 0
        for text, _name, cell in runs:
            if cell == "t3.carried_out.np":
                break
            x += cell_width(text)
        await pilot.click(TableGrid, offset=(x + 2, line - grid.top))
        await pilot.pause()
        assert grid.selected == "t3.carried_out.np"
        assert "3119 + 34 ≠ 3050 + 104" in screen_lines(app)[1]
