"""Sections and kinds on the layouts real published reports have (issue 10):
crawled pages with the whole report on one line, headings glued to digits and to
table row labels, heading variants and typos, work summaries, pre-2019 reports,
the blank format template, and files that are no report at all.

Every fixture is built here; nothing is read from outside the repository.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from shenyue.analysis.checks import run_checks
from shenyue.analysis.scan import build_report
from shenyue.model.report import Span
from shenyue.model.sections import clip_table_regions, find_headings, match_title
from shenyue.reading import read_document

ANNUAL_KEYS = ["overview", "proactive", "requests", "appeals", "problems", "other"]
FORMAT_ERRORS = {"section_missing", "table_missing", "table_rows_incomplete", "section_empty"}

HEADER = (
    "标题: 青山区水利局{year}年度政府信息公开工作年度报告\n"
    "发布时间: {pub} 09:47\n"
    "文号: \n"
    "发布机构: \n"
    "栏目: 政府信息公开年报\n"
    "原文链接: https://www.example.gov.cn/zwgk/nb/t{pub}.htm\n"
    "本地目录: zwgk/nb/{pub}\n"
    "页面链接与图片详见 links.tsv(同目录)\n"
    "==================== 正文 ====================\n"
)

T3_LABELS = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "(一)予以公开",
    "(二)部分公开(区分处理的，只计这一情形，不计其他情形)",
    "(三)不予公开",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "(四)无法提供",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "(五)不予处理",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "(六)其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "(七)总计",
    "四、结转下年度继续办理",
]
GROUPS = {"三、本年度办理结果", "(三)不予公开", "(四)无法提供", "(五)不予处理", "(六)其他处理"}


def table3_glued(new: str = "2000002") -> str:
    """Table 三 as a crawled page prints it: labels and digits run together."""
    out = [
        "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    ]
    for label in T3_LABELS:
        if label in GROUPS:
            out.append(label)
        elif label.startswith("一、"):
            out.append(label + new)
        elif label in ("(一)予以公开", "(七)总计"):
            out.append(label + new)
        else:
            out.append(label + "0000000")
    return "".join(out)


OVERVIEW = (
    "2023年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，统一、规范推进政务公开，举一反三、常态长效抓好整改。"
    "一是加强组织领导，二是主动公开政府信息58条，三是依申请公开2件，政府信息管理、平台建设、监督保障扎实推进。"
)
TABLE2 = (
    "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件103"
    "第二十条第（五）项信息内容本年处理决定数量行政许可12第二十条第（六）项信息内容本年处理决定数量行政处罚3行政强制0"
    "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0"
)
TABLE4 = "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计000000000000000"
PROBLEMS = (
    "2023年，我局政府信息公开工作取得一定成效，但政策解读形式较为单一，信息发布的及时性有待提高。"
    "下一步，我局将进一步丰富解读形式，加强审核把关，提升信息发布质量。"
)
OTHER = "本年度无收取信息处理费情况。"


def one_line_report(
    *,
    year: int = 2023,
    appeals: str = "四、政府信息公开行政复议、行政诉讼情况",
    problems: str = "五、存在的主要问题及改进情况",
    other: str = "六、其他需要报告的事项",
) -> str:
    body = (
        "当前位置： 首页政务公开政府信息公开年报 微信 微博 QQ空间 "
        f"根据《中华人民共和国政府信息公开条例》要求，现将青山区水利局{year}年度政府信息公开工作情况报告如下。"
        f"一、总体情况{OVERVIEW}二、主动公开政府信息情况{TABLE2}三、收到和处理政府信息公开申请情况{table3_glued()}"
        f"{appeals}{TABLE4}{problems}{PROBLEMS}{other}{OTHER} 青山区水利局{year + 1}年1月20日"
    )
    return HEADER.format(year=year, pub=f"{year + 1}-01-25") + body + "\n"


def report_of(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return build_report(read_document(path, tmp_path))


def keys(report) -> list[str]:
    return [s.key for s in report.sections]


def errors(report) -> list[str]:
    return sorted(f.check for f in report.findings if f.severity == "error")


# ---------------------------------------------------------------- glued headings


def test_one_line_annual_report_is_annual_2021_with_its_six_sections(tmp_path):
    text = one_line_report()
    report = report_of(tmp_path, "page.txt", text)
    assert report.kind == "annual-2021"
    assert keys(report) == ANNUAL_KEYS
    titles = [s.title for s in report.sections]
    assert titles == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    # glued straight after a table cell's digits, and after a row label with the same numeral
    requests = report.section("requests")
    assert text[requests.start - 8 : requests.start] == "行政事业性收费0"
    appeals = report.section("appeals")
    assert text[appeals.start - 18 : appeals.start] == "四、结转下年度继续办理0000000"
    # the body starts right after the title, the sections tile the text
    assert text[appeals.body_start :].startswith("行政复议行政诉讼结果维持")
    for a, b in zip(report.sections, report.sections[1:]):
        assert a.end == b.start
    # 统一、规范 and 举一反三、 inside the overview are no headings
    assert report.section("overview").end == report.section("proactive").start
    assert not {"section_missing", "section_order", "section_extra", "section_empty"} & {
        f.check for f in report.findings
    }


def test_a_table_row_label_never_swallows_the_section_heading_after_it(tmp_path):
    """PDF text and Word tables: the last row of table 三 and heading 四 on adjacent lines."""
    rows = "\n".join(
        f"| {label} |" + ("" if label in GROUPS else " 0 | 0 | 0 | 0 | 0 | 0 | 0 |") for label in T3_LABELS
    )
    text = (
        "青山区水利局2023年度政府信息公开工作年度报告\n一、总体情况\n"
        + OVERVIEW
        + "\n二、主动公开政府信息情况\n"
        + TABLE2
        + "\n三、收到和处理政府信息公开申请情况\n"
        + rows
        + "\n四、政府信息公开行政复议、行政诉讼情况\n"
        + TABLE4
        + "\n五、存在的主要问题及改进情况\n"
        + PROBLEMS
        + "\n六、其他需要报告的事项\n"
        + OTHER
        + "\n"
    )
    report = report_of(tmp_path, "pdf.txt", text)
    assert keys(report) == ANNUAL_KEYS
    assert report.section("appeals").title == "四、政府信息公开行政复议、行政诉讼情况"
    # space-separated digits after the row label, the heading on the same line (PDF text run together)
    flat = text.replace(
        "| 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n", "四、结转下年度继续办理 0 0 0 0 0 0 0 "
    )
    assert "0 0 0 四、政府信息公开" in flat
    assert keys(report_of(tmp_path, "flat.txt", flat)) == ANNUAL_KEYS


def test_a_table_region_that_runs_over_a_heading_is_cut_there():
    text = "| 四、结转下年度继续办理 | 0 | 0 |\n四、政府信息公开行政复议、行政诉讼情况\n| 行政复议 | 行政诉讼 |\n"
    region = [Span(0, len(text) - 1, "table")]  # a table region that wrongly covers the heading
    headings = find_headings(text, region)
    (heading,) = [h for h in headings if h.key]
    assert heading.key == "appeals" and text[heading.start : heading.end] == "四、政府信息公开行政复议、行政诉讼情况"
    clipped = clip_table_regions(text, region, headings)
    assert [text[s.start : s.end] for s in clipped] == ["| 四、结转下年度继续办理 | 0 | 0 |", "| 行政复议 | 行政诉讼 |"]


def test_a_row_label_alone_is_never_a_heading():
    for label in (
        "四、结转下年度继续办理0000000",
        "一、本年新收政府信息公开申请数量3000003",
        "三、本年度办理结果（一）予以公开",
    ):
        assert match_title(label[2:]).key is None


# ---------------------------------------------------------------- variants and typos


def test_heading_variants_and_typos_keep_their_sections_and_a_typo_is_a_warning(tmp_path):
    text = one_line_report(
        appeals="四、政府信息公开行政法复议、行政诉讼情况",
        problems="五、存在的主要问题及改进措施",
        other="六、需要说明的其他事项与附表",
    )
    report = report_of(tmp_path, "variants.txt", text)
    assert keys(report) == ANNUAL_KEYS
    assert report.section("appeals").title == "四、政府信息公开行政法复议、行政诉讼情况"
    assert report.section("other").title == "六、需要说明的其他事项与附表"
    by_check = {}
    for f in report.findings:
        by_check.setdefault(f.check, []).append(f)
    (typo,) = by_check["section_title_typo"]
    assert (typo.severity, typo.section) == ("warning", "appeals")
    assert typo.params["standard"] == "四、政府信息公开行政复议、行政诉讼情况"
    assert text[typo.start : typo.end] == "四、政府信息公开行政法复议、行政诉讼情况"
    variants = {f.section for f in by_check["section_title_nonstandard"]}
    assert variants == {"problems", "other"} and all(
        f.severity == "info" for f in by_check["section_title_nonstandard"]
    )
    assert not {"section_missing", "section_extra"} & set(by_check)


def test_appeals_title_with_yu_is_a_variant_not_a_typo(tmp_path):
    report = report_of(tmp_path, "yu.txt", one_line_report(appeals="四、政府信息公开行政复议与行政诉讼情况"))
    assert keys(report) == ANNUAL_KEYS
    assert "section_title_typo" not in {f.check for f in report.findings}


@pytest.mark.parametrize(
    "numeral, line",
    [
        ("二", "主要做法"),
        ("一", "加强组织领导"),
        ("五", "存在问题及下一步打算"),
        ("二", "主动公开工作情况"),
        ("二", "主动公开政府信息的数量"),
    ],
)
def test_numbered_paragraphs_that_are_no_section_titles_are_not_matched(numeral, line):
    assert match_title(line + "，我局2023年").key is None


def test_a_numbered_sub_heading_inside_a_one_line_summary_paragraph_is_no_section(tmp_path):
    text = one_line_report().replace("二是主动公开", "二、主要做法：主动公开")
    report = report_of(tmp_path, "sub.txt", text)
    assert keys(report) == ANNUAL_KEYS


# ---------------------------------------------------------------- kinds


SUMMARY_BODY = (
    "青山区公安局2018年政务公开工作要点落实情况一、加强公开解读回应工作（一）围绕法治公安建设深入推进政务公开。"
    "我局统一、规范发布警务信息120条，举一反三、及时整改。二、着力提升政务服务实效（一）推进网上办事服务公开。"
    "一是全面梳理办事指南，二是优化办事流程。三、着力推进政务公开平台建设（一）强化政府网站建设管理。目前网站运行平稳。"
    "四、着力推进政务公开制度化规范化我局坚持完善政府信息公开审查制度，全年未发生泄密事件。"
)


def test_a_one_line_work_summary_is_a_summary_with_its_parts_and_no_format_errors(tmp_path):
    header = HEADER.format(year=2018, pub="2018-12-28").replace(
        "2018年度政府信息公开工作年度报告", "2018年政务公开工作要点落实情况"
    )
    report = report_of(tmp_path, "summary.txt", header.replace("水利局", "公安局") + SUMMARY_BODY + "\n")
    assert report.kind == "summary"
    assert [s.key for s in report.sections] == ["part-1", "part-2", "part-3", "part-4"]
    assert [s.title for s in report.sections][:3] == [
        "一、加强公开解读回应工作",
        "二、着力提升政务服务实效",
        "三、着力推进政务公开平台建设",
    ]
    checks = {f.check for f in report.findings}
    assert not checks & FORMAT_ERRORS
    assert not checks & {"overview_subtopics_missing", "problems_section_weak", "fee_statement_missing"}
    # asked for explicitly, the format's checks still do not judge a summary
    assert run_checks(report, only=["section_missing", "table_missing", "table_rows_incomplete"]) == []


LEGACY_BODY = (
    "青山区经济发展局2018年政府信息公开工作年度报告 本报告根据《中华人民共和国政府信息公开条例》编制。 "
    "一、概述 2018年，我局政府信息公开工作坚持认真落实条例要求，有序推进。 "
    "二、主动公开政府信息的情况 （一）主动公开政府信息的数量 2018年主动公开政府信息86条。 "
    "三、政府信息依申请公开办理情况 （一）受理申请的数量 2018年共受理申请2件，均已按时答复。 "
    "四、因政府信息公开申请行政复议、提起行政诉讼的情况 2018年没有因政府信息公开申请行政复议或提起行政诉讼的情况。 "
    "五、政府信息公开工作存在的主要问题及改进措施 （一）工作中存在的主要问题 公开内容还不够全面。（二）改进措施 加强培训。 "
    "六、需要说明的其他事项与附表 （一）需要说明的其他事项 没有需要说明的其他事项。（二）附表 政府信息公开情况统计表 "
    "统计指标 单位 统计数 一、主动公开情况 —— —— （一）主动公开政府信息数 条 86 二、回应解读情况 —— —— "
    "青山区经济发展局 2019年1月15日"
)


def test_a_pre_2019_report_is_annual_legacy_without_2021_format_errors(tmp_path):
    header = HEADER.format(year=2018, pub="2019-01-18").replace("水利局", "经济发展局")
    report = report_of(tmp_path, "old.txt", header + LEGACY_BODY + "\n")
    assert report.kind == "annual-legacy"
    assert [s.title for s in report.sections][:3] == [
        "一、概述",
        "二、主动公开政府信息的情况",
        "三、政府信息依申请公开办理情况",
    ]
    assert len(report.sections) == 6
    assert errors(report) == []
    (note,) = [f for f in report.findings if f.check == "format_version_premodern"]
    assert note.severity == "info"


def test_a_2020_report_in_the_pre_2019_format_is_reported_as_the_wrong_format(tmp_path):
    body = LEGACY_BODY.replace("2018", "2020").replace("2019年1月15日", "2021年1月15日")
    report = report_of(tmp_path, "old2020.txt", body + "\n")
    assert report.kind == "annual-legacy"
    assert errors(report) == ["format_version_premodern"]


def blank_template_docx(path: Path) -> Path:
    """The official blank format: headings, （文字描述） placeholders and empty tables."""
    d = docx.Document()
    d.add_paragraph("政府信息公开工作年度报告格式模板")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("（文字描述）")
    d.add_paragraph("二、主动公开政府信息情况")
    t2 = d.add_table(rows=0, cols=4)
    for label in ("第二十条第（一）项", "信息内容", "规章", "行政规范性文件"):
        cells = t2.add_row().cells
        cells[0].text = label
        if label == "信息内容":
            for c, h in zip(cells[1:], ("本年制发件数", "本年废止件数", "现行有效件数")):
                c.text = h
    for label in (
        "第二十条第（五）项",
        "行政许可",
        "第二十条第（六）项",
        "行政处罚",
        "行政强制",
        "第二十条第（八）项",
        "行政事业性收费",
    ):
        t2.add_row().cells[0].text = label
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t3 = d.add_table(rows=1, cols=8)
    for c, h in zip(
        t3.rows[0].cells,
        (
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        ),
    ):
        c.text = h
    for label in T3_LABELS:
        t3.add_row().cells[0].text = label
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t4 = d.add_table(rows=3, cols=15)
    t4.rows[0].cells[0].text = "行政复议"
    t4.rows[0].cells[5].text = "行政诉讼"
    for i, h in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3):
        t4.rows[1].cells[i].text = h
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("（文字描述）")
    d.add_paragraph("六、其他需要报告的事项")
    d.add_paragraph("（文字描述，收取信息处理费情况在此处报告。）")
    d.save(path)
    return path


def test_the_blank_format_template_is_one_clear_error(tmp_path):
    path = blank_template_docx(tmp_path / "模板.docx")
    report = build_report(read_document(path, tmp_path))
    assert report.kind == "template"
    assert keys(report) == ANNUAL_KEYS  # the heading after table 三's last row label is found
    (only,) = report.findings
    assert (only.check, only.severity) == ("template_unfilled", "error")
    assert report.text[only.start : only.end] == "（文字描述）"
    assert "模板" in only.message("zh") and "template" in only.message("en")


def test_a_filled_report_with_a_leftover_instruction_is_not_a_template(tmp_path):
    text = one_line_report().replace(OTHER, "（文字描述）")
    report = report_of(tmp_path, "filled.txt", text)
    assert report.kind == "annual-2021"


def test_a_file_that_is_no_report_gets_one_finding(tmp_path):
    readme = (
        "# Real published reports\n\nThese files are annual reports. The format has six sections, e.g. "
        "`六、需要说明的其他事项与附表` (a variant), `三、收到和处理政府信息公开申请情况` and "
        "`四、政府信息公开行政复议与行政诉讼情况`.\n\n## Files\n\n| file | what it is |\n|---|---|\n"
        "| `pt-a_2023.txt` | an annual report of 2023 |\n\n## Notes\n\nTests must build their own fixtures.\n"
    )
    report = report_of(tmp_path, "README.md", readme)
    assert report.kind == "unknown"
    (only,) = report.findings
    assert (only.check, only.severity, only.message_key) == ("doc_not_annual_report", "error", "doc_not_a_report")


def document_with_header_chrome(tmp_path: Path, name: str, text: str):
    """The page as the reading layer gives it when it marks the crawler's header lines as chrome."""
    import hashlib

    from shenyue.model.report import Document

    sep = text.index("==================== 正文 ====================")
    header_end = text.index("\n", sep) + 1
    chrome, pos = [], 0
    while pos < header_end:
        nl = text.index("\n", pos)
        chrome.append(Span(pos, nl, "chrome"))
        pos = nl + 1
    data = text.encode("utf-8")
    return Document(
        tmp_path / name, name, text, "utf-8", hashlib.sha256(data).hexdigest(), len(data), "txt", chrome=chrome
    )


