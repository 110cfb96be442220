"""Tables of a PDF converted in reading order (poppler's ``pdftotext`` without
``-layout``): every cell on a line of its own, header fragments between the
values, some value rows printed away from their labels and table 四's values in
blocks out of row order.

The values are lined up with their cells only where the table's own totals
allow exactly one placement; otherwise the cells are printed but unread, with a
warning to check the original. A placement is never guessed, so no arithmetic
error (and no "incomplete table" error) comes from the order of the text.
"""

from __future__ import annotations

from test_checks_tables import ARITHMETIC, build
from test_tables_layouts import T3_ROW_LABELS

from shenyue.model.tables import T3_COLS, parse_tables

# ---------------------------------------------------------------- fixtures

T3 = {  # np, biz, res, ngo, law, oth; every identity of table 三 holds
    "new": [30, 5, 1, 0, 2, 1], "carried_in": [4, 1, 0, 0, 0, 0],
    "r1": [12, 2, 0, 0, 1, 0], "r2": [5, 1, 0, 0, 0, 1], "r3_1": [1, 0, 0, 0, 0, 0], "r3_2": [2, 1, 0, 0, 0, 0],
    "r4_1": [6, 1, 1, 0, 0, 0], "r5_2": [3, 0, 0, 0, 0, 0], "r6_3": [2, 0, 0, 0, 0, 0],
}  # fmt: skip


def t3_rows() -> dict[str, list[int]]:
    """Each row's seven cells (with 总计), (七)总计 and 结转下年度 computed so that the identities hold."""
    rows = {rid: list(T3.get(rid, [0] * 6)) for rid, _ in T3_ROW_LABELS if rid is not None}
    r7 = [sum(rows[r][c] for r in rows if r.startswith("r") and r != "r7") for c in range(6)]
    rows["r7"] = r7
    rows["carried_out"] = [rows["new"][c] + rows["carried_in"][c] - r7[c] for c in range(6)]
    return {rid: vals + [sum(vals)] for rid, vals in rows.items()}


T3_HEADER_LINES = [
    "申请人情况", "（本列数据的勾稽关系为：第一项加第二项之和，", "等于第三项加第四项之和）", "",
    "法人或其他组织", "自然人", "", "商业企", "业", "", "科研机", "构", "", "社会公益", "组织", "", "总计", "",
    "法律服务", "其他", "", "机构", "",
]  # fmt: skip


def cells(vals: list[int]) -> list[str]:
    """Values one a line with empty lines between, as pdftotext prints the cells of a ruled table."""
    return [x for v in vals for x in (str(v), "")]


def t3_late_labels(rows: dict[str, list[int]], late: set[str]) -> list[str]:
    """Table 三 where the rows in ``late`` print their values in place but their labels after the table."""
    out = list(T3_HEADER_LINES)
    held = []
    for rid, label in T3_ROW_LABELS:
        if rid is None or rid in late:
            held.append(label.replace("(", "（").replace(")", "）"))
            if rid is not None:
                out += cells(rows[rid])
            continue
        out += [label, ""] + cells(rows[rid])
    return out + held + [""]


def t3_staircase(rows: dict[str, list[int]], firsts: list[int]) -> list[str]:
    """Table 三 where the first rows print only their first ``firsts[i]`` cells after their labels
    and the rest of them comes after the next row's label and the right-hand column headers."""
    out = [line for line in T3_HEADER_LINES if line not in ("总计", "其他")]
    stair: list[tuple[str, int]] = []
    entries = iter(T3_ROW_LABELS)
    for rid, label in entries:
        label = label.replace("(", "（").replace(")", "）")
        if rid is None:
            out += [label, ""]
        elif len(stair) < len(firsts):
            k = firsts[len(stair)]
            stair.append((rid, k))
            out += [label, ""] + cells(rows[rid][:k])
        else:  # the row after the staircase: the column headers, then the rest of the rows above
            out += [label, "其他", "总计", ""]
            for sid, k in stair:
                out += cells(rows[sid][k:])
            out += cells(rows[rid])
            break
    for rid, label in entries:
        out += [label.replace("(", "（").replace(")", "）"), ""] + ([] if rid is None else cells(rows[rid]))
    return out


