"""Copy detection sees the same text in every layout a report comes in.

The same report hard-wrapped as pdftotext prints a PDF, re-wrapped at another
width, crawled onto one line, or saved as .docx, .pdf and .html must be seen
as a copy of itself (>= 90 % of its characters), and the statutory wording it
shares with every other report (titles, table labels, the format's notes)
must never count, wherever it stands. Fixtures are generated here.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from shenyue.analysis.scan import scan_folder
from shenyue.analysis.similarity import find_copies

# common characters: random prose over them shares no 10-character run with other prose
POOL = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些"
    "然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公"
)


def prose(seed: int, sentences: int = 24) -> list[str]:
    """Paragraphs of unique pseudo-Chinese prose (clauses, commas, full stops)."""
    rng = random.Random(seed)
    paras, para = [], []
    for i in range(sentences):
        clauses = ["".join(rng.choice(POOL) for _ in range(rng.randint(8, 15))) for _ in range(rng.randint(2, 4))]
        para.append("，".join(clauses) + "。")
        if len(para) >= 4 or i == sentences - 1:
            paras.append("".join(para))
            para = []
    return paras


TITLE = "东城区人民政府2023年政府信息公开工作年度报告"
TABLE3 = [
    ("一、本年新收政府信息公开申请数量", "3000003"),
    ("二、上年结转政府信息公开申请数量", "0000000"),
    ("（一）予以公开", "2000002"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1000001"),
    ("1.属于国家秘密", "0000000"),
    ("2.其他法律行政法规禁止公开", "0000000"),
    ("（七）总计", "3000003"),
    ("四、结转下年度继续办理", "0000000"),
]


def blocks(paras: list[str], title: str = TITLE) -> list[tuple[str, str]]:
    """The report as (kind, text) blocks: title, headings, paragraphs, table rows."""
    out = [("title", title), ("heading", "一、总体情况")]
    out += [("para", p) for p in paras[: len(paras) // 2]]
    out += [
        ("heading", "三、收到和处理政府信息公开申请情况"),
        ("para", "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
    ]
    out += [("row", f"{label}\n{cells}") for label, cells in TABLE3]
    out += [("heading", "五、存在的主要问题及改进情况")]
    out += [("para", p) for p in paras[len(paras) // 2 :]]
    out += [("heading", "六、其他需要报告的事项"), ("para", "本年度未发出收费通知，未收取信息处理费。")]
    return out


def plain(bl: list[tuple[str, str]]) -> str:
    return "\n".join(text for _, text in bl) + "\n"


def wrapped(bl: list[tuple[str, str]], width: int, page_lines: int = 30) -> str:
    """As pdftotext prints a PDF: paragraphs hard-wrapped at ``width``, indented, page numbers between pages."""
    lines: list[str] = []
    for kind, text in bl:
        if kind != "para":
            lines += ["   " + x for x in text.split("\n")]
            continue
        first = True
        rest = text
        while rest:
            take = width - 2 if first else width
            lines.append(("　　" if first else "") + rest[:take])
            rest = rest[take:]
            first = False
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if (i + 1) % page_lines == 0:
            out += ["", " " * 30 + f"-{(i + 1) // page_lines}-", ""]
    return "\n".join(out) + "\n"


def one_line(bl: list[tuple[str, str]]) -> str:
    """As a crawler stores a web page: the whole report on one line, table cells glued to their labels."""
    parts = []
    for _kind, text in bl:
        parts.append(text.replace("\n", "") + (" " if text.endswith("。") else ""))
    return "".join(parts) + "\n"


def share(text: str, spans, paras: list[str]) -> float:
    """Share of the report's own prose (``paras``, found in ``text`` whatever its wrapping) inside shared spans.

    The statutory text around it (title, headings, table rows, notes) is never shared by design.
    """
    hit = bytearray(len(text))
    for s in spans:
        hit[s.start : s.end] = b"\x01" * (s.end - s.start)
    # page numbers between the lines of a paragraph are not part of it
    seen = re.sub(r"(?m)^\s*-\d+-\s*$", lambda m: " " * len(m.group()), text)
    index = [i for i, ch in enumerate(seen) if not ch.isspace()]
    compact = "".join(text[i] for i in index)
    total = found = 0
    for para in paras:
        at = compact.find(para)
        assert at >= 0, para[:20]
        total += len(para)
        found += sum(hit[index[j]] for j in range(at, at + len(para)))
    return found / total


def scan_shares(folder: Path, paras: dict[str, list[str]] | None = None, default: list[str] | None = None):
    """Scan the folder, find copies; the share of each report's prose that is shared."""
    scan = scan_folder(folder, checks=False)
    assert not scan.unreadable, [u.rel for u in scan.unreadable]
    result = find_copies(scan.reports, cache=False)
    shares = {}
    for r in scan.reports:
        own = (paras or {}).get(r.rel, default)
        if own is not None:
            shares[r.rel] = share(r.text, result.spans_of(r.rel), own)
    return result, shares


