"""Builders of hostile report files for the reading-layer adversarial tests.

Every builder returns bytes made in memory (a few KB to a few MB); nothing
large is kept in the repository.
"""

from __future__ import annotations

import io
import zipfile

BODY = "一、总体情况\n本机关认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息。\n"


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file from numbered object bodies (object k is objects[k-1]), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def fanout_pdf(levels: int = 12, fanout: int = 10, cjk_font: bool = False) -> bytes:
    """A page drawing form X1 ``fanout`` times, X1 drawing X2 ``fanout`` times, …:
    fanout**levels text shows from a file of a few KB. With ``cjk_font`` the
    text is one CJK character in a font that is not embedded (the kind of
    string PDFium leaves out, so the page goes to the pypdf fallback)."""
    # 1 catalog, 2 pages, 3 page, 4 font, 5 page content, 6.. forms
    first_form = 6
    forms = []
    for i in range(levels):
        name = b"/X%d" % (i + 1)
        if i + 1 < levels:
            draws = b" ".join([b"q 1 0 0 1 0.1 0 cm /X%d Do Q" % (i + 2)] * fanout)
            res = b"/Resources << /XObject << /X%d %d 0 R >> /Font << /F1 4 0 R >> >>" % (i + 2, first_form + i + 1)
        else:
            text = b"<4E00>" if cjk_font else b"(A)"
            draws = b"BT /F1 12 Tf 72 700 Td " + text + b" Tj ET"
            res = b"/Resources << /Font << /F1 4 0 R >> >>"
        forms.append(_stream(draws, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + res))
        del name
    page_content = (
        b" ".join([b"q /X1 Do Q"] * fanout)
        + b" BT /F1 12 Tf 72 720 Td "
        + (b"<4E00>" if cjk_font else b"(B)")
        + b" Tj ET"
    )
    if cjk_font:
        font = (
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>] >>"
        )
    else:
        font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /X1 %d 0 R >> >> >>" % first_form,
        font,
        _stream(page_content),
        *forms,
    ]
    return _pdf(objects)


def docx(document_xml: str, numbering_xml: str | None = None) -> bytes:
    """A minimal .docx with the given ``word/document.xml`` (and numbering part)."""
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        + (
            '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
            if numbering_xml
            else ""
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    doc_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + (
            '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
            if numbering_xml
            else ""
        )
        + "</Relationships>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/_rels/document.xml.rels", doc_rels)
        z.writestr("word/document.xml", document_xml)
        if numbering_xml:
            z.writestr("word/numbering.xml", numbering_xml)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _body(inner: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{inner}</w:body></w:document>'


def _para(text: str, ppr: str = "") -> str:
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def docx_grid_before(value: int = 30_000_000) -> bytes:
    """A table row that claims ``value`` empty grid cells before its first cell."""
    row = (
        f'<w:tr><w:trPr><w:gridBefore w:val="{value}"/></w:trPr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>'
    )
    return docx(_body(_para("一、总体情况") + "<w:tbl>" + row * 3 + "</w:tbl>" + _para(BODY)))


def docx_grid_span(value: int = 30_000_000) -> bytes:
    cell = f'<w:tc><w:tcPr><w:gridSpan w:val="{value}"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    return docx(_body(_para("一、总体情况") + "<w:tbl><w:tr>" + cell * 3 + "</w:tr></w:tbl>" + _para(BODY)))


def docx_numbering_start(value: int = 2_000_000_000, fmt: str = "chineseCounting") -> bytes:
    """A numbered list whose first number is ``value`` (2e9 in words is a very long string in some formats)."""
    numbering = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>'
        f'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="{value}"/><w:numFmt w:val="{fmt}"/>'
        '<w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    ppr = '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    return docx(_body("".join(_para("总体情况", ppr) for _ in range(50)) + _para(BODY)), numbering)


def docx_many_paragraphs(count: int = 2_700_000) -> bytes:
    """Millions of one-character paragraphs: a few hundred KB compressed, ~100 MB of XML."""
    return docx(_body(_para("字") * count))


def mhtml_many_params(count: int = 200_000) -> bytes:
    params = "".join(f'; p{i}="v"' for i in range(count))
    return (
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related; boundary="B"{params}\r\n\r\n'
        "--B\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        f"<html><body><p>{BODY}</p></body></html>\r\n--B--\r\n"
    ).encode()


def html_unterminated_comment(mb: int = 19) -> bytes:
    return ("<html><head><title>报告</title></head><body><p>" + BODY + "</p><!--").encode() + b"x" * (mb << 20)


def html_bogus_charset(charset: str = "x-no-such-charset") -> bytes:
    """A GBK page whose ``<meta charset>`` names no text encoding (so only detection reads it)."""
    return f'<html><head><meta charset="{charset}"></head><body><p>{BODY * 3}</p></body></html>'.encode("gbk")


def mhtml_bogus_charset(charset: str = "x-no-such-charset") -> bytes:
    page = f"<html><body><p>{BODY * 3}</p></body></html>".encode("gbk")
    return (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/html; charset="
        + charset.encode()
        + b"\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        + page
        + b"\r\n--B--\r\n"
    )


def docx_long_text(paragraphs: int = 60_000) -> bytes:
    """A plain document of many ordinary paragraphs (about 10 characters each)."""
    return docx(_body(_para("一、总体情况") + _para("正文。第一段内容如下。") * paragraphs))


def html_long_text(paragraphs: int = 60_000) -> bytes:
    return ("<html><body>" + "<p>正文。第一段内容如下。</p>" * paragraphs + "</body></html>").encode("utf-8")


def docx_deep(depth: int = 20_000) -> bytes:
    """Content controls nested ``depth`` deep around one paragraph."""
    inner = "<w:sdt><w:sdtContent>" * depth + _para(BODY) + "</w:sdtContent></w:sdt>" * depth
    return docx(_body(_para("一、总体情况") + inner))


def docx_with_symbol(code: str = "D800") -> bytes:
    """A paragraph with a ``w:sym`` of the given hex code among ordinary text."""
    sym = f'<w:p><w:r><w:t>前</w:t></w:r><w:r><w:sym w:font="Wingdings" w:char="{code}"/></w:r><w:r><w:t>后</w:t></w:r></w:p>'
    return docx(_body(_para("一、总体情况") + sym + _para(BODY)))


def deep_html(depth: int = 200_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + BODY + "</div>" * depth + "</body></html>").encode()


def pdf_with_surrogate() -> bytes:
    """A one-page PDF whose font maps "A" to a lone surrogate (U+D800) and "B" to 一, "C" to 二 (ToUnicode)."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Broken def "
        b"1 begincodespacerange <00> <FF> endcodespacerange "
        b"3 beginbfchar <41> <D800> <42> <4E00> <43> <4E8C> endbfchar endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    content = b"BT /F1 12 Tf 72 700 Td (" + b"BC" * 20 + b"A" + b"BC" * 20 + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        _stream(content),
        _stream(cmap),
    ]
    return _pdf(objects)


def pdf_long_text(pages: int = 4, lines: int = 60, chars: int = 90) -> bytes:
    """An ordinary PDF of dense Latin text: ``pages * lines * chars`` characters."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for _ in range(pages):
        for k in range(lines):
            c.setFont("Helvetica", 6)
            c.drawString(20, 800 - k * 12, ("report text " * chars)[:chars])
        c.showPage()
    c.save()
    return buf.getvalue()