@pytest.mark.parametrize("with_chrome", [False, True])
def test_crawled_pages_keep_their_kind_and_sections_whether_or_not_the_header_is_chrome(tmp_path, with_chrome):
    summary_header = HEADER.format(year=2018, pub="2018-12-28").replace(
        "2018年度政府信息公开工作年度报告", "2018年政务公开工作要点落实情况"
    )
    pages = {
        "annual.txt": (one_line_report(), "annual-2021", ANNUAL_KEYS),
        "summary.txt": (summary_header + SUMMARY_BODY + "\n", "summary", ["part-1", "part-2", "part-3", "part-4"]),
        "old.txt": (
            HEADER.format(year=2018, pub="2019-01-18") + LEGACY_BODY + "\n",
            "annual-legacy",
            [f"part-{i}" for i in range(1, 7)],
        ),
    }
    for name, (text, kind, expected) in pages.items():
        if with_chrome:
            report = build_report(document_with_header_chrome(tmp_path, name, text))
        else:
            report = report_of(tmp_path, name, text)
        assert (report.kind, keys(report)) == (kind, expected), name
        # (reading the glued tables is the table parser's part; here: no section is missing or empty)
        assert not {f.check for f in report.findings} & (
            {"section_missing", "section_empty"} if kind == "annual-2021" else FORMAT_ERRORS
        ), name


