"""Reading .docx reports: the text a reviewer sees must match what Word shows.

Every document here is built in tmp_path with python-docx from the sample
reports: headings numbered by a Word list style, table 三 as a real Word
table with merged header cells, and broken or hostile files.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from shenyue.analysis.scan import build_report
from shenyue.model.report import Document, Unreadable
from shenyue.reading import docx as docx_reader
from shenyue.reading import (
    docx_package,  # the package limits live here
    read_document,
)
from shenyue.reading.base import ReadError

HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
SUBHEADING = re.compile(r"^\(([一二三四五六七八九十]+)\)(.*)$")


# ---------------------------------------------------------------- builders


def add_chinese_list_styles(document) -> tuple[str, str]:
    """Paragraph styles numbered "一、" (level 1) and "(一)" (level 2) by one Word list."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="77">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:pStyle w:val="ReportH1"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="(%2)"/><w:suff w:val="nothing"/></w:lvl>'
        "</w:abstractNum>"
    )
    numbering.insert(0, abstract)  # abstractNum elements come before num elements
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    h1 = document.styles.add_style("ReportH1", WD_STYLE_TYPE.PARAGRAPH)
    h1.base_style = document.styles["Heading 1"]
    # Level 1 names only the list; Word finds the level through the lvl's pStyle.
    h1.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="77"/></w:numPr>'))
    h2 = document.styles.add_style("ReportH2", WD_STYLE_TYPE.PARAGRAPH)
    h2.base_style = document.styles["Heading 2"]
    h2.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="1"/><w:numId w:val="77"/></w:numPr>')
    )
    return h1.name, h2.name


def numbered_docx(text: str, path: Path) -> Path:
    """The text as a .docx whose 一、 and (一) numbers come from a Word list style, not from the text."""
    document = docx.Document()
    h1, h2 = add_chinese_list_styles(document)
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if m := HEADING.match(line):
            document.add_paragraph(m.group(2), style=h1)
        elif m := SUBHEADING.match(line):
            document.add_paragraph(m.group(2), style=h2)
        else:
            document.add_paragraph(line)
    document.save(path)
    return path


