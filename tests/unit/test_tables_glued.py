"""Tables of crawled pages and PDF text layers, built by the tests.

A crawler keeps the whole report on one line and glues the cells of a table
row together (``本年新收政府信息公开申请数量3000003``); a PDF text layer keeps a
row's label and numbers on one line but wraps long labels and prints group
labels one character a line. The tables are still read in full: glued digits
are cut by the table's own totals, and only a cut the totals decide is used.
"""

from __future__ import annotations

import time

import pytest
from test_checks_tables import ARITHMETIC, TABLE_CHECKS, build
from test_tables_layouts import T2_BLOCKS, T2_COLS, T3_NOTE, T3_ROW_LABELS, consistent_values, zero_values

from shenyue.model.tables import T3_COLS, cell_ids, parse_tables
from shenyue.model.tables.digits import cuts, t3_rule, t4_rule

T3_HEADER = "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
T4_HEADER = (
    "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    + "结果维持结果纠正其他结果尚未审结总计" * 2
)


def glued_tables(values: dict[str, str], rows: dict[str, str] | None = None, labels: dict[str, str] | None = None):
    """Tables 二, 三, 四 as a crawler stores them: no separators at all.

    ``rows`` overrides a row's printed digits (row id -> digits, ``"t4"`` for
    table 四); ``labels`` overrides a row label (row id -> label)."""
    rows = rows or {}
    labels = labels or {}
    t2 = ""
    for block, cols, t2rows in T2_BLOCKS:
        t2 += block.replace("(", "（").replace(")", "）") + "信息内容" + "".join(cols)
        for label, rid in t2rows:
            t2 += label + rows.get(rid, "".join(values[f"t2.{rid}.{c}"] for c in T2_COLS[rid]))
    t3 = T3_NOTE.replace("(", "（").replace(")", "）") + T3_HEADER
    for rid, label in T3_ROW_LABELS:
        t3 += labels.get(rid, label)
        if rid is not None:
            t3 += rows.get(rid, "".join(values[f"t3.{rid}.{c}"] for c in T3_COLS))
    t4 = T4_HEADER + rows.get("t4", "".join(values[cid] for cid in cell_ids("t4")))
    return t2, t3, t4


def crawled_page(values: dict[str, str] | None = None, **kw) -> str:
    t2, t3, t4 = glued_tables(values or zero_values(), **kw)
    body = (
        "根据《中华人民共和国政府信息公开条例》要求，编制本报告。一、总体情况2023年，我局主动公开政府信息260条。"
        "二、主动公开政府信息情况" + t2 + "三、收到和处理政府信息公开申请情况" + t3 +
        "四、政府信息公开行政复议、行政诉讼情况" + t4 + "五、存在的主要问题及改进情况一是公开内容不够丰富。"
        "六、其他需要报告的事项本年度未收取信息处理费。"
    )  # fmt: skip
    return (
        "标题: 平潭综合实验区某某局2023年政府信息公开工作年度报告\n发布时间: 2024-01-30 09:47\n"
        "==================== 正文 ====================\n" + body + "\n"
    )


def t3_values(rows: dict[str, list[int]]) -> dict[str, str]:
    """zero_values() with table 三 rows set from their six parts (total added)."""
    v = zero_values()
    for r, parts in rows.items():
        for c, x in zip(T3_COLS, parts + [sum(parts)]):
            v[f"t3.{r}.{c}"] = str(x)
    return v


def row_values(tables, r: str) -> list:
    return [tables.value(f"t3.{r}.{c}") for c in T3_COLS]


# ---------------------------------------------------------------- the cutting itself


def test_cuts_follow_the_row_rule_and_never_give_leading_zeros():
    found, complete = cuts(["713000074"], 7, t3_rule)
    assert complete and [[int("713000074"[a:b]) for _, a, b in c] for c in found] == [[71, 3, 0, 0, 0, 0, 74]]
    found, complete = cuts(["110000011"], 7, t3_rule)
    assert complete and len(found) == 2
    # a printed space is a cell border: 10 0 0 0 01 is 1|0|0|0|0|0|1
    found, _ = cuts(["10", "0", "0", "0", "01"], 7, t3_rule)
    assert [[int(["10", "0", "0", "0", "01"][t][a:b]) for t, a, b in c] for c in found] == [[1, 0, 0, 0, 0, 0, 1]]
    found, complete = cuts(["100010000000101"], 15, t4_rule)
    assert complete and len(found) == 1


