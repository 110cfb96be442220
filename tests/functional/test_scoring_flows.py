"""Scoring on the review screen (issue 14, points 3-6): the traps of typed scores, the header's
total and deciding gate, comments in sight, evidence quotes, preset reasons and undo."""

from __future__ import annotations

from tui_helpers import CHANGZHENG, XIQU, XIQU_PREV, make_app, open_report, read_review, review_file, wait_ready

from shenyue.tui.screens.review import ReviewScreen
from shenyue.tui.widgets.review_header import ReviewHeader
from shenyue.tui.widgets.score_panel import ScorePanel

TEMPLATE = "district-summary-template.txt"


def panel_text(app) -> str:
    return str(app.screen.query_one(ScorePanel).render())


def header_text(app) -> str:
    return app.screen.query_one(ReviewHeader).text


def english_app(folder):
    from shenyue.i18n import set_language

    set_language("en")  # reset to Chinese for every test (tests/conftest.py)
    return make_app(folder)


def write_review(folder, rel: str, body: str) -> None:
    path = review_file(folder, "张三", rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'report = "{rel}"\nreviewer = "张三"\n' + body, encoding="utf-8")


# ---------------------------------------------------------------- 4: scoring traps


async def test_each_report_opens_on_its_first_unscored_criterion_with_no_stale_typing(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        screen = app.screen
        panel = screen.query_one(ScorePanel)
        assert panel.criterion.id == "timeliness"
        await pilot.press("8")  # timeliness = 8
        await pilot.press("J", "J", "J", "5")  # data_consistency = 5, and "typing: 5" is shown
        assert "5" in panel.buffer and "5" in panel_text(app)
        first = screen.rel
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert screen.rel != first
        # the other report starts on its first criterion, with no digits carried over
        assert panel.criterion.id == "timeliness" and panel.buffer == "" and panel.note == ""
        assert "5" not in panel.buffer
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert screen.rel == first
        # back on the first report: the cursor is on the first criterion still to score
        assert panel.criterion.id == "structure"
        await pilot.press("3")
        data = read_review(samples_copy, "张三", CHANGZHENG)
        assert data["scores"] == {"timeliness": 8, "structure": 3, "data_consistency": 5}


async def test_an_out_of_range_entry_is_refused_with_a_message_not_saved_as_another_score(samples_copy):
    app = english_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        panel = app.screen.query_one(ScorePanel)
        await pilot.press("J", "J")  # tables_complete, out of 15
        assert panel.criterion.id == "tables_complete"
        await pilot.press("2", "0")  # 20 of 15: refused, the 2 stays
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["tables_complete"] == 2
        assert "20 is not a valid score" in panel_text(app) and "not saved" in panel_text(app)
        await pilot.press("J")  # moving on clears the message
        assert "20 is not a valid score" not in panel_text(app)
        await pilot.press("K", "1", "5")  # 15 is allowed
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["tables_complete"] == 15


async def test_a_hand_edited_score_above_the_maximum_is_flagged_on_the_report(samples_copy):
    write_review(samples_copy, CHANGZHENG, "[scores]\ntimeliness = 99\nstructure = 10\n")
    app = english_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        panel = app.screen.query_one(ScorePanel)
        # the invalid score is the first to fix: the cursor is on it and the panel says why
        assert panel.criterion.id == "timeliness"
        text = panel_text(app)
        assert "99/10" in text and "holds 99" in text and "not allow" in text
        header = header_text(app)
        assert "1 invalid scores" in header and "total 10/100" in header  # 99 is never summed
        await pilot.press("7")
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"]["timeliness"] == 7
        assert "invalid" not in header_text(app) and "total 17/100" in header_text(app)


# ---------------------------------------------------------------- 3: the header


async def test_header_keeps_total_deciding_gate_and_status_at_100_columns(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, TEMPLATE)
        header = app.screen.query_one(ReviewHeader)
        await pilot.press("1", "0", "J", "1", "2", "J", "1", "5")  # 37 points, capped at 30 by "not an annual report"
        await pilot.press("d", "F")
        await pilot.pause()
        line = header.text.split("\n")[1]
        assert "总分 30/100" in line
        assert "封顶30 不是年度报告" in line and "+1" in line  # the deciding gate, short, and one more gate
        assert "已完成" in line and "需复核" in line  # status and flag
        assert "i 详情" in line
        assert all(len(row) <= 100 for row in header.text.split("\n"))
        from shenyue.tui.textutil import cell_width

        assert cell_width(line) <= header.content_region.width
        # the full text of every gate and cap, on one key
        await pilot.press("i")
        from shenyue.tui.dialogs.text import TextDialog

        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        assert "需人工确认评价口径" in dialog.text and "模板未填写完整" in dialog.text
        assert "决定总分" in dialog.text and "doc_not_annual_report" in dialog.text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_header_gives_way_in_order_reviewer_first(samples_copy):
    from textual.content import Content

    from shenyue.tui.widgets.review_header import HeaderField, fit_parts

    parts = [
        HeaderField(Content("审阅人 张三"), rank=6),
        HeaderField(Content("总分 不可评")),
        HeaderField(Content("疑似镜像站篡改副本，请取官方网站原文后再评"), shrink=True),
        HeaderField(Content("已评 3/9 项"), rank=2),
        HeaderField(Content("已完成")),
    ]
    wide = fit_parts(parts, 200, " · ").plain
    assert "审阅人" in wide and "已评" in wide
    narrow = fit_parts(parts, 40, " · ").plain
    assert "审阅人" not in narrow and "已评" not in narrow
    assert narrow.startswith("总分 不可评") and narrow.endswith("已完成")  # the gate was cut, not the status
    from shenyue.tui.textutil import cell_width

    assert cell_width(narrow) <= 40


# ---------------------------------------------------------------- 5: comments in sight


async def test_comments_are_marked_and_shown_and_old_part_keys_move_to_titles(samples_copy):
    from shenyue.tui.dialogs import CommentDialog
    from shenyue.tui.widgets.section_nav import SectionNav

    write_review(
        samples_copy,
        TEMPLATE,
        '[comments.criteria]\ntimeliness = "落款日期晚于截止日期\\n第二行"\n'
        '[comments.sections]\n"part-1" = "成效部分空泛"\n',
    )
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, TEMPLATE)
        screen = app.screen
        assert screen.section.key == "part-1"
        nav = screen.query_one(SectionNav)
        rows = [str(nav.get_option_at_index(i).prompt) for i in range(nav.option_count)]
        marked = [r for r in rows if "❝" in r]
        assert len(marked) == 1 and "20xx年度政务公开工作成效" in marked[0]
        text = panel_text(app)
        lines = text.split("\n")
        assert "❝" in lines[0] and "❝" not in lines[1]  # timeliness has a comment, structure none
        assert "落款日期晚于截止日期" in text and "第二行" in text  # the criterion's comment, in the panel
        assert "本节批注" in text and "成效部分空泛" in text  # the section's comment too
        # editing the section's comment writes it under the section's title; part-1 is gone, nothing lost
        await pilot.press("e")
        assert isinstance(app.screen, CommentDialog)
        await pilot.press(*"需补充数据")
        await pilot.press("ctrl+s")
        data = read_review(samples_copy, "张三", TEMPLATE)
        assert data["comments"]["sections"] == {"一、20xx年度政务公开工作成效": "成效部分空泛需补充数据"}
        assert data["comments"]["criteria"]["timeliness"] == "落款日期晚于截止日期\n第二行"
        # a new comment on another section is marked at once
        await pilot.press("right_square_bracket", "e", *"问题写得太少", "ctrl+s")
        rows = [str(nav.get_option_at_index(i).prompt) for i in range(nav.option_count)]
        assert len([r for r in rows if "❝" in r]) == 2
        assert (
            read_review(samples_copy, "张三", TEMPLATE)["comments"]["sections"]["二、存在的主要问题"] == "问题写得太少"
        )