def t3_columnwise(rows: dict[str, list[int]], block: list[str]) -> list[str]:
    """Table 三 where the rows of ``block`` print their labels one after another, then
    their values column by column (a block of cells read down each column)."""
    out = list(T3_HEADER_LINES)
    for rid, label in T3_ROW_LABELS:
        label = label.replace("(", "（").replace(")", "）")
        out += [label, ""]
        if rid == block[-1]:
            out += cells([rows[r][c] for c in range(7) for r in block])
        elif rid is not None and rid not in block:
            out += cells(rows[rid])
    return out


T4_HEAD = ["行政复议", "", "行政诉讼", "", "未经复议直接起诉", "结果", "", "结果", "", "其他结", "", "尚未", "", "维持", "",
           "纠正", "", "果", "", "审结", "", "总计", ""]  # fmt: skip
T4_TRUE = {"rv": [72, 64, 178, 37, 351], "sd": [13, 4, 8, 1, 26], "sr": [12, 1, 1, 6, 20]}


def t4_blocks(blocks: list[list[int]]) -> list[str]:
    """Table 四's values in blocks, header words between them (pdftotext's reading order of a ruled table)."""
    out = list(T4_HEAD)
    fillers = [
        ["结 果", "结果", "其他", "复议后起诉", "尚未", "维持", "纠正"],
        ["总计"],
        ["维持", "纠正", "结果", "审结"],
        ["总计"],
    ]
    for i, block in enumerate(blocks):
        if i:
            out += fillers[(i - 1) % len(fillers)] + [""]
        out += cells(block)
    return out


def report(t3_lines: list[str], t4_lines: list[str]) -> str:
    lines = [
        "青山市人民政府", "2024 年政府信息公开工作年度报告", "",
        "本报告根据《中华人民共和国政府信息公开条例》编制。", "一、总体情况",
        "2024 年，全市共受理政府信息公开申请 39 件。政府信息公开行政复议 351 件，其中结果维持 72 件；",
        "政府信息公开行政诉讼 46 件。",
        "二、主动公开政府信息情况", "第二十条 第（一）项", "", "信息内容", "", "本年制发件数", "", "本年废止件数", "",
        "现行有效件数", "", "规章", "", "0", "", "0", "", "0", "", "行政规范性文件", "", "8", "", "2", "", "66", "",
        "第二十条 第（五）项", "", "信息内容", "", "本年处理决定数量", "", "行政许可", "", "447", "",
        "第二十条 第（六）项", "", "信息内容", "", "本年处理决定数量", "", "行政处罚", "", "39", "", "行政强制", "", "8", "",
        "第二十条 第（八）项", "", "信息内容", "", "本年收费金额（单位：万元）", "", "行政事业性收费", "", "0", "",
        "三、收到和处理政府信息公开申请情况",
        *t3_lines,
        "四、政府信息公开行政复议、行政诉讼情况",
        *t4_lines,
        "五、存在的主要问题及改进情况", "公开内容还不够丰富，下一步将继续改进。",
        "六、其他需要报告的事项", "本年度未收取信息处理费。", "",
    ]  # fmt: skip
    return "\n".join(lines)


def errors(findings) -> list:
    return [f for f in findings if f.severity == "error"]


def values_of(table, ids) -> list:
    return [table.cells[cid].value for cid in ids]


# ---------------------------------------------------------------- table 四