@pytest.mark.parametrize("run", ["9" * 21, "1" * 40, "10" * 200, "0" * 500])
def test_hostile_digit_runs_are_bounded(run):
    t0 = time.perf_counter()
    found, complete = cuts([run], 7, t3_rule)
    assert time.perf_counter() - t0 < 0.5
    assert not complete or found == []
    t0 = time.perf_counter()
    tables = parse_tables(crawled_page(rows={r: run for r, _ in T3_ROW_LABELS if r} | {"t4": run}))
    assert time.perf_counter() - t0 < 3
    # a run this long is no row of cells: nothing is read from it
    assert tables.t3 is not None
    assert all(c.value is None for c in tables.t3.cells.values())
    assert tables.t4 is None or all(c.value is None for c in tables.t4.cells.values())


# ---------------------------------------------------------------- crawled pages


def test_crawled_page_reads_every_cell_of_the_three_tables():
    values = consistent_values()
    text = crawled_page(values, rows={"nd": "3012", "permit": "120", "penalty": "15", "adminfee": "2.5"})
    tables = parse_tables(text)
    assert (tables.t2.n_cells, tables.t3.n_cells, tables.t4.n_cells) == (10, 175, 15)
    for key in ("t3", "t4"):
        assert {cid: str(c.value) for cid, c in tables.table(key).cells.items()} == {
            cid: values[cid] for cid in cell_ids(key)
        }
        assert tables.table(key).digits == "split"
    # 3012 as issued|repealed|valid: 3|0|12 (30|1|2 would leave 2 < 30 − 1 in force; 01 is no number)
    assert [tables.value(f"t2.nd.{c}") for c in ("made", "repealed", "valid")] == [3, 0, 12]
    assert tables.t2.digits == "split"
    # each cell points at its own digits in the original text
    cell = tables.t3.cells["t3.new.np"]
    assert text[cell.start : cell.end] == "5" and text[cell.end : cell.end + 6] == "201019"


def test_crawled_page_regions_stop_at_the_section_headings():
    text = crawled_page()
    tables = parse_tables(text)
    t3_end = tables.t3.end
    assert text[:t3_end].endswith("四、结转下年度继续办理0000000")
    assert text[t3_end:].startswith("四、政府信息公开行政复议、行政诉讼情况")
    assert text[tables.t4.start :].startswith("行政复议行政诉讼结果维持")
    assert text[tables.t3.start :].startswith("（本列数据")
    assert text[: tables.t3.start].endswith("三、收到和处理政府信息公开申请情况")
    assert text[tables.t2.start :].startswith("第二十条第")
    assert text[tables.t2.end :].startswith("三、收到和处理")


def test_one_reading_multi_digit_cells(tmp_path):
    values = t3_values({"new": [71, 3, 0, 0, 0, 0], "r1": [71, 3, 0, 0, 0, 0], "r7": [71, 3, 0, 0, 0, 0]})
    text = crawled_page(values)
    assert "本年新收政府信息公开申请数量713000074" in text
    report, findings = build(tmp_path, text)
    assert row_values(report.tables, "new") == [71, 3, 0, 0, 0, 0, 74]
    assert report.tables.t3.digits == "split"
    assert not [f for f in findings if f.severity == "error" and f.check in TABLE_CHECKS]
    notes = [f for f in findings if f.check == "table_digits_split"]
    assert {f.params["table"] for f in notes} == {"二", "三", "四"} and {f.severity for f in notes} == {"info"}