# ---------------------------------------------------------------- 6: evidence, preset reasons, undo


async def test_quote_the_current_match_with_both_places_into_a_comment(copy_folder):

    from shenyue.tui.dialogs import CommentDialog

    app = make_app(copy_folder, resume=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, XIQU)
        screen = app.screen
        await pilot.press("m")
        pair = screen.model.current_pair()
        assert pair is not None and screen.model.comparison.rel == XIQU_PREV
        await pilot.press("E")
        dialog = app.screen
        assert isinstance(dialog, CommentDialog)
        text = dialog.area.text
        quoted = " ".join(screen.report.text[pair.start : pair.end].split())[:50]
        assert f"引文：「{quoted}" in text
        assert f"（一、总体情况，第 {pair.start}–{pair.end} 字）" in text
        assert f"对照 {XIQU_PREV}：「" in text and f"第 {pair.other_start}–{pair.other_end} 字" in text
        await pilot.press("ctrl+s")
        saved = read_review(copy_folder, "张三", XIQU)["comments"]["sections"]["overview"]
        assert saved == text.strip()


async def test_quote_a_search_hit_or_the_top_line_when_nothing_is_matched(samples_copy):
    from shenyue.tui.dialogs import CommentDialog

    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        screen = app.screen
        section = screen.section
        await pilot.press("E")  # nothing picked: the line at the top of the pane, i.e. the heading
        assert isinstance(app.screen, CommentDialog)
        assert f"引文：「一、总体情况」（一、总体情况，第 {section.start}–" in app.screen.area.text
        await pilot.press("escape", "y")  # the quote is an unsaved edit: discard it
        assert app.screen is screen
        import os

        assert not os.path.exists(review_file(samples_copy, "张三", CHANGZHENG))  # nothing was saved
        await pilot.press("slash", *"政务公开", "enter")
        start, end = screen.model.search_hits[screen.model.search_index]
        await pilot.press("E")
        assert f"引文：「政务公开」（一、总体情况，第 {start}–{end} 字）" in app.screen.area.text