def test_a_heading_wrapped_over_two_lines_or_split_from_its_numbering_keeps_its_section(tmp_path):
    text = (
        "青山区水利局2023年度政府信息公开工作年度报告\n一、\n总体情况\n"
        + OVERVIEW
        + "\n二、主动公开政府信息情况\n"
        + TABLE2
        + "\n三、收到和处理政府信息公开申请情况\n"
        + table3_glued()
        + "\n四、政府信息公开行政复议、行政\n诉讼情况\n"
        + TABLE4
        + "\n五、存在的主要问题及改进情况\n"
        + PROBLEMS
        + "\n六、其他需要报告的事项\n"
        + OTHER
        + "\n"
    )
    report = report_of(tmp_path, "wrapped.txt", text)
    assert keys(report) == ANNUAL_KEYS
    appeals = report.section("appeals")
    assert appeals.title == "四、政府信息公开行政复议、行政\n诉讼情况" and appeals.standard_title
    assert text[appeals.body_start :].lstrip().startswith("行政复议行政诉讼结果维持")
    assert report.section("overview").title == "一、\n总体情况"
    assert not {"section_extra", "section_title_typo"} & {f.check for f in report.findings}


def test_a_misspelt_heading_inside_a_table_region_that_runs_over_it_is_still_found():
    from shenyue.model.sections import find_midline_headings

    text = (
        "（七）总计3000003四、结转下年度继续办理0000000四、政府信息公开行政法复议、行政诉讼情况行政复议行政诉讼结果维持"
        + "0" * 15
    )
    region = [Span(0, len(text), "table")]
    (heading,) = find_midline_headings(text, region, set())
    assert (
        heading.key == "appeals" and heading.title == "四、政府信息公开行政法复议、行政诉讼情况" and heading.score < 100
    )
    # the region is cut at the heading: the statistics before it and the table after it stay tables
    pieces = [text[s.start : s.end] for s in clip_table_regions(text, region, [heading])]
    assert pieces == [text[: heading.start], text[heading.end :]]
    # a table cell that merely resembles a title with another numeral is no heading
    assert (
        find_midline_headings("规章0行政许可0二、政府信息公开行政法复议、行政诉讼情况", [Span(0, 40, "table")], set())
        == []
    )


