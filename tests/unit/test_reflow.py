"""Prose reflowed for display: which line breaks join a hard-wrapped paragraph (the similarity
engine's line rule, similarity/paragraphs.py) and how a pane hides them one for one (textutil)."""

from __future__ import annotations

from shenyue.analysis.similarity.paragraphs import joins, joins_in
from shenyue.tui.textutil import HIDDEN, reflow, wrap_offsets

PARA = "西区街道认真落实国家和省关于政务公开工作的部署要求，以公开促落实、强监管、优服务，" * 3 + "取得良好成效。"


def hard_wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def test_wrapped_lines_of_a_paragraph_join_and_nothing_else_does():
    lines = ["一、总体情况", *hard_wrap(PARA, 30), "  (一)主动公开", *hard_wrap(PARA, 30)]
    text = "\n".join(lines)
    found = joins(text)
    wrapped = len(hard_wrap(PARA, 30))
    assert len(found) == 2 * (wrapped - 1)  # every break inside each paragraph, none around the headings
    for a, b in found:
        assert text[a:b] == "\n"
    # a paragraph's last line (ends a sentence, or is short) never runs on into the heading
    heading = text.index("  (一)")
    assert all(b != heading for _, b in found)


def test_white_space_around_a_joined_break_is_part_of_the_join_and_page_lines_stop_it():
    rows = hard_wrap(PARA, 30)
    text = rows[0] + "  \n    " + rows[1] + "\n- 3 -\n" + "\n".join(rows[2:])
    found = joins(text)
    assert text[found[0][0] : found[0][1]] == "  \n    "
    page = text.index("- 3 -")
    assert all(not (a < page < b) and b != page for a, b in found)  # not across the page number


def test_no_joins_in_short_lines_or_single_line_paragraphs():
    assert joins("一、总体情况\n二、主动公开\n三、收到") == ()
    assert joins(PARA) == ()
    assert joins_in("abc", 0, 3) == []


def test_reflow_hides_joins_one_for_one():
    rows = hard_wrap(PARA, 30)
    text = "\n".join(rows)
    shown = reflow(text, joins_in(text, 0, len(text)))
    assert len(shown) == len(text)
    assert shown.replace(HIDDEN, "") == PARA
    # a pane as wide as two rows draws the paragraph on fewer lines than it has rows
    assert len(wrap_offsets(shown, 120)) < len(rows)
    # Latin words keep a space between them
    latin = "word\nnext"
    assert reflow(latin, [(4, 5)]) == "word next"
    assert reflow("中\n文", [(1, 2)]) == f"中{HIDDEN}文"


def test_table_rows_numbered_items_and_crawled_lines_are_never_joined():
    rows = hard_wrap(PARA, 30)
    pipe = "| 一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |"
    text = "\n".join([*rows[:-1], pipe, pipe, pipe, pipe, pipe])
    found = joins(text)
    assert len(found) == len(rows) - 2  # the paragraph's own lines join, nothing joins into or between rows
    assert not any("|" in text[a - 1 : b + 1] for a, b in found)
    numbered = "\n".join([rows[0], rows[1], "（二）" + rows[2][3:], rows[3], "2." + rows[1][2:], rows[2]])
    found = joins(numbered)
    starts = {b for _, b in found}
    assert numbered.index("（二）") not in starts and numbered.index("2.") not in starts
    assert len(found) >= 2  # the lines that carry on are still joined
    crawled = "\n".join(["原文链接: https://www.example.gov.cn/zwgk/zfxxgk/" + "a" * 60 + "本地目录与原文链接" * 8] * 6)
    assert joins(crawled) == ()
