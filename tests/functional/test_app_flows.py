"""The reviewer's flows, driven with Pilot on the sample reports."""

from __future__ import annotations

from tui_helpers import (
    CHANGZHENG,
    PEER,
    XIQU,
    XIQU_PREV,
    config_data,
    make_app,
    open_report,
    read_review,
    review_file,
    screen_lines,
    wait_ready,
    write_config,
)

from shenyue.tui.dialogs import CommentDialog, ConfirmDialog, ExportDialog, InputDialog, ReviewerDialog
from shenyue.tui.highlight import DIFF, FINDING, FLASH, MATCH, PEER_BIT, SAME
from shenyue.tui.screens.help import HelpScreen
from shenyue.tui.screens.list_screen import ListScreen
from shenyue.tui.screens.review import ReviewScreen
from shenyue.tui.widgets.findings_panel import FindingsPanel
from shenyue.tui.widgets.score_panel import ScorePanel
from shenyue.tui.widgets.section_nav import SectionNav


def masks(pane) -> int:
    out = 0
    for _, _, m in pane.runs():
        out |= m
    return out


async def test_first_run_asks_the_reviewer_name_and_stores_it(samples_copy):
    app = make_app(samples_copy, reviewer=None)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewerDialog)
        await pilot.press("enter")  # empty name is refused with a message
        assert isinstance(app.screen, ReviewerDialog)
        assert "姓名" in str(app.screen.query_one("#reviewer-error").render())
        await pilot.press(*"李四")
        await pilot.press("enter")
        await wait_ready(app, pilot)
        assert isinstance(app.screen, ListScreen)
        assert app.workspace.reviewer == "李四"
    assert config_data()["reviewer"] == "李四"
    # the next start does not ask again
    app2 = make_app(samples_copy, reviewer=None)
    async with app2.run_test(size=(160, 45)) as pilot:
        await wait_ready(app2, pilot)
        assert isinstance(app2.screen, ListScreen)
        assert app2.workspace.reviewer == "李四"


async def test_open_a_report_and_move_through_sections(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        report = app.workspace.report(CHANGZHENG)
        keys = [s.key for s in screen.sections]
        assert keys[-6:] == ["overview", "proactive", "requests", "appeals", "problems", "other"]
        first = screen.section.key
        assert screen.left.text == report.text[screen.section.start : screen.section.end]
        await pilot.press("right_square_bracket")
        second = screen.section.key
        assert keys.index(second) == keys.index(first) + 1
        assert screen.left.text.lstrip().startswith(report.section(second).title) if second in keys[-6:] else True
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.section.key == keys[keys.index(first) + 3]
        await pilot.press("left_square_bracket")
        assert screen.section.key == keys[keys.index(first) + 2]
        # the navigator follows, and choosing in it shows that section
        nav = screen.query_one(SectionNav)
        assert nav.keys[nav.highlighted] == screen.section.key
        nav.focus()
        await pilot.press("k")
        assert screen.section.key == keys[keys.index(first) + 1]
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)
        assert app.screen.table.current.rel == CHANGZHENG