def test_several_readings_decided_by_the_column_identities():
    # 110000011 alone is 1|10|…|11 or 11|0|…|11; the results rows make it the first
    values = t3_values({"r1": [1, 0, 0, 0, 0, 0], "r2": [0, 10, 0, 0, 0, 0]})
    text = crawled_page(values, rows={"new": "110000011", "r7": "110000011"})
    tables = parse_tables(text)
    assert row_values(tables, "new") == [1, 10, 0, 0, 0, 0, 11]
    assert row_values(tables, "r7") == [1, 10, 0, 0, 0, 0, 11]
    assert tables.t3.digits == "split"


def test_several_readings_left_unread_and_no_arithmetic_error(tmp_path):
    text = crawled_page(rows={"new": "110000011", "r1": "110000011", "r7": "110000011"})
    report, findings = build(tmp_path, text)
    t3 = report.tables.t3
    assert t3.digits == "ambiguous"
    assert t3.n_cells == 175  # printed, read, value undecided
    # 1|10|…|11 or 11|0|…|11: the first two cells are unsure, the rest read the same either way
    assert [t3.cells[f"t3.new.{c}"].status for c in T3_COLS] == ["ambiguous"] * 2 + ["split"] * 5
    assert row_values(report.tables, "new") == [None, None, 0, 0, 0, 0, 11]
    assert not [
        f for f in findings if f.check in ARITHMETIC or f.check in ("table_rows_incomplete", "table_cells_merged")
    ]
    note = next(f for f in findings if f.check == "table_digits_split" and f.params["table"] == "三")
    assert note.severity == "info" and note.message_key == "table_digits_ambiguous"
    assert "110000011" in note.message("zh") and note.params["count"] == 3


def test_no_reading_fits_the_identities_is_an_arithmetic_error_quoting_the_digits(tmp_path):
    # 110000011 is 1|10|…|11 or 11|0|…|11, but the results total 2
    values = t3_values({"r1": [2, 0, 0, 0, 0, 0], "r7": [2, 0, 0, 0, 0, 0]})
    report, findings = build(tmp_path, crawled_page(values, rows={"new": "110000011"}))
    errors = [f for f in findings if f.severity == "error" and f.check in TABLE_CHECKS]
    assert [f.check for f in errors] == ["t3_column_balance"]
    assert "110000011" in errors[0].message("zh") and "110000011" in errors[0].message("en")


def test_no_reading_fits_the_row_is_an_arithmetic_error_quoting_the_digits(tmp_path):
    # 12000003: no cut into seven cells makes the last the sum of the others
    report, findings = build(tmp_path, crawled_page(rows={"r5_2": "12000003"}))
    errors = [f for f in findings if f.severity == "error" and f.check in TABLE_CHECKS]
    assert [f.check for f in errors] == ["t3_row_total"]
    assert "12000003" in errors[0].message("zh")
    assert all(c.value is None for c in (report.tables.cell(f"t3.r5_2.{c}") for c in T3_COLS))


def test_space_separated_values_that_add_up_are_a_lost_cell_not_glued_digits(tmp_path):
    # 12 0 0 3 0 15 adds up as printed (one cell lost); 12 0 0 3 0 16 does not and no cut fits: an error as printed
    values = t3_values({"r5_2": [12, 0, 0, 3, 0, 0]})
    text = crawled_page(values)
    report, findings = build(tmp_path, text.replace("2.重复申请120030015", "2.重复申请 12 0 0 3 0 15"))
    assert [f.check for f in findings if f.severity == "error" and f.check in TABLE_CHECKS] == ["table_cells_merged"]
    report, findings = build(tmp_path, text.replace("2.重复申请120030015", "2.重复申请 12 0 0 3 00 16"))
    errors = [f for f in findings if f.severity == "error" and f.check in TABLE_CHECKS]
    assert [f.check for f in errors] == ["t3_row_total"] and "12 0 0 3 00 16" in errors[0].message("zh")


def test_total_in_the_wrong_row_is_reported_with_the_digits_as_printed(tmp_path):
    # new requests printed 6100000 (6 + 1, total 0), carried over 0000007: the total sits in the wrong row
    values = t3_values({"r1": [6, 0, 0, 0, 0, 0], "r2": [0, 1, 0, 0, 0, 0], "r7": [6, 1, 0, 0, 0, 0]})
    report, findings = build(tmp_path, crawled_page(values, rows={"new": "6100000", "carried_in": "0000007"}))
    errors = sorted(
        (f for f in findings if f.severity == "error" and f.check in TABLE_CHECKS), key=lambda f: f.start or 0
    )
    assert [f.check for f in errors] == ["t3_row_total", "t3_row_total"]
    assert "6100000" in errors[0].message("zh") and "0000007" in errors[1].message("en")


