"""Reading real layouts (issue 10): crawled pages with a crawler header and a
one-line body, site chrome glued to the body, units from the title or the 落款,
PDFs with ruled tables, and PDFs whose text layer is not text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from benchmarks.pdf_libs import T3_LAYOUT, build_pdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from shenyue.analysis.scan import build_report
from shenyue.model.chrome import crawl_header
from shenyue.model.report import Unreadable
from shenyue.reading import read_document

BODY = (
    "根据《中华人民共和国政府信息公开条例》要求，编制本报告。一、总体情况2023年，本局认真落实条例规定。"
    "二、主动公开政府信息情况本年度主动公开信息120条。三、收到和处理政府信息公开申请情况本年度收到申请3件。"
    "四、政府信息公开行政复议、行政诉讼情况本年度无行政复议和行政诉讼。五、存在的主要问题及改进情况公开内容不够丰富。"
    "六、其他需要报告的事项本年度未收取信息处理费。"
)


def crawled(title: str, published: str, body: str, colon: str = ":") -> str:
    return (
        f"标题{colon} {title}\n发布时间{colon} {published}\n文号{colon} \n发布机构{colon} \n栏目{colon} 政府信息公开年报\n"
        f"原文链接{colon} https://www.example.gov.cn/zwgk/202401/t20240131_1.htm\n"
        f"本地目录{colon} zwgk/202401/1_{title}\n页面链接与图片详见 links.tsv(同目录)\n"
        "==================== 正文 ====================\n"
        f"{body}\n"
    )


def report_of(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, tmp_path)
    assert not isinstance(doc, Unreadable)
    return build_report(doc, checks=False)


@pytest.mark.parametrize("colon", [":", "："])
def test_crawler_header_gives_title_unit_and_date_and_is_no_report_text(tmp_path, colon):
    title = "某某新区农业农村局2023年政府信息公开工作年度报告"
    text = crawled(title, "2024-01-31 18:05", BODY + "某某新区农业农村局 2024年1月25日", colon)
    report = report_of(tmp_path, "page.txt", text)
    assert report.text[report.title.start : report.title.end] == title
    assert report.unit == "某某新区农业农村局"
    assert report.year == 2023
    # The page's 发布时间 is the publication date, not the signing date of the 落款.
    assert report.published == date(2024, 1, 31)
    header_end = text.index("正文 ====") + len("正文 ====================")
    assert any(c.kind == "header" and c.start == 0 and c.end >= header_end for c in report.chrome)
    # The header is in no section, and the text was not changed (offsets hold).
    assert report.text == text
    assert all(s.start >= header_end for s in report.sections)
    assert report.section("overview") is not None


def test_a_crawler_label_never_enters_the_unit_name(tmp_path):
    # A page whose title line itself carries the label (no separator after it).
    text = "标题：某某市财政局2023年政府信息公开工作年度报告\n" + BODY + "\n"
    report = report_of(tmp_path, "labelled.txt", text)
    assert report.unit == "某某市财政局"


def test_text_that_merely_starts_with_a_colon_line_is_not_a_header():
    assert crawl_header("说明：本报告由某局编制。\n一、总体情况\n2023年……\n") is None
    assert crawl_header("一、总体情况\n标题: x\n发布时间: 2024-01-01\n") is None


def test_site_chrome_glued_to_a_one_line_body_is_chrome_and_the_signature_is_read(tmp_path):
    title = "某某新区社会事业局2022年度政府信息公开工作年度报告"
    lead = f"当前位置： 首页政务公开政府信息公开某某新区社会事业局政府信息公开年报 {title} 来源： 时间：2023-01-16 10:07 --> 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： "
    body = lead + BODY + " 某某新区社会事业局 2023年1月9日 附件下载"
    report = report_of(tmp_path, "chrome.txt", crawled(title, "2023-01-16 10:07", body))
    text = report.text
    spans = [text[c.start : c.end] for c in report.chrome if c.kind == "chrome"]
    assert any(s.startswith("当前位置") and s.endswith("相关链接：") for s in spans)
    assert "附件下载" in spans
    assert report.published == date(2023, 1, 16)
    sign = [d for d, source, _ in report.date_candidates if source == "signature"]
    assert sign == [date(2023, 1, 9)]
    overview = report.section("overview")
    assert overview is not None and not any(c.start <= overview.start < c.end for c in report.chrome)


def test_unit_from_a_title_set_over_two_lines_and_from_the_signature(tmp_path):
    two_lines = "淮安市洪泽区人民政府\n2024年政府信息公开工作年度报告\n" + BODY.replace("。一、", "。\n一、") + "\n"
    assert report_of(tmp_path, "two.txt", two_lines).unit == "淮安市洪泽区人民政府"
    # No unit in the title: the 落款 names it (the lines before the date).
    signed = "2024年政府信息公开工作年度报告\n" + BODY + "\n\n淮安市洪泽区人民政府\n2025年1月20日\n"
    report = report_of(tmp_path, "signed.txt", signed)
    assert report.unit == "淮安市洪泽区人民政府"
    assert report.published == date(2025, 1, 20)


# ---------------------------------------------------------------- PDF


def test_ruled_format_tables_come_out_one_row_per_line_with_every_cell(tmp_path):
    path = tmp_path / "tables.pdf"
    t3, t4 = build_pdf(path, seed=3)
    doc = read_document(path, tmp_path)
    assert not isinstance(doc, Unreadable)
    lines = doc.text.splitlines()
    for (_group_a, _group_b, label), values in zip(T3_LAYOUT, t3):
        # The whole label (even wrapped over three lines) and its seven numbers, in order, on one line.
        row = next((ln for ln in lines if f"| {label} |" in ln), None)
        assert row is not None, label
        assert row.endswith("| " + " | ".join(str(v) for v in values) + " |"), row
    assert "| " + " | ".join(str(v) for v in t4) + " |" in lines
    report = build_report(doc, checks=False)
    assert report.tables.t3.n_cells == 175
    assert report.tables.t4.n_cells == 15
    assert {s.key for s in report.sections if s.canonical} == {
        "overview",
        "proactive",
        "requests",
        "appeals",
        "problems",
        "other",
    }


def test_merged_group_cells_open_the_first_row_they_span(tmp_path):
    path = tmp_path / "groups.pdf"
    t3, _ = build_pdf(path, seed=0)
    text = read_document(path, tmp_path).text
    first_r3 = T3_LAYOUT[4][2]
    assert f"| （三）不予公开 | {first_r3} |" in text
    assert "| 三、本年度办理结果 | （一）予以公开 |" in text


def garbled_pdf(path: Path) -> None:
    """A report whose font has no Unicode map: its glyph codes come out as Latin-1 symbols."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 12)
    junk = "¿”¿¡fl‹…Æ×øÐ¶§¤¥ª«»¬®¯°±²³µ·¸¹º¼½¾ÀÁÂÃÄÅÇÈÉ"
    y = 780
    for k in range(30):
        c.drawString(72, y, (junk[k % 7 :] + junk)[:40] + f" {k + 1}")
        y -= 22
    c.drawCentredString(300, 40, "-1-")
    c.showPage()
    c.save()