def test_a_notice_about_the_annual_reports_is_no_report(tmp_path):
    text = (
        "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知\n各部门：\n"
        "一、高度重视\n请各部门按照《中华人民共和国政府信息公开条例》要求编制年度报告，做好政府信息公开工作。\n"
        "二、严格把关\n年度报告应于1月31日前报送，并在政府网站公开。\n"
    )
    report = report_of(tmp_path, "notice.txt", text)
    assert report.kind == "unknown"
    assert [f.message_key for f in report.findings] == ["doc_not_a_report"]


def test_headings_numbered_with_a_full_width_point_are_found_in_one_line_pages(tmp_path):
    text = one_line_report()
    for numeral in "一二三五六":
        text = (
            text.replace(f"{numeral}、", f"{numeral}．", 1)
            if numeral != "三"
            else text.replace("三、收到和处理", "三．收到和处理")
        )
    report = report_of(tmp_path, "points.txt", text)
    assert keys(report) == ANNUAL_KEYS
    assert report.section("requests").title == "三．收到和处理政府信息公开申请情况"


def test_a_2008_era_report_on_many_lines_is_annual_legacy(tmp_path):
    text = (
        "青山区水利局2017年政府信息公开工作年度报告\n一、概述\n2017年，我局认真贯彻落实条例，政府信息公开工作有序推进。\n"
        "二、主动公开政府信息情况\n2017年主动公开政府信息86条，其中政策文件12条。\n"
        "三、依申请公开政府信息情况\n2017年共受理政府信息公开申请2件，均按时答复。\n"
        "四、政府信息公开的收费及减免情况\n2017年未收取任何检索、复制、邮寄等费用，也没有减免情况。\n"
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n2017年没有行政复议和行政诉讼。\n"
        "六、政府信息公开工作存在的主要问题和改进措施\n公开内容还不够全面，下一步将加强培训。\n"
        "七、其他需要报告的事项\n本年度没有其他需要报告的事项。\n青山区水利局\n2018年3月20日\n"
    )
    report = report_of(tmp_path, "2017.txt", text)
    assert report.kind == "annual-legacy"
    assert [s.title for s in report.sections] == [
        line for line in text.splitlines() if line[:2] in {f"{n}、" for n in "一二三四五六七"}
    ]
    assert errors(report) == []