def flattened_table3(text: str) -> tuple[list[str], list[tuple[str, list[str]]], int, int]:
    """Table 三 of a flattened web copy: header labels, rows (label, 7 values), and its line range."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if "三、收到和处理政府信息公开申请情况" in ln)
    end = next(i for i, ln in enumerate(lines) if i > start and "四、政府信息公开行政复议" in ln)
    cells = [ln.strip() for ln in lines[start + 1 : end] if ln.strip()]
    first_row = next(i for i, c in enumerate(cells) if c.startswith("一、本年新收"))
    header = cells[:first_row]
    rows: list[tuple[str, list[str]]] = []
    for cell in cells[first_row:]:
        if re.fullmatch(r"\d+", cell):
            rows[-1][1].append(cell)
        else:
            rows.append((cell, []))
    return header, rows, start, end


def table3_docx(
    text: str, path: Path, values: list[list[str]] | None = None
) -> tuple[Path, list[tuple[str, list[str]]]]:
    """The text as a .docx where table 三 is a Word table laid out like the national format.

    Grid: two label columns and seven value columns. 申请人情况 spans two
    columns and two rows, 法人或其他组织 spans five columns, 三、本年度办理结果
    runs down the first column beside the result rows.
    """
    header, rows, start, end = flattened_table3(text)
    if values is not None:
        rows = [(label, vals if not vals else values[i]) for i, (label, vals) in enumerate(rows)]
    lines = text.splitlines()
    document = docx.Document()
    for line in lines[: start + 1]:
        document.add_paragraph(line.strip())
    note = next((h for h in header if h.startswith("(本列数据")), None)
    if note:
        document.add_paragraph(note)
    table = document.add_table(rows=2, cols=9)
    table.style = document.styles["Table Grid"]
    top, sub = table.rows[0].cells, table.rows[1].cells
    top[0].merge(sub[1]).text = "申请人情况"
    top[2].merge(sub[2]).text = "自然人"
    top[3].merge(top[7]).text = "法人或其他组织"
    top[8].merge(sub[8]).text = "总计"
    for cell, label in zip(sub[3:8], ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        cell.text = label
    group_rows = []
    for label, vals in rows:
        if label.startswith("三、"):  # the group heading beside the result rows
            group_label = label
            continue
        cells = table.add_row().cells
        in_results = label.startswith(("(", "1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."))
        if in_results:
            group_rows.append(cells[0])
            cells[1].text = label
            if not vals:
                cells[1].merge(cells[8])
        else:
            cells[0].merge(cells[1]).text = label
        for cell, value in zip(cells[2:], vals):
            cell.text = value
    merged = group_rows[0].merge(group_rows[-1])
    merged.text = group_label
    for line in lines[end:]:
        document.add_paragraph(line.strip())
    document.save(path)
    return path, rows


def doc_of(path: Path) -> Document:
    result = read_document(path, path.parent)
    assert not isinstance(result, Unreadable), result.reason("en")
    return result


def nonblank_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


# ---------------------------------------------------------------- text content


def test_list_style_numbers_reach_the_text(tmp_path, sample_text):
    text = sample_text("zhongshan")
    result = docx_reader.extract(numbered_docx(text, tmp_path / "r.docx").read_bytes(), tmp_path / "r.docx")
    # Word renders 一、…六、 and (一)… from the list style; the extracted text shows them
    # exactly where the .txt has them, and level 2 restarts under each heading.
    assert nonblank_lines(result.text) == nonblank_lines(text)
    assert result.encoding == "docx"


def test_numbered_docx_gives_the_same_sections_and_findings_as_the_txt(tmp_path, sample_text):
    text = sample_text("zhongshan")
    txt = tmp_path / "r.txt"
    txt.write_text(text, encoding="utf-8")
    from_txt = build_report(doc_of(txt))
    from_docx = build_report(doc_of(numbered_docx(text, tmp_path / "r.docx")))
    assert [(s.key, s.title, s.empty) for s in from_docx.sections] == [
        (s.key, s.title, s.empty) for s in from_txt.sections
    ]
    assert len(from_docx.sections) == 6
    for a, b in zip(from_docx.sections, from_txt.sections):
        assert nonblank_lines(from_docx.text[a.start : a.end]) == nonblank_lines(from_txt.text[b.start : b.end])
    assert sorted((f.check, f.severity, f.section) for f in from_docx.findings) == sorted(
        (f.check, f.severity, f.section) for f in from_txt.findings
    )


def test_table3_becomes_pipe_rows_with_merged_cells_once(tmp_path, sample_text):
    text = sample_text("changzheng")
    distinct = [[str(r * 10 + c) for c in range(7)] for r in range(40)]
    path, rows = table3_docx(text, tmp_path / "t3.docx", values=distinct)
    result = docx_reader.extract(path.read_bytes(), path)
    assert len(result.tables) == 1
    span = result.tables[0]
    block = result.text[span.start : span.end].split("\n")
    assert all(ln.startswith("| ") and ln.endswith(" |") for ln in block)
    # Merged header cells appear once, in their first row.
    assert sum(ln.count("法人或其他组织") for ln in block) == 1
    assert sum(ln.count("申请人情况") for ln in block) == 1
    assert sum(ln.count("三、本年度办理结果") for ln in block) == 1
    assert block[0] == "| 申请人情况 | 自然人 | 法人或其他组织 | 总计 |"
    assert block[1] == "|  |  | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |  |"
    # Every data row is one line: its label, then its seven values in order.
    for label, vals in rows:
        if not vals:
            continue
        line = next(ln for ln in block if f"| {label} |" in ln)
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[-7:] == vals
    assert sum(1 for _, vals in rows if vals) == 25
    # The text around the table is the sample's text, in order.
    before = nonblank_lines(result.text[: span.start])
    assert before[-2].endswith("三、收到和处理政府信息公开申请情况")
    assert nonblank_lines(result.text[span.end :])[0].startswith("四、政府信息公开行政复议")


def test_table3_docx_gives_the_same_sections_as_the_txt(tmp_path, sample_text):
    text = sample_text("changzheng")
    txt = tmp_path / "r.txt"
    txt.write_text(text, encoding="utf-8")
    path, _ = table3_docx(text, tmp_path / "t3.docx")
    from_txt = build_report(doc_of(txt))
    from_docx = build_report(doc_of(path))
    assert [(s.key, s.title.strip(), s.empty) for s in from_docx.sections] == [
        (s.key, s.title.strip(), s.empty) for s in from_txt.sections
    ]
    requests = from_docx.section("requests")
    assert requests is not None
    assert any(t.start >= requests.start and t.end <= requests.end for t in from_docx.doc.tables)


def test_vertically_merged_cell_shows_once_and_rows_keep_their_columns(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "行政复议"
    # Word shows only the first cell of a vertical merge, even when a continuation
    # cell still holds stale text in the file.
    continuation = table.rows[1]._tr.tc_lst[0]
    continuation.append(parse_xml(f"<w:p {nsdecls('w')}><w:r><w:t>旧文字</w:t></w:r></w:p>"))
    for r in range(3):
        table.cell(r, 1).text = f"结果{r}"
        table.cell(r, 2).text = str(r)
    path = tmp_path / "m.docx"
    document.save(path)
    result = docx_reader.extract(path.read_bytes(), path)
    assert result.text.splitlines() == ["| 行政复议 | 结果0 | 0 |", "|  | 结果1 | 1 |", "|  | 结果2 | 2 |"]
    assert result.tables[0].start == 0 and result.tables[0].end == len(result.text.rstrip("\n"))


def test_cell_text_split_over_lines_is_joined_and_pipes_cannot_break_rows(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "商业\n企业"
    table.cell(0, 1).text = "a|b"
    table.cell(0, 2).add_paragraph("Total")
    table.cell(0, 2).add_paragraph("2024")
    path = tmp_path / "c.docx"
    document.save(path)
    line = docx_reader.extract(path.read_bytes(), path).text.splitlines()[0]
    assert line == "| 商业企业 | a｜b | Total 2024 |"


def test_deleted_revisions_hidden_text_and_field_codes_stay_out(tmp_path):
    document = docx.Document()
    p = document.add_paragraph("本年度")
    p._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="x"><w:r><w:delText>删除的字</w:delText></w:r></w:del>')
    )
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="x"><w:r><w:t>新增的字</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:instrText>PAGE</w:instrText></w:r>"))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:t>3</w:t></w:r>"))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    path = tmp_path / "rev.docx"
    document.save(path)
    assert docx_reader.extract(path.read_bytes(), path).text == "本年度新增的字3\n"


@pytest.mark.parametrize(
    ("fmt", "values"),
    [
        ("chineseCounting", {1: "一", 10: "十", 11: "十一", 20: "二十", 23: "二十三", 105: "一百零五"}),
        ("chineseLegalSimplified", {3: "叁", 12: "拾贰"}),
        ("decimalEnclosedCircle", {1: "①", 20: "⑳"}),
        ("upperRoman", {4: "IV", 9: "IX"}),
        ("lowerLetter", {1: "a", 27: "aa"}),
        ("ideographTraditional", {1: "甲", 3: "丙"}),
    ],
)
def test_word_number_formats(fmt, values):
    for n, expected in values.items():
        assert docx_reader.format_number(n, fmt) == expected


# ---------------------------------------------------------------- bad files


def test_a_zip_bomb_is_refused_not_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_package, "MAX_PART_BYTES", 1024 * 1024)
    monkeypatch.setattr(docx_package, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (8 * 1024 * 1024) + b"</w:document>")
    path = tmp_path / "bomb.docx"
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 100_000  # tiny on disk, 8 MB unpacked
    result = read_document(path, tmp_path)
    assert isinstance(result, Unreadable)
    assert result.reason_key == "zip_bomb"
    assert "MB" in result.reason("en")


def test_a_member_lying_about_its_size_is_still_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_package, "MAX_PART_BYTES", 1024 * 1024)
    monkeypatch.setattr(docx_package, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document>" + b" " * (4 * 1024 * 1024) + b"</w:document>")
    data = bytearray(buf.getvalue())
    # Rewrite the declared uncompressed size (local header and central directory) to 100 bytes.
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(sig)
        data[at + offset : at + offset + 4] = (100).to_bytes(4, "little")
    with pytest.raises(ReadError) as err:
        docx_reader.extract(bytes(data), tmp_path / "liar.docx", use_cache=False)
    assert err.value.reason_key in ("zip_bomb", "corrupt_container")


def test_corrupt_and_mislabelled_files_get_plain_reasons(tmp_path):
    good = tmp_path / "good.docx"
    document = docx.Document()
    document.add_paragraph("一、总体情况")
    document.save(good)
    cases = {
        "truncated.docx": good.read_bytes()[: len(good.read_bytes()) // 2],
        "renamed-pdf.docx": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
        "old-word.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "random.docx": b"this is not a word file at all",
        "no-document.docx": _zip({"hello.txt": b"hi"}),
        "bad-xml.docx": _zip({"word/document.xml": b"<w:document><w:body><w:p>"}),
        "entities.docx": _zip({"word/document.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}),
    }
    expected = {
        "truncated.docx": "corrupt_container",
        "renamed-pdf.docx": "wrong_extension",
        "old-word.docx": "unsupported_doc",
        "random.docx": "corrupt_container",
        "no-document.docx": "corrupt_container",
        "bad-xml.docx": "corrupt_container",
        "entities.docx": "corrupt_container",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        result = read_document(tmp_path / name, tmp_path)
        assert isinstance(result, Unreadable), name
        assert result.reason_key == expected[name], (name, result.reason_key, result.params)
        message = result.reason("zh")
        assert "{" not in message and "unreadable." not in message
    renamed = read_document(tmp_path / "renamed-pdf.docx", tmp_path)
    assert "PDF" in renamed.reason("en") and ".docx" in renamed.reason("en")


def test_an_empty_document_is_reported_as_having_no_text(tmp_path):
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    result = read_document(path, tmp_path)
    assert isinstance(result, Unreadable) and result.reason_key == "no_text"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------- cache


def test_reopening_uses_the_cache_and_a_corrupt_entry_is_rebuilt(tmp_path, sample_text, monkeypatch):
    from shenyue.paths import cache_dir

    path = numbered_docx(sample_text("zhongshan"), tmp_path / "r.docx")
    data = path.read_bytes()
    first = docx_reader.extract(data, path)
    entries = list((cache_dir() / "extracted").glob("*.json"))
    assert len(entries) == 1
    calls = []
    real = docx_reader._extract
    monkeypatch.setattr(docx_reader, "_extract", lambda d: calls.append(1) or real(d))
    assert docx_reader.extract(data, path).text == first.text
    assert calls == []  # served from the cache
    entries[0].write_bytes(b'{"text": 5, ')  # damaged on disk
    again = docx_reader.extract(data, path)
    assert calls == [1] and again.text == first.text and again.tables == first.tables
    assert docx_reader.extract(data, path).text == first.text and calls == [1]  # rewritten


# ---------------------------------------------------------------- table cells, as the table parser reads them

T3_COLUMNS = ("np", "biz", "res", "ngo", "law", "oth", "tot")


def t3_values(text: str, chrome=()) -> dict[str, int | float | None]:
    from shenyue.model.tables import parse_tables

    tables = parse_tables(text, ignore=list(chrome))
    assert tables.t3 is not None
    return {cid: cell.value for cid, cell in tables.t3.cells.items()}


def test_table3_cells_from_docx_match_the_txt(tmp_path, sample_text):
    text = sample_text("changzheng")
    path, _ = table3_docx(text, tmp_path / "t3.docx")
    from_txt = t3_values(text)
    from_docx = t3_values(docx_reader.extract(path.read_bytes(), path).text)
    assert len(from_txt) == 175
    assert from_docx == from_txt


def test_table3_docx_values_land_in_their_named_cells(tmp_path, sample_text):
    from shenyue.model.tables import t3_rows

    distinct = [[str(r * 10 + c) for c in range(7)] for r in range(40)]
    path, rows = table3_docx(sample_text("changzheng"), tmp_path / "t3.docx", values=distinct)
    values = t3_values(docx_reader.extract(path.read_bytes(), path).text)
    data_rows = [vals for _, vals in rows if vals]
    for row_id, vals in zip(t3_rows("2021"), data_rows):
        assert [values[f"t3.{row_id}.{col}"] for col in T3_COLUMNS] == [int(v) for v in vals]