def test_table_four_as_one_run_of_fifteen_digits(tmp_path):
    values = zero_values()
    text = crawled_page(values, rows={"t4": "100010000000101"})
    report, findings = build(tmp_path, text)
    t4 = report.tables.t4
    assert [t4.cells[cid].value for cid in cell_ids("t4")] == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    assert not [f for f in findings if f.check in ARITHMETIC]
    # a run whose group totals do not add up is an error that quotes it
    report, findings = build(tmp_path, crawled_page(values, rows={"t4": "000030000000000"}))
    errors = [f for f in findings if f.check == "t4_group_total"]
    assert len(errors) == 1 and "000030000000000" in errors[0].message("zh")


def test_table_four_multi_digit_run_cut_by_the_group_totals():
    # 72|64|178|37|351, 13|4|8|1|26, 12|1|1|6|20 with every border lost: the last group could also
    # be 1|2|1|16|20 or 1|2|11|6|20, so only the cells every reading agrees on are read
    tables = parse_tables(crawled_page(rows={"t4": "726417837351134812612116" + "20"}))
    t4 = tables.t4
    assert [t4.cells[cid].value for cid in cell_ids("t4")] == [
        72,
        64,
        178,
        37,
        351,
        13,
        4,
        8,
        1,
        26,
        None,
        None,
        None,
        None,
        20,
    ]
    assert t4.digits == "ambiguous" and t4.n_cells == 15
    assert tables.value("t4.sd.tot") + tables.value("t4.sr.tot") == 46  # litigation as the text would quote it


def test_row_label_typo_is_read_and_reported(tmp_path):
    values = t3_values({"r3_2": [1, 0, 0, 0, 0, 0], "r7": [1, 0, 0, 0, 0, 0], "new": [1, 0, 0, 0, 0, 0]})
    text = crawled_page(values, labels={"r3_2": "2.其他法律行政止公开", "r4_1": "1.本机关不掌屋相关政府信息"})
    report, findings = build(tmp_path, text)
    assert row_values(report.tables, "r3_2") == [1, 0, 0, 0, 0, 0, 1]
    assert report.tables.t3.n_cells == 175
    typos = [f for f in findings if f.check == "table_label_typo"]
    assert [(f.severity, f.params["expected"]) for f in typos] == [
        ("warning", "其他法律行政法规禁止公开"),
        ("warning", "本机关不掌握相关政府信息"),
    ]
    assert "其他法律行政止公开" in typos[0].message("zh")
    assert text[typos[0].start : typos[0].end] == "2.其他法律行政止公开"
    assert not [f for f in findings if f.severity == "error" and f.check in TABLE_CHECKS]


def test_prose_naming_an_outcome_does_not_take_the_place_of_table_four():
    text = crawled_page(rows={"t4": "100010000000101"}).replace(
        "一、总体情况2023年，", "一、总体情况\n行政复议1件，其中结果维持 1 件，未发生行政诉讼。\n2023年，"
    )
    tables = parse_tables(text)
    assert tables.t4.n_cells == 15 and tables.value("t4.rv.up") == 1
    assert text[tables.t4.start :].startswith("行政复议行政诉讼结果维持")


# ---------------------------------------------------------------- PDF text layers

