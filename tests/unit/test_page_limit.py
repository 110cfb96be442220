"""The PDF page limit: ``max_pdf_pages`` in the config reaches the reader through the scan."""

from __future__ import annotations

import json
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from shenyue.analysis.scan import scan_folder
from shenyue.cli import main
from shenyue.config import Config, load_config
from shenyue.model.report import Document, Unreadable
from shenyue.paths import config_file
from shenyue.reading import read_document

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def pdf_of(text: str, path: Path, lines_per_page: int = 8) -> int:
    """The report's lines, a few per page; returns the page count."""
    lines = [ln.strip()[:40] for ln in text.splitlines() if ln.strip()]
    c = canvas.Canvas(str(path), pagesize=A4)
    pages = 0
    for start in range(0, len(lines), lines_per_page):
        c.setFont(FONT, 12)
        for k, line in enumerate(lines[start : start + lines_per_page]):
            c.drawString(72, A4[1] - 80 - 24 * k, line)
        c.showPage()
        pages += 1
    c.save()
    return pages


def test_config_max_pdf_pages_defaults_to_200_and_ignores_bad_values(tmp_path):
    assert Config(tmp_path / "c.toml").max_pdf_pages == 200
    for bad in (0, -3, "50", 2.5, True):
        assert Config(tmp_path / "c.toml", {"max_pdf_pages": bad}).max_pdf_pages == 200
    assert Config(tmp_path / "c.toml", {"max_pdf_pages": 12}).max_pdf_pages == 12


def test_read_document_applies_the_page_limit_and_records_pages(tmp_path, sample_text):
    path = tmp_path / "r.pdf"
    pages = pdf_of(sample_text("zhongshan"), path)
    assert pages == 3
    doc = read_document(path, tmp_path, max_pages=3)
    assert isinstance(doc, Document) and doc.pages == 3 and doc.source_format == "pdf"
    refused = read_document(path, tmp_path, max_pages=2)
    assert isinstance(refused, Unreadable) and refused.reason_key == "too_many_pages"
    assert refused.params == {"pages": 3, "limit": 2}
    assert "上限 2 页" in refused.reason("zh") and "limit 2" in refused.reason("en")
    text = tmp_path / "r.txt"
    text.write_text(sample_text("zhongshan"), encoding="utf-8")
    assert read_document(text, tmp_path).pages == 0


def test_scan_folder_passes_the_page_limit(tmp_path, sample_text):
    folder = tmp_path / "reports"
    folder.mkdir()
    pdf_of(sample_text("zhongshan"), folder / "long.pdf")
    (folder / "short.txt").write_text(sample_text("xiqu"), encoding="utf-8")
    result = scan_folder(folder, max_pages=2)
    assert [r.rel for r in result.reports] == ["short.txt"]
    assert [(u.rel, u.reason_key, u.params["limit"]) for u in result.unreadable] == [("long.pdf", "too_many_pages", 2)]
    assert [r.rel for r in scan_folder(folder).reports] == ["long.pdf", "short.txt"]  # default limit 200


def test_shenyue_scan_reports_a_pdf_over_the_configured_limit(tmp_path, sample_text, capsys):
    folder = tmp_path / "reports"
    folder.mkdir()
    pdf_of(sample_text("zhongshan"), folder / "long.pdf")
    cfg = config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("max_pdf_pages = 2\n", encoding="utf-8")
    assert load_config().max_pdf_pages == 2
    assert main(["scan", str(folder), "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unreadable"] == [
        {
            "path": "long.pdf",
            "reason": "the PDF has too many pages (3, limit 2; the limit can be changed in the config)",
        }
    ]
