"""Which OCR engine reads scanned Chinese report pages best on this machine.

Pages of an annual report are drawn with a CJK font (tests/ocr_fixtures.py),
wrapped into an image-only PDF, rendered back with PDFium at the scale the
reader uses (reading/ocr.py), and recognised by each engine. Accuracy is
rapidfuzz's normalised edit-distance ratio of the recognised characters
against the known text (whitespace and table bars left out on both sides, as
they are layout, not text); speed is seconds per page (median of the runs,
after one warm-up run that loads the models).

    python benchmarks/ocr.py [--runs 3] [--engines rapidocr,tesseract]

Needs ``pip install -e ".[test,ocr]"``; Tesseract needs the system packages
``tesseract-ocr tesseract-ocr-chi-sim`` and ``pip install pytesseract``.

Measured on this machine (2 cores shared with other jobs, so wall times vary
by 2x between runs: "min s" is the least disturbed run, "cpu s" the CPU time of
all threads), 2026-11-28, `python benchmarks/ocr.py --runs 3`
(rapidocr-onnxruntime 1.4.4 with onnxruntime 1.32, thresholds as in
reading/ocr.py; Tesseract 5.3.0 with Debian's chi_sim via pytesseract 0.3.13),
one A4 page of a report (title, six sections, a ruled table), rendered at
2.38x (1415 x 2000 px):

    quiet run (median s/page)      loaded run (min s, median s, cpu s)
    rapidocr   clean 100.0%  1.85    5.70  5.82  3.96
    rapidocr   noisy  99.8%  1.77    2.05  4.12  3.66
    tesseract  clean  90.2%  4.00    4.88  8.24  4.03
    tesseract  noisy  90.0%  4.99    4.74  5.27  4.12

RapidOCR is chosen: it reads the page as written, tables included. Tesseract
reads the prose well but wrecks the ruled table ("[itX作 jl B pm" for its
rows) and the heading under it ("聚 收到和处理政府信息公 \开申请情况"), and the
tables are what the checks need. RapidOCR is also one pip install with its
models inside the wheel (nothing downloaded at run time: checked with the
network cut off), where Tesseract needs system packages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein  # noqa: E402
from tests.ocr_fixtures import page_text, render_page, scanned_pdf  # noqa: E402


def _plain(text: str) -> str:
    return "".join(text.replace("|", " ").split())


def _cpu() -> float:
    """CPU seconds of this process and its children (Tesseract runs as a child)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def rapidocr_engine():
    from rapidocr_onnxruntime import RapidOCR

    from shenyue.reading.ocr import BOX_THRESH, MIN_SCORE

    engine = RapidOCR()

    def run(image) -> str:
        result, _ = engine(image, box_thresh=BOX_THRESH, text_score=MIN_SCORE)  # as reading/ocr.py runs it
        return "\n".join(r[1] for r in result or [])

    return run


def tesseract_engine():
    import pytesseract
    from PIL import Image

    def run(image) -> str:
        return pytesseract.image_to_string(Image.fromarray(image), lang="chi_sim")

    return run


ENGINES = {"rapidocr": rapidocr_engine, "tesseract": tesseract_engine}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engines", default="rapidocr,tesseract")
    args = ap.parse_args()
    import pypdfium2 as pdfium

    from shenyue.reading.ocr import _render_scale

    pages = {"clean": render_page(), "noisy": render_page(noise=True)}
    reference = _plain(page_text())
    images = {}
    for name, img in pages.items():
        pdf = pdfium.PdfDocument(scanned_pdf([img]))
        page = pdf[0]
        w, h = page.get_size()
        images[name] = page.render(scale=_render_scale(w, h), grayscale=True).to_numpy()
        pdf.close()
    print(f"{'engine':<12} {'page':<6} {'accuracy':>9} {'min s':>8} {'median s':>8} {'cpu s':>8}")
    for key in args.engines.split(","):
        try:
            run = ENGINES[key]()
            run(images["clean"])  # warm-up: loads the models
        except Exception as exc:  # an engine that is not installed is reported, not a crash
            print(f"{key:<12} not available: {type(exc).__name__}: {exc}")
            continue
        for name, image in images.items():
            times, cpus, text = [], [], ""
            for _ in range(args.runs):
                t0, c0 = time.perf_counter(), _cpu()
                text = run(image)
                times.append(time.perf_counter() - t0)
                cpus.append(_cpu() - c0)
            accuracy = 100 * Levenshtein.normalized_similarity(_plain(text), reference)
            print(
                f"{key:<12} {name:<6} {accuracy:8.1f}% {min(times):8.2f} {statistics.median(times):8.2f}"
                f" {statistics.median(cpus):8.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
