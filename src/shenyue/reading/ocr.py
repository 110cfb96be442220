"""OCR for PDF pages with no usable text (a scan, or a text layer without a Unicode map).

Optional: ``pip install "shenyue[ocr]"`` installs RapidOCR (``rapidocr-onnxruntime``:
the PP-OCRv4 Chinese detection and recognition models as ONNX files inside the
wheel, run by onnxruntime on the CPU, nothing downloaded at run time). Chosen by
``benchmarks/ocr.py`` over Tesseract ``chi_sim`` on rendered Chinese report
pages: 100 % of the characters against 90 % (Tesseract wrecks ruled tables),
about twice as fast per page, and no system package needed.

The PDF reader (``reading/pdf.py``) calls :func:`page_strings` with the pages
whose text it cannot use. Each page is rendered with PDFium and recognised; the
recognised text boxes come back as positioned strings in the page's own
coordinates, so the reader's layout (lines, table rows with their cells apart,
paragraphs, page furniture) treats them as it treats a text layer.

* A scanned ruled table is read cell by cell: its rules are found in the image
  and handed to the reader like a PDF's vector rules; a cell with ink but no
  detected text (a lone "1") is recognised on its own.
* Results are cached per page: file hash + page + engine version + render scale,
  so a scan is recognised once (``<cache>/ocr/``).
* At most ``max_ocr_pages`` pages (config file; default 50) are recognised per
  file: a longer scan is refused with the reason, not read for an hour.
* Without the extra, a file that is mostly scanned pages is listed as unreadable
  with the command that installs it.
* Progress: a callback ``(done, total)`` per page (:func:`set_progress`); by
  default a one-line counter on a terminal's stderr (``shenyue scan`` of a
  few files; not in the app, nor in the worker processes of a big folder).
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, util
from typing import Any

from shenyue.reading.base import ReadError

ENGINE = "rapidocr-onnxruntime"
MODULE = "rapidocr_onnxruntime"
INSTALL = 'pip install "shenyue[ocr]"'
VERSION = 9  # of this module's output: bump when the strings it returns change
DEFAULT_MAX_OCR_PAGES = 50
# Rendered pixels on the longer side of a page: the engine's own limit. More
# (2800) read a scanned table's digits better but broke the detection of long
# text lines (words lost, paragraphs cut): lone digits are re-read cell by cell
# instead (_empty_cells).
MAX_SIDE = 2000
# Lower than the engine's defaults (0.5): a lone digit in a narrow table cell
# ("0", "7") is otherwise dropped; on a scan of a real report's table 三 this
# read 148 of its 155 digits instead of 138.
MIN_SCORE = 0.3  # recognised boxes less sure than this are dropped
BOX_THRESH = 0.3  # detected boxes less sure than this are dropped

Progress = Callable[[int, int], None]
_progress: Progress | None = None
_engine_lock = threading.Lock()


@dataclass(slots=True)
class OcrPage:
    box: tuple[float, float, float, float]  # the page's box the strings are placed in
    strings: list[tuple[float, float, float, float, str]]  # x0, x1, baseline y, height, text
    rotated: bool  # the page is shown turned (its vector rules do not match the strings)
    # Table rules seen in the image: (horizontal, position, start, end) in page points,
    # as the PDF reader's vector rules, so a scanned ruled table is read cell by cell.
    rules: list[tuple[bool, float, float, float]] = field(default_factory=list)


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether the OCR extra is installed (the engine is importable)."""
    if MODULE in sys.modules:
        return sys.modules[MODULE] is not None  # None: an import that is known to fail
    try:
        return util.find_spec(MODULE) is not None
    except (ImportError, ValueError):
        return False


def engine_version() -> str:
    try:
        return f"{ENGINE}-{metadata.version(ENGINE)}-v{VERSION}"
    except metadata.PackageNotFoundError:
        return f"{ENGINE}-unknown-v{VERSION}"


def set_progress(callback: Progress | None) -> None:
    """Report each recognised page as ``callback(done, total)``; None restores the default."""
    global _progress
    _progress = callback


def progress_reporter() -> Progress:
    """What reports OCR progress now: the callback given to :func:`set_progress`, else the terminal line.
    (The guarded reader process forwards its pages here, to the process that asked for the file.)"""
    return _progress or _Stderr()


