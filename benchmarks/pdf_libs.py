"""Which PDF library should read reports: pypdf, pypdfium2 or pdfplumber, measured.

Usage: python benchmarks/pdf_libs.py [--repeat 5] [--keep DIR] [PDF ...]

For every PDF (the ones given, by default ``../shared/real/*.pdf`` when that
folder exists, plus PDFs generated here with reportlab) it prints, per library:

* the median wall time of a plain text extraction of the whole file;
* ``rows``: table 三 rows (of 25) whose label and seven numbers stand on one
  line of the output, in order (for the generated files, whose values are
  known; ``?`` for other files);
* ``t3`` / ``t4``: the cells of tables 三 (of 175) and 四 (of 15) that the
  project's own table parser reads from that output (``build_report`` without
  checks, the normal pipeline), and the six canonical sections found.

The line ``shenyue reader`` is the project's own reader (src/shenyue/reading/
pdf.py: positions from the chosen library, its own layout of lines, tables,
columns and page furniture), timed without its cache.

The generated files draw the 2021 format's table 三 like a word processor's
export: ruled cells, labels wrapped over two or three lines with the numbers
centred beside them, the group labels (三、本年度办理结果, （三）不予公开 …) in
merged cells on the left, and table 四 with its two-row header and one row of
15 numbers. ``pdfplumber`` is optional (``pip install -e .[bench]``).
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FONT = "STSong-Light"

# Table 三 of the 2021 format: (group column A, group column B, row label), 25 rows.
T3_LAYOUT = [
    ("", "", "一、本年新收政府信息公开申请数量"),
    ("", "", "二、上年结转政府信息公开申请数量"),
    ("三、本年度办理结果", "", "（一）予以公开"),
    ("三、本年度办理结果", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"),
    ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"),
    ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"),
    ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"),
    ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"),
    ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"),
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"),
    ("三、本年度办理结果", "（五）不予处理", "2.重复申请"),
    ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物"),
    ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (
        "三、本年度办理结果",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("三、本年度办理结果", "（六）其他处理", "3.其他"),
    ("三、本年度办理结果", "", "（七）总计"),
    ("", "", "四、结转下年度继续办理"),
]
T3_HEAD = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T4_HEAD_1 = ["行政复议", "行政诉讼"]
T4_HEAD_2 = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def format_values(seed: int = 0) -> tuple[list[list[int]], list[int]]:
    """Values for table 三 (25 x 7, row totals right) and table 四 (15, group totals right)."""
    rows = []
    for r in range(len(T3_LAYOUT)):
        parts = [((r + 1) * (c + 3) + seed * 7) % (40 if c == 0 else 6) for c in range(6)]
        rows.append([*parts, sum(parts)])
    t4 = []
    for g in range(3):
        parts = [(g * 5 + c * 3 + seed) % 9 for c in range(4)]
        t4 += [*parts, sum(parts)]
    return rows, t4


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(text: str, width: float, size: float) -> list[str]:
    from reportlab.pdfbase import pdfmetrics

    out, cur = [], ""
    for ch in text:
        if cur and pdfmetrics.stringWidth(cur + ch, FONT, size) > width:
            out.append(cur)
            cur = ch
        else:
            cur += ch
    return out + ([cur] if cur else [])


def draw_format_tables(
    c, top: float, t3: list[list[int]], t4: list[int], *, left: float = 60.0, size: float = 8.0
) -> float:
    """Draw tables 三 and 四 of the 2021 format on canvas ``c`` from ``top`` down, ruled, the way
    word processors export them (wrapped labels, numbers centred beside them). Returns the y below."""
    from reportlab.pdfbase import pdfmetrics

    _register()
    line_h = size * 1.35
    wa, wb, wc, wn = 22.0, 52.0, 118.0, 40.0
    xa, xb, xc = left, left + wa, left + wa + wb
    xn = xc + wc
    right = xn + 7 * wn

    def centred_lines(lines: list[str], x0: float, x1: float, y_top: float, y_bot: float) -> None:
        mid = (y_top + y_bot) / 2
        first = mid + (len(lines) - 1) * line_h / 2 - size * 0.35
        for k, ln in enumerate(lines):
            c.drawString(x0 + 3, first - k * line_h, ln)

    c.setFont(FONT, size)
    c.setLineWidth(0.5)
    # Header: two rows, like the format (申请人情况 / 法人或其他组织 over its five columns).
    y = top
    head_h = 3 * line_h + 6
    c.rect(left, y - 2 * head_h, right - left, 2 * head_h)
    centred_lines(
        _wrap("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", wa + wb + wc - 6, size),
        left,
        xn,
        y,
        y - 2 * head_h,
    )
    c.drawString(xn + 3, y - head_h / 2, "申请人情况")
    c.line(xn, y - head_h, right, y - head_h)
    c.drawString(xn + wn + 3, y - head_h - line_h, "法人或其他组织")
    for j, name in enumerate(T3_HEAD):
        x = xn + j * wn
        c.line(x, y, x, y - 2 * head_h) if j == 0 else c.line(
            x, y - head_h - (0 if j in (1, 6) else line_h * 1.4), x, y - 2 * head_h
        )
        centred_lines(_wrap(name, wn - 6, size), x, x + wn, y - head_h - line_h * 1.4, y - 2 * head_h)
    y -= 2 * head_h
    # Body rows: the height of each row is set by its wrapped label.
    heights = []
    for a, b, label in T3_LAYOUT:
        width = (wc if b else wb + wc) if a else wa + wb + wc
        heights.append(max(1, len(_wrap(label, width - 6, size))) * line_h + 6)
    ys = [y]
    for h in heights:
        ys.append(ys[-1] - h)
    # Merged group cells (column A, column B).
    for col, (x0, x1) in ((0, (xa, xb)), (1, (xb, xc))):
        r = 0
        while r < len(T3_LAYOUT):
            name = T3_LAYOUT[r][col]
            r2 = r
            while r2 + 1 < len(T3_LAYOUT) and T3_LAYOUT[r2 + 1][col] == name:
                r2 += 1
            if name and (col == 0 or T3_LAYOUT[r][1]):
                c.rect(x0, ys[r2 + 1], x1 - x0, ys[r] - ys[r2 + 1])
                if col == 0:  # down the narrow column, one character a line
                    centred_lines(list(name), x0 - 1, x1, ys[r], ys[r2 + 1])
                else:
                    centred_lines(_wrap(name, x1 - x0 - 6, size), x0, x1, ys[r], ys[r2 + 1])
            r = r2 + 1
    for r, (a, b, label) in enumerate(T3_LAYOUT):
        x0 = (xc if b else xb) if a else xa
        c.rect(x0, ys[r + 1], right - x0, ys[r] - ys[r + 1])
        centred_lines(_wrap(label, xn - x0 - 6, size), x0, xn, ys[r], ys[r + 1])
        for j, v in enumerate(t3[r]):
            x = xn + j * wn
            c.line(x, ys[r], x, ys[r + 1])
            text = str(v)
            mid = (ys[r] + ys[r + 1]) / 2 - size * 0.35
            c.drawString(x + (wn - pdfmetrics.stringWidth(text, FONT, size)) / 2, mid, text)
    y = ys[-1] - 40
    # Table 四: 行政复议 (5 columns) and 行政诉讼 (未经复议直接起诉 / 复议后起诉, 5 columns each).
    c.setFont(FONT, size + 4)
    c.drawString(left, y, "四、政府信息公开行政复议、行政诉讼情况")
    c.setFont(FONT, size)
    y -= 16
    w4 = (right - left) / 15
    rows_h = [line_h + 6, line_h + 6, 2 * line_h + 6, line_h + 6]
    c.rect(left, y - sum(rows_h), right - left, sum(rows_h))
    c.drawString(left + 5 * w4 / 2 - size, y - line_h, T4_HEAD_1[0])
    c.drawString(left + 5 * w4 + 5 * w4 - size, y - line_h, T4_HEAD_1[1])
    c.line(left + 5 * w4, y, left + 5 * w4, y - sum(rows_h))
    y1 = y - rows_h[0]
    c.line(left + 5 * w4, y1, right, y1)
    c.drawString(left + 5 * w4 + 3, y1 - line_h, "未经复议直接起诉")
    c.drawString(left + 10 * w4 + 3, y1 - line_h, "复议后起诉")
    c.line(left + 10 * w4, y1, left + 10 * w4, y - sum(rows_h))
    y2 = y1 - rows_h[1]
    c.line(left, y2, right, y2)
    for g in range(3):
        for k, name in enumerate(T4_HEAD_2):
            x = left + (g * 5 + k) * w4
            c.line(x, y2, x, y - sum(rows_h))
            centred_lines(_wrap(name, w4 - 6, size), x, x + w4, y2, y2 - rows_h[2])
    y3 = y2 - rows_h[2]
    c.line(left, y3, right, y3)
    for k, v in enumerate(t4):
        x = left + k * w4
        text = str(v)
        c.drawString(x + (w4 - pdfmetrics.stringWidth(text, FONT, size)) / 2, y3 - line_h, text)
    return y3 - rows_h[3]


def build_pdf(path: Path, seed: int = 0) -> tuple[list[list[int]], list[int]]:
    """A short 2021-format report whose tables 三 and 四 are drawn as ruled tables."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _register()
    t3, t4 = format_values(seed)
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)

    def para(y: float, text: str, size: float = 11.0) -> float:
        c.setFont(FONT, size)
        for ln in _wrap(text, width - 150, size):
            c.drawString(72, y, ln)
            y -= size * 1.6
        return y - 4

    y = height - 72
    y = para(y, "某某县人民政府2023年政府信息公开工作年度报告", 14)
    y = para(y, "一、总体情况")
    y = para(y, "2023年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作。")
    y = para(y, "二、主动公开政府信息情况")
    y = para(y, "本年度主动公开政府信息的情况见下表。")
    y = para(y, "三、收到和处理政府信息公开申请情况")
    c.drawCentredString(width / 2, 30, "-1-")
    c.showPage()
    y = draw_format_tables(c, height - 60, t3, t4)
    y = para(y - 20, "五、存在的主要问题及改进情况")
    y = para(y, "主要问题是公开内容不够丰富，下一步将继续改进。")
    y = para(y, "六、其他需要报告的事项")
    y = para(y, "本年度未收取信息处理费。")
    c.drawCentredString(width / 2, 30, "-2-")
    c.showPage()
    c.save()
    return t3, t4