async def test_preset_reasons_of_the_criterion_go_into_its_comment(samples_copy):
    from shenyue.tui.dialogs.reasons import ReasonDialog

    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        await pilot.press("r")
        assert isinstance(app.screen, ReasonDialog)
        assert app.screen.reasons[:2] == ["落款或页面日期晚于截止日期", "未注明发布日期"]
        await pilot.press("2")
        assert read_review(samples_copy, "张三", CHANGZHENG)["comments"]["criteria"]["timeliness"] == "未注明发布日期"
        await pilot.press("r", "j", "j", "enter")
        comments = read_review(samples_copy, "张三", CHANGZHENG)["comments"]["criteria"]
        assert comments["timeliness"] == "未注明发布日期\n年度表述错误"
        assert "年度表述错误" in panel_text(app)


async def test_undo_takes_back_the_last_changes_one_by_one_and_saves_each(samples_copy):
    app = make_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        await open_report(app, pilot, CHANGZHENG)
        await pilot.press("8", "J", "6", "F", "r", "1")
        data = read_review(samples_copy, "张三", CHANGZHENG)
        assert data["scores"] == {"timeliness": 8, "structure": 6} and data["flags"] == ["需复核"]
        assert data["comments"]["criteria"] == {"structure": "缺少标准部分"}
        await pilot.press("U")  # the comment
        data = read_review(samples_copy, "张三", CHANGZHENG)
        assert "comments" not in data and data["flags"] == ["需复核"]
        await pilot.press("U")  # the flag
        assert read_review(samples_copy, "张三", CHANGZHENG)["flags"] == []
        await pilot.press("U")  # the structure score
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"] == {"timeliness": 8}
        assert "8/10" in panel_text(app) and "6/12" not in panel_text(app)
        # undo belongs to the report it was made on
        await pilot.press("greater_than_sign")
        await pilot.pause()
        await pilot.press("U")
        assert read_review(samples_copy, "张三", CHANGZHENG)["scores"] == {"timeliness": 8}
        await pilot.press("less_than_sign")
        await pilot.pause()
        await pilot.press("U")
        data = read_review(samples_copy, "张三", CHANGZHENG)
        assert data["scores"] == {} and data["status"] == "todo"


async def test_a_rubric_with_bad_reasons_is_refused_with_a_clear_message(samples_copy):
    from shenyue.review import default_rubric_text

    text = default_rubric_text().replace(
        'reasons = ["落款或页面日期晚于截止日期"', 'reasons = "落款日期晚"\nignored = ["落款或页面日期晚于截止日期"', 1
    )
    (samples_copy / "rubric.toml").write_text(text, encoding="utf-8")
    app = english_app(samples_copy)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_ready(app, pilot)
        from shenyue.tui.dialogs import ErrorDialog

        message = "reasons of criterion “timeliness” must be a list of non-empty texts"
        assert isinstance(app.screen, ErrorDialog) and message in app.screen.message
        await pilot.press("enter")
        await open_report(app, pilot, CHANGZHENG)  # reports are still shown; scoring says why it is off
        assert "reasons of criterion “timeliness”" in header_text(app)  # cut to the width, the dialog had it all
