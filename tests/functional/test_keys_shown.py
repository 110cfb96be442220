"""Binding descriptions reach the screen in the interface language, and the bindings listed for
help and the palette are the ones Textual dispatches."""

from __future__ import annotations

from tests.functional.tui_helpers import CHANGZHENG, make_app, open_report, wait_ready
from textual.app import App

from shenyue.i18n import set_language, t
from shenyue.tui.keys import node_bindings
from shenyue.tui.screens.help import HelpScreen
from shenyue.tui.screens.review import ReviewScreen
from shenyue.tui.widgets.keybar import KeyBar


def _untranslated(texts):
    """Catalogue keys left as they are, or Textual's own English descriptions."""
    english = {"Quit", "Focus Next", "Focus Previous", "Copy selected text", "palette", "Cursor down", "Cursor up"}
    return [s for s in texts if s.startswith("tui.") or s in english]


async def test_key_bar_help_and_palette_speak_chinese(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        bar = app.screen.query_one(KeyBar)
        shown = [desc for _k, _d, desc, _e, _a in bar.items]
        assert t("tui.key.next_section") in shown and not _untranslated(shown)
        assert bar.palette is not None and bar.palette[2] == t("tui.key.palette")
        palette = [title for title, _, _ in app.palette_commands(app.screen)]
        assert "下一节" in palette and not _untranslated(palette)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        items = app.screen.items
        assert not _untranslated([i.description for i in items])
        by_id = {i.id: i.description for i in items}
        assert by_id["review.next_section"] == "下一节"
        # Textual's own bindings our panes inherit are described in our words too
        assert t("tui.key.quit") in [i.description for i in items]


async def test_key_bar_speaks_english_with_lang_en(samples_copy):
    set_language("en")
    try:
        app = make_app(samples_copy)
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_ready(app, pilot)
            shown = [desc for _k, _d, desc, _e, _a in app.screen.query_one(KeyBar).items]
            assert {"Help", "Quit", "Open"} <= set(shown) and not [s for s in shown if s.startswith("tui.")]
    finally:
        set_language("zh")


async def test_listed_bindings_are_the_ones_textual_dispatches(samples_copy):
    """What help and the palette list for a node (node_bindings) matches what Textual's public
    ``Screen.active_bindings`` says that node handles, for each pane that takes focus."""
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        checked = 0
        for selector in ("#left", "#nav", "#findings", "#scores"):
            pane = screen.query_one(selector)
            pane.focus()
            await pilot.pause()
            active = {(b.key, b.action) for node, b, _e, _tip in screen.active_bindings.values() if node is pane}
            listed = {(b.key, b.action) for b in node_bindings(pane)}
            assert active and active <= listed, selector
            checked += 1
        assert checked == 4


async def test_the_palette_offers_our_help_instead_of_textuals_key_panel(samples_copy):
    """Textual's "Keys" panel would show catalogue keys; the app's system commands offer the help
    screen instead, in the reviewer's language."""
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        textual = list(App.get_system_commands(app, app.screen))
        assert any(c.callback == app.action_show_help_panel for c in textual)
        ours = list(app.get_system_commands(app.screen))
        assert not any(c.callback in (app.action_show_help_panel, app.action_hide_help_panel) for c in ours)
        command = next(c for c in ours if c.callback == app.action_help)
        assert command.title == "帮助"
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
