"""Reading PDF reports: reading order, page furniture, tables, bad files.

The PDFs are drawn in tmp_path with reportlab and its built-in Chinese font
STSong-Light from the sample reports: wrapped paragraphs, a running header and
"-N-" page numbers on every page, table 三 with ruled cells, a two-column page,
a scan without text, encrypted and damaged files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from shenyue.analysis.scan import build_report
from shenyue.model.report import Document, Unreadable
from shenyue.reading import pdf as pdf_reader
from shenyue.reading import read_document
from shenyue.reading.base import ReadError

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
W, H = A4
LEFT, RIGHT, TOP, BOTTOM = 72.0, W - 72.0, H - 80.0, 80.0
SIZE, LEAD = 12.0, 20.0
HEADER = "某某市人民政府办公室 政府信息公开工作年度报告"


class Pages:
    """A tiny page writer: wrapped paragraphs, running header and page numbers."""

    def __init__(self, path: Path, *, header: str | None = HEADER, number: str = "-{n}-", **kw):
        self.c = canvas.Canvas(str(path), pagesize=A4, **kw)
        self.header, self.number = header, number
        self.n = 0
        self.y = 0.0
        self.new_page()

    def furniture(self) -> None:
        self.c.setFont(FONT, 9)
        if self.header:
            self.c.drawCentredString(W / 2, H - 40, self.header)
        if self.number:
            self.c.drawCentredString(W / 2, 40, self.number.format(n=self.n))

    def new_page(self) -> None:
        if self.n:
            self.c.showPage()
        self.n += 1
        self.furniture()
        self.y = TOP

    def wrap(self, text: str, width: float, size: float = SIZE) -> list[str]:
        lines, cur = [], ""
        for ch in text:
            if pdfmetrics.stringWidth(cur + ch, FONT, size) > width:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        return lines + ([cur] if cur else [])

    def paragraph(self, text: str, size: float = SIZE) -> None:
        self.c.setFont(FONT, size)
        for line in self.wrap(text, RIGHT - LEFT, size):
            if self.y < BOTTOM:
                self.new_page()
                self.c.setFont(FONT, size)
            self.c.drawString(LEFT, self.y, line)
            self.y -= LEAD

    def table(
        self, rows: list[list[str]], widths: list[float], size: float = 9.0, label_chars: int | None = None
    ) -> None:
        """Ruled table; first column left-aligned (wrapped at label_chars), numbers right-aligned."""
        self.c.setFont(FONT, size)
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        for row in rows:
            label_lines = (
                [row[0]]
                if label_chars is None
                else [row[0][i : i + label_chars] for i in range(0, len(row[0]), label_chars)]
            )
            height = 8 + 12 * len(label_lines)
            if self.y - height < BOTTOM:
                self.new_page()
                self.c.setFont(FONT, size)
            top = self.y
            self.c.line(xs[0], top, xs[-1], top)
            for k, part in enumerate(label_lines):
                self.c.drawString(xs[0] + 4, top - 12 - 12 * k, part)
            mid = top - height / 2 - 3
            for j, cell in enumerate(row[1:], 1):
                if re.fullmatch(r"\d+", cell):
                    self.c.drawRightString(xs[j + 1] - 4, mid, cell)
                else:
                    self.c.drawString(xs[j] + 4, mid, cell)
            for x in xs:
                self.c.line(x, top, x, top - height)
            self.y = top - height
        self.c.line(xs[0], self.y, xs[-1], self.y)
        self.y -= LEAD

    def two_columns(self, paragraphs: list[str], gutter: float = 24.0) -> None:
        width = (RIGHT - LEFT - gutter) / 2
        lines = [ln for p in paragraphs for ln in self.wrap(p, width)]
        per_column = int((self.y - BOTTOM) / LEAD) + 1
        self.c.setFont(FONT, SIZE)
        for k, line in enumerate(lines[: 2 * per_column]):
            x = LEFT if k < per_column else LEFT + width + gutter
            self.c.drawString(x, self.y - (k % per_column) * LEAD, line)
        self.y = BOTTOM - 1

    def save(self) -> None:
        self.c.save()


def report_pdf(text: str, path: Path, **kw) -> Path:
    pages = Pages(path, **kw)
    for line in text.splitlines():
        if line.strip():
            pages.paragraph(line.strip())
    pages.save()
    return path


def extract(path: Path, **kw):
    return pdf_reader.extract(path.read_bytes(), path, use_cache=False, **kw)


def body_text(result) -> str:
    """The extracted text without page furniture."""
    out, pos = [], 0
    for span in sorted(result.chrome, key=lambda s: s.start):
        out.append(result.text[pos : span.start])
        pos = span.end
    out.append(result.text[pos:])
    return "".join(out)


def nonblank_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def doc_of(path: Path) -> Document:
    result = read_document(path, path.parent)
    assert not isinstance(result, Unreadable), result.reason("en")
    return result


# ---------------------------------------------------------------- reading order and furniture


def test_wrapped_paragraphs_read_back_as_the_sample_and_furniture_is_chrome(tmp_path, sample_text):
    text = sample_text("zhongshan")
    result = extract(report_pdf(text, tmp_path / "r.pdf"))
    assert result.encoding == "pdf"
    assert result.pages >= 3
    # Every paragraph comes back whole: wrapped lines and page breaks do not cut it.
    assert nonblank_lines(body_text(result)) == nonblank_lines(text)
    kinds = [s.kind for s in result.chrome]
    assert kinds.count("page-number") == result.pages
    assert kinds.count("page-header") == result.pages
    numbers = [result.text[s.start : s.end] for s in result.chrome if s.kind == "page-number"]
    assert numbers == [f"-{n}-" for n in range(1, result.pages + 1)]
    assert all(result.text[s.start : s.end] == HEADER for s in result.chrome if s.kind == "page-header")


def test_pdf_gives_the_same_sections_and_findings_as_the_txt(tmp_path, sample_text):
    text = sample_text("zhongshan")
    txt = tmp_path / "r.txt"
    txt.write_text(text, encoding="utf-8")
    from_txt = build_report(doc_of(txt))
    from_pdf = build_report(doc_of(report_pdf(text, tmp_path / "r.pdf")))
    assert [(s.key, s.title, s.empty) for s in from_pdf.sections] == [
        (s.key, s.title, s.empty) for s in from_txt.sections
    ]
    assert len(from_pdf.sections) == 6
    for a, b in zip(from_pdf.sections, from_txt.sections):
        assert nonblank_lines(body_text_of(from_pdf, a)) == nonblank_lines(from_txt.text[b.start : b.end])
    assert sorted((f.check, f.severity, f.section) for f in from_pdf.findings) == sorted(
        (f.check, f.severity, f.section) for f in from_txt.findings
    )


def body_text_of(report, section) -> str:
    text = report.text
    keep = []
    for i in range(section.start, section.end):
        if not any(c.start <= i < c.end for c in report.doc.chrome):
            keep.append(text[i])
    return "".join(keep)


def test_other_page_number_styles_are_chrome(tmp_path, sample_text):
    text = sample_text("xiqu")
    result = extract(report_pdf(text, tmp_path / "r.pdf", header=None, number="第 {n} 页"))
    numbers = [result.text[s.start : s.end] for s in result.chrome if s.kind == "page-number"]
    assert numbers == [f"第 {n} 页" for n in range(1, result.pages + 1)]
    assert nonblank_lines(body_text(result)) == nonblank_lines(text)


def test_two_column_page_is_read_column_by_column(tmp_path, sample_text):
    paragraphs = nonblank_lines(sample_text("zhongshan"))[1:4]
    path = tmp_path / "cols.pdf"
    pages = Pages(path)
    pages.paragraph("一、总体情况")
    pages.two_columns(paragraphs)
    pages.save()
    result = extract(path)
    body = "".join(body_text(result).split())
    flowing = "".join("".join(paragraphs).split())
    # The columns are not interleaved line by line: the text on the page is the
    # paragraphs' text in order (as far as the page holds it).
    shown = body[body.index("一、总体情况") + len("一、总体情况") :]
    assert len(shown) > 400
    assert flowing.startswith(shown)


def test_table_rows_stay_on_one_line(tmp_path, sample_text):
    text = sample_text("changzheng")
    labels = [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "(一)予以公开",
        "(二)部分公开",
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "(七)总计",
        "四、结转下年度继续办理",
    ]
    rows = [[label, *(str(r * 10 + c) for c in range(7))] for r, label in enumerate(labels)]
    header = ["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    path = tmp_path / "t.pdf"
    pages = Pages(path)
    pages.paragraph(nonblank_lines(text)[5])
    pages.paragraph("三、收到和处理政府信息公开申请情况")
    pages.table([header, *rows], [130] + [51] * 7, size=7)
    pages.paragraph("四、政府信息公开行政复议、行政诉讼情况")
    pages.save()
    result = extract(path)
    assert len(result.tables) == 1
    block = result.text[result.tables[0].start : result.tables[0].end].splitlines()
    assert block[0] == "| " + " | ".join(header) + " |"
    for row in rows:
        assert "| " + " | ".join(row) + " |" in block
    assert len(block) == len(rows) + 1
    after = result.text[result.tables[0].end :]
    assert nonblank_lines(after)[0] == "四、政府信息公开行政复议、行政诉讼情况"


def test_a_row_label_wrapped_over_two_lines_stays_in_its_row(tmp_path):
    label = "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"
    rows = [["(一)予以公开", "1", "2", "3"], [label, "4", "5", "6"], ["(三)不予公开", "7", "8", "9"]]
    path = tmp_path / "wrap.pdf"
    pages = Pages(path)
    pages.paragraph("三、收到和处理政府信息公开申请情况")
    pages.table(rows, [200, 60, 60, 60], size=9, label_chars=14)
    pages.save()
    block = extract(path).text.splitlines()
    assert f"| {label} | 4 | 5 | 6 |" in block
    assert "| (一)予以公开 | 1 | 2 | 3 |" in block
    assert "| (三)不予公开 | 7 | 8 | 9 |" in block


def test_kangxi_radicals_from_pdf_fonts_read_as_ordinary_characters():
    # Some producers map 文 to the Kangxi radical ⽂ (U+2F42): same glyph, never matches.
    assert pdf_reader._clean("政府信息公开⼯作年度报告⽂件") == "政府信息公开工作年度报告文件"


# ---------------------------------------------------------------- bad files


def test_a_scan_without_text_layer_is_reported_not_read_as_empty(tmp_path):
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.rect(72, 72, 400, 600, fill=1)  # the "image" of a page
        c.showPage()
    c.save()
    result = read_document(path, tmp_path)
    assert isinstance(result, Unreadable)
    assert result.reason_key == "pdf_no_text_layer"
    assert "OCR" in result.reason("en") and "OCR" in result.reason("zh")


def test_a_page_number_alone_is_still_no_text_layer(tmp_path):
    path = tmp_path / "scan-numbered.pdf"
    pages = Pages(path, header=None)
    pages.new_page()
    pages.save()
    with pytest.raises(ReadError) as err:
        extract(path)
    assert err.value.reason_key == "pdf_no_text_layer"


def test_password_protected_pdf_is_reported(tmp_path, sample_text):
    path = report_pdf(sample_text("xiqu"), tmp_path / "locked.pdf", encrypt="secret-user")
    result = read_document(path, tmp_path)
    assert isinstance(result, Unreadable) and result.reason_key == "pdf_encrypted"


def test_owner_password_only_pdf_opens(tmp_path, sample_text):
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("", ownerPassword="owner", canCopy=0, canPrint=0)
    path = report_pdf(sample_text("xiqu"), tmp_path / "restricted.pdf", encrypt=enc)
    assert nonblank_lines(body_text(extract(path))) == nonblank_lines(sample_text("xiqu"))


def test_page_limit_is_configurable_and_checked_on_cached_results(tmp_path, sample_text):
    path = report_pdf(sample_text("zhongshan"), tmp_path / "r.pdf")
    data = path.read_bytes()
    pages = pdf_reader.extract(data, path).pages  # now cached
    assert pages >= 3
    with pytest.raises(ReadError) as err:
        pdf_reader.extract(data, path, max_pages=pages - 1)
    assert err.value.reason_key == "too_many_pages"
    assert err.value.params == {"pages": pages, "limit": pages - 1}
    assert pdf_reader.extract(data, path, max_pages=pages).pages == pages


def test_cache_serves_reopening_and_survives_a_corrupt_entry(tmp_path, sample_text, monkeypatch):
    from shenyue.paths import cache_dir

    path = report_pdf(sample_text("xiqu"), tmp_path / "r.pdf")
    data = path.read_bytes()
    first = pdf_reader.extract(data, path)
    calls = []
    real = pdf_reader._extract
    monkeypatch.setattr(pdf_reader, "_extract", lambda d, limit: calls.append(1) or real(d, limit))
    again = pdf_reader.extract(data, path)
    assert calls == [] and again.text == first.text and again.chrome == first.chrome
    for entry in (cache_dir() / "extracted").glob("*.pdf.*.json"):
        entry.write_text('{"sha256": "x", "text": "forged"}', encoding="utf-8")
    rebuilt = pdf_reader.extract(data, path)
    assert calls == [1] and rebuilt.text == first.text


def test_damaged_and_mislabelled_files_get_plain_reasons(tmp_path, sample_text):
    good = report_pdf(sample_text("xiqu"), tmp_path / "good.pdf").read_bytes()
    cases = {
        "garbage.pdf": (b"%PDF-1.4\n" + b"\x00garbage" * 50, {"corrupt_container", "pdf_no_text_layer"}),
        "not-a-pdf.pdf": (b"hello, this is not a pdf", {"corrupt_container"}),
        "word.pdf": (b"PK\x03\x04" + b"\x00" * 100, {"wrong_extension"}),
        "truncated.pdf": (good[: len(good) // 3], {"corrupt_container", "pdf_no_text_layer"}),
        "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, {"unsupported_doc"}),
        "report.wps": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600, {"unsupported_doc"}),
        "web.doc": (b"<html><body>x</body></html>", {"wrong_extension"}),
    }
    for name, (data, expected) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = read_document(tmp_path / name, tmp_path)
        assert isinstance(result, Unreadable), name
        assert result.reason_key in expected, (name, result.reason_key, result.params)
        message = result.reason("zh")
        assert "{" not in message and not message.startswith("unreadable.")
    doc = read_document(tmp_path / "old.doc", tmp_path)
    assert ".docx" in doc.reason("en")


# ---------------------------------------------------------------- table cells, as the table parser reads them


def test_table3_cells_from_pdf_match_the_txt(tmp_path, sample_text):
    """Table 三 of seed 001 drawn as a ruled PDF table reads into the same 175 cells as the .txt."""
    from shenyue.model.tables import parse_tables, t3_rows

    text = sample_text("changzheng")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("三、收到和处理"))
    end = next(i for i, ln in enumerate(lines) if i > start and ln.startswith("四、政府信息公开行政复议"))
    labels = [
        ln
        for ln in lines[start + 1 : end]
        if re.match(r"^(一、本年|二、上年|三、本年度|\(|\d\.|四、结转)", ln) and not ln.startswith("(本列")
    ]
    values = {row: [str((r * 7 + c) % 11) for c in range(7)] for r, row in enumerate(t3_rows("2021"))}
    data_labels = [
        lb for lb in labels if not lb.startswith(("三、本年度", "(三)不予", "(四)无法", "(五)不予", "(六)其他"))
    ]
    assert len(data_labels) == 25
    rows = []
    for label in labels:
        if label in data_labels:
            rows.append([label, *values[t3_rows("2021")[data_labels.index(label)]]])
        else:
            rows.append([label, "", "", "", "", "", "", ""])
    header = ["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    path = tmp_path / "t3.pdf"
    pages = Pages(path)
    pages.paragraph("三、收到和处理政府信息公开申请情况")
    pages.table([header, *rows], [130] + [51] * 7, size=7, label_chars=17)
    pages.paragraph("四、政府信息公开行政复议、行政诉讼情况")
    pages.save()
    result = extract(path)
    tables = parse_tables(result.text, ignore=result.chrome)
    assert tables.t3 is not None
    got = {cid: cell.value for cid, cell in tables.t3.cells.items()}
    expected = {
        f"t3.{row}.{col}": int(v)
        for row, vals in values.items()
        for col, v in zip(("np", "biz", "res", "ngo", "law", "oth", "tot"), vals)
    }
    assert got == expected


def test_margins_of_damaged_line_places_give_edges_not_a_crash():
    """A damaged PDF's lines may have no real place (NaN) or end where they start: the text's edges are
    still found (a fuzzed file once made this an IndexError the reader showed as its reason)."""
    from shenyue.reading.pdf_layout import _margins
    from shenyue.reading.pdf_lines import _Line, _Seg

    def line(x0, x1):
        return _Line(y=700.0, h=10.0, segs=[_Seg(x0, x1, "政务公开")])

    nan = float("nan")
    assert _margins([line(72.0, 520.0), line(nan, nan), line(72.0, 300.0)]) == (72.0, 520.0)
    assert _margins([line(nan, 80.0), line(72.0, nan)]) == (0.0, 0.0)
    assert _margins([line(90.0, 60.0), line(90.0, 60.0)]) == (90.0, 60.0)  # ends before it starts
    assert _margins([line(72.0, 72.0)]) == (72.0, 72.0)
