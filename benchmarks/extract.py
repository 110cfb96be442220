"""Time .pdf and .docx extraction of a 10-page report, and a reopening from the cache.

Usage: python benchmarks/extract.py [--pages 10] [--repeat 5] [--keep DIR]

Builds, from sample_reports/, a report PDF of --pages pages the way a word
processor lays it out: wrapped paragraphs, a running header and "-N-" page
numbers on every page, table 三 with ruled cells, and a two-column page. It is
drawn twice with reportlab: once with the built-in CID font STSong-Light (not
embedded, Unicode CMap) and, when a CJK TrueType font is installed (WenQuanYi,
Noto CJK, AR PL), once with that font embedded as subsets, like Word's output.
A .docx of the same text with table 三 is built with python-docx.

Prints the median wall time of --repeat extractions without the cache, the
time of a cached reopening, and what the text looks like (chrome spans, table
rows). Target: a 10-page PDF report <= 0.5 s. When pdfminer.six happens to be
importable its plain extract_text on the same files is timed for comparison
(it is not a dependency).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SAMPLES = ROOT / "sample_reports"
TTF_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
    "/usr/share/fonts/truetype/arphic/gbsn00lp.ttf",
]
T3_HEADER = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def table3_rows() -> list[list[str]]:
    """Table 三 labels as the flattened web copy (seed 001) has them, with distinct values."""
    text = (SAMPLES / "xinzhou-changzhengjie-2024.txt").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("三、收到和处理"))
    end = next(i for i, ln in enumerate(lines) if i > start and ln.startswith("四、政府信息公开行政复议"))
    labels = [
        ln
        for ln in lines[start:end]
        if re.match(r"^(一、本年|二、上年|\(|\d\.|四、结转)", ln) and not ln.startswith("(本列")
    ]
    return [[label, *(str((r * 7 + c) % 13) for c in range(7))] for r, label in enumerate(labels)]


def build_pdf(path: Path, pages: int, ttf: str | None) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if ttf:
        font = "BenchTTF"
        pdfmetrics.registerFont(TTFont(font, ttf, subfontIndex=0) if ttf.endswith(".ttc") else TTFont(font, ttf))
    else:
        font = "STSong-Light"
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    left, right, top, bottom = 72, width - 72, height - 80, 80
    c = canvas.Canvas(str(path), pagesize=A4)
    paras: list[str] = []
    for name in ("zhongshan-city-2021.txt", "zhongshan-xiqu-2024.txt", "xinzhou-changzhengjie-2024.txt"):
        paras += [ln.strip() for ln in (SAMPLES / name).read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 8]

    def wrap(text: str, w: float, size: float) -> list[str]:
        out, cur = [], ""
        for ch in text:
            if pdfmetrics.stringWidth(cur + ch, font, size) > w:
                out.append(cur)
                cur = ch
            else:
                cur += ch
        return out + ([cur] if cur else [])

    queue: list[str] = []
    k = 0

    def next_line(w: float) -> str:
        nonlocal k, queue
        if not queue:
            queue = wrap("\u3000\u3000" + paras[k % len(paras)], w, 12)
            k += 1
        return queue.pop(0)

    for page in range(1, pages + 1):
        c.setFont(font, 9)
        c.drawCentredString(width / 2, height - 40, "某某市人民政府办公室 政府信息公开工作年度报告")
        c.line(left, height - 46, right, height - 46)
        c.drawCentredString(width / 2, 40, f"-{page}-")
        y = top
        if page == 4:
            c.setFont(font, 14)
            c.drawString(left, y, "三、收到和处理政府信息公开申请情况")
            y -= 28
            widths = [140] + [50] * 7
            xs = [left - 20]
            for w in widths:
                xs.append(xs[-1] + w)
            c.setFont(font, 7)
            for r, row in enumerate([T3_HEADER, *table3_rows()]):
                c.line(xs[0], y + 12, xs[-1], y + 12)
                c.drawString(xs[0] + 3, y, row[0][:19])
                for j, cell in enumerate(row[1:], 1):
                    if r == 0:
                        c.drawString(xs[j] + 3, y, cell)
                    else:
                        c.drawRightString(xs[j + 1] - 4, y, cell)
                y -= 18
                if y < bottom:
                    break
            c.line(xs[0], y + 12, xs[-1], y + 12)
        elif page == 7:
            colw = (right - left - 24) / 2
            c.setFont(font, 12)
            for x0 in (left, left + colw + 24):
                y = top
                while y > bottom:
                    c.drawString(x0, y, next_line(colw))
                    y -= 20
        else:
            c.setFont(font, 12)
            while y > bottom:
                c.drawString(left, y, next_line(right - left))
                y -= 20
        c.showPage()
    c.save()


def build_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for name in ("zhongshan-city-2021.txt", "zhongshan-xiqu-2024.txt"):
        for line in (SAMPLES / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                document.add_paragraph(line.strip())
    rows = [T3_HEADER, *table3_rows()]
    table = document.add_table(rows=len(rows), cols=8)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(path)


def timing(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    args = parser.parse_args()

    import os

    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        os.environ["SHENYUE_CACHE_DIR"] = str(Path(tmp) / "cache")
        from shenyue.reading import docx as docx_reader
        from shenyue.reading import pdf as pdf_reader

        files: list[tuple[str, Path]] = []
        cid = out / f"report-{args.pages}p-cid.pdf"
        build_pdf(cid, args.pages, None)
        files.append(("pdf, STSong-Light CID font", cid))
        ttf = next((f for f in TTF_CANDIDATES if Path(f).exists()), None)
        if ttf:
            embedded = out / f"report-{args.pages}p-ttf.pdf"
            build_pdf(embedded, args.pages, ttf)
            files.append((f"pdf, embedded {Path(ttf).name}", embedded))
        else:
            print("(no CJK TrueType font installed: only the CID-font PDF is timed)")
        word = out / "report.docx"
        build_docx(word)
        files.append(("docx", word))

        try:
            from pdfminer.high_level import extract_text as pdfminer_text
        except ImportError:
            pdfminer_text = None

        print(f"{'file':40} {'size':>8} {'extract':>9} {'cached':>8}  result")
        for label, path in files:
            data = path.read_bytes()
            reader = pdf_reader if path.suffix == ".pdf" else docx_reader
            cold = timing(lambda: reader.extract(data, path, use_cache=False), args.repeat)
            result = reader.extract(data, path)  # stores the cache entry
            warm = timing(lambda: reader.extract(data, path), args.repeat)
            kinds = {}
            for s in result.chrome:
                kinds[s.kind] = kinds.get(s.kind, 0) + 1
            rows = sum(result.text[s.start : s.end].count("\n") + 1 for s in result.tables)
            print(
                f"{label:40} {len(data) // 1024:>6}KB {cold:>8.3f}s {warm:>7.3f}s  "
                f"{result.pages or '-'} pages, {len(result.text)} chars, chrome {kinds}, {len(result.tables)} table(s) / {rows} rows"
            )
            if pdfminer_text is not None and path.suffix == ".pdf":
                import io

                other = timing(lambda: pdfminer_text(io.BytesIO(data)), max(1, args.repeat // 2))
                print(f"{'  pdfminer.six extract_text (comparison)':40} {'':>8} {other:>8.3f}s")
        print("target: 10-page PDF <= 0.5 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
