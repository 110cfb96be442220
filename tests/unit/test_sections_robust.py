"""Headings as real files write them: flattened pages, Markdown, PDF text, typos, HTML."""

from __future__ import annotations

import re

from tests.helpers import SAMPLE

from shenyue.analysis.scan import build_report
from shenyue.reading import read_document

ANNUAL_KEYS = ["overview", "proactive", "requests", "appeals", "problems", "other"]


def report_of(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    doc = read_document(path, tmp_path)
    return build_report(doc)


def test_a_web_page_flattened_into_one_line_still_has_its_six_sections(tmp_path, sample_text):
    flat = re.sub(r"\s*\n\s*", " ", sample_text("zhongshan"))
    assert "\n" not in flat.strip()
    report = report_of(tmp_path, "flat.txt", flat)
    assert [s.key for s in report.sections] == ANNUAL_KEYS
    overview = report.section("overview")
    assert flat[overview.start : overview.start + 6] == "一、总体情况"
    problems = report.section("problems")
    assert flat[problems.start :].startswith("五、存在的主要问题及改进情况")
    assert report.section("proactive").empty and not report.section("problems").empty


def test_markdown_headings_and_full_width_spaces_are_tolerated(tmp_path, sample_text):
    text = sample_text("zhongshan")
    md = re.sub(r"^([一二三四五六]、)", r"## \1", text, flags=re.M).replace("一、总体情况", "一、\u3000总体情况")
    report = report_of(tmp_path, "r.md", md)
    assert [s.key for s in report.sections] == ANNUAL_KEYS
    assert report.sections[0].title == "## 一、\u3000总体情况"


def test_pdf_text_with_hard_breaks_and_spaced_digits_keeps_sections_and_year(tmp_path, sample_text):
    text = sample_text("xiqu")
    lines = []
    for line in text.splitlines():
        # break body lines every 30 characters as a PDF text layer does; put spaces around digits
        if re.match(r"^[一二三四五六七]、", line):
            lines.append(line)
        else:
            lines.extend(line[i : i + 30] for i in range(0, len(line), 30))
    pdfish = re.sub(r"(\d{4})年", r"\1 年", "\n".join(lines))
    report = report_of(tmp_path, "pdf.txt", pdfish)
    assert [s.key for s in report.sections] == [
        "overview",
        "proactive",
        "requests",
        "appeals",
        "problems",
        "extra-1",
        "other",
    ]
    assert report.year == 2024


def test_a_heading_with_a_typo_maps_to_its_section_and_is_flagged(tmp_path, sample_text):
    text = (
        sample_text("zhongshan")
        .replace("一、总体情况", "一、总休情况")
        .replace("六、其他需要报告的事项", "六、其它需报告事项")
    )
    report = report_of(tmp_path, "typo.txt", text)
    assert [s.key for s in report.sections] == ANNUAL_KEYS
    # 总休 is a typo (a warning); 其它需报告事项 is a shortened wording of the title (info)
    typos = {f.section: f for f in report.findings if f.check == "section_title_typo"}
    assert set(typos) == {"overview"} and typos["overview"].severity == "warning"
    assert typos["overview"].params["standard"] == "一、总体情况"
    assert "other" in {f.section for f in report.findings if f.check == "section_title_nonstandard"}


def test_lengthened_titles_map_to_their_sections(tmp_path, sample_text):
    text = sample_text("zhongshan").replace(
        "五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"
    )
    report = report_of(tmp_path, "long.txt", text)
    problems = report.section("problems")
    assert problems.title == "五、政府信息公开工作存在的主要问题及改进情况"
    assert problems.standard_title  # "政府信息公开工作" is an accepted lengthening


def test_html_copy_with_a_table_keeps_sections_and_renders_rows_as_cells(tmp_path, sample_text):
    body = []
    for line in sample_text("zhongshan").splitlines():
        body.append(f"<p>{line}</p>")
        if line.startswith("四、"):
            body.append(
                "<table><tr><th>行政复议</th><th>行政诉讼</th></tr>"
                "<tr><td>结果维持</td><td>结果纠正</td></tr><tr><td>0</td><td>1</td></tr></table>"
            )
    html = (
        "<html><head><meta charset='gb2312'><title>中山市2021年政府信息公开工作年度报告</title>"
        "<style>p{color:red}</style><script>var a='一、总体情况';</script></head><body>"
        "<div class='breadcrumb'>当前位置：首页 &gt; 政务公开</div>"
        + "".join(body)
        + "<footer>版权所有 中山市人民政府</footer></body></html>"
    )
    report = report_of(tmp_path, "page.html", html, "gb18030")
    assert report.doc.encoding == "gb18030"
    assert [s.key for s in report.sections] == ANNUAL_KEYS
    assert "| 结果维持 | 结果纠正 |" in report.text and "| 0 | 1 |" in report.text
    assert not report.section("appeals").empty  # its table counts as content
    assert "var a" not in report.text and "color:red" not in report.text
    chrome = [report.text[c.start : c.end] for c in report.chrome]
    assert any("当前位置" in c for c in chrome) and any("版权所有" in c for c in chrome)
    (table,) = report.table_spans
    assert report.text[table.start : table.end].startswith("| 行政复议 | 行政诉讼 |")


def test_a_document_that_is_no_report_gets_one_finding_saying_so(tmp_path):
    report = report_of(tmp_path, "note.txt", "各位同事：\n请于本周五前提交材料，谢谢配合。\n办公室\n")
    assert report.kind == "unknown"
    assert report.sections == []
    (only,) = report.findings
    assert (only.check, only.severity, only.message_key) == ("doc_not_annual_report", "error", "doc_not_a_report")


def test_text_before_the_first_heading_is_the_preamble_not_a_section(sample_text):
    doc = read_document(SAMPLE["template"], SAMPLE["template"].parent)
    report = build_report(doc)
    assert report.preamble.start == 0
    assert report.preamble.end < report.sections[0].start
    assert "现将20xx年工作情况" in report.text[report.preamble.start : report.preamble.end]


def test_a_bare_page_date_line_is_chrome_and_a_publication_date(tmp_path, sample_text):
    text = "中山市2021年政府信息公开工作年度报告\n2022-01-20 10:30  来源：中山市人民政府办公室\n" + sample_text(
        "zhongshan"
    )
    report = report_of(tmp_path, "page.txt", text)
    assert report.published is not None and report.published.isoformat() == "2022-01-20"
    assert any(report.text[c.start : c.end].startswith("2022-01-20 10:30") for c in report.chrome)


def test_a_heading_cut_short_by_a_line_end_is_no_crash():
    """A title hard-wrapped after a few characters (四、政府信息公开行政复议 / 、行政诉讼情况) is matched or
    refused, never an IndexError (a scan stopped on such PDF text)."""
    from shenyue.model.sections import match_title

    for window in ("政府信息公开行政复议", "收到和处理政府信", "存在的主要问", "其他需要报", "总体"):
        got = match_title(window)
        assert got.length <= len(window)


def test_a_heading_glued_to_text_and_cut_by_a_hard_wrap_keeps_its_section(tmp_path, sample_text):
    """PDF text wrapped at a fixed width, with headings run into the preceding sentence: a title split
    over two lines (…。四、政府信息公开行政复议 / 、行政诉讼情况) is still section 四."""
    flat = re.sub(r"\s*\n\s*", "", sample_text("zhongshan"))
    at = flat.index("四、政府信息公开行政复议")
    wrapped = flat[:at] + "\n".join(flat[i : i + 30] for i in range(at, len(flat), 30))
    wrapped = wrapped.replace("四、政府信息公开行政复议、", "四、政府信息公开行政复议\n、", 1)
    # the cut lands inside the title, after text on the same line
    report = report_of(tmp_path, "wrapped.txt", wrapped)
    assert [s.key for s in report.sections] == ANNUAL_KEYS
    appeals = report.section("appeals")
    assert wrapped[appeals.start : appeals.start + 12] == "四、政府信息公开行政复议"