def test_a_report_of_2018_or_before_is_due_by_31_march_as_the_2007_regulation_said(tmp_path):
    def late(year: int, published: str) -> bool:
        body = LEGACY_BODY.replace("2018", str(year)).replace(" 青山区经济发展局 2019年1月15日", "")
        report = report_of(tmp_path, f"r{year}.txt", f"{body}\n青山区经济发展局\n{published}\n")
        assert report.published is not None
        return "publish_late" in {f.check for f in report.findings}

    assert not late(2017, "2018年3月20日")
    assert late(2017, "2018年4月20日")


def test_a_parsed_table_region_running_over_the_next_sections_is_cut_at_their_headings(tmp_path, monkeypatch):
    """However far the table parser's region runs, the section text after a heading is not table."""
    import shenyue.analysis.scan as scan
    from shenyue.analysis.checks.base import Context
    from shenyue.model.tables import Tables

    text = one_line_report()
    start = text.index("三、收到和处理")
    monkeypatch.setattr(scan, "parse_tables", lambda *a, **k: Tables(regions=[(start + 20, len(text) - 1)]))
    report = scan.build_report(read_document(_write(tmp_path, "run.txt", text), tmp_path), checks=False)
    assert keys(report) == ANNUAL_KEYS
    problems = report.section("problems")
    assert not any(a <= problems.body_start < b for a, b in report.tables.regions)
    assert "政策解读形式较为单一" in Context(report).body_text("problems")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_one_line_summary_in_parts_numbered_in_brackets_keeps_its_parts(tmp_path):
    body = (
        "青山街道2020年政务公开工作总结 2020年，街道严格执行区政务公开工作实施方案，现将工作情况报告如下："
        "（一）加强公开解读回应力度一是围绕法治政府建设推进政务公开，依法依规公开第二十条第（一）项所列信息。"
        "（二）提升政务服务工作效率一是优化办事流程，二是推行一窗受理。（三）推进政务公开平台建设一是加强网站管理，发布信息300条。"
    )
    report = report_of(tmp_path, "brackets.txt", body + "\n")
    assert report.kind == "summary"
    # the title ends where its text starts (一是…); 第二十条第（一）项 is no part
    assert [s.title for s in report.sections] == [
        "（一）加强公开解读回应力度",
        "（二）提升政务服务工作效率",
        "（三）推进政务公开平台建设",
    ]


