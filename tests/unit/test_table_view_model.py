"""The table view's model (tui/screens/review/tablemodel.py) and the broken rules the arithmetic
findings carry (analysis Identity): grids with the format's labels, marks from findings only,
digits split by totals, the previous year's table 三, lines that fit the width."""

from __future__ import annotations

import pytest
from test_checks_tables import build, with_cell
from test_tables_glued import crawled_page
from test_tables_layouts import consistent_values

from shenyue.analysis.findings import Identity, Term
from shenyue.tui.glyphs import use_ascii
from shenyue.tui.screens.review.tablemodel import (
    FAIL,
    SPLIT,
    WARN,
    build_view,
    identity_text,
    layout,
    prior_of,
)
from shenyue.tui.textutil import cell_width


def text_of(lines) -> list[str]:
    return ["".join(run[0] for run in line) for line in lines]


# ---------------------------------------------------------------- the findings carry the rule


def test_the_column_balance_finding_carries_its_operands(tmp_path, sample_text):
    text = sample_text("changzheng")
    for cid, v in (("t3.new.np", "3119"), ("t3.carried_in.np", "34"), ("t3.r7.np", "3050")):
        text = with_cell(text, cid, v)
    text = with_cell(text, "t3.carried_out.np", "104")
    _, findings = build(tmp_path, text)
    balance = next(f for f in findings if f.check == "t3_column_balance")
    ident = balance.identity
    assert ident.at == "t3.carried_out.np"
    assert [(x.cell, x.value) for x in ident.left] == [("t3.new.np", 3119), ("t3.carried_in.np", 34)]
    assert [(x.cell, x.value) for x in ident.right] == [("t3.r7.np", 3050), ("t3.carried_out.np", 104)]
    assert identity_text(ident) == "3119 + 34 ≠ 3050 + 104 (3153 ≠ 3154)"
    # every arithmetic finding on a table cell carries one
    cells = {f.check for f in findings if f.identity is not None}
    assert {"t3_column_balance", "t3_row_total", "t3_result_sum"} <= cells


def test_identity_texts_for_other_relations_and_long_sides():
    floor = Identity(
        "t2.nd.valid",
        (Term("t2.nd.valid", 0),),
        (Term("t2.nd.made", 4), Term("t2.nd.repealed", 1, -1)),
        ">=",
    )
    assert identity_text(floor) == "0 < 4 − 1 (0 < 3)"
    results = tuple(Term(f"t3.r{i}.np", 2 if i == 1 else 0) for i in range(1, 20))
    long = Identity("t3.r7.np", (Term("t3.r7.np", 5),), results)
    assert identity_text(long) == "5 ≠ 2（另 18 项为 0） (5 ≠ 2)"
    carry = Identity(
        "t3.carried_in.np", (Term("t3.carried_in.np", 34),), (Term("t3.carried_out.np", 30, report="a.txt"),)
    )
    assert identity_text(carry, 2023) == "34 ≠ 30（2023年结转下年度）"
    use_ascii(True)
    try:
        assert identity_text(floor) == "0 < 4 - 1 (0 < 3)"
        assert identity_text(carry, 2023).startswith("34 != 30")
    finally:
        use_ascii(False)


# ---------------------------------------------------------------- grids and marks


def test_grids_have_the_format_labels_and_a_failing_cell_is_marked(tmp_path, sample_text):
    report, findings = build(tmp_path, with_cell(sample_text("changzheng"), "t3.r3_1.tot", "3"))
    view = build_view(report, findings)
    t2, t3, t4 = view.grids
    assert [r.label for r in t2.blocks[0].rows] == ["规章", "行政规范性文件"]
    assert t2.blocks[0].columns == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert t3.blocks[0].columns[0] == "自然人" and t3.blocks[0].groups[1] == ("法人或其他组织", 5)
    labels = [r.label for r in t3.blocks[0].rows]
    assert labels[:4] == ["一、本年新收", "二、上年结转", "三、本年度办理结果", "(一)予以公开"]
    assert "(三)不予公开" in labels and labels[-1] == "四、结转下年度"
    assert [r.label for r in t4.blocks[0].rows] == ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"]
    cell = t3.cell("t3.r3_1.tot")
    assert (cell.text, cell.mark) == ("3", FAIL)
    assert view.marked() == ["t3.r3_1.tot"]
    note = view.note_of("t3.r3_1.tot")
    assert note.text == "三(三)1.国家秘密(总计): 3 ≠ 0 + 0 + 0 + 0 + 0 + 0 (3 ≠ 0)"
    assert t3.cell("t3.r3_1.np").mark == ""  # an operand is not the failing cell