async def test_comparison_pane_shows_the_source_with_highlights_in_both_panes(copy_folder):
    app = make_app(copy_folder)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_ready(app, pilot)
        assert app.workspace.copy_problem is None
        await open_report(app, pilot, XIQU)
        screen = app.screen
        assert screen.section.key == "overview"
        # the report this section shares most with: the same unit's previous year
        assert screen.comparison.rel == XIQU_PREV
        assert "2023" in str(screen.right.border_title)
        assert masks(screen.left) & SAME
        assert masks(screen.right) & SAME
        pairs = screen.comparison.pairs
        assert pairs
        await pilot.press("m")
        p = pairs[0]
        assert screen.left.overlay(MATCH) == [(p.start, p.end)]
        assert screen.right.overlay(MATCH) == [(p.other_start, p.other_end)]
        # changed numbers inside the match are marked on both sides
        await pilot.press("m")
        diffs_left = [app.workspace.report(XIQU).text[a:b] for a, b in screen.left.overlay(DIFF)]
        diffs_right = [app.workspace.report(XIQU_PREV).text[a:b] for a, b in screen.right.overlay(DIFF)]
        assert any("4" in d for d in diffs_left) and any("3" in d or "1" in d for d in diffs_right)
        # next match scrolls both panes to the pair
        await pilot.press(*["m"] * (len(pairs) - 2))
        last = pairs[-1]
        lo, hi = screen.left.visible_range()
        assert lo <= last.start <= hi
        lo, hi = screen.right.visible_range()
        assert lo <= last.other_start <= hi
        # the peer report: its copied paragraph points at 长征街街道's report
        await pilot.press("escape")
        await open_report(app, pilot, PEER)
        screen = app.screen
        assert screen.comparison.rel == CHANGZHENG
        assert masks(screen.left) & PEER_BIT
        assert masks(screen.right) & PEER_BIT
        # c cycles the sources; y finds nothing for a unit with one year
        await pilot.press("y")
        assert screen.comparison.rel == CHANGZHENG


async def test_previous_year_key_and_report_finder(copy_folder):
    app = make_app(copy_folder)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        await pilot.press("o")
        await pilot.press(*"长征")
        await pilot.press("enter")
        assert screen.comparison.rel == CHANGZHENG
        assert screen.comparison.pinned
        await pilot.press("right_square_bracket")
        assert screen.comparison.rel == CHANGZHENG  # pinned across sections
        await pilot.press("y")
        assert screen.comparison.rel == XIQU_PREV