def test_every_kind_has_its_labels_in_both_languages():
    from shenyue.i18n import t
    from shenyue.model.report import KINDS

    for kind in KINDS:
        for key in (f"kind.{kind}", f"tui.kind_short.{kind}"):
            zh, en = t(key, "zh"), t(key, "en")
            assert zh != key and en != key and zh != en, key
            if key.startswith("tui."):
                assert len(en) <= 7  # the list's kind column


def test_a_report_whose_sections_are_all_empty_is_not_taken_for_a_template(tmp_path):
    text = "青山区水利局2023年度政府信息公开工作年度报告\n" + "".join(
        f"{title}\n\n" for title in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                      "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
    )  # fmt: skip
    report = report_of(tmp_path, "empty.txt", text)
    assert report.kind == "annual-2021"
    assert sum(1 for f in report.findings if f.check == "section_empty") == 6
    # the same headings with the format's instructions are the template
    template = text.replace("一、总体情况\n", "一、总体情况\n（文字描述）\n")
    assert report_of(tmp_path, "template.txt", template).kind == "template"


def test_sections_numbered_in_brackets_are_the_six_sections(tmp_path):
    text = (
        "青山区水利局2023年度政府信息公开工作年度报告\n（一）总体情况\n"
        + OVERVIEW
        + "\n（二）主动公开政府信息情况\n"
        + TABLE2
        + "\n（三）收到和处理政府信息公开申请情况\n"
        + table3_glued()
        + "\n（四）政府信息公开行政复议、行政诉讼情况\n"
        + TABLE4
        + "\n（五）存在的主要问题及改进情况\n1.政策解读形式较为单一。\n2.信息发布的及时性有待提高。\n（六）其他需要报告的事项\n"
        + OTHER
        + "\n"
    )
    report = report_of(tmp_path, "paren.txt", text)
    assert keys(report) == ANNUAL_KEYS
    assert report.section("overview").title == "（一）总体情况" and report.section("overview").standard_title
    assert not {"section_missing", "section_extra"} & {f.check for f in report.findings}