def test_a_dismissed_finding_marks_nothing(tmp_path, sample_text):
    report, findings = build(tmp_path, with_cell(sample_text("changzheng"), "t3.r3_1.tot", "3"))
    view = build_view(report, [f for f in findings if f.check != "t3_row_total"])
    assert view.marked() == []
    assert view.grids[1].cell("t3.r3_1.tot").mark == ""


def test_a_finding_on_a_cell_without_a_rule_marks_it_with_its_message(tmp_path, sample_text):
    report, findings = build(tmp_path, with_cell(sample_text("changzheng"), "t2.reg.made", "1.5"))
    view = build_view(report, findings)
    assert view.grids[0].cell("t2.reg.made").mark == FAIL
    note = view.note_of("t2.reg.made")
    assert note.text.startswith("二·规章(本年制发件数): ") and "1.5" in note.text


def test_digits_split_by_the_totals_are_marked_as_such(tmp_path):
    report, findings = build(tmp_path, crawled_page(consistent_values()))
    view = build_view(report, findings)
    t3 = view.grids[1]
    assert report.tables.t3.digits == "split"
    assert "按本表合计拆分" in t3.status
    cell = t3.cell("t3.new.np")
    assert (cell.text, cell.mark) == ("5", SPLIT)
    lines = text_of(layout(view, 120).lines)
    assert any(line.startswith("一、本年新收") and "5∿" in line for line in lines)
    assert any(line.startswith("三、收到和处理") and "按本表合计拆分" in line for line in lines)


def test_a_report_without_tables_says_so(tmp_path, sample_text):
    report, findings = build(tmp_path, sample_text("xiqu"))
    view = build_view(report, findings)
    assert not any(g.found for g in view.grids)
    lines = text_of(layout(view, 100).lines)
    assert lines.count("（报告中未读出此表）") == 3


# ---------------------------------------------------------------- the previous year and the width


@pytest.fixture
def two_years(tmp_path, sample_text):
    from shenyue.analysis.checks.crossreport import add_folder_findings

    text = with_cell(with_cell(sample_text("changzheng"), "t3.carried_in.np", "4"), "t3.new.np", "0")
    text = with_cell(text, "t3.new.tot", "0")
    text = with_cell(with_cell(text, "t3.carried_in.tot", "4"), "t3.carried_out.np", "4")
    text = with_cell(text, "t3.carried_out.tot", "4")
    now, _ = build(tmp_path, text, "cz-2024.txt")
    prior = with_cell(with_cell(text.replace("2024", "2023"), "t3.carried_out.np", "2"), "t3.carried_out.tot", "2")
    before, _ = build(tmp_path, prior, "cz-2023.txt")
    add_folder_findings([now, before])
    return now, before


def test_the_previous_year_is_the_one_the_carry_over_check_compared(two_years):
    now, before = two_years
    reports = {r.rel: r for r in two_years}
    assert prior_of(now, reports.get) is before
    assert prior_of(before, reports.get) is None
    view = build_view(now, now.findings, before)
    assert view.prior is not None and "2023" in view.prior_title
    carry = [f for f in now.findings if f.check == "carryover_mismatch"]
    assert {f.identity.at for f in carry} == {"t3.carried_in.np", "t3.carried_in.tot"}
    assert view.grids[1].cell("t3.carried_in.np").mark == WARN
    assert view.prior.cell("t3.carried_out.np").mark == WARN  # 2 carried out in 2023, 4 carried in
    assert view.prior.cell("t3.carried_out.np").text == "2"
    assert view.prior.cell("t3.new.np").mark == ""
    assert view.note_of("t3.carried_in.np").text == "三·二、上年结转(自然人): 4 ≠ 2（2023年结转下年度）"


@pytest.mark.parametrize("width", [80, 100, 200])
def test_lines_fit_the_width_and_the_previous_year_goes_beside_when_it_fits(two_years, width):
    now, before = two_years
    view = build_view(now, now.findings, before)
    out = layout(view, width)
    lines = text_of(out.lines)
    assert all(cell_width(line) <= width for line in lines), max(lines, key=cell_width)
    title = next(line for line in lines if line.startswith("三、收到和处理"))
    assert ("上一年度 2023" in title) == (width >= 200)
    # every cell of this report has a line, and the line shows it
    row = lines[out.cell_lines["t3.new.np"]]
    assert row.startswith("一、本年新收")


def test_english_column_labels_wrap_between_words(tmp_path, sample_text):
    from shenyue.i18n import set_language

    report, findings = build(tmp_path, sample_text("changzheng"))
    try:
        set_language("en")
        lines = text_of(layout(build_view(report, findings), 100).lines)
    finally:
        set_language("zh")
    header = "\n".join(lines[lines.index(next(x for x in lines if "legal persons" in x)) :][:5])
    words = header.split()
    assert "businesses" in words and "natural" in words and "persons" in words
    assert not any(w in words for w in ("business", "es", "decision", "s"))