def test_t4_blocks_whose_groups_fit_in_several_orders_are_left_unread_with_a_warning(tmp_path):
    blocks = [[72, 64, 178, 37], [12, 1, 1, 6], [351], [13, 4, 8, 1, 26], [20]]  # as a real PDF came out
    rows = t3_rows()
    rep, findings = build(tmp_path, report(t3_late_labels(rows, set()), t4_blocks(blocks)))
    t4 = rep.tables.t4
    assert t4.n_cells == 15
    assert all(c.value is None and c.status == "scrambled" for c in t4.cells.values())
    assert errors(findings) == []
    assert not [f for f in findings if f.check in ARITHMETIC or f.check == "text_table_mismatch"]
    warned = [f for f in findings if f.check == "table_layout_unaligned"]
    assert [f.severity for f in warned] == ["warning"]
    assert "72 64 178 37 12 1 1 6 351 13 4 8 1 26 20" in warned[0].message("en")
    # the prose's 行政复议 351 件 cannot be checked, and the note says why (cells unread, not a missing table)
    note = [f for f in findings if f.check == "table_not_assessable" and "351" in f.message("en")]
    assert note and "could not be read" in note[0].message("en")


def test_t4_blocks_with_one_placement_the_totals_allow_are_read_and_marked(tmp_path):
    blocks = [[37, 351, 13, 4], [72, 64, 178], [8, 1, 26, 12, 1, 1, 6, 20]]  # the second block opens the row
    rep, findings = build(tmp_path, report(t3_late_labels(t3_rows(), set()), t4_blocks(blocks)))
    t4 = rep.tables.t4
    for g, vals in T4_TRUE.items():
        assert [t4.cells[f"t4.{g}.{c}"].value for c in ("up", "cor", "oth", "pend", "tot")] == vals
    assert errors(findings) == []
    placed = [f for f in findings if f.check == "table_layout_unaligned"]
    assert [f.severity for f in placed] == ["info"]
    # each cell points at its own number in the text
    cell = t4.cells["t4.rv.tot"]
    assert rep.text[cell.start : cell.end] == "351"


def test_t4_blocks_no_order_of_which_fits_are_no_arithmetic_error():
    blocks = [[72, 64, 178, 37], [12, 1, 1, 6], [350], [13, 4, 8, 1, 26], [20]]  # 350: no placement adds up
    tables = parse_tables(report(t3_late_labels(t3_rows(), set()), t4_blocks(blocks)))
    assert all(c.value is None for c in tables.t4.cells.values())
    assert [i.kind for i in tables.t4.issues] == ["unaligned_order"]