@pytest.mark.parametrize(
    "text",
    [
        "。一、总体情况" * 60000,
        "一、总体情况\n" * 60000,
        "（一）总体情况\n" * 60000,
        "统一、" * 100000,
        "总体情况\n" * 60000,
    ],
    ids=["inline-titles", "numbered-lines", "bracket-lines", "numerals", "bare-titles"],
)
def test_hostile_repetition_stays_bounded(tmp_path, monkeypatch, text):
    import shenyue.model.headings as headings
    import shenyue.model.sections as sections

    calls = []
    real = sections.match_title
    counted = lambda window: calls.append(1) or real(window)  # noqa: E731
    for module in (headings, sections):  # the heading finders and the section builder
        monkeypatch.setattr(module, "match_title", counted)
    report = report_of(tmp_path, "hostile.txt", text)
    assert calls or text[:2] in ("统一", "总体")  # matched through the patched function (these two never call it)
    assert len(calls) <= 3 * headings._MAX_TITLE_MATCHES  # not one per repetition
    assert len(report.sections) <= sections._MAX_SECTIONS


def test_the_blank_template_scores_nothing_under_the_default_rubric(tmp_path):
    """However a reviewer scores it, a published blank template's total is capped at 0 by its gate."""
    from shenyue.review.rubric import load_rubric

    report = build_report(read_document(blank_template_docx(tmp_path / "模板.docx"), tmp_path))
    rubric = load_rubric()
    full = {c.id: c.max for c in rubric.criteria}
    total = rubric.compute_total(full, rubric.gate_hits(report.findings))
    assert total.raw == rubric.total and total.value == 0
    assert total.capped_by.gate.id == "template_unfilled"