def test_a_garbled_text_layer_is_a_reading_problem_that_needs_ocr(tmp_path):
    path = tmp_path / "garbled.pdf"
    garbled_pdf(path)
    result = read_document(path, tmp_path)
    assert isinstance(result, Unreadable)
    assert result.reason_key == "pdf_garbled_text"
    assert "OCR" in result.reason("en") and "OCR" in result.reason("zh")
    assert "cannot be read" in result.reason("en")


def test_an_english_pdf_is_not_taken_for_a_garbled_one(tmp_path):
    path = tmp_path / "english.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 12)
    for k in range(20):
        c.drawString(72, 780 - 22 * k, f"Line {k}: the annual report on open government information, café résumé.")
    c.save()
    assert not isinstance(read_document(path, tmp_path), Unreadable)


def test_strings_of_one_character_in_a_font_that_is_not_embedded_are_kept(tmp_path):
    # PDFium cannot measure such a glyph without a CJK system font and leaves the
    # string out; the reader notices and reads that page with pypdf.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "lone.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 700, "本年度主动公开政府信息一百二十条，依申请公开三件")
    c.drawString(72, 680, "。")
    for k, ch in enumerate("本年度办理结果"):
        c.drawString(72, 640 - 14 * k, ch)
    c.drawString(72, 400, "下一段文字从这里开始，依法依规办理。")
    c.save()
    text = read_document(path, tmp_path).text
    assert "本年度主动公开政府信息一百二十条，依申请公开三件。" in text
    assert "".join(text.split()).count("本年度办理结果") == 1