def max_ocr_pages() -> int:
    """``max_ocr_pages`` from the config file, or the default (a bad value is ignored)."""
    try:
        from shenyue.config import load_config

        value = load_config().data.get("max_ocr_pages", DEFAULT_MAX_OCR_PAGES)
    except Exception:
        return DEFAULT_MAX_OCR_PAGES
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
        return DEFAULT_MAX_OCR_PAGES
    return value


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR  # noqa: PLC0415 (optional extra)

    return RapidOCR()


def _recognise(image: Any) -> list[tuple[float, float, float, float, str]]:
    """Text boxes of one page image as (left, top, right, bottom, text) in pixels."""
    with _engine_lock:  # one engine, not thread-safe; onnxruntime uses the cores itself
        result, _elapse = _engine()(image, box_thresh=BOX_THRESH, text_score=MIN_SCORE)
    out = []
    for box, text, score in result or []:
        if not text or not text.strip() or float(score) < MIN_SCORE:
            continue
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        out.append((min(xs), min(ys), max(xs), max(ys), str(text)))
    return out


def _cache_file(sha256: str, number: int, scale: float):
    from shenyue.paths import cache_dir

    return cache_dir() / "ocr" / f"{sha256}.p{number}.{engine_version()}.s{scale:.3f}.json"