def test_t4_values_in_row_order_with_a_wrong_total_are_still_an_error(tmp_path):
    wrong = [72, 64, 178, 37, 350, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    t4 = T4_HEAD + ["复议后起诉", "", "维持", "", "纠正", ""] + cells(wrong)
    rep, findings = build(tmp_path, report(t3_late_labels(t3_rows(), set()), t4))
    assert [f.check for f in errors(findings)] == ["t4_group_total"]


# ---------------------------------------------------------------- table 三


def test_t3_value_rows_whose_labels_come_after_the_table_are_read_in_full(tmp_path):
    rows = t3_rows()
    late = {"r1", "r2", "r5_5", "r6_1", "r6_2", "r6_3"}  # labels printed after the last row, as in a real PDF
    rep, findings = build(tmp_path, report(t3_late_labels(rows, late), t4_blocks([sum(T4_TRUE.values(), [])])))
    t3 = rep.tables.t3
    assert t3.n_cells == 175
    for rid, vals in rows.items():
        assert values_of(t3, [f"t3.{rid}.{c}" for c in T3_COLS]) == vals, rid
    assert errors(findings) == []
    assert [f.severity for f in findings if f.check == "table_layout_unaligned"] == ["info"]
    # the section after the table is still found
    assert {s.key for s in rep.sections if s.canonical} >= {"requests", "appeals", "problems", "other"}


def test_t3_staircase_of_first_cells_then_the_rest_is_read_in_full(tmp_path):
    rows = t3_rows()
    rep, findings = build(tmp_path, report(t3_staircase(rows, [4, 3, 2, 1]), t4_blocks([sum(T4_TRUE.values(), [])])))
    t3 = rep.tables.t3
    assert t3.n_cells == 175
    for rid, vals in rows.items():
        assert values_of(t3, [f"t3.{rid}.{c}" for c in T3_COLS]) == vals, rid
    assert errors(findings) == []
    assert [f.severity for f in findings if f.check == "table_layout_unaligned"] == ["info"]


def test_t3_rows_placed_against_the_identities_are_left_unread_not_an_error(tmp_path):
    rows = t3_rows()
    rows["r1"] = [11, 2, 0, 0, 1, 0, 14]  # the row adds up but the table's identities no longer do
    rep, findings = build(tmp_path, report(t3_late_labels(rows, {"r1", "r2"}), t4_blocks([sum(T4_TRUE.values(), [])])))
    t3 = rep.tables.t3
    assert t3.n_cells == 175
    assert all(t3.cells[f"t3.{r}.{c}"].value is None for r in ("carried_in", "r1", "r2") for c in T3_COLS)
    assert t3.cells["t3.new.np"].value == 30  # rows read in place stay read
    assert errors(findings) == []
    assert [f.severity for f in findings if f.check == "table_layout_unaligned"] == ["warning"]


def test_t3_with_every_value_printed_but_out_of_order_is_a_warning_not_an_incomplete_table(tmp_path):
    rows = t3_rows()
    lines = t3_late_labels(rows, {"r1", "r2"})
    # the carried-in row's values printed in two pieces after two other rows: nothing the totals can line up
    i = lines.index("二、上年结转政府信息公开申请数量")
    j = lines.index("1.属于国家秘密")
    moved = lines[i + 2 : j]
    lines = lines[: i + 2] + lines[j : j + 16] + moved[:6] + lines[j + 16 :]
    lines = lines[: len(lines) - 20] + moved[6:] + lines[len(lines) - 20 :]
    rep, findings = build(tmp_path, report(lines, t4_blocks([sum(T4_TRUE.values(), [])])))
    assert not [f for f in errors(findings) if f.check.startswith(("table_", "t3_"))]
    assert "table_layout_unaligned" in {f.check for f in findings if f.severity == "warning"}


def test_t3_with_cells_truly_absent_is_still_incomplete(tmp_path):
    rows = t3_rows()
    lines = t3_late_labels(rows, set())
    i = lines.index("1.属于国家秘密")
    del lines[i + 2 : i + 4]  # one value of the row is not printed at all
    rep, findings = build(tmp_path, report(lines, t4_blocks([sum(T4_TRUE.values(), [])])))
    assert "table_rows_incomplete" in {f.check for f in errors(findings)}
    assert "table_layout_unaligned" not in {f.check for f in findings}


def test_the_total_column_header_among_the_first_rows_is_no_row():
    rows = t3_rows()
    tables = parse_tables(report(t3_staircase(rows, [4, 3, 2, 1]), t4_blocks([sum(T4_TRUE.values(), [])])))
    assert not [i for i in tables.t3.issues if i.kind == "duplicate_row"]
    assert values_of(tables.t3, [f"t3.r7.{c}" for c in T3_COLS]) == rows["r7"]


def test_t3_rows_read_column_by_column_are_lined_up_by_their_totals(tmp_path):
    rows = t3_rows()
    lines = t3_columnwise(rows, ["r3_1", "r3_2", "r3_3", "r3_4"])
    rep, findings = build(tmp_path, report(lines, t4_blocks([sum(T4_TRUE.values(), [])])))
    t3 = rep.tables.t3
    for rid, vals in rows.items():
        assert values_of(t3, [f"t3.{rid}.{c}" for c in T3_COLS]) == vals, rid
    assert errors(findings) == []


def test_t4_groups_each_after_its_own_label_are_read_as_printed(tmp_path):
    """Values in row order, a group label before each group: not a guess, so a wrong total is an error."""
    t4 = ["行政复议", "", "结果维持", "", "结果纠正", "", "其他结果", "", "尚未审结", "", "总计", ""] + cells(
        [72, 64, 178, 37, 350]
    )
    t4 += ["未经复议直接起诉", ""] + cells(T4_TRUE["sd"]) + ["复议后起诉", ""] + cells(T4_TRUE["sr"])
    rep, findings = build(tmp_path, report(t3_late_labels(t3_rows(), set()), t4))
    assert rep.tables.t4.cells["t4.rv.tot"].value == 350
    assert [f.check for f in errors(findings)] == ["t4_group_total"]
