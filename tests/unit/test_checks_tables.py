"""Table checks on documents that break one rule at a time: a copy of seed 001
with one number changed, tables built in every layout, blank and run-together
cells, plausibility rules, prose numbers against the tables, and a GB18030 copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tables_layouts import LAYOUTS, consistent_values, report_with_tables, zero_values

from shenyue.analysis.checks import run_checks
from shenyue.analysis.scan import build_report
from shenyue.model.tables import parse_tables
from shenyue.reading import read_document

ARITHMETIC = {
    "t3_column_balance",
    "t3_result_sum",
    "t3_row_total",
    "t4_group_total",
    "cell_nonneg_integer",
    "t2_valid_floor",
    "t2_valid_lt_made",
}
TABLE_CHECKS = ARITHMETIC | {
    "table_missing",
    "table_rows_incomplete",
    "table_blank_cells",
    "table_cells_merged",
    "table_digits_split",
    "table_label_typo",
    "table_not_assessable",
    "text_table_mismatch",
    "fee_table_conflict",
    "t2_rules_by_ineligible_unit",
    "t4_after_review_gt_review",
    "t4_activity_without_requests",
    "corrected_cases_not_explained",
    "format_version_legacy",
    "t2_2019_published_le_total",
}


def build(tmp_path: Path, text: str, name: str = "report.txt", encoding: str = "utf-8"):
    folder = tmp_path / "reports"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))
    doc = read_document(folder / name, folder, None)
    report = build_report(doc, checks=False)
    return report, run_checks(report)


def table_findings(findings):
    return [f for f in findings if f.check in TABLE_CHECKS]


def with_cell(text: str, cell_id: str, value: str) -> str:
    """``text`` with one table cell rewritten (located by the parser)."""
    cell = parse_tables(text).cell(cell_id)
    assert cell is not None, cell_id
    return text[: cell.start] + value + text[cell.end :]


# ---------------------------------------------------------------- seed 001 with one number changed


def test_seed_001_with_t4_cell_changed_gives_exactly_that_finding(tmp_path, sample_text):
    text = with_cell(sample_text("changzheng"), "t4.rv.up", "1")
    report, findings = build(tmp_path, text)
    found = table_findings(findings)
    assert [(f.check, f.severity) for f in found] == [("t4_group_total", "error")]
    cell = report.tables.cell("t4.rv.tot")
    assert (found[0].start, found[0].end) == (cell.start, cell.end)
    assert found[0].message("zh") == "四·行政复议(总计) 0 ≠ 各项之和 1"
    assert found[0].message("en") == "IV reconsideration (total) 0 ≠ sum of the items 1"


def test_seed_001_with_a_row_total_changed(tmp_path, sample_text):
    text = with_cell(sample_text("changzheng"), "t3.r3_1.tot", "3")
    report, findings = build(tmp_path, text)
    found = table_findings(findings)
    # the 总计 column's result sum follows from the row total: reported once, at the most specific cell
    assert [(f.check, f.params["cell"]) for f in found] == [("t3_row_total", "三(三)1.国家秘密(总计)")]
    assert found[0].message("zh") == "三(三)1.国家秘密(总计) 3 ≠ 本行各列之和 0"


def test_seed_001_with_new_requests_contradicts_its_text(tmp_path, sample_text):
    """Seed 001 says 未收到…申请; a 3 in 本年新收 total contradicts it and the row."""
    text = with_cell(sample_text("changzheng"), "t3.new.tot", "3")
    _, findings = build(tmp_path, text)
    found = sorted((f.check, f.message_key or f.check) for f in table_findings(findings))
    assert found == [("t3_row_total", "t3_row_total"), ("text_table_mismatch", "text_no_requests")]


def test_seed_001_with_a_result_cell_changed(tmp_path, sample_text):
    text = with_cell(sample_text("changzheng"), "t3.r7.np", "5")
    report, findings = build(tmp_path, text)
    found = {f.check: f for f in table_findings(findings)}
    assert set(found) == {"t3_row_total", "t3_column_balance", "t3_result_sum"}
    assert found["t3_result_sum"].message("zh") == "三(七)总计(自然人) 5 ≠ 各项之和 0"
    assert found["t3_row_total"].message("zh") == "三(七)总计(总计) 0 ≠ 本行各列之和 5"
    assert found["t3_column_balance"].params["col"] == "自然人"
    assert "III (natural persons)" in found["t3_column_balance"].message("en")
    result_cell = report.tables.cell("t3.r7.np")
    assert (found["t3_result_sum"].start, found["t3_result_sum"].end) == (result_cell.start, result_cell.end)


def test_seed_001_with_t2_valid_below_floor(tmp_path, sample_text):
    text = with_cell(sample_text("changzheng"), "t2.nd.made", "4")
    report, findings = build(tmp_path, text)
    found = table_findings(findings)
    assert [(f.check, f.severity) for f in found] == [("t2_valid_floor", "error")]
    assert found[0].message("zh") == "二·行政规范性文件(现行有效件数) 0 < 本年制发 4 − 本年废止 0"


def test_gb18030_copy_gives_the_same_findings(tmp_path, sample_text):
    text = with_cell(sample_text("changzheng"), "t3.r7.np", "5")
    _, utf8 = build(tmp_path, text, "utf8.txt")
    report, gb = build(tmp_path, text, "gb.txt", "gb18030")
    assert report.doc.encoding.lower().replace("-", "") in ("gb18030", "gbk", "gb2312")
    assert [(f.check, f.severity, f.start, f.end, f.message("zh")) for f in gb] == [
        (f.check, f.severity, f.start, f.end, f.message("zh")) for f in utf8
    ]


# ---------------------------------------------------------------- built documents, every layout


@pytest.mark.parametrize("layout", LAYOUTS)
def test_consistent_tables_in_every_layout_pass(tmp_path, layout):
    report, findings = build(tmp_path, report_with_tables(consistent_values(), layout))
    assert table_findings(findings) == []
    assert report.tables.version == "2021"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_one_wrong_number_in_every_layout(tmp_path, layout):
    values = consistent_values()
    values["t3.r7.np"] = "6"  # the result rows add up to 5
    report, findings = build(tmp_path, report_with_tables(values, layout))
    by_check = {f.check: f for f in table_findings(findings)}
    assert by_check["t3_result_sum"].message("zh") == "三(七)总计(自然人) 6 ≠ 各项之和 5"
    assert set(by_check) == {"t3_result_sum", "t3_row_total", "t3_column_balance"}


def test_blank_cell_makes_rules_not_assessable_never_zero(tmp_path):
    values = zero_values()
    values["t3.r7.np"] = "/"
    values["t3.r7.tot"] = "5"
    report, findings = build(tmp_path, report_with_tables(values, "pipe"))
    checks = [f.check for f in table_findings(findings)]
    assert "table_blank_cells" in checks
    blank = next(f for f in findings if f.check == "table_blank_cells")
    assert blank.severity == "warning" and blank.params["count"] == 1 and blank.params["cell"] == "三(七)总计(自然人)"
    na = {f.params["rule"] for f in findings if f.check == "table_not_assessable"}
    assert {"t3_row_total", "t3_column_balance", "t3_result_sum"} <= na
    # the 总计 column is still checked: (七)总计 5 against the result rows' 0
    sums = [f for f in findings if f.check == "t3_result_sum"]
    assert [f.params["cell"] for f in sums] == ["三(七)总计(总计)"]
    assert not [f for f in findings if f.check == "t3_row_total"]


def test_run_together_digits_are_reported_and_not_assessed(tmp_path):
    text = report_with_tables(zero_values(), "spaces").replace("(七)总计 0 0 0 0 0 0 0", "(七)总计 10 0 0 0 0 10")
    report, findings = build(tmp_path, text)
    # six numbers that add up as printed: a lost cell, reported, and its rules not assessed
    merged = [f for f in findings if f.check == "table_cells_merged"]
    assert [(f.severity, f.params["row"]) for f in merged] == [("error", "三(七)总计")]
    assert "10 0 0 0 0 10" in merged[0].message("zh")
    assert not [f for f in findings if f.check in ARITHMETIC]
    assert any(f.check == "table_not_assessable" for f in findings)


def test_single_digit_run_is_split_with_an_info_note(tmp_path):
    text = report_with_tables(zero_values(), "spaces").replace("规章 0 0 0", "规章 000")
    report, findings = build(tmp_path, text)
    split = [f for f in findings if f.check == "table_digits_split"]
    assert [(f.severity, f.params["table"]) for f in split] == [("info", "二")]
    assert report.tables.value("t2.reg.valid") == 0
    assert report.tables.t2.digits == "split"
    assert not [f for f in findings if f.check in ARITHMETIC | {"table_cells_merged"}]


def test_negative_and_fractional_counts(tmp_path):
    values = zero_values()
    values["t4.sd.up"] = "-1"
    values["t4.sd.tot"] = "-1"
    values["t2.permit.decisions"] = "2.5"
    values["t2.adminfee.amount_wan"] = "3.25"  # an amount may be a decimal
    report, findings = build(tmp_path, report_with_tables(values, "pipe"))
    bad = {f.params["cell"] for f in findings if f.check == "cell_nonneg_integer"}
    assert bad == {"二·行政许可(处理决定数量)", "四·未经复议直接起诉(结果维持)", "四·未经复议直接起诉(总计)"}


def test_valid_less_than_made_is_a_warning(tmp_path):
    values = zero_values()
    values.update({"t2.nd.made": "5", "t2.nd.repealed": "3", "t2.nd.valid": "3"})
    _, findings = build(tmp_path, report_with_tables(values, "lines"))
    assert [(f.check, f.severity) for f in table_findings(findings)] == [("t2_valid_lt_made", "warning")]


def test_rules_counted_by_a_sub_district(tmp_path):
    values = zero_values()
    values.update({"t2.reg.made": "1", "t2.reg.valid": "1"})
    _, findings = build(tmp_path, report_with_tables(values, "lines"))
    found = [f for f in findings if f.check == "t2_rules_by_ineligible_unit"]
    assert len(found) == 1 and found[0].params["unit"] == "长征街街道办事处"


def test_missing_row_is_reported_with_its_name(tmp_path):
    text = report_with_tables(zero_values(), "lines").replace("2.重复申请\u00a0\n" + "0\u00a0\n" * 7, "")
    _, findings = build(tmp_path, text)
    found = [f for f in findings if f.check == "table_rows_incomplete"]
    assert len(found) == 1
    assert found[0].params["found"] == 168 and found[0].params["expected"] == 175
    assert "(五)2.重复申请" in found[0].message("zh")


def test_table_iv_information_rules(tmp_path):
    values = zero_values()
    values.update({"t4.sr.cor": "1", "t4.sr.tot": "1"})
    text = report_with_tables(values, "pipe").replace("个别依申请公开答复被行政复议纠错,", "")
    _, findings = build(tmp_path, text)
    checks = sorted(
        f.check for f in findings if f.check.startswith("t4_") or f.check == "corrected_cases_not_explained"
    )
    assert checks == ["corrected_cases_not_explained", "t4_activity_without_requests", "t4_after_review_gt_review"]
    assert {f.severity for f in findings if f.check in checks} == {"info"}


def test_fee_notice_statement_against_the_table(tmp_path):
    values = zero_values()
    for col, v in (("np", "1"), ("tot", "1")):
        for row in ("new", "r6_2", "r7"):
            values[f"t3.{row}.{col}"] = v
    _, findings = build(tmp_path, report_with_tables(values, "lines"))
    conflict = [f for f in findings if f.check == "fee_table_conflict"]
    assert len(conflict) == 1 and conflict[0].params["cell"] == 1
    assert table_findings([f for f in findings if f.check != "fee_table_conflict"]) == []


# ---------------------------------------------------------------- prose against the tables


def _with_sentence(sentence: str, values=None) -> str:
    text = report_with_tables(values or consistent_values(), "lines")
    return text.replace("完善政府网站专栏建设,", "完善政府网站专栏建设," + sentence + "。")


def test_text_numbers_that_match_the_tables(tmp_path):
    # new 9 + carried in 1 = 10 handled; 2 reconsiderations; 1 lawsuit; 3 normative documents
    sentence = "全年共收到政府信息公开申请9件,行政复议2件,行政诉讼1件,制发规范性文件3件"
    _, findings = build(tmp_path, _with_sentence(sentence))
    assert [f for f in findings if f.check in ("text_table_mismatch", "table_not_assessable")] == []


@pytest.mark.parametrize(
    ("sentence", "key", "number"),
    [
        ("全年共收到政府信息公开申请12件", "text_requests_n", 12),
        ("发生行政复议5件", "text_review_n", 5),
        ("行政诉讼3起", "text_suit_n", 3),
        ("印发行政规范性文件7份", "text_nd_made_n", 7),
    ],
)
def test_text_numbers_that_differ(tmp_path, sentence, key, number):
    report, findings = build(tmp_path, _with_sentence(sentence))
    found = [f for f in findings if f.check == "text_table_mismatch"]
    assert [(f.message_key, f.params["text"]) for f in found] == [(key, number)]
    assert report.text[found[0].start : found[0].end] in sentence


def test_text_says_no_requests_but_table_has_some(tmp_path):
    _, findings = build(tmp_path, _with_sentence("本年度未收到政府信息公开申请"))
    found = [f for f in findings if f.check == "text_table_mismatch"]
    assert [f.message_key for f in found] == ["text_no_requests"]


def test_approximate_numbers_are_not_compared(tmp_path):
    _, findings = build(tmp_path, _with_sentence("受理公开申请逾3000件"))
    assert [f for f in findings if f.check == "text_table_mismatch"] == []


# ---------------------------------------------------------------- format version


def _report_2019(year: int) -> str:
    from test_tables_layouts import _render_2019

    return (
        f"某某区人民政府{year}年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开信息。\n"
        + _render_2019(zero_values())
        + "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n问题。\n六、其他需要报告的事项\n无。\n"
    )


def test_2019_format_in_a_2024_report_is_an_error(tmp_path):
    _, findings = build(tmp_path, _report_2019(2024).replace("某某区", "东城区"))
    found = [f for f in findings if f.check == "format_version_legacy"]
    assert [f.severity for f in found] == ["error"]


def test_2019_format_in_a_2020_report_is_information(tmp_path):
    _, findings = build(tmp_path, _report_2019(2020).replace("某某区", "东城区"))
    found = [f for f in findings if f.check == "format_version_legacy"]
    assert [(f.severity, f.message_key) for f in found] == [("info", "format_version_2019")]
    assert not [f for f in findings if f.check in ARITHMETIC | {"t2_2019_published_le_total"}]


def test_2019_published_above_total(tmp_path):
    text = (
        _report_2019(2020)
        .replace("某某区", "东城区")
        .replace("| 规范性文件 | 3 | 3 | 20 |", "| 规范性文件 | 3 | 30 | 20 |")
    )
    _, findings = build(tmp_path, text)
    assert [f.params["cell"] for f in findings if f.check == "t2_2019_published_le_total"] == [
        "二·行政规范性文件(对外公开总数量)"
    ]


@pytest.mark.parametrize(("amount", "key"), [("150000", "t2_fee_unit"), ("3500元", "t2_fee_unit_yuan")])
def test_fee_amount_in_the_wrong_unit(tmp_path, amount, key):
    values = zero_values()
    values["t2.adminfee.amount_wan"] = amount
    _, findings = build(tmp_path, report_with_tables(values, "pipe"))
    found = [f for f in findings if f.check == "t2_fee_unit"]
    assert [(f.severity, f.message_key or f.check) for f in found] == [("info", key)]