def _load(path: Any) -> dict | None:
    try:
        raw = json.loads(path.read_bytes())
        box = [float(v) for v in raw["box"]]
        strings = [(float(a), float(b), float(c), float(d), str(e)) for a, b, c, d, e in raw["strings"]]
        rules = [(bool(h), float(p), float(a), float(b)) for h, p, a, b in raw["rules"]]
        return {"box": tuple(box), "strings": strings, "rotated": bool(raw["rotated"]), "rules": rules}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(path: Any, page: OcrPage) -> None:
    from shenyue.fsutil import atomic_write_bytes

    payload = {
        "box": list(page.box),
        "strings": [list(s) for s in page.strings],
        "rotated": page.rotated,
        "rules": [list(r) for r in page.rules],
    }
    try:
        atomic_write_bytes(path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written only costs time later


def _render_scale(width: float, height: float) -> float:
    side = max(width, height, 1.0)
    return max(1.0, min(4.0, MAX_SIDE / side))


# A box of one letter that looks like a digit is a table cell's digit misread
# ("0" read as "D"): alone on a Chinese report page, the letter means nothing.
_LONE = {"D": "0", "O": "0", "o": "0", "Q": "0", "Z": "2", "z": "2", "l": "1", "I": "1", "|": "1"}


def _size(x0: float, y0: float, x1: float, y1: float, text: str, scale: float) -> float:
    """The font size of a recognised box, in points.

    A line of Chinese is one em per character (half for digits and Latin
    letters), which the box's width tells better than its height: a bold
    lead-in (（一）主动公开情况。) makes a line's box taller, not wider.
    """
    height = max(1.0, (y1 - y0) / scale * 0.95)
    chars = text.strip()
    full = sum(1 for ch in chars if ord(ch) >= 0x2E80)
    if len(chars) >= 4 and full >= 0.5 * len(chars):
        em = (x1 - x0) / scale / (full + 0.5 * (len(chars) - full))
        return min(max(em, 0.6 * height), 1.4 * height)
    return height


def _strings(boxes: list[tuple[float, float, float, float, str]], scale: float, box: tuple[float, float, float, float]):
    """Pixel boxes as strings placed on the page: x from the left edge, baseline y upwards from the bottom."""
    left, _bottom, _right, top = box
    out = []
    # The detector's box is about one font size high, give or take a few pixels
    # by what the text holds (digits, a bold run): heights near the page's usual
    # one are that one, so the lines of one paragraph are one size for the layout.
    sizes = [_size(x0, y0, x1, y1, text, scale) for x0, y0, x1, y1, text in boxes]
    ordered = sorted(sizes)
    usual = ordered[len(ordered) // 2] if ordered else 0.0
    for (x0, y0, x1, y1, text), h in zip(boxes, sizes, strict=True):
        text = _LONE.get(text.strip(), text)
        if abs(h - usual) <= 0.25 * usual:
            h = usual
        centre = top - (y0 + y1) / 2 / scale
        out.append((left + x0 / scale, left + x1 / scale, centre - 0.35 * h, h, text))
    return out


def page_strings(
    data: bytes, *, empty: list[int], garbled: list[int], total: int, share: str = "100"
) -> dict[int, OcrPage]:
    """The recognised text of pages (0-based) of a PDF of ``total`` pages.

    ``garbled`` pages have a text layer that is not text; ``empty`` pages have
    hardly any text, and are recognised only when an image covers much of them
    (a scan; a short last page of a text report is left alone). Without the
    extra, raises ReadError saying how to install it when at least half the
    pages need OCR (``share``: the garbled characters' share, for the reason),
    else returns nothing (the readable pages are read). More
    pages than ``max_ocr_pages`` raise ReadError.
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        scanned = [n for n in empty if _scanned(pdf, n)]
        numbers = sorted(scanned + garbled)
        if not numbers:
            return {}
        if not available():
            if 2 * len(numbers) >= total:
                if len(garbled) > len(scanned):
                    raise ReadError("pdf_garbled_text", share=share)
                raise ReadError("pdf_scanned_needs_ocr", command=INSTALL)
            return {}
        limit = max_ocr_pages()
        if len(numbers) > limit:
            raise ReadError("pdf_ocr_too_many_pages", pages=len(numbers), limit=limit)
        try:
            return _read(pdf, hashlib.sha256(data).hexdigest(), numbers)
        except ReadError:
            raise
        except Exception as exc:  # a broken install (a missing system library), an engine error
            raise ReadError("pdf_ocr_failed", error=f"{type(exc).__name__}: {exc}"[:300]) from None
    finally:
        pdf.close()


def _scanned(pdf: Any, number: int) -> bool:
    """Whether images cover at least a quarter of the page (a scanned page, or a photo of one)."""
    import pypdfium2.raw as raw

    try:
        page = pdf[number]
    except Exception:
        return False
    try:
        left, bottom, right, top = _box(page)
        area = max(1.0, (right - left) * (top - bottom))
        covered = 0.0
        for k, obj in enumerate(page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=4)):
            if k > 2000:
                break
            x0, y0, x1, y1 = obj.get_bounds()
            covered += max(0.0, min(x1, right) - max(x0, left)) * max(0.0, min(y1, top) - max(y0, bottom))
            if covered >= 0.25 * area:
                return True
        return False
    except Exception:
        return False
    finally:
        page.close()


def _read(pdf: Any, sha: str, numbers: list[int]) -> dict[int, OcrPage]:
    out: dict[int, OcrPage] = {}
    report = _progress or _Stderr()
    try:
        for done, number in enumerate(numbers, 1):
            page = pdf[number]
            try:
                left, bottom, right, top = _box(page)
                rotated = bool(page.get_rotation() % 180)
                width, height = (top - bottom, right - left) if rotated else (right - left, top - bottom)
                box = (left, bottom, left + width, bottom + height)
                scale = _render_scale(width, height)
                path = _cache_file(sha, number, scale)
                hit = _load(path)
                if hit is not None:
                    out[number] = OcrPage(hit["box"], hit["strings"], hit["rotated"], hit["rules"])
                else:
                    image = page.render(scale=scale, grayscale=True).to_numpy()
                    boxes = _recognise(image)
                    rules, grid = _image_rules(image, scale, box)
                    boxes += _empty_cells(image, grid, boxes, scale)
                    ocr_page = OcrPage(box, _strings(boxes, scale, box), rotated, rules)
                    _store(path, ocr_page)
                    out[number] = ocr_page
            finally:
                page.close()
            report(done, len(numbers))
    finally:
        if isinstance(report, _Stderr):
            report.close()
    return out


def _image_rules(
    image: Any, scale: float, box: tuple[float, float, float, float]
) -> tuple[list[tuple[bool, float, float, float]], Any]:
    """Horizontal and vertical rules drawn in a page image (a scanned table's grid).

    Dark pixels are kept where they run on in one direction for longer than a
    character's stroke (an opening with a long thin kernel); each piece left
    is a rule. OpenCV comes with the engine. Also returns the rules' pixels
    (for :func:`_empty_cells`).
    """
    import cv2  # noqa: PLC0415 (a dependency of the OCR extra)
    import numpy as np  # noqa: PLC0415

    binary = _ink(image)
    left, _bottom, _right, top = box
    thick = 3.0 * scale  # a rule is thinner than 3 pt (a scan thickens and tilts it)
    out: list[tuple[bool, float, float, float]] = []
    grid = np.zeros_like(binary)
    for horizontal, length_pt in ((True, 30.0), (False, 18.0)):  # longer than a character's strokes
        length = max(8, int(length_pt * scale))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        lines = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
        count, labels, stats, _centroids = cv2.connectedComponentsWithStats(lines, connectivity=8)
        if count > 4000:
            return [], None  # a picture, not a table: bounded work
        for k, (x, y, w, h, _area) in enumerate(stats.tolist()):
            if k == 0:
                continue
            if horizontal and h <= max(thick, 0.02 * w):
                out.append((True, top - (y + h / 2) / scale, left + x / scale, left + (x + w) / scale))
            elif not horizontal and w <= max(thick, 0.02 * h):
                out.append((False, left + (x + w / 2) / scale, top - (y + h) / scale, top - y / scale))
            else:
                continue
            grid[y : y + h, x : x + w] |= lines[y : y + h, x : x + w]
    return out, grid


def _ink(image: Any) -> Any:
    """Dark pixels of a grey page image as 255, the paper as 0."""
    import cv2  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415

    gray = np.ascontiguousarray(image if image.ndim == 2 else image[..., 0], dtype=np.uint8)
    return cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)


MAX_CELL_READS = 400  # empty-looking cells re-read per page, at most


def _empty_cells(image: Any, grid: Any, boxes: list, scale: float) -> list[tuple[float, float, float, float, str]]:
    """Text in ruled cells where the detector found none (a lone "1" in a narrow cell), read cell by cell."""
    import cv2  # noqa: PLC0415
    import numpy as np  # noqa: PLC0415

    if grid is None or not grid.any():
        return []
    binary = _ink(image)
    closed = cv2.dilate(grid, np.ones((3, 3), np.uint8))
    count, _labels, stats, _c = cv2.connectedComponentsWithStats((closed == 0).astype(np.uint8), connectivity=4)
    height, width = closed.shape
    centres = [((x0 + x1) / 2, (y0 + y1) / 2) for x0, y0, x1, y1, _t in boxes]
    out: list[tuple[float, float, float, float, str]] = []
    reads = 0
    for k, (x, y, w, h, area) in enumerate(stats.tolist()):
        if k == 0 or x == 0 or y == 0 or x + w >= width or y + h >= height:
            continue  # the rules themselves, or the paper around the table
        if w < 5 * scale or h < 8 * scale or w * h > 0.05 * width * height or area < 0.8 * w * h:
            continue  # not a cell
        if any(x <= cx <= x + w and y <= cy <= y + h for cx, cy in centres):
            continue
        m = max(2, int(scale))
        ink = binary[y + m : y + h - m, x + m : x + w - m]
        if ink.size == 0 or int(np.count_nonzero(ink)) < max(6, int(0.002 * w * h)):
            continue
        reads += 1
        if reads > MAX_CELL_READS:
            break
        ys, xs = np.nonzero(ink)
        x0, x1, y0, y1 = (
            x + m + int(xs.min()),
            x + m + int(xs.max()) + 1,
            y + m + int(ys.min()),
            y + m + int(ys.max()) + 1,
        )
        pad = max(4, int(2 * scale))
        crop = image[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
        with _engine_lock:
            result, _e = _engine()(np.ascontiguousarray(crop), use_det=False, use_cls=False, use_rec=True)
        for text, score in result or []:
            if text and text.strip() and float(score) >= 0.5:
                out.append((float(x0), float(y0), float(x1), float(y1), str(text).strip()))
    return out


def _box(page: Any) -> tuple[float, float, float, float]:
    try:
        left, bottom, right, top = (float(v) for v in page.get_cropbox())
        if right > left and top > bottom:
            return left, bottom, right, top
    except Exception:
        pass
    return 0.0, 0.0, 612.0, 792.0


class _Stderr:
    """The default progress: ``OCR page 3/12`` on a terminal's stderr, cleared at the end."""

    def __init__(self) -> None:
        import multiprocessing  # noqa: PLC0415

        # Only the command line's own terminal: not inside the app (it replaces
        # sys.stderr) nor in a scan's worker processes (their lines would cross).
        self.enabled = (
            sys.stderr is sys.__stderr__
            and multiprocessing.parent_process() is None
            and bool(getattr(sys.stderr, "isatty", lambda: False)())
        )
        self.shown = False
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        from shenyue.i18n import t

        per_page = (time.monotonic() - self.started) / max(1, done)
        sys.stderr.write("\r" + t("ocr.progress", done=done, total=total, seconds=f"{per_page:.1f}") + "\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
