"""The reviewer app with hostile names, text and config: plain-text
messages, undecodable file names, bad keymaps, bad review files."""

from __future__ import annotations

import os
import shutil

from tests.functional.tui_helpers import CHANGZHENG, make_app, open_report, review_file, wait_ready, write_config

from shenyue.tui.screens.review_screen import ReviewScreen


def _messages(app) -> list[str]:
    """Every notification as the toast draws it (the test app does not show
    toasts, so draw each one here: markup in the text would raise here)."""
    from textual.widgets._toast import Toast

    out = []
    for n in app._notifications:  # noqa: SLF001
        assert not n.markup
        out.append(Toast(n).render().plain)
    return out


async def test_a_search_for_markup_is_plain_text(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        await pilot.press("slash", *"[/]qq", "enter")  # no hit: the message quotes the search text
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.is_running
        assert any("[/]qq" in m for m in _messages(app))


async def test_markup_in_messages_never_kills_the_app(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        app.notify("export written to /tmp/[/x]/a.csv")
        app.screen.notify("[bold]not bold[/] [/x]", markup=True)  # markup is never interpreted
        await pilot.pause()
        assert app.is_running
        assert "export written to /tmp/[/x]/a.csv" in _messages(app)
        assert "[bold]not bold[/] [/x]" in _messages(app)


async def test_bad_keymap_entries_are_refused_and_the_defaults_kept(samples_copy):
    write_config('[keymap]\n"list.open" = "notakey"\n"app.quit" = "ctrl+ctrl+q"\n"[/x]" = "a"\n')
    from shenyue.config import load_config

    app = make_app(samples_copy, config=load_config())
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        text = "\n".join(_messages(app))
        assert "notakey" in text and "ctrl+ctrl+q" in text and "[/x]" in text
        await open_report(app, pilot, CHANGZHENG)  # Enter still opens
        assert isinstance(app.screen, ReviewScreen)


async def test_a_gbk_file_name_opens_and_its_review_is_saved(samples_copy):
    raw = os.fsencode(str(samples_copy)) + b"/" + "报告.txt".encode("gbk")
    shutil.copyfile(samples_copy / CHANGZHENG, raw)
    rel = os.fsdecode("报告.txt".encode("gbk"))
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, rel)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("7")
        await pilot.pause()
    path = review_file(samples_copy, "张三", rel)
    assert path.is_file() and "timeliness = 7" in path.read_text(encoding="utf-8")


async def test_a_review_file_with_an_infinite_score_is_reported_not_a_crash(samples_copy):
    path = review_file(samples_copy, "张三", CHANGZHENG)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'report = "{CHANGZHENG}"\nreviewer = "张三"\n[scores]\ntimeliness = inf\n', encoding="utf-8")
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        from shenyue.tui.dialogs import ErrorDialog

        assert isinstance(app.screen, ErrorDialog)
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)


async def test_a_score_outside_the_rubric_is_reported_when_the_report_is_opened(samples_copy):
    path = review_file(samples_copy, "张三", CHANGZHENG)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'report = "{CHANGZHENG}"\nreviewer = "张三"\n[scores]\ntimeliness = 1e308\nstructure = -5\n', encoding="utf-8"
    )
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        assert isinstance(app.screen, ReviewScreen)
        text = "\n".join(_messages(app))
        assert "= 1e+308" in text and "= -5" in text
