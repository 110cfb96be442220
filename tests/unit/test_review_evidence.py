"""Undo of one change, preset reasons in the rubric and evidence quotes, without the app (issue 14, point 6)."""

from __future__ import annotations

import copy

import pytest

from shenyue.cli import main
from shenyue.review import ReviewStore, RubricError, default_rubric_text, load_rubric, parse_rubric
from shenyue.review.reasons import check_reasons, criterion_reasons
from shenyue.review.schema import Review
from shenyue.review.undo import revert

REPORT = "zhongshan-city-2021.txt"


def test_revert_puts_back_only_what_the_change_touched():
    before = Review("r.txt", "张三", scores={"a": 1}, flags=["x"], criterion_comments={"a": "旧"})
    after = copy.deepcopy(before)
    after.scores["a"] = 2
    after.scores["b"] = 3
    after.flags.remove("x")
    after.criterion_comments["a"] = "新"
    now = copy.deepcopy(after)
    now.scores["c"] = 5  # merged in from another session meanwhile
    now.criterion_comments["a"] = "再改"  # changed again since: left alone
    revert(now, before, after)
    assert now.scores == {"a": 1, "c": 5}
    assert now.flags == ["x"]
    assert now.criterion_comments == {"a": "再改"}


def test_session_revert_saves_through_the_store(samples_copy):
    session = ReviewStore(samples_copy, "张三").open(REPORT)
    session.set_score("timeliness", 8)
    before = copy.deepcopy(session.review)
    session.set_score("timeliness", 3)
    result = session.revert(before, copy.deepcopy(session.review))
    assert result.written
    again = ReviewStore(samples_copy, "张三").open(REPORT)
    assert again.score("timeliness") == 8


def test_default_rubric_has_reasons_in_both_languages():
    rubric = load_rubric()
    check_reasons(rubric)
    for c in rubric.criteria:
        assert criterion_reasons(c, "zh") and criterion_reasons(c, "en")
    assert criterion_reasons(rubric.criterion("timeliness"), "en")[0] == "Dated after the deadline"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"one text"', "must be a list of non-empty texts"),
        ("[1, 2]", "must be a list of non-empty texts"),
        ('["", "b"]', "must be a list of non-empty texts"),
        ('["a\\u0007b"]', "one line of at most 200 characters"),
        ("[" + ", ".join(f'"r{i}"' for i in range(31)) + "]", "at most 30 reasons"),
    ],
)
def test_bad_reasons_are_refused_naming_the_criterion(value, expected, tmp_path, capsys):
    text = default_rubric_text().replace('reasons = ["落款或页面日期晚于截止日期", "未注明发布日期", "年度表述错误"]',
                                         f"reasons = {value}", 1)  # fmt: skip
    rubric = parse_rubric(text)
    with pytest.raises(RubricError) as err:
        check_reasons(rubric)
    assert expected in err.value.problem("en") and "timeliness" in err.value.problem("en")
    (tmp_path / "rubric.toml").write_text(text, encoding="utf-8")
    assert main(["rubric", str(tmp_path), "--lang", "en"]) == 2
    assert expected in capsys.readouterr().err
    with pytest.raises(RubricError):
        ReviewStore(tmp_path, "张三")


def test_quote_text_and_line_at_keep_offsets_of_the_original():
    from shenyue.tui.screens.review.evidence import line_at, quote_text

    text = "标题\n\n第一行内容\n第二行\u0007内容\n"
    assert quote_text("a\n b\tc\u0007d") == "a b c d"
    assert quote_text("字" * 400).endswith("…") and len(quote_text("字" * 400)) == 300
    a, b = line_at(text, 0, 0, len(text))
    assert text[a:b] == "标题"
    a, b = line_at(text, 3, 0, len(text))  # the empty line: the next line with text
    assert text[a:b] == "第一行内容" and a == 4
    a, b = line_at(text, 12, 10, len(text))
    assert text[a:b] == "第二行\u0007内容" and a == 10
