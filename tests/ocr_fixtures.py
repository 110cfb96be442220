"""Scanned report pages for the OCR tests and benchmarks/ocr.py.

A report page is drawn with PIL in a real CJK font (Noto Sans CJK SC from the
``noto-cjk-sans-otc`` package of the test extra) into an image, and the image
is wrapped into a PDF with no text layer, as a scanner makes it. Nothing is
read from outside the test's own folder; a missing font is an error that says
how to install it (CI installs it: the README's test command has the extra).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

SECTION_TITLES = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

# (kind, content): "title", "para", "heading", "row" (cells)
PAGE_1 = [
    ("title", "某某区人民政府2024年政府信息公开工作年度报告"),
    (
        "para",
        "本报告根据《中华人民共和国政府信息公开条例》要求编制，报告中所列数据统计期限自2024年1月1日至2024年12月31日。",
    ),
    ("heading", SECTION_TITLES[0]),
    (
        "para",
        "2024年，我区认真贯彻落实政府信息公开工作要求，围绕主动公开、依申请公开、政府信息管理、平台建设和监督保障等方面扎实推进。",
    ),
    ("para", "全年主动公开政府信息1286条，其中政策文件96件，政策解读43篇。"),
    ("heading", SECTION_TITLES[1]),
    ("row", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
    ("row", ["规章", "0", "0", "0"]),
    ("row", ["行政规范性文件", "12", "3", "57"]),
    ("heading", SECTION_TITLES[2]),
    ("para", "本年新收政府信息公开申请38件，上年结转2件，均已按期答复。"),
    ("heading", SECTION_TITLES[3]),
    ("para", "本年度发生政府信息公开行政复议案件1件，结果维持；未发生行政诉讼案件。"),
    ("heading", SECTION_TITLES[4]),
    ("para", "一是政策解读形式较为单一；二是部分栏目更新不够及时。下一步将丰富解读形式，落实栏目更新责任。"),
    ("heading", SECTION_TITLES[5]),
    ("para", "本年度未发出收费通知，未收取信息处理费。"),
]


def page_text(items: list[tuple[str, object]] = PAGE_1) -> str:
    """The page's text as a reader should give it: one line per paragraph, table rows ``a b c``."""
    out = []
    for kind, content in items:
        out.append(" ".join(content) if kind == "row" else str(content))
    return "\n".join(out)


@lru_cache(maxsize=1)
def font_path() -> tuple[str, int]:
    """The CJK font file and the index of its Simplified Chinese face."""
    try:
        import noto_cjk_sans_otc  # noqa: PLC0415
    except ImportError:
        raise AssertionError(
            'the CJK test font is missing: install the test extra, pip install -e ".[test,ocr]" (package noto-cjk-sans-otc)'
        ) from None
    from PIL import ImageFont  # noqa: PLC0415

    folder = Path(noto_cjk_sans_otc.__file__).parent
    files = sorted(folder.glob("*.tt[cf]")) + sorted(folder.glob("*.otf"))
    assert files, f"no font file in {folder}: reinstall noto-cjk-sans-otc"
    path = str(files[0])
    for index in range(10):
        try:
            face = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        if face.getname()[0].endswith(" SC"):
            return path, index
    return path, 0


def render_page(items: list[tuple[str, object]] = PAGE_1, *, dpi: int = 150, noise: bool = False, cell_pt: int = 100):
    """An A4 page image (PIL, grey) with the items drawn as a report page."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415

    path, index = font_path()
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    px = dpi / 72.0
    body = ImageFont.truetype(path, int(12 * px), index=index)
    big = ImageFont.truetype(path, int(16 * px), index=index)
    margin = int(60 * px)
    line_h = int(21 * px)
    y = margin
    for kind, content in items:
        if kind == "title":
            w = draw.textlength(str(content), font=big)
            draw.text(((width - w) / 2, y), str(content), font=big, fill=0)
            y += int(line_h * 1.6)
        elif kind == "row":
            cells = list(content)  # type: ignore[arg-type]
            x = margin
            widths = [int(150 * px)] + [int(cell_pt * px)] * (len(cells) - 1)
            for cell, w in zip(cells, widths, strict=False):
                draw.rectangle([x, y - int(4 * px), x + w, y + line_h - int(4 * px)], outline=0, width=max(1, int(px)))
                draw.text((x + int(4 * px), y), cell, font=body, fill=0)
                x += w
            y += line_h
        else:
            text = str(content)
            indent = int(24 * px) if kind == "para" else 0
            right = width - margin
            # Wrap by measured width, as a word processor does.
            line = ""
            x0 = margin + indent
            for ch in text:
                if x0 + draw.textlength(line + ch, font=body) > right:
                    draw.text((x0, y), line, font=body, fill=0)
                    y += line_h
                    line, x0 = "", margin
                line += ch
            draw.text((x0, y), line, font=body, fill=0)
            y += line_h
    if noise:
        import random  # noqa: PLC0415

        rnd = random.Random(7)
        pixels = img.load()
        for _ in range(width * height // 400):
            pixels[rnd.randrange(width), rnd.randrange(height)] = rnd.choice((0, 160))
    return img


def scanned_pdf(images: list, *, dpi: int = 150) -> bytes:
    """A PDF of the page images with no text layer (what a scanner writes)."""
    buf = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(buf, "PDF", resolution=float(dpi), save_all=True, append_images=rest)
    return buf.getvalue()
