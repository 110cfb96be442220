"""Issue 14 point 9: the small things a new user saw, each with the behaviour it should have."""

from __future__ import annotations

from textual import events
from tui_helpers import CHANGZHENG, make_app, open_report, screen_lines, wait_ready, write_config

from shenyue.tui.dialogs import ConfirmDialog, ExportDialog
from shenyue.tui.screens.help import HelpScreen
from shenyue.tui.screens.list_screen import ListScreen
from shenyue.tui.screens.review import ReviewScreen


def _messages(app) -> list[str]:
    from textual.widgets._toast import Toast

    return [Toast(n).render().plain for n in app._notifications]  # noqa: SLF001


async def test_help_lists_each_binding_with_its_id_and_quit_once(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(screen_lines(app))
        assert "[list.filter]" in text and "[list.open]" in text and "[app.export]" in text
        quits = [i for i in app.screen.items if i.description == "退出"]
        assert len(quits) == 1, quits
        assert {"q", "^c", "^q"} <= set(quits[0].keys) and quits[0].keys[0] == "q" and quits[0].id == "app.quit"
        english = [i.description for i in app.screen.items if i.description.isascii()]
        assert not english, english  # Textual's own bindings in the reviewer's language too


async def test_a_remap_that_takes_a_key_of_the_same_screen_is_refused_and_said(samples_copy):
    # the README's old example: n is "next search hit" on the review screen
    write_config('[keymap]\n"review.next_section" = "n,right_square_bracket"\n"list.open" = "enter,o"\n')
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        text = "\n".join(_messages(app))
        assert "review.next_section" in text and "review.next_hit" in text
        assert "[keymap]" in text  # shown as plain text, not read as markup
        assert "review.next_section" not in app.user_keymap and app.user_keymap["list.open"] == "enter,o"
        await pilot.press("o")  # the accepted entry works
        assert isinstance(app.screen, ReviewScreen)
        before = app.screen.section.key
        await pilot.press("right_square_bracket")  # the refused one keeps its default keys
        assert app.screen.section.key != before


async def test_swapping_two_keys_in_one_keymap_is_accepted(samples_copy):
    write_config('[keymap]\n"review.next_section" = "n"\n"review.next_hit" = "right_square_bracket"\n')
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        assert app.keymap_problem is None
        await open_report(app, pilot, CHANGZHENG)
        before = app.screen.section.key
        await pilot.press("n")
        assert app.screen.section.key != before


async def test_the_unknown_binding_message_keeps_its_brackets(samples_copy):
    write_config('[keymap]\n"no.such.binding" = "z"\n')
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        assert any("[keymap]" in m and "no.such.binding" in m for m in _messages(app))


async def test_palette_shows_textual_commands_in_chinese_and_quit_once(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        system = [c.title for c in app.get_system_commands(app.screen)]
        assert "配色主题" in system and "截图" in system
        assert not {"Theme", "Quit", "Keys", "Screenshot", "Maximize"} & set(system)
        titles = [title for title, _, _ in app.palette_commands(app.screen)] + system
        assert titles.count("退出") == 1


async def test_ascii_mode_draws_no_ellipsis_dash_or_times(samples_copy):
    from shenyue.i18n import t

    app = make_app(samples_copy, ascii_borders=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(app, pilot)
        assert "…" not in t("tui.legend.peer") + t("tui.list.not_read_yet") + t("tui.summary.reports", n=3)
        for keys in ([], ["question_mark"], ["escape", "x"]):
            await pilot.press(*keys)
            odd = [line for line in screen_lines(app) if set("…—×") & set(line)]
            assert not odd, (keys, odd)
        await pilot.press("escape")
        await open_report(app, pilot, CHANGZHENG)  # long pane titles are cut with the ASCII ellipsis
        assert not set("…—×") & set(app.workspace.report(CHANGZHENG).text)
        await pilot.press("m")
        odd = [line for line in screen_lines(app) if set("…—×") & set(line)]
        assert not odd, odd


async def test_export_dialog_starts_on_the_formats_and_remembers_the_choice(samples_copy, tmp_path):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.fmt == "csv"
        await pilot.press("down")  # the arrow chooses the next format at once
        assert dialog.fmt == "xlsx"
        assert dialog.query_one("#export-path").value.endswith(".xlsx")
        dialog.query_one("#export-path").value = str(tmp_path / "sheet.xlsx")
        await pilot.press("enter")  # Enter on the formats exports
        assert not isinstance(app.screen, ExportDialog)
        assert (tmp_path / "sheet.xlsx").is_file()
        await pilot.press("x")
        assert app.screen.fmt == "xlsx"  # remembered (the state file), also for the next start
        app.screen.query_one("#export-path").value = str(tmp_path / "sheet.xlsx")
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.focused.id == "yes"  # the sheet is made from the review files: overwrite is the default
        await pilot.press("enter")
        assert not isinstance(app.screen, (ConfirmDialog, ExportDialog))
    from shenyue.tui.state import load_export_format

    assert load_export_format(["csv", "xlsx"]) == "xlsx"


async def test_keys_typed_in_the_same_burst_as_slash_go_to_the_search_box(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, ListScreen)
        cursor = screen.table.cursor
        for key, ch in (("slash", "/"), ("x", "x"), ("i", "i"), ("n", "n")):  # no pause between the keys
            event = events.Key(key, ch)
            event.set_sender(app)
            app._driver.send_message(event)  # noqa: SLF001 — as a terminal delivers them (Pilot waits after each)
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#list-filter").value == "xin"
        assert isinstance(app.screen, ListScreen)  # x did not open the export dialog
        assert screen.table.cursor == cursor or screen.table.current.rel == CHANGZHENG
        await pilot.press("slash")  # in the box, / is typed (paths have it)
        assert screen.query_one("#list-filter").value == "xin/"


async def test_legend_swatches_use_the_panes_colours_and_fit_80_columns(samples_copy):
    from rich.color import ColorSystem

    from shenyue.tui.widgets.legend import LEGEND_CLASSES, Legend
    from shenyue.tui.widgets.style import layer_style
    from shenyue.tui.widgets.text_pane import TextPane

    app = make_app(samples_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        legend = app.screen.query_one(Legend)
        if not legend.display:
            await pilot.press("l")
        await pilot.pause()
        pane = app.screen.query(TextPane).first()
        swatches = legend._styles()  # noqa: SLF001
        for name in LEGEND_CLASSES:
            text_style = layer_style(pane, f"text-pane--{name}")
            assert swatches[name] == text_style
            if text_style.bgcolor is not None:  # the same colour once a 256-colour terminal rounds it
                assert swatches[name].bgcolor.downgrade(ColorSystem.EIGHT_BIT) == text_style.bgcolor.downgrade(
                    ColorSystem.EIGHT_BIT
                )
        assert legend.size.height == 1
        content = legend.render()
        assert content.cell_length <= legend.size.width
        line = next(line for line in screen_lines(app) if "他单位" in line)
        for label in ("本单位往年", "套话", "问题", "网页", "对照处", "改动"):
            assert label in line
