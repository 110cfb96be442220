"""Tables 二/三/四 in every layout real files come in, built by the tests with known values.

The helpers here (``t3_labels``, ``render_tables``, ``zero_values``) are also used by
the check tests to write documents that break one rule at a time.
"""

from __future__ import annotations

import pytest

from shenyue.model.tables import T3_COLS, cell_ids, parse_tables

T2_BLOCKS = [
    ("第二十条第(一)项", ["本年制发件数", "本年废止件数", "现行有效件数"], [("规章", "reg"), ("行政规范性文件", "nd")]),
    ("第二十条第(五)项", ["本年处理决定数量"], [("行政许可", "permit")]),
    ("第二十条第(六)项", ["本年处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "coercion")]),
    ("第二十条第(八)项", ["本年收费金额(单位:万元)"], [("行政事业性收费", "adminfee")]),
]
T2_COLS = {
    "reg": ["made", "repealed", "valid"],
    "nd": ["made", "repealed", "valid"],
    "permit": ["decisions"],
    "penalty": ["decisions"],
    "coercion": ["decisions"],
    "adminfee": ["amount_wan"],
}
T3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
T3_ROW_LABELS = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    (None, "三、本年度办理结果"),
    ("r1", "(一)予以公开"),
    ("r2", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    (None, "(三)不予公开"),
    ("r3_1", "1.属于国家秘密"),
    ("r3_2", "2.其他法律行政法规禁止公开"),
    ("r3_3", "3.危及“三安全一稳定”"),
    ("r3_4", "4.保护第三方合法权益"),
    ("r3_5", "5.属于三类内部事务信息"),
    ("r3_6", "6.属于四类过程性信息"),
    ("r3_7", "7.属于行政执法案卷"),
    ("r3_8", "8.属于行政查询事项"),
    (None, "(四)无法提供"),
    ("r4_1", "1.本机关不掌握相关政府信息"),
    ("r4_2", "2.没有现成信息需要另行制作"),
    ("r4_3", "3.补正后申请内容仍不明确"),
    (None, "(五)不予处理"),
    ("r5_1", "1.信访举报投诉类申请"),
    ("r5_2", "2.重复申请"),
    ("r5_3", "3.要求提供公开出版物"),
    ("r5_4", "4.无正当理由大量反复申请"),
    ("r5_5", "5.要求行政机关确认或重新出具已获取信息"),
    (None, "(六)其他处理"),
    ("r6_1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("r6_2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("r6_3", "3.其他"),
    ("r7", "(七)总计"),
    ("carried_out", "四、结转下年度继续办理"),
]
T4_HEADER = [
    ["行政复议", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]


def zero_values() -> dict[str, str]:
    """Every cell of the 2021 tables as "0"."""
    return {cid: "0" for t in ("t2", "t3", "t4") for cid in cell_ids(t)}


def consistent_values() -> dict[str, str]:
    """A non-trivial table set where every identity holds."""
    v = zero_values()
    t3 = {  # np, biz, res, ngo, law, oth
        "new": [5, 2, 0, 1, 0, 1],
        "carried_in": [1, 0, 0, 0, 0, 0],
        "r1": [2, 1, 0, 0, 0, 0],
        "r2": [1, 0, 0, 1, 0, 0],
        "r4_1": [1, 0, 0, 0, 0, 1],
        "r5_2": [1, 0, 0, 0, 0, 0],
        "carried_out": [1, 1, 0, 0, 0, 0],
    }
    r7 = [0] * 6
    for row, vals in t3.items():
        for c, x in zip(T3_COLS, vals):
            v[f"t3.{row}.{c}"] = str(x)
        v[f"t3.{row}.tot"] = str(sum(vals))
        if row.startswith("r") and row != "r7":
            r7 = [a + b for a, b in zip(r7, vals)]
    for c, x in zip(T3_COLS, r7):
        v[f"t3.r7.{c}"] = str(x)
    v["t3.r7.tot"] = str(sum(r7))
    v.update(
        {
            "t2.reg.made": "0",
            "t2.nd.made": "3",
            "t2.nd.repealed": "1",
            "t2.nd.valid": "12",
            "t2.permit.decisions": "120",
            "t2.penalty.decisions": "15",
            "t2.adminfee.amount_wan": "2.5",
            "t4.rv.up": "1",
            "t4.rv.cor": "1",
            "t4.rv.tot": "2",
            "t4.sd.pend": "1",
            "t4.sd.tot": "1",
        }
    )
    return v


def _rows(values: dict[str, str]):
    """(kind, cells) rows of the three tables: kind "h" header, "d" data."""
    t2 = []
    for block, cols, rows in T2_BLOCKS:
        t2.append(("h", [block]))
        t2.append(("h", ["信息内容", *cols]))
        for label, rid in rows:
            t2.append(("d", [label, *(values[f"t2.{rid}.{c}"] for c in T2_COLS[rid])]))
    t3 = [
        ("h", [T3_NOTE, "申请人情况"]),
        ("h", ["自然人", "法人或其他组织", "总计"]),
        ("h", ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]),
    ]
    for rid, label in T3_ROW_LABELS:
        if rid is None:
            t3.append(("h", [label]))
        else:
            t3.append(("d", [label, *(values[f"t3.{rid}.{c}"] for c in T3_COLS)]))
    t4 = [("h", h) for h in T4_HEADER]
    t4.append(("d", [values[cid] for cid in cell_ids("t4")]))
    return t2, t3, t4


def render_tables(values: dict[str, str], layout: str) -> tuple[str, str, str]:
    """Tables 二, 三, 四 as text in one layout: lines, pipe, tabs, spaces."""
    out = []
    for rows in _rows(values):
        lines = []
        for _kind, cells in rows:
            if layout == "lines":
                lines.extend(f"{c}\u00a0\n" for c in cells)
            elif layout == "pipe":
                lines.append("| " + " | ".join(cells) + " |\n")
            elif layout == "tabs":
                lines.append("\t".join(cells) + "\n")
            elif layout == "spaces":
                lines.append(" ".join(cells) + "\n")
            else:
                raise ValueError(layout)
        out.append("".join(lines))
    return out[0], out[1], out[2]


def report_with_tables(values: dict[str, str], layout: str = "lines", *, year: int = 2024) -> str:
    t2, t3, t4 = render_tables(values, layout)
    return (
        f"长征街街道办事处{year}年政府信息公开工作年度报告\n"
        "一、总体情况\n"
        f"{year}年,我街道认真落实政府信息公开条例,主动公开政府信息294条,开展培训8次,建立信息发布审核机制,"
        "完善政府网站专栏建设,强化监督考核和社会评议,落实责任追究。依申请公开工作规范有序,按时答复率100%。\n"
        "二、主动公开政府信息情况\n"
        + t2
        + "三、收到和处理政府信息公开申请情况\n"
        + t3
        + "四、政府信息公开行政复议、行政诉讼情况\n"
        + t4
        + "五、存在的主要问题及改进情况\n"
        "一是政务公开人员业务能力不足,部分工作人员对政府信息公开条例理解不深,答复文书格式和法律依据引用不够规范,"
        "个别答复未告知救济途径;"
        "二是公开内容更新不及时,部分栏目信息滞后,重点领域信息公开深度不够,征地拆迁、财政预决算等信息只公开结果,"
        "未公开依据和过程,群众获取信息不便;"
        "三是个别依申请公开答复被行政复议纠错,答复说理不够充分,对申请内容的理解与申请人本意存在偏差。"
        f"{year + 1}年,我街道将进一步加强培训,完善制度,提升公开质量。\n"
        "六、其他需要报告的事项\n"
        "本年度未发出收费通知,未收取信息处理费。\n"
        "长征街街道办事处\n"
        f"{year + 1}年1月20日\n"
    )


LAYOUTS = ["lines", "pipe", "tabs", "spaces"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_every_cell_with_its_span(layout):
    values = consistent_values()
    text = report_with_tables(values, layout)
    tables = parse_tables(text)
    assert tables.version == "2021"
    for table in ("t2", "t3", "t4"):
        t = tables.table(table)
        assert t is not None, table
        assert [i for i in t.issues] == [], (table, t.issues)
        for cid in cell_ids(table):
            cell = t.cells[cid]
            assert cell.status == "ok", cid
            assert text[cell.start : cell.end] == values[cid], cid
            assert float(cell.value) == float(values[cid]), cid
    assert len(tables.regions) == 3


def test_one_line_per_table_pdf_dump():
    """A PDF text layer that ran a whole table into one line still yields every cell."""
    values = consistent_values()
    t2, t3, t4 = render_tables(values, "spaces")
    text = (
        "二、主动公开政府信息情况\n"
        + t2.replace("\n", " ")
        + "\n三、收到和处理政府信息公开申请情况\n"
        + t3.replace("\n", " ")
        + (
            "\n四、政府信息公开行政复议、行政诉讼情况\n"
            + t4.replace("\n", "  ")
            + "\n五、存在的主要问题及改进情况\n问题。\n"
        )
    )
    tables = parse_tables(text)
    for table in ("t2", "t3", "t4"):
        t = tables.table(table)
        assert t is not None and t.issues == [], (table, t and t.issues)
        assert {cid: c.raw for cid, c in t.cells.items()} == {cid: values[cid] for cid in cell_ids(table)}


def test_markdown_table_with_separator_rows_and_group_cells():
    values = consistent_values()
    lines = [
        "| (本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | | | | | | |",
        "|---|---|---|---|---|---|---|---|",
        "| | 自然人 | 法人或其他组织 | | | | | 总计 |",
        "| | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |",
    ]
    group = None
    for rid, label in T3_ROW_LABELS:
        if rid is None:
            group = label
            continue
        cells = [values[f"t3.{rid}.{c}"] for c in T3_COLS]
        head = [group, label] if group else [label, ""]
        group = None
        lines.append("| " + " | ".join(head + cells) + " |")
    text = "三、收到和处理政府信息公开申请情况\n" + "\n".join(lines) + "\n四、政府信息公开行政复议、行政诉讼情况\n"
    t3 = parse_tables(text).t3
    assert t3 is not None and t3.issues == []
    assert {cid: c.raw for cid, c in t3.cells.items()} == {cid: values[cid] for cid in cell_ids("t3")}


def test_full_width_digits_parentheses_and_traditional_labels():
    values = consistent_values()
    t2, t3, t4 = render_tables(values, "lines")
    wide = str.maketrans("0123456789()", "０１２３４５６７８９（）")
    trad = str.maketrans({"开": "開", "请": "請", "数": "數", "结": "結", "处": "處", "理": "理", "计": "計"})
    text = (t2 + "三、收到和处理政府信息公开申请情况\n" + t3).translate(wide).translate(trad)
    tables = parse_tables(text)
    assert tables.t2 is not None and tables.t3 is not None
    assert tables.t3.issues == []
    cell = tables.t3.cells["t3.new.np"]
    assert text[cell.start : cell.end] == "５" and cell.value == 5
    assert tables.t2.cells["t2.permit.decisions"].value == 120


def test_labels_split_over_lines_and_padded_cells():
    """Seed-001 style: 商业⏎企业 header fragments, a row label over two lines, " 0" cells."""
    values = zero_values()
    t2, t3, t4 = render_tables(values, "lines")
    t3 = t3.replace("商业企业\u00a0\n", "商业\u00a0\n\n企业\u00a0\n").replace("科研机构\u00a0\n", "科研\n机构\n")
    t3 = t3.replace("(二)部分公开(区分处理的,", "(二)部分公开(区分处理的,\u00a0\n")
    t3 = t3.replace("1.本机关不掌握", "1.本机关不\n掌握")
    t3 = t3.replace("\n0\u00a0\n", "\n 0\u00a0\n")
    tables = parse_tables(t3)
    assert tables.t3 is not None and tables.t3.issues == []
    assert tables.t3.n_cells == 175
    assert all(c.value == 0 for c in tables.t3.cells.values())


@pytest.mark.parametrize("mark", ["/", "-", "—", "无", "／", ""])
def test_blank_cells_are_missing_not_zero(mark):
    values = zero_values()
    values["t3.r7.np"] = mark
    t2, t3, t4 = render_tables(values, "pipe")
    t = parse_tables(t3).t3
    cell = t.cells["t3.r7.np"]
    assert cell.value is None and cell.status == "blank"
    assert cell.missing
    assert t.cells["t3.r7.biz"].value == 0


def test_digits_run_together_are_reported_never_guessed():
    """Six values for seven cells that add up as printed (12+0+0+3+0 = 15): a cell was lost, not digits glued."""
    values = zero_values()
    t2, t3, t4 = render_tables(values, "spaces")
    t3 = t3.replace("(七)总计 0 0 0 0 0 0 0", "(七)总计 12 0 0 3 0 15")
    t = parse_tables(t3).t3
    merged = [i for i in t.issues if i.kind == "merged"]
    assert len(merged) == 1 and merged[0].row == "r7" and merged[0].params["raw"] == "12 0 0 3 0 15"
    assert all(t.cells[f"t3.r7.{c}"].value is None for c in T3_COLS)
    assert t3[merged[0].start : merged[0].end].startswith("(七)总计")
    # every other row is unaffected
    assert t.cells["t3.carried_out.tot"].value == 0


def test_a_run_of_single_digits_with_only_one_reading_is_split_and_reported():
    values = zero_values()
    t2, t3, t4 = render_tables(values, "spaces")
    t3 = t3.replace("一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0", "一、本年新收政府信息公开申请数量0000000")
    t = parse_tables(t3).t3
    assert [i.kind for i in t.issues] == ["split"]
    assert [t.cells[f"t3.new.{c}"].value for c in T3_COLS] == [0] * 7
    assert {t.cells[f"t3.new.{c}"].status for c in T3_COLS} == {"split"}


def test_too_few_values_make_the_row_unreadable():
    values = zero_values()
    t2, t3, t4 = render_tables(values, "spaces")
    t3 = t3.replace("2.重复申请 0 0 0 0 0 0 0", "2.重复申请 0 0 0 0 0 0")
    t = parse_tables(t3).t3
    issue = next(i for i in t.issues if i.row == "r5_2")
    assert issue.kind == "count" and issue.params == {"found": 6, "expected": 7}
    assert all(t.cells[f"t3.r5_2.{c}"].value is None for c in T3_COLS)


def test_missing_row_is_reported():
    values = zero_values()
    t2, t3, t4 = render_tables(values, "lines")
    t3 = t3.replace("8.属于行政查询事项\u00a0\n" + "0\u00a0\n" * 7, "")
    t = parse_tables(t3).t3
    assert [(i.kind, i.row) for i in t.issues] == [("missing_row", "r3_8")]
    assert "t3.r3_8.np" not in t.cells


def _render_2019(values: dict[str, str]) -> str:
    t2 = [
        ["第二十条第(一)项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", "2"],
        ["规范性文件", "3", "3", "20"],
        ["第二十条第(五)项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "12", "-2", "300"],
        ["其他对外管理服务事项", "4", "+1", "8"],
        ["第二十条第(六)项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政处罚", "6", "0", "40"],
        ["行政强制", "1", "0", "0"],
        ["第二十条第(八)项"],
        ["信息内容", "上一年项目数量", "本年增/减"],
        ["行政事业性收费", "2", "0"],
        ["第二十条第(九)项"],
        ["信息内容", "采购项目数量", "采购总金额"],
        ["政府集中采购", "3", "251000"],
    ]
    t3 = [
        [T3_NOTE, "申请人情况"],
        ["自然人", "法人或其他组织", "总计"],
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ]
    for rid, label in T3_ROW_LABELS:
        if rid in ("r6_1", "r6_2", "r6_3"):
            continue
        if label == "(六)其他处理":
            t3.append([label, *values.get("r6", ["0"] * 7)])
        elif rid is None:
            t3.append([label])
        else:
            t3.append([label, *(values[f"t3.{rid}.{c}"] for c in T3_COLS)])
    rows = t2 + [["三、收到和处理政府信息公开申请情况"]] + t3
    return "二、主动公开政府信息情况\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n"


def test_2019_trial_format_tables():
    values = zero_values()
    text = _render_2019(values)
    tables = parse_tables(text)
    assert tables.version == "2019"
    assert len(tables.markers_2019) >= 2 and tables.markers_2021 == []
    t2 = tables.t2
    assert t2.version == "2019" and t2.issues == []
    assert t2.cells["t2.permit.delta"].value == -2
    assert t2.cells["t2.services.delta"].value == 1
    assert t2.cells["t2.procure.amount"].value == 251000
    t3 = tables.t3
    assert t3.version == "2019" and t3.issues == []
    assert t3.n_cells == 161
    assert "t3.r6.np" in t3.cells and "t3.r6_1.np" not in t3.cells


def test_regions_cover_row_labels_but_not_section_headings():
    text = report_with_tables(zero_values(), "lines")
    regions = parse_tables(text).regions
    assert len(regions) == 3

    def inside(s):
        i = text.index(s)
        return any(a <= i < b for a, b in regions)

    for label in (
        "一、本年新收",
        "三、本年度办理结果",
        "四、结转下年度继续办理",
        "第二十条第(一)项",
        "结果维持",
        "行政复议\u00a0",
    ):
        assert inside(label), label
    for heading in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "一、总体情况",
    ):
        assert not inside(heading), heading


def test_prose_mentioning_table_words_is_not_a_table():
    text = (
        "一、总体情况\n本年新收政府信息公开申请数量较上年有所增加,行政复议结果维持率较高。\n"
        "依照第二十条第(一)项规定公开规章和行政规范性文件。\n"
    )
    tables = parse_tables(text)
    assert tables.all() == [] and tables.regions == []


def _html_page(values: dict[str, str]) -> str:
    """A government page with tables 三 and 四 as HTML, merged cells included."""
    rows = [
        '<tr><td colspan="3" rowspan="3">' + T3_NOTE + '</td><td colspan="7">申请人情况</td></tr>',
        '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>',
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>",
    ]
    group_rows = {
        "r1": '<td rowspan="22">三、本年度办理结果</td>',
        "r3_1": '<td rowspan="8">(三)不予公开</td>',
        "r4_1": '<td rowspan="3">(四)无法提供</td>',
        "r5_1": '<td rowspan="5">(五)不予处理</td>',
        "r6_1": '<td rowspan="3">(六)其他处理</td>',
    }
    for rid, label in T3_ROW_LABELS:
        if rid is None:
            continue
        cells = "".join(f"<td>{values[f't3.{rid}.{c}']}</td>" for c in T3_COLS)
        lead = group_rows.get(rid, "")
        span = ' colspan="3"' if rid in ("new", "carried_in", "r7", "carried_out") else ""
        rows.append(f"<tr>{lead}<td{span}>{label}</td>{cells}</tr>")
    t4 = [
        '<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>',
        '<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td>'
        '<td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>',
        "<tr>"
        + "".join(f"<td>{h}</td>" for h in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
        + "</tr>",
        "<tr>" + "".join(f"<td>{values[cid]}</td>" for cid in cell_ids("t4")) + "</tr>",
    ]
    return (
        '<html><head><meta charset="utf-8"><title>年报</title></head><body><div class="nav">首页 | 政务公开</div>'
        '<div class="content"><h1>长征街街道2024年政府信息公开工作年度报告</h1>'
        "<p>一、总体情况</p><p>" + "本年度主动公开政府信息294条,依申请公开工作规范有序。" * 8 + "</p>"
        "<p>三、收到和处理政府信息公开申请情况</p><table>" + "".join(rows) + "</table>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p><table>" + "".join(t4) + "</table>"
        "<p>五、存在的主要问题及改进情况</p><p>问题。</p></div></body></html>"
    )


def test_html_tables_read_by_the_foundation(tmp_path):
    from shenyue.reading import read_document

    values = consistent_values()
    path = tmp_path / "report.html"
    path.write_text(_html_page(values), encoding="utf-8")
    doc = read_document(path, tmp_path, None)
    tables = parse_tables(doc.text)
    for key in ("t3", "t4"):
        t = tables.table(key)
        assert t is not None and t.issues == [], (key, t and t.issues)
        assert {cid: c.raw for cid, c in t.cells.items()} == {cid: values[cid] for cid in cell_ids(key)}
        for cid, cell in t.cells.items():
            assert doc.text[cell.start : cell.end] == values[cid]


def test_letter_spaced_pdf_text():
    """A PDF text layer that put spaces between characters still yields the table."""
    values = consistent_values()
    t2, _t3, _t4 = render_tables(values, "spaces")
    import re

    spaced = re.sub(r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])", " ", t2)
    assert "第 二 十 条" in spaced and "行 政 许 可 120" in spaced
    tables = parse_tables("二、主动公开政府信息情况\n" + spaced + "\n")
    assert tables.t2 is not None and tables.t2.issues == []
    assert {cid: c.raw for cid, c in tables.t2.cells.items()} == {cid: values[cid] for cid in cell_ids("t2")}