PDF_T3 = """三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，
等于第三项加第四项之和）
申请人情况
自然人
法人或其他组织
总计 商 业 企
业
科研机
构
社 会 公 益
组织
法 律 服 务
机构
其他
一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119
二、上年结转政府信息公开申请数量 34 0 0 0 0 0 34
三、
本
年
度
办
理
结
果
（一）予以公开 1288 21 0 0 50 3 1362
（二）部分公开（区分处理的，只计这一情
形，不计其他情形）
447 7 0 0 0 0 454
（三）不
予公开
1.属于国家秘密 2 0 0 0 0 0 2
2.其他法律行政法规禁止公开 30 1 0 0 0 0 31
3.危及“三安全一稳定” 5 0 0 0 0 0 5
4.保护第三方合法权益 6 0 0 0 0 0 6
5.属于三类内部事务信息 7 1 0 0 0 0 8
6.属于四类过程性信息 12 0 0 0 0 0 12
7.属于行政执法案卷 9 0 0 0 0 0 9
8.属于行政查询事项 105 0 0 0 0 0 105
（四）无
1.本机关不掌握相关政府信息 746 12 0 0 10 1 769
- 5 -
法提供 2.没有现成信息需要另行制作 11 0 0 0 0 0 11
3.补正后申请内容仍不明确 1 0 0 0 0 0 1
（五）不
予处理
1.信访举报投诉类申请 56 6 0 0 0 0 62
2.重复申请 25 0 0 0 0 0 25
3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复申请 0 0 0 0 0 0 0
5.要求行政机关确认或重新出
具已获取信息
1 0 0 0 0 0 1
（六）其
他处理
1、申请人无正当理由逾期不补
正、行政机关不再处理其政府信
息公开申请
67 3 0 0 1 0 71
2、申请人逾期未按收费通知要
求缴纳费用、行政机关不再处理
其政府信息公开申请
6 0 0 0 0 0 6
3、其他 108 2 0 0 0 0 110
（七）总计 2932 53 0 0 61 4 3050
四、结转下年度继续办理 103 0 0 0 0 0 103
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
结果
维持
结 果
纠正
其他结
果
尚 未
审结
总计
未经复议直接起诉 复议后起诉
结 果
维持
结 果
纠正
其 他
结果
尚 未
审结
总计
结 果
维持
结 果
纠正
其 他
结果
尚未审
结
总计
72 64 178 37 351 13 4 8 1 26 12 1 1 6 20
五、存在的主要问题及改进情况
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_pdf_text_with_wrapped_labels_and_multi_line_headers(newline, tmp_path):
    text = ("一、总体情况\n全年受理申请3119件，行政复议351件，其中结果维持72件。\n" + PDF_T3).replace("\n", newline)
    tables = parse_tables(text)
    t3, t4 = tables.t3, tables.t4
    assert t3.n_cells == 175 and t3.issues == []
    assert row_values(tables, "new") == [3001, 53, 0, 0, 61, 4, 3119]
    assert row_values(tables, "r2") == [447, 7, 0, 0, 0, 0, 454]
    assert row_values(tables, "r4_2") == [11, 0, 0, 0, 0, 0, 11]
    assert row_values(tables, "r6_1") == [67, 3, 0, 0, 1, 0, 71]
    assert row_values(tables, "carried_out") == [103, 0, 0, 0, 0, 0, 103]
    # the two-row header of table 四 is not lined up: the one row of 15 values is mapped by position
    assert t4.n_cells == 15 and t4.issues == []
    assert [tables.value(f"t4.{g}.tot") for g in ("rv", "sd", "sr")] == [351, 26, 20]
    assert text[t3.end :].lstrip().startswith("四、政府信息公开行政复议")
    report, findings = build(tmp_path, text.replace(newline, "\n"))
    assert not [f for f in findings if f.check in ARITHMETIC | {"table_rows_incomplete", "table_cells_merged"}]
    assert [f.params["table"] for f in findings if f.check == "table_missing"] == ["二"]  # not in this fixture


def test_column_header_typo_is_reported_and_the_table_still_read(tmp_path):
    text = crawled_page().replace("现行有效件数", "先行有效件数").replace("社会公益组织", "社会公义组织")
    report, findings = build(tmp_path, text)
    assert (report.tables.t2.n_cells, report.tables.t3.n_cells) == (10, 175)
    typos = sorted((f for f in findings if f.check == "table_label_typo"), key=lambda f: f.start)
    assert [(f.params["printed"], f.params["expected"]) for f in typos] == [
        ("先行有效件数", "现行有效件数"),
        ("社会公义组织", "社会公益组织"),
    ]
    assert [text[f.start : f.end] for f in typos] == ["先行有效件数", "社会公义组织"]


def test_national_wording_gives_no_typo_warning():
    for text in (
        crawled_page(),
        "一、总体情况\n全年受理申请3119件。\n" + PDF_T3,
        crawled_page().replace("法人或其他组织", "法人或者其他组织"),
    ):  # a variant, not a typo
        tables = parse_tables(text)
        assert not [i for t in tables.all() for i in t.issues if i.kind == "label_typo"]


def test_a_work_summary_quoting_a_table_row_is_not_an_incomplete_table(tmp_path):
    text = (
        "某某街道2023年政务公开工作总结\n"
        "今年以来，我街道认真贯彻落实上级关于政务公开工作的部署，扎实推进各项工作。\n"
        "一、主要做法\n全年本年新收政府信息公开申请数量 3 0 0 0 0 0 3，均按时答复。\n"
        "二、下一步工作打算\n继续深化政务公开，提升公开质量。\n"
    )
    report, findings = build(tmp_path, text)
    assert report.kind == "summary"
    assert not [f for f in findings if f.check == "table_rows_incomplete"]


def test_text_count_of_received_requests_is_compared_with_new_requests_not_results(tmp_path):
    # 3 new requests all carried forward: 0 handled, but the text says 0 were received
    values = t3_values({"new": [3, 0, 0, 0, 0, 0], "carried_out": [3, 0, 0, 0, 0, 0]})
    text = crawled_page(values).replace("主动公开政府信息260条。", "主动公开政府信息260条，共收到政府信息公开申请0条。")
    report, findings = build(tmp_path, text)
    found = [f for f in findings if f.check == "text_table_mismatch"]
    assert [(f.severity, f.params["text"], f.params["table"]) for f in found] == [("warning", 0, "3")]
    assert not [f for f in findings if f.check in ARITHMETIC]
    # the number handled may be quoted as well: 办理 … 0 件 matches (七)总计
    text = text.replace("共收到政府信息公开申请0条", "共办理政府信息公开申请0件")
    report, findings = build(tmp_path, text)
    assert not [f for f in findings if f.check == "text_table_mismatch"]


@pytest.mark.parametrize(
    "text",
    [
        "本年新收政府信息公开申请数量3000003结果维持000000000000000第二十条第（一）项规章000" * 5000,
        "勾稽关系 结果维持 第二十条第 1 " * 20000,
        "本年新收" + "1234567890" * 50000,
    ],
    ids=["repeated-glued-tables", "many-anchors", "endless-digits"],
)
def test_long_one_line_text_is_parsed_in_bounded_time(text):
    """A crawled page is one line: a table parser must not tokenise the whole line at each anchor."""
    t0 = time.perf_counter()
    tables = parse_tables(text)
    assert time.perf_counter() - t0 < 2.0
    assert all(t.end - t.start < 5_000 for t in tables.all())


def test_digits_glued_to_a_year_opening_the_next_sentence():
    text = crawled_page(rows={"t4": "100010000000101"}).replace(
        "五、存在的主要问题及改进情况", "2023年，本局无其他情况。五、存在的主要问题及改进情况"
    )
    tables = parse_tables(text)
    assert [tables.value(f"t4.{g}.tot") for g in ("rv", "sd", "sr")] == [1, 0, 1]
    assert text[tables.t4.end :].startswith("2023年")


def test_a_row_label_number_before_the_anchor_stays_in_the_table():
    """| 一、本年新收… with no header above: the region starts at the line, so 一、 is never a heading."""
    rows = "".join(f"| {label} | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n" for rid, label in T3_ROW_LABELS if rid)
    text = "三、收到和处理政府信息公开申请情况\n" + rows + "四、政府信息公开行政复议、行政诉讼情况\n"
    tables = parse_tables(text)
    assert tables.t3.n_cells == 175
    assert tables.t3.start <= text.index("| 一、本年新收")
    assert text[tables.t3.end :].lstrip(" |\n").startswith("四、政府信息公开行政复议")
