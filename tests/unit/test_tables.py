"""The table parser on the sample documents, and fuzzed so no input crashes or hangs it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shenyue.model.tables import cell_ids, find_table_regions, parse_tables


def test_seed_001_full_2021_tables_all_zero(sample_text):
    text = sample_text("changzheng")
    tables = parse_tables(text)
    assert tables.version == "2021"
    assert tables.markers_2019 == []
    counts = {t.key: t.n_cells for t in tables.all()}
    assert counts == {"t2": 10, "t3": 175, "t4": 15}
    for t in tables.all():
        assert t.issues == []
        for cid in cell_ids(t.key):
            cell = t.cells[cid]
            assert cell.value == 0 and text[cell.start : cell.end] == "0"
    # " 0" cells keep the span of the digit only
    assert text[tables.t2.cells["t2.penalty.decisions"].start - 1] == " "


def test_seed_001_regions_exclude_section_headings(sample_text):
    text = sample_text("changzheng")
    regions = find_table_regions(text)
    assert len(regions) == 3
    for heading in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ):
        i = text.index(heading)
        assert not any(a <= i < b for a, b in regions)
    for label in (
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
        "四、结转下年度继续办理",
    ):
        i = text.index(label)
        assert any(a <= i < b for a, b in regions), label


def test_seeds_without_tables(sample_text):
    for name in ("xiqu", "traditional", "template", "zhongshan"):
        tables = parse_tables(sample_text(name))
        assert tables.all() == [] and tables.regions == [] and tables.version is None, name


FRAGMENTS = [
    "第二十条第(一)项",
    "信息内容",
    "本年制发件数",
    "规章",
    "行政规范性文件",
    "行政许可",
    "行政事业性收费",
    "本列数据的勾稽关系",
    "申请人情况",
    "自然人",
    "商业",
    "企业",
    "总计",
    "其他",
    "一、本年新收政府信息公开申请数量",
    "(七)总计",
    "四、结转下年度继续办理",
    "3.其他",
    "(六)其他处理",
    "1.申请人无正当理由逾期不补正",
    "结果维持",
    "结果",
    "纠正",
    "复议后起诉",
    "行政复议",
    "三、收到和处理政府信息公开申请情况",
    "0",
    " 0",
    "12",
    "0000000",
    "1,234",
    "3.5",
    "-2",
    "/",
    "-",
    "—",
    "无",
    "|",
    "||",
    "\t",
    "\n",
    "\n\n",
    " ",
    "\u00a0",
    "|---|",
    "(",
    "（",
    "０",
    "x",
    "年",
    "。",
    "本年增/减",
    "政府集中采购",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=200))
def test_fuzz_parser_never_crashes_and_spans_are_valid(parts):
    text = "".join(parts)
    tables = parse_tables(text)
    last = -1
    for start, end in tables.regions:
        assert 0 <= start <= end <= len(text)
        assert start >= last
        last = end
    for t in tables.all():
        for cell in t.cells.values():
            assert 0 <= cell.start <= cell.end <= len(text)
            if cell.status == "ok":
                assert cell.value is not None
        for issue in t.issues:
            assert 0 <= issue.start <= issue.end <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=3000))
def test_fuzz_arbitrary_text(text):
    parse_tables(text)


def test_large_inputs_finish(sample_text):
    """Pathological inputs: a huge run of numbers after a row label, a long line, many anchors."""
    parse_tables("一、本年新收政府信息公开申请数量\n" + "0\n" * 100_000)
    parse_tables("本年新收" * 20_000)
    parse_tables("第二十条第 " + "规章 " * 50_000)
    parse_tables("结果维持|" * 30_000)
    parse_tables(sample_text("changzheng") * 30)


def test_a_value_before_its_row_label_gives_a_valid_span():
    # found by the fuzz test: "0 结果维持" once produced a cell whose start was after its end
    tables = parse_tables("0 结果维持")
    for t in tables.all():
        for cell in t.cells.values():
            assert 0 <= cell.start <= cell.end <= len("0 结果维持")