async def test_jump_to_a_finding_flashes_its_span(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        report = app.workspace.report(XIQU)
        target = next(f for f in report.findings if f.start is not None and f.end is not None and f.end > f.start)
        section = next(s for s in screen.sections if s.start <= target.start < s.end)
        if screen.section.key != section.key:
            other = next(s for s in screen.sections if s.key != section.key)
            screen.show_section(other.key)
        # the findings panel lists it in its section; Enter on it jumps there
        screen.show_section(section.key)
        await pilot.pause()
        panel = screen.query_one(FindingsPanel)
        index = panel.findings.index(target)
        other_key = next(s.key for s in screen.sections if s.key != section.key)
        screen.show_section(other_key)
        await pilot.pause()
        screen.show_section(section.key)
        panel.focus()
        await pilot.pause()
        panel.highlighted = index
        await pilot.press("enter")
        assert screen.section.key == section.key
        assert screen.left.overlay(FLASH) == [(target.start, target.end)]
        lo, hi = screen.left.visible_range()
        assert lo <= target.start <= hi
        assert masks(screen.left) & FINDING


async def test_scores_and_a_chinese_comment_are_saved_to_the_review_file(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        screen = app.screen
        await pilot.press("8")
        data = read_review(samples_copy, "张三", CHANGZHENG)
        assert data["scores"]["timeliness"] == 8
        assert data["status"] == "in-progress"
        # typing on: 1 then 2 makes 12 where the criterion allows it
        await pilot.press("s")
        assert isinstance(app.focused, ScorePanel)
        await pilot.press("j", "1", "2")
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["structure"] == 12
        await pilot.press("minus")
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["structure"] == 11.5
        await pilot.press("j", "9", "9")  # 99 is too much for 15 points: the last digit starts over
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["tables_complete"] == 9
        await pilot.press("backspace")
        assert "tables_complete" not in read_review(samples_copy, "张三", CHANGZHENG)["scores"]
        # the header shows the total and when it was saved (the test's clock)
        header = str(screen.query_one("#review-header").render())
        assert "19.5" in header and "10:15:00" in header
        # a comment in Chinese, several lines, on the criterion
        await pilot.press("k", "e")
        assert isinstance(app.screen, CommentDialog)
        await pilot.press(*"数据与表格不一致", "enter", *"第二行需要核对")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        data = read_review(samples_copy, "张三", CHANGZHENG)
        assert data["comments"]["criteria"]["structure"] == "数据与表格不一致\n第二行需要核对"
        # a comment on the whole report, chosen with Ctrl+T in the editor
        await pilot.press("e", "ctrl+t", "ctrl+t")
        await pilot.press(*"总体较好")
        await pilot.press("ctrl+s")
        assert read_review(samples_copy, "张三", CHANGZHENG)["comments"]["overall"] == "总体较好"
        # done and flagged
        await pilot.press("d", "F")
        data = read_review(samples_copy, "张三", CHANGZHENG)
        assert data["status"] == "done"
        assert data["flags"] == ["需复核"]


async def test_quit_and_reopen_restores_the_place_and_the_scores(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        await pilot.press("right_square_bracket", "right_square_bracket")
        section = app.screen.section.key
        await pilot.press("7")
        await pilot.press("q")
    assert app.return_code in (0, None)
    app2 = make_app(samples_copy)
    async with app2.run_test(size=(160, 45)) as pilot:
        await wait_ready(app2, pilot)
        await pilot.pause()
        screen = app2.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.rel == CHANGZHENG
        assert screen.section.key == section
        panel = screen.query_one(ScorePanel)
        assert panel.scores["timeliness"] == 7
        assert "7/10" in str(panel.render())
        # the list shows the review's state
        await pilot.press("escape")
        row = app2.workspace.by_rel[CHANGZHENG]
        assert row.review.status == "in-progress"
        assert app2.screen.table.cell_text("total", row) == "7"


async def test_filter_and_sort_the_list(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        screen = app.screen
        table = screen.table
        assert len(table.rows) == 5
        await pilot.press("slash", *"长征")
        assert [r.rel for r in table.rows] == [CHANGZHENG]
        await pilot.press("enter")
        assert app.focused is table
        await pilot.press("escape")
        assert len(table.rows) == 5
        # fuzzy on file names too
        await pilot.press("slash", *"xiqu", "enter")
        assert [r.rel for r in table.rows] == [XIQU]
        await pilot.press("escape")
        # sort by year, then reverse
        screen.sort_by("year")
        await pilot.pause()
        years = [r.year or 0 for r in table.rows]
        assert years == sorted(years)
        await pilot.press("r")
        assert [r.year or 0 for r in table.rows] == sorted(years, reverse=True)
        # clicking a column title sorts by it
        await pilot.click(table, offset=(table._column_widths(table.size.width)[0] + 2, 0))
        assert table.sort_key == "year"
        # only unfilled templates
        screen.set_finding_filter("template")
        await pilot.pause()
        rels = [r.rel for r in table.rows]
        assert "district-summary-template.txt" in rels and CHANGZHENG not in rels
        # the finding filter dialog
        await pilot.press("f")
        await pilot.press("home", "enter")  # "all reports"
        assert len(table.rows) == 5


async def test_next_unreviewed_skips_done_reports(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, app.screen.table.rows[0].rel)
        first = app.screen.rel
        await pilot.press("d", "escape")
        table = app.screen.table
        table.cursor = len(table.rows) - 1
        await pilot.press("n")
        assert table.current.rel != first


async def test_dismissing_a_finding_keeps_the_reason_in_the_review_file(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        report = app.workspace.report(XIQU)
        first = next(f for f in report.findings if f.start is not None)
        screen.show_section(next(s.key for s in screen.sections if s.start <= first.start < s.end))
        panel = screen.query_one(FindingsPanel)
        await pilot.press("f")
        assert app.focused is panel
        finding = panel.current
        assert finding is not None
        await pilot.press("x")
        assert isinstance(app.screen, InputDialog)
        await pilot.press(*"原件表格为图片已人工核对", "enter")
        data = read_review(samples_copy, "张三", XIQU)
        assert data["dismissed"][0]["check"] == finding.check
        assert data["dismissed"][0]["reason"] == "原件表格为图片已人工核对"
        assert screen.session.is_dismissed(finding)


async def test_export_dialog_writes_the_score_sheet_and_asks_before_overwriting(samples_copy, tmp_path):
    app = make_app(samples_copy)
    out = tmp_path / "out" / "scores.csv"
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        await pilot.press("6", "escape")
        await pilot.press("x")
        assert isinstance(app.screen, ExportDialog)
        box = app.screen.query_one("#export-path")
        box.value = str(out)
        await pilot.press("enter")
        assert not isinstance(app.screen, ExportDialog)
        assert out.exists()
        text = out.read_text(encoding="utf-8-sig")
        assert "张三" in text and CHANGZHENG in text
        # again: asks before overwriting
        await pilot.press("x")
        app.screen.query_one("#export-path").value = str(out)
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        assert not isinstance(app.screen, (ExportDialog, ConfirmDialog))


async def test_remapped_keys_work_and_the_help_screen_shows_them(samples_copy):
    write_config('[keymap]\n"review.next_section" = "v"\n"list.next_unreviewed" = "ctrl+u"\n"no.such.binding" = "z"\n')
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        assert app.keymap_problem and "no.such.binding" in app.keymap_problem
        await open_report(app, pilot, CHANGZHENG)
        screen = app.screen
        before = screen.section.key
        await pilot.press("right_square_bracket")  # the old key no longer moves
        assert screen.section.key == before
        await pilot.press("v")
        assert screen.section.key != before
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        items = {i.id: i for i in app.screen.items}
        assert items["review.next_section"].keys == ["v"]
        assert "review.score_up" in items and "score.step_up" in items
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_help_screen_of_the_list_lists_its_keys(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {i.id for i in app.screen.items}
        assert {"list.filter", "list.sort", "list.next_unreviewed", "list.open", "app.quit", "app.export"} <= ids
        await pilot.press("question_mark")
        assert isinstance(app.screen, ListScreen)


async def test_command_palette_offers_the_screen_actions(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        titles = [title for title, _, _ in app.palette_commands(app.screen)]
        assert "筛选" in titles and "导出评分表" in titles
        assert any(title.startswith("按“年度”排序") for title in titles)
        await open_report(app, pilot, CHANGZHENG)
        titles = [title for title, _, _ in app.palette_commands(app.screen)]
        assert {"下一节", "下一处相同", "写评语", "标记完成"} <= set(titles)
        # running one from the palette list works like the key
        run = dict((title, cb) for title, _, cb in app.palette_commands(app.screen))["下一节"]
        before = app.screen.section.key
        await run()
        assert app.screen.section.key != before


async def test_narrow_terminal_stacks_the_panes_and_cuts_nothing_off(copy_folder):
    app = make_app(copy_folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        assert screen.has_class("-narrow")
        left, right = screen.left.region, screen.right.region
        assert left.width >= 30 and right.width >= 30
        assert left.y < right.y  # stacked
        for widget in screen.query("*"):
            if widget.display and widget.region.area:
                assert widget.region.right <= 100 and widget.region.bottom <= 30, widget
        # one pane at a time with w
        await pilot.press("w")
        await pilot.pause()
        assert screen.left.region.height > left.height
        assert not screen.right.region.area


async def test_report_text_is_drawn_as_plain_text_with_controls_replaced(samples_copy):
    text = "一、总体情况\n本单位[bold red]不是标记[/]\x1b[31m红色\x07\t结束。\n"
    (samples_copy / "evil.txt").write_text(text, encoding="utf-8")
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, "evil.txt")
        pane = app.screen.left
        shown = "".join(seg.text for y in range(pane.line_count) for seg in pane.render_line(y) if not seg.control)
        assert "[bold red]不是标记[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert "?[31m红色?" in shown
        assert len(pane.text) == len(
            app.screen.section
            and app.workspace.report("evil.txt").text[app.screen.section.start : app.screen.section.end]
        )


async def test_ascii_borders_draw_only_ascii_outside_the_report_text(samples_copy):
    import unicodedata

    from shenyue.i18n import catalogue

    app = make_app(samples_copy, ascii_borders=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        allowed = set(app.workspace.report(CHANGZHENG).text) | set("".join(v["zh"] for v in catalogue().values()))

        def odd_characters() -> set[str]:
            return {
                ch
                for line in screen_lines(app)
                for ch in line
                if ord(ch) >= 128 and ch not in allowed and unicodedata.east_asian_width(ch) == "A"
            }

        assert not odd_characters(), f"ambiguous-width characters drawn in ASCII mode: {sorted(odd_characters())}"
        assert any(line.startswith("+") for line in screen_lines(app))  # ASCII borders are drawn
        for keys in (["e"], ["escape", "x"], ["escape", "escape", "question_mark"]):  # dialogs too
            await pilot.press(*keys)
            assert not odd_characters(), (keys, sorted(odd_characters()))


async def test_missing_review_store_still_shows_reports(samples_copy, monkeypatch):
    from shenyue.review import store as store_module
    from shenyue.review.errors import ReviewerNameError

    def broken(*args, **kwargs):
        raise ReviewerNameError()

    monkeypatch.setattr(store_module, "sanitize_reviewer", broken)
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        from shenyue.tui.dialogs import ErrorDialog

        assert isinstance(app.screen, ErrorDialog)
        await pilot.press("enter")
        assert len(app.screen.table.rows) == 5
        await open_report(app, pilot, CHANGZHENG)
        assert app.screen.session is None
        await pilot.press("8")
        assert not review_file(samples_copy, "张三", CHANGZHENG).exists()


async def test_a_failing_worker_becomes_an_error_dialog(samples_copy, monkeypatch):
    import shenyue.analysis.scan as scan_module
    from shenyue.tui.dialogs import ErrorDialog

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(scan_module, "scan_folder", boom)
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(200):  # (waiting on the workers would re-raise the failure here)
            await pilot.pause(0.02)
            if isinstance(app.screen, ErrorDialog):
                break
        assert isinstance(app.screen, ErrorDialog)
        assert "disk on fire" in app.screen.message
        await pilot.press("enter")
        assert isinstance(app.screen, ListScreen)


async def test_quitting_while_reading_is_clean(samples_copy, monkeypatch):
    import threading

    import shenyue.analysis.scan as scan_module

    started = threading.Event()
    real = scan_module.scan_folder

    def slow(folder, *, progress=None, **kw):
        def slow_progress(done, total, name=""):
            started.set()
            import time

            time.sleep(0.2)
            if progress:
                progress(done, total, name)

        return real(folder, progress=slow_progress, **kw)

    monkeypatch.setattr(scan_module, "scan_folder", slow)
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if started.is_set():
                break
        assert not app.workspace.scanned
        await pilot.press("q")
    assert not app.workspace.scanned


def test_open_command_missing_folder_is_one_line_and_exit_2(tmp_path, capsys):
    from shenyue.cli import main

    assert main([str(tmp_path / "nope"), "--lang", "zh"]) == 2
    assert main(["open", str(tmp_path / "nope"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line]
    assert lines == [
        f"shenyue: 文件夹不存在：{tmp_path / 'nope'}",
        f"shenyue: folder does not exist: {tmp_path / 'nope'}",
    ]


def test_open_command_needs_a_terminal(samples_copy, capsys):
    from shenyue.cli import main

    assert main([str(samples_copy), "--lang", "en"]) == 2
    assert "needs a terminal" in capsys.readouterr().err


async def test_next_and_previous_report_from_the_review_screen(copy_folder):
    app = make_app(copy_folder)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        rels = [r.rel for r in app.screen.table.rows]
        await open_report(app, pilot, rels[1])
        screen = app.screen
        await pilot.press("greater_than_sign")
        assert screen.rel == rels[2]
        nav = screen.query_one(SectionNav)
        assert nav.keys == [s.key for s in screen.sections]  # the navigator shows the new report
        assert screen.left.text == app.workspace.report(rels[2]).text[screen.section.start : screen.section.end]
        await pilot.press("less_than_sign", "less_than_sign")
        assert screen.rel == rels[0]
        await pilot.press("escape")
        assert app.screen.table.current.rel == rels[0]


async def test_review_screen_fills_in_when_similarity_arrives_later(copy_folder):
    app = make_app(copy_folder, similarity=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        assert screen.comparison.rel is None
        app.find_copies(app.workspace.reports)
        await wait_ready(app, pilot)
        assert screen.comparison.rel == XIQU_PREV
        assert masks(screen.left) & SAME


async def test_a_review_file_changed_on_disk_is_never_overwritten_silently(samples_copy):
    import tomli_w

    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        await pilot.press("8")
        path = review_file(samples_copy, "张三", CHANGZHENG)
        data = read_review(samples_copy, "张三", CHANGZHENG)
        data["scores"]["timeliness"] = 3  # someone else's edit, e.g. a sync tool
        path.write_bytes(tomli_w.dumps(data).encode("utf-8"))
        await pilot.press("minus")  # 8 - 0.5 (a digit right after "8" would make 89, refused as out of range)
        assert isinstance(app.screen, ConfirmDialog)
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["timeliness"] == 3  # not overwritten yet
        await pilot.press("y")  # keep mine
        assert isinstance(app.screen, ReviewScreen)
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["timeliness"] == 7.5
        assert list(path.parent.glob(path.name + ".theirs-*"))  # their version is kept beside it


async def test_a_damaged_review_file_is_set_aside_and_reviewing_goes_on(samples_copy):
    path = review_file(samples_copy, "张三", CHANGZHENG)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("this is [not toml", encoding="utf-8")
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        from shenyue.tui.dialogs import ErrorDialog

        assert isinstance(app.screen, ErrorDialog)
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        aside = list(path.parent.glob(path.name + ".corrupt-*"))
        assert aside and aside[0].read_text(encoding="utf-8") == "this is [not toml"
        await pilot.press("6")
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["timeliness"] == 6


async def test_search_in_a_section_highlights_hits_and_steps_through_them(samples_copy):
    from shenyue.tui.highlight import SEARCH

    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        body = app.workspace.report(XIQU).text[screen.section.start : screen.section.end]
        await pilot.press("slash", *"西区", "enter")
        hits = screen.left.overlay(SEARCH)
        assert len(hits) == body.count("西区") > 2
        assert screen.left.overlay(FLASH) == [hits[0]]
        await pilot.press("n", "n")
        assert screen.left.overlay(FLASH) == [hits[2]]
        await pilot.press("N")
        assert screen.left.overlay(FLASH) == [hits[1]]
        await pilot.press("slash", "escape")  # Esc in the search box ends the search
        assert screen.left.overlay(SEARCH) == []


async def test_view_keys_toggle_panes_and_legend_and_the_overview_jumps(copy_folder):
    from shenyue.tui.widgets.legend import Legend
    from shenyue.tui.widgets.overview_strip import OverviewStrip

    app = make_app(copy_folder)
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        legend = screen.query_one(Legend)
        assert legend.display
        await pilot.press("l")
        assert not legend.display
        await pilot.press("w")
        await pilot.pause()
        assert screen.left.region.area and not screen.right.region.area
        await pilot.press("w")
        await pilot.pause()
        assert screen.right.region.area and not screen.left.region.area
        await pilot.press("w")
        await pilot.pause()
        assert screen.left.region.area and screen.right.region.area
        # clicking the top of the overview strip goes to the start of the report
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.section.key != screen.sections[0].key
        strip = screen.query_one(OverviewStrip)
        await pilot.click(strip, offset=(1, 1))
        assert screen.section.key == screen.sections[0].key


async def test_every_label_is_translated_in_english(copy_folder):
    from shenyue.i18n import set_language

    set_language("en")
    app = make_app(copy_folder)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        seen = "\n".join(screen_lines(app))
        await open_report(app, pilot, XIQU)
        seen += "\n".join(screen_lines(app))
        await pilot.press("question_mark")
        seen += "\n".join(screen_lines(app))
        await pilot.press("escape", "e")
        seen += "\n".join(screen_lines(app))
        await pilot.press("escape")
        await pilot.press("x")
        seen += "\n".join(screen_lines(app))
    assert "tui." not in seen and "open." not in seen
    assert "Unit (or file)" in seen and "Compared with" in seen


def test_open_passes_reviewer_reviews_folder_and_ascii_to_the_app(samples_copy, tmp_path, monkeypatch):
    import sys

    from shenyue.cli import main
    from shenyue.tui.app import ShenyueApp

    seen = {}

    def fake_run(self, *args, **kwargs):
        seen["reviewer"] = self.workspace.reviewer
        seen["reviews"] = self.workspace.reviews_dir
        seen["ascii"] = self.ascii
        seen["folder"] = self.workspace.folder

    monkeypatch.setattr(ShenyueApp, "run", fake_run)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.__stderr__, "isatty", lambda: True, raising=False)
    reviews = tmp_path / "elsewhere"
    assert main([str(samples_copy), "--reviewer", "李四", "--reviews", str(reviews), "--ascii", "--lang", "zh"]) == 0
    assert seen == {"reviewer": "李四", "reviews": str(reviews), "ascii": True, "folder": samples_copy}
    assert main(["open", str(samples_copy), "--reviewer", "  "]) == 2


async def test_a_report_changed_since_review_is_marked_until_reviewed_again(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        await pilot.press("8", "d")
        await pilot.press("q")
    path = samples_copy / CHANGZHENG
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明：本报告已更新。\n", encoding="utf-8")
    app2 = make_app(samples_copy, resume=False)
    async with app2.run_test(size=(160, 45)) as pilot:
        await wait_ready(app2, pilot)
        row = app2.workspace.by_rel[CHANGZHENG]
        assert row.review.changed
        assert app2.screen.table.cell_text("status", row).startswith("报告已变")
        await open_report(app2, pilot, CHANGZHENG)
        assert "报告已变" in str(app2.screen.query_one("#review-header").render())
        await pilot.press("d")  # done: this version has been reviewed
        assert read_review(samples_copy, "张三", CHANGZHENG)["status"] == "done"
        assert not app2.workspace.by_rel[CHANGZHENG].review.changed


async def test_export_dialog_offers_the_html_evidence_report_written_in_the_background(samples_copy, tmp_path):
    """x → HTML evidence report: refused inside the reports folder, else written by a worker, with a notice."""
    from textual.widgets import RadioSet

    from shenyue.tui.widgets.radio import Radio

    app = make_app(samples_copy)
    out = tmp_path / "out" / "evidence.html"
    told: list[str] = []
    notify = app.notify
    app.notify = lambda message, *a, **kw: (told.append(str(message)), notify(message, *a, **kw))[1]
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog) and "html" in dialog.choices
        html_radio = next(r for r in dialog.query(Radio) if r.name == "html")
        html_radio.value = True
        await pilot.pause()
        assert dialog.fmt == "html" and dialog.query_one(RadioSet).pressed_button is html_radio
        dialog.query_one("#export-path").value = str(samples_copy / "evidence.html")
        await pilot.press("enter")
        assert isinstance(app.screen, ExportDialog)  # refused: it would be read as a report next time
        assert not (samples_copy / "evidence.html").exists()
        dialog.query_one("#export-path").value = str(out)
        await pilot.press("enter")
        assert not isinstance(app.screen, ExportDialog)
        await app.workers.wait_for_complete()
        await pilot.pause()
        page = out.read_text(encoding="utf-8")
        assert all(name in page for name in (CHANGZHENG, XIQU))
        assert any(out.name in m for m in told)


async def test_the_text_pane_scrolls_by_keys_and_by_the_mouse_wheel(samples_copy):
    from textual import events

    app = make_app(samples_copy, resume=False)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        screen = app.screen
        screen.left.focus()
        start = screen.left.visible_range()
        await pilot.press("pagedown")
        paged = screen.left.visible_range()
        assert paged[0] > start[0]
        screen.left.post_message(events.MouseScrollUp(screen.left, 1, 1, 0, 0, 0, False, False, False))
        await pilot.pause()
        assert start[0] <= screen.left.visible_range()[0] < paged[0]
        screen.left.post_message(events.MouseScrollDown(screen.left, 1, 1, 0, 0, 0, False, False, False))
        await pilot.pause()
        assert screen.left.visible_range()[0] > start[0]