def statutory_flagged(text: str, spans) -> list[str]:
    """The statutory strings of the fixture that lie (in part) inside a shared span."""
    found = []
    for _, label in [("", TITLE), ("", "总体情况"), ("", "本年新收政府信息公开申请数量"), ("", "勾稽关系"),
                     ("", "予以公开"), ("", "属于国家秘密"), ("", "存在的主要问题及改进情况"), ("", "未收取信息处理费")]:  # fmt: skip
        at = text.find(label)
        while at >= 0:
            if any(s.start < at + len(label) and at < s.end for s in spans):
                found.append(label)
            at = text.find(label, at + 1)
    return found


def test_a_report_and_its_copy_rewrapped_at_another_width_are_copies(tmp_path):
    paras = prose(1)
    bl = blocks(paras)
    (tmp_path / "a.txt").write_text(wrapped(bl, 28), encoding="utf-8")
    (tmp_path / "b.txt").write_text(wrapped(bl, 35, page_lines=22), encoding="utf-8")
    (tmp_path / "c.txt").write_text(plain(blocks(prose(2))), encoding="utf-8")
    result, shares = scan_shares(tmp_path, {"a.txt": paras, "b.txt": paras})
    assert shares["a.txt"] >= 0.9 and shares["b.txt"] >= 0.9, shares
    assert {s.other_report for s in result.spans_of("a.txt")} == {"b.txt"}
    # the unrelated report shares only statutory wording with them: nothing at all
    assert result.spans_of("c.txt") == []
    for rel in ("a.txt", "b.txt"):
        text = (tmp_path / rel).read_text(encoding="utf-8")
        assert statutory_flagged(text, result.spans_of(rel)) == []


def test_hard_wrapped_text_and_its_byte_identical_copy_share_nearly_everything(tmp_path):
    paras = prose(3)
    text = wrapped(blocks(paras), 30)
    assert max(len(x.strip()) for x in text.splitlines() if "、" not in x) <= 32  # every line is short
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "copy of a.txt").write_text(text, encoding="utf-8")
    _, shares = scan_shares(tmp_path, default=paras)
    assert len(shares) == 2 and min(shares.values()) >= 0.9, shares


def test_a_one_line_page_and_the_same_text_in_paragraphs_are_copies(tmp_path):
    paras = prose(4)
    bl = blocks(paras)
    flat = one_line(bl)
    assert flat.count("\n") == 1
    (tmp_path / "page.txt").write_text(flat, encoding="utf-8")
    (tmp_path / "paragraphs.txt").write_text(plain(bl), encoding="utf-8")
    (tmp_path / "other-page.txt").write_text(one_line(blocks(prose(5))), encoding="utf-8")
    result, shares = scan_shares(tmp_path, {"page.txt": paras, "paragraphs.txt": paras})
    assert shares["page.txt"] >= 0.9 and shares["paragraphs.txt"] >= 0.9, shares
    # two one-line pages of different reports: their glued titles, headings and table rows are not copying
    assert result.spans_of("other-page.txt") == []
    assert statutory_flagged(flat, result.spans_of("page.txt")) == []


