"""Scanned reports are read by OCR (shenyue[ocr]): image-only PDFs and garbled text layers.

The PDFs are made here: a report page drawn with a CJK font into an image
(tests/ocr_fixtures.py), wrapped into a PDF with no text layer, or under a text
layer of font codes. CI installs the extra and the font (the README's test
command); a missing one fails with the command that installs it.
"""

from __future__ import annotations

import io
import sys

import pytest
from rapidfuzz.distance import Levenshtein
from tests.ocr_fixtures import SECTION_TITLES, page_text, render_page, scanned_pdf

from shenyue.analysis.checks import run_checks
from shenyue.analysis.checks.base import ids_where
from shenyue.analysis.scan import build_report
from shenyue.reading import Document, Unreadable, ocr, read_document
from shenyue.reading import pdf as pdf_reader
from shenyue.reading.base import ReadError


def _engine_installed() -> None:
    if not ocr.available():
        raise AssertionError('the OCR extra is missing: pip install -e ".[test,ocr]"')


@pytest.fixture(autouse=True)
def _fresh_availability():
    ocr.available.cache_clear()
    yield
    ocr.available.cache_clear()
    ocr.set_progress(None)


@pytest.fixture(scope="module")
def page_image():
    return render_page()


def _plain(text: str) -> str:
    return "".join(text.replace("|", " ").split())


def test_a_scanned_report_is_read_with_its_sections_tables_and_characters(tmp_path, page_image):
    _engine_installed()
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf([page_image]))
    seen: list[tuple[int, int]] = []
    ocr.set_progress(lambda done, total: seen.append((done, total)))
    doc = read_document(path, tmp_path)
    assert isinstance(doc, Document), doc.reason("en")
    assert doc.ocr and doc.ocr_pages == 1
    assert seen == [(1, 1)]  # progress per page
    # The six section headings are found as sections of the report.
    report = build_report(doc)
    keys = [s.key for s in report.sections]
    assert keys[:6] == ["overview", "proactive", "requests", "appeals", "problems", "other"], keys
    lines = doc.text.splitlines()
    for title in SECTION_TITLES:
        assert title in lines
    # At least 98 % of the characters (edit distance against the known text).
    assert Levenshtein.normalized_similarity(_plain(doc.text), _plain(page_text())) >= 0.98
    # A table row stays one line with its cells apart; wrapped paragraph lines are joined.
    assert "| 行政规范性文件 | 12 | 3 | 57 |" in lines
    assert any(line.startswith("2024年，我区") and line.endswith("扎实推进。") for line in lines)


def test_a_garbled_text_layer_is_detected_and_read_by_ocr(tmp_path, page_image):
    """The page shows the report; its text layer (invisible, as over a scan) is font codes."""
    _engine_installed()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "garbled.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(page_image), 0, 0, width=A4[0], height=A4[1])
    text = c.beginText(72, 780)
    text.setTextRenderMode(3)  # invisible: only the extraction sees it
    text.setFont("Helvetica", 12)
    for k in range(30):
        text.textLine("¿”¿¡fl‹…Æ×øÐ¶§¤¥ª«»¬®¯°±²³µ·¸¹º¼"[k % 7 :] + f" {k}")
    c.drawText(text)
    c.showPage()
    c.save()
    layer = pdf_reader._classify("¿”¿¡fl‹…Æ×øÐ¶§¤¥ª«»¬®¯°±²³µ·¸¹º¼" * 3)
    assert pdf_reader._is_garbled(layer)  # the plausibility test the reader applies per page
    doc = read_document(path, tmp_path)
    assert isinstance(doc, Document), doc.reason("en")
    assert doc.ocr_pages == 1
    assert "¿" not in doc.text and "一、总体情况" in doc.text.splitlines()
    assert Levenshtein.normalized_similarity(_plain(doc.text), _plain(page_text())) >= 0.98


def test_ocr_results_are_cached_by_file_and_page(tmp_path, page_image, monkeypatch):
    _engine_installed()
    data = scanned_pdf([page_image, page_image.rotate(0)])
    calls: list[int] = []
    real = ocr._recognise

    def counting(image):
        calls.append(1)
        return real(image)

    monkeypatch.setattr(ocr, "_recognise", counting)
    first = pdf_reader.extract(data, tmp_path / "a.pdf", use_cache=False)
    assert len(calls) == 2 and first.ocr_pages == 2
    again = pdf_reader.extract(data, tmp_path / "b.pdf", use_cache=False)  # the page cache, not the text cache
    assert len(calls) == 2
    assert again.text == first.text and again.ocr_pages == 2
    assert list((ocr._cache_file("x", 0, 1.0)).parent.glob("*.json"))


def test_without_the_extra_a_scan_says_how_to_install_it(tmp_path, page_image, monkeypatch):
    monkeypatch.setitem(sys.modules, ocr.MODULE, None)  # import rapidocr_onnxruntime fails
    ocr.available.cache_clear()
    assert not ocr.available()
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf([page_image]))
    result = read_document(path, tmp_path)
    assert isinstance(result, Unreadable)
    assert result.reason_key == "pdf_scanned_needs_ocr"
    for lang in ("zh", "en"):
        assert 'pip install "shenyue[ocr]"' in result.reason(lang)
    assert "scanned" in result.reason("en") and "扫描件" in result.reason("zh")