# ---------------------------------------------------------------- the libraries


def text_pypdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def text_pypdfium2(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for page in pdf:
            out.append(page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
        return "\n".join(out)
    finally:
        pdf.close()


def text_pdfplumber(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def text_shenyue(data: bytes):
    """The reader's text with its chrome spans (page numbers), as the scan gets them."""
    from shenyue.reading import pdf as reader

    return reader.extract(data, Path("bench.pdf"), use_cache=False)


LIBS = {"pypdf": text_pypdf, "pypdfium2": text_pypdfium2, "pdfplumber": text_pdfplumber, "shenyue reader": text_shenyue}


def rows_on_one_line(text: str, t3: list[list[int]]) -> int:
    """Table 三 rows whose label start and seven numbers stand on one line, in order."""
    found = 0
    lines = text.splitlines()
    for (a, b, label), values in zip(T3_LAYOUT, t3):
        head = re.sub(r"\s", "", label)[:5]
        want = [str(v) for v in values]
        for ln in lines:
            compact = re.sub(r"\s", "", ln)
            if head in compact and re.findall(r"\d+", ln.split(label[:3])[-1] if label[:3] in ln else ln)[-7:] == want:
                found += 1
                break
    return found


def cells_read(text: str, chrome=()) -> tuple[int, int, int]:
    from shenyue.analysis.scan import build_report
    from shenyue.model.report import SECTION_KEYS, Document

    doc = Document(Path("x.pdf"), "x.pdf", text, "pdf", "", len(text), "pdf", chrome=list(chrome))
    report = build_report(doc, checks=False)
    t3 = report.tables.t3.n_cells if report.tables and report.tables.t3 else 0
    t4 = report.tables.t4.n_cells if report.tables and report.tables.t4 else 0
    sections = len({s.key for s in report.sections if s.key in SECTION_KEYS})
    return t3, t4, sections


def median_time(fn, data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the generated PDFs here")
    args = parser.parse_args()
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SHENYUE_CACHE_DIR"] = str(Path(tmp) / "cache")
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        files: list[tuple[Path, list[list[int]] | None]] = []
        real = args.pdfs or sorted((ROOT.parent / "shared" / "real").glob("*.pdf"))
        files += [(p, None) for p in real]
        for seed in (0, 1):
            path = out / f"generated-format-tables-{seed}.pdf"
            t3, _ = build_pdf(path, seed)
            files.append((path, t3))
        print(f"{'file':34} {'library':15} {'time':>8}  {'rows':>5} {'t3':>7} {'t4':>6} {'sections':>8}")
        for path, t3 in files:
            data = path.read_bytes()
            for name, fn in LIBS.items():
                try:
                    fn(data)
                except ImportError:
                    print(f"{path.name[:34]:34} {name:15} (not installed)")
                    continue
                seconds = median_time(fn, data, args.repeat)
                text, chrome = fn(data), []
                if not isinstance(text, str):
                    text, chrome = text.text, text.chrome
                rows = f"{rows_on_one_line(text, t3)}/25" if t3 is not None else "?"
                c3, c4, sections = cells_read(text, chrome)
                print(
                    f"{path.name[:34]:34} {name:15} {seconds * 1000:6.1f}ms  {rows:>5} {c3:>3}/175 {c4:>2}/15 {sections:>6}/6"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