def _docx(bl: list[tuple[str, str]], path: Path) -> None:
    import docx

    document = docx.Document()
    for kind, text in bl:
        if kind == "row":
            label, cells = text.split("\n")
            document.add_paragraph(f"{label}\t{cells}")
        elif kind in ("title", "heading"):
            document.add_heading(text, level=1 if kind == "title" else 2)
        else:
            document.add_paragraph(text)
    document.save(str(path))


def _pdf(bl: list[tuple[str, str]], path: Path, width: int = 27) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    lines = [x.strip() for x in wrapped(bl, width, page_lines=10**6).splitlines() if x.strip()]
    c = canvas.Canvas(str(path), pagesize=A4)
    per_page = 36
    for page, start in enumerate(range(0, len(lines), per_page), 1):
        c.setFont(font, 12)
        for k, line in enumerate(lines[start : start + per_page]):
            c.drawString(60, A4[1] - 60 - 20 * k, line)
        c.drawString(A4[0] / 2, 30, f"-{page}-")
        c.showPage()
    c.save()


def _html(bl: list[tuple[str, str]], path: Path) -> None:
    body = []
    for kind, text in bl:
        if kind == "title":
            body.append(f"<h1>{text}</h1>")
        elif kind == "heading":
            body.append(f"<h2>{text}</h2>")
        elif kind == "row":
            label, cells = text.split("\n")
            body.append(f"<p>{label} {cells}</p>")
        else:
            body.append(f"<p>{text}</p>")
    path.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>报告</title></head><body>'
        + "\n".join(body)
        + "</body></html>",
        encoding="utf-8",
    )


def test_txt_docx_pdf_and_html_of_one_report_are_copies_of_one_another(tmp_path):
    paras = prose(6)
    bl = blocks(paras)
    (tmp_path / "r.txt").write_text(wrapped(bl, 26), encoding="utf-8")  # the .txt pdftotext wrote
    _docx(bl, tmp_path / "r.docx")
    _pdf(bl, tmp_path / "r.pdf")
    _html(bl, tmp_path / "r.html")
    _html(blocks(prose(7)), tmp_path / "other.html")
    layouts = ("r.txt", "r.docx", "r.pdf", "r.html")
    result, shares = scan_shares(tmp_path, {rel: paras for rel in layouts})
    for rel in ("r.txt", "r.docx", "r.pdf", "r.html"):
        assert shares[rel] >= 0.9, (rel, shares)
        # each is a copy of every other layout, not only of one of them
        sources = {s.other_report for s in result.spans_of(rel)}
        assert sources <= {"r.txt", "r.docx", "r.pdf", "r.html"} - {rel} and sources, (rel, sources)
    assert result.spans_of("other.html") == []


@pytest.mark.parametrize("layout", ["plain", "one_line"])
def test_statutory_sentence_inside_a_long_line_is_not_matched(layout):
    from tests.unit.test_similarity import make_report

    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    law = "坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则"
    texts = []
    for seed in (11, 12, 13):
        a, b = prose(seed, 8)[:2]
        # the statutory wording stands inside a long line of each report's own prose
        line = a[:40] + note + a[40:] + law + "。" + b
        bl = [("title", TITLE), ("heading", "一、总体情况"), ("para", line)] + [("row", f"{x}\n{y}") for x, y in TABLE3]
        texts.append(plain(bl) if layout == "plain" else one_line(bl))
    reports = [make_report(f"r{i}.txt", t) for i, t in enumerate(texts)]
    result = find_copies(reports, cache=False)
    assert len(result) == 0, [(s.report, texts[int(s.report[1])][s.start : s.end]) for s in result.spans()]


def test_a_table_label_word_inside_copied_prose_does_not_split_the_copy():
    from tests.unit.test_similarity import make_report

    a, b = prose(21, 8)[:2], prose(22, 8)[:2]
    copied = "全年办理行政许可事项其他依申请公开事项和行政处罚案件，" + prose(23, 4)[0]
    texts = [plain(blocks([a[0], copied, a[1]])), plain(blocks([b[0], copied, b[1]]))]
    reports = [make_report(f"r{i}.txt", t) for i, t in enumerate(texts)]
    result = find_copies(reports, cache=False)
    (s,) = result.spans_of("r0.txt")
    assert texts[0][s.start : s.end] == copied