def test_a_text_report_with_a_short_last_page_is_not_ocrd(tmp_path, monkeypatch):
    """A page with few characters and no image (the 落款 page) is text, not a scan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    monkeypatch.setattr(ocr, "_recognise", lambda image: pytest.fail("OCR ran on a text page"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 780
    for k in range(20):
        c.drawString(72, y, f"Section {k}: the unit published {k * 3} documents this year.")
        y -= 20
    c.showPage()
    c.drawString(400, 700, "2025-01-20")
    c.showPage()
    c.save()
    result = pdf_reader.extract(buf.getvalue(), tmp_path / "t.pdf", use_cache=False)
    assert result.ocr_pages == 0 and "2025-01-20" in result.text


def test_the_ocr_page_limit_comes_from_the_config_file(tmp_path, page_image, monkeypatch):
    _engine_installed()
    config = tmp_path / "config.toml"
    config.write_text("max_ocr_pages = 1\n", encoding="utf-8")
    monkeypatch.setenv("SHENYUE_CONFIG", str(config))
    monkeypatch.setattr(ocr, "_recognise", lambda image: pytest.fail("OCR ran past the limit"))
    data = scanned_pdf([page_image, page_image])
    with pytest.raises(ReadError) as err:
        pdf_reader.extract(data, tmp_path / "long.pdf", use_cache=False)
    assert err.value.reason_key == "pdf_ocr_too_many_pages"
    assert err.value.params == {"pages": 2, "limit": 1}


def test_arithmetic_findings_on_ocr_text_say_to_check_the_original(tmp_path, sample_text):
    from test_checks_tables import with_cell

    text = with_cell(sample_text("changzheng"), "t4.rv.up", "1")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "r.txt").write_text(text, encoding="utf-8")
    plain = read_document(folder / "r.txt", folder)
    scanned = read_document(folder / "r.txt", folder)
    scanned.ocr_pages = 2  # what the PDF reader records for a recognised scan
    before = {f.check: f for f in run_checks(build_report(plain, checks=False))}
    after = {f.check: f for f in run_checks(build_report(scanned, checks=False))}
    arithmetic = ids_where(arithmetic=True)
    assert "t4_group_total" in arithmetic and "t4_group_total" in after
    for check, finding in after.items():
        if check in arithmetic:
            assert (
                finding.message("en")
                == before[check].message("en")
                + " (text read by OCR: a digit may be misread, check against the original)"
            )
            assert finding.message("zh").endswith("请与原件核对）")
        else:
            assert finding.message("en") == before[check].message("en")


def test_lone_digits_in_narrow_ruled_cells_are_read(tmp_path):
    """Table 三 of a scan: narrow cells holding one digit each, every one read, in its column."""
    _engine_installed()
    rows = [
        ("heading", SECTION_TITLES[2]),
        ("row", ["申请人情况", "自然", "商业", "科研", "公益", "法律", "其他", "总计"]),
        ("row", ["本年新收", "1", "0", "7", "0", "1", "0", "9"]),
        ("row", ["上年结转", "4", "1", "0", "0", "0", "2", "7"]),
        ("para", "本年度未发出收费通知，未收取信息处理费。"),
    ]
    data = scanned_pdf([render_page(rows, cell_pt=30)])
    text = pdf_reader.extract(data, tmp_path / "t3.pdf", use_cache=False).text
    lines = text.splitlines()
    assert "| 本年新收 | 1 | 0 | 7 | 0 | 1 | 0 | 9 |" in lines, text
    assert "| 上年结转 | 4 | 1 | 0 | 0 | 0 | 2 | 7 |" in lines, text


def test_a_ruled_cell_the_detector_missed_is_read_on_its_own():
    """A cell with ink where no text box was found (a thin lone "1" of a scan) is recognised by itself."""
    _engine_installed()
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont
    from tests.ocr_fixtures import font_path

    scale = 2.0
    img = Image.new("L", (1200, 1600), 255)  # a page
    draw = ImageDraw.Draw(img)
    for k in range(4):  # three ruled cells in a row
        draw.line([(100 + 120 * k, 50), (100 + 120 * k, 120)], fill=0, width=2)
    draw.line([(100, 50), (460, 50)], fill=0, width=2)
    draw.line([(100, 120), (460, 120)], fill=0, width=2)
    path, index = font_path()
    draw.text((270, 62), "7", font=ImageFont.truetype(path, 40, index=index), fill=0)
    image = np.asarray(img)
    rules, grid = ocr._image_rules(image, scale, (0.0, 0.0, 600.0, 800.0))
    assert sum(1 for r in rules if r[0]) == 2 and sum(1 for r in rules if not r[0]) == 4
    found = ocr._empty_cells(image, grid, [], scale)  # as if the detector had found nothing
    assert [text for *_box, text in found] == ["7"]
    x0, y0, x1, y1, _ = found[0]
    assert 220 < x0 < x1 < 340 and 50 < y0 < y1 < 120  # placed inside the middle cell


def test_a_failing_engine_is_a_clear_reason_not_a_crash(tmp_path, page_image, monkeypatch):
    _engine_installed()

    def broken(image):
        raise OSError("libGL.so.1: cannot open shared object file")

    monkeypatch.setattr(ocr, "_recognise", broken)
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf([page_image.rotate(180)]))  # bytes no other test has cached
    result = read_document(path, tmp_path)
    assert isinstance(result, Unreadable) and result.reason_key == "pdf_ocr_failed"
    assert "libGL" in result.reason("en") and "OCR" in result.reason("zh")


def test_page_progress_shows_on_the_command_lines_terminal_only(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    terminal = Tty()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "__stderr__", terminal)
    shown = ocr._Stderr()
    shown(1, 3)
    shown.close()
    assert "OCR" in terminal.getvalue() and "1/3" in terminal.getvalue()
    captured = Tty()  # the app puts its own stderr in place: nothing may reach the screen from here
    monkeypatch.setattr(sys, "stderr", captured)
    hidden = ocr._Stderr()
    hidden(1, 3)
    hidden.close()
    assert captured.getvalue() == "" and "2/3" not in terminal.getvalue()