def test_text_cached_by_an_older_reader_is_not_served(tmp_path):
    import hashlib
    import json

    from shenyue.paths import cache_dir
    from shenyue.reading import pdf as pdf_reader

    path = tmp_path / "tables.pdf"
    build_pdf(path, seed=1)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    folder = cache_dir() / "extracted"
    folder.mkdir(parents=True, exist_ok=True)
    forged = {"sha256": sha, "encoding": "pdf", "pages": 2, "text": "old reader text", "chrome": [], "tables": []}
    for version in range(1, pdf_reader.VERSION):
        (folder / f"{sha}.pdf.v{version}.json").write_text(json.dumps(forged), encoding="utf-8")
    text = pdf_reader.extract(data, path).text
    assert "old reader text" not in text and "一、总体情况" in text


@pytest.mark.parametrize(
    ("sample", "garbled"),
    [
        ("\ue001\ue02a\ue113\ue0f0" * 30, True),  # private-use glyph codes
        ("\x01\x02\x03\x1f" * 30 + "2023", True),  # raw CIDs as control codes
        ("¿”¿¡fl‹…ÆØ" * 20 + "12", True),
        ("政府信息公开工作年度报告，主动公开信息120条。" * 5, False),
        ("本年度收费0元。Section 2 · 第二十条×3 — “说明”…" * 5, False),
    ],
)
def test_the_plausibility_test_of_a_text_layer(sample, garbled):
    from collections import Counter

    from shenyue.reading import pdf as pdf_reader
    from shenyue.reading.base import ReadError

    page = pdf_reader._Page(1, (0.0, 0.0, 600.0, 800.0), [], quality=pdf_reader._classify(sample))
    if garbled:
        with pytest.raises(ReadError) as err:
            pdf_reader._check_garbled([page])
        assert err.value.reason_key == "pdf_garbled_text"
    else:
        pdf_reader._check_garbled([page])
    assert isinstance(page.quality, Counter)


@pytest.mark.parametrize("turn", [90, -90])
def test_a_page_turned_for_a_wide_table_reads_line_by_line(tmp_path, turn):
    path = tmp_path / "turned.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    if turn == 90:
        c.translate(A4[0], 0)
    else:
        c.translate(0, A4[1])
    c.rotate(turn)
    c.setFont("Helvetica", 12)
    lines = ["First line of the turned page text", "Second line of the turned page", "Third line and more words"]
    for k, line in enumerate(lines):
        c.drawString(72, 500 - 20 * k, line)
    c.drawString(72, 420, "Total")
    c.drawString(300, 420, "99")
    c.save()
    text = read_document(path, tmp_path).text
    # Read in order, each line's words kept (wrapped lines of one paragraph may be joined).
    positions = [text.find(line) for line in lines]
    assert -1 not in positions and positions == sorted(positions), text
    total = next(ln for ln in text.splitlines() if "Total" in ln)
    assert total.replace("|", "").split() == ["Total", "99"]


def test_a_title_without_unit_takes_the_unit_from_the_header_publisher(tmp_path):
    text = crawled("2023年政府信息公开工作年度报告", "2024-01-20 10:00", BODY).replace(
        "发布机构: \n", "发布机构: 某某县财政局\n"
    )
    report = report_of(tmp_path, "publisher.txt", text)
    assert report.unit == "某某县财政局"
    assert report.year == 2023


def test_a_one_line_page_without_header_takes_title_and_unit_from_its_opening(tmp_path):
    """A crawler that stored only the page body: the title runs straight into the report on one line."""
    title = "某某新区农业农村局2023年政府信息公开工作年度报告"
    report = report_of(tmp_path, "bare.txt", title + BODY + "\n")
    assert report.text[report.title.start : report.title.end] == title
    assert report.unit == "某某新区农业农村局" and report.year == 2023
    # a one-line body that opens with a sentence has no title to take
    report = report_of(tmp_path, "untitled.txt", BODY + "\n")
    assert report.title is None
