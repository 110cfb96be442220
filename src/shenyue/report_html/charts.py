"""Static SVG charts drawn here (no chart library, no script): bars,
small-multiple histograms and a range chart. Every label is escaped; numbers
are formatted by this module. Colours are presentation attributes, so the
page's Content-Security-Policy (no inline ``style``) does not block them.
"""

from __future__ import annotations

from collections.abc import Sequence

from shenyue.report_html.escape import esc

COLOURS = {
    "peer": "#d9480f",
    "same_unit": "#1864ab",
    "common": "#868e96",
    "error": "#c92a2a",
    "warning": "#e67700",
    "info": "#1971c2",
    "ok": "#2b8a3e",
    "late": "#c92a2a",
    "none": "#adb5bd",
    "score": "#1f2d3d",
}


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{esc(label)}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{esc(text)}</text>'


def histograms(panels: Sequence[tuple[str, str, Sequence[int]]], bin_labels: Sequence[str], label: str,
               y_label: str) -> str:  # fmt: skip
    """Small multiples: one histogram per (title, colour key, counts), sharing the y scale."""
    pw, ph, top, bottom, left, gap = 190, 150, 22, 34, 34, 30
    width = left + len(panels) * (pw + gap)
    height = top + ph + bottom
    peak = max((max(c) for _, _, c in panels if c), default=0) or 1
    body = [_text(4, top - 8, y_label, extra=' font-size="10"')]
    for i, (title, colour, counts) in enumerate(panels):
        x0 = left + i * (pw + gap)
        body.append(_text(x0 + pw / 2, top - 8, title, "middle", ' font-weight="bold"'))
        body.append(f'<line x1="{x0}" y1="{top + ph}" x2="{x0 + pw}" y2="{top + ph}" stroke="#999"/>')
        bw = pw / max(1, len(counts))
        for j, c in enumerate(counts):
            h = ph * c / peak
            x = x0 + j * bw
            body.append(
                f'<rect x="{_n(x + 1)}" y="{_n(top + ph - h)}" width="{_n(bw - 2)}" height="{_n(h)}" '
                f'fill="{COLOURS.get(colour, colour)}"><title>{esc(title)} {esc(bin_labels[j])}: {c}</title></rect>'
            )
            if c:
                body.append(_text(x + bw / 2, top + ph - h - 2, str(c), "middle", ' font-size="9"'))
        for j in (0, len(counts) // 2, len(counts) - 1):
            if 0 <= j < len(bin_labels):
                body.append(_text(x0 + j * bw + bw / 2, top + ph + 13, bin_labels[j], "middle", ' font-size="9"'))
    body.append(_text(4, top + 4, str(peak), extra=' font-size="9"'))
    return _svg(width, height, body, label)


def hbars(items: Sequence[tuple[str, int, str, str]], label: str) -> str:
    """Horizontal bars: (label, value, colour key, tooltip), in the given order."""
    items = list(items)
    row, left, width = 18, 230, 640
    height = max(1, len(items)) * row + 10
    peak = max((v for _, v, _, _ in items), default=0) or 1
    body = []
    for i, (name, value, colour, tip) in enumerate(items):
        y = 5 + i * row
        w = (width - left - 50) * value / peak
        body.append(_text(left - 6, y + 12, name if len(name) <= 34 else name[:33] + "…", "end"))
        body.append(
            f'<rect x="{left}" y="{y + 2}" width="{_n(max(w, 1))}" height="{row - 5}" '
            f'fill="{COLOURS.get(colour, colour)}"><title>{esc(tip)}</title></rect>'
        )
        body.append(_text(left + w + 4, y + 12, str(value)))
    return _svg(width, height, body, label)


def _wrap(text: str, width: int) -> list[str]:
    """Words on lines of at most ``width`` characters (a CJK label without spaces is cut)."""
    lines: list[str] = []
    for word in text.split(" ") if " " in text else [text[i : i + 7] for i in range(0, len(text), 7)]:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def vbars(items: Sequence[tuple[str, int, str]], label: str, y_label: str) -> str:
    """Vertical bars: (category label, value, colour key), in the given order."""
    bw, gap, top, ph, bottom, left = 66, 12, 20, 150, 40, 30
    width = left + len(items) * (bw + gap)
    height = top + ph + bottom
    peak = max((v for _, v, _ in items), default=0) or 1
    body = [_text(4, top - 6, y_label, extra=' font-size="10"'),
            f'<line x1="{left}" y1="{top + ph}" x2="{width}" y2="{top + ph}" stroke="#999"/>']  # fmt: skip
    for i, (name, value, colour) in enumerate(items):
        x = left + i * (bw + gap)
        h = ph * value / peak
        body.append(
            f'<rect x="{x}" y="{_n(top + ph - h)}" width="{bw}" height="{_n(h)}" fill="{COLOURS.get(colour, colour)}">'
            f"<title>{esc(name)}: {value}</title></rect>"
        )
        body.append(_text(x + bw / 2, top + ph - h - 3, str(value), "middle"))
        for k, word in enumerate(_wrap(name, 11)[:2]):
            body.append(_text(x + bw / 2, top + ph + 13 + 12 * k, word, "middle", ' font-size="10"'))
    return _svg(width, height, body, label)


def ranges(items: Sequence[tuple[str, float, float, float, int]], maximum: float, label: str, y_label: str,
           x_label: str) -> str:  # fmt: skip
    """One column per report (sorted by the caller): a line from the lowest to
    the highest reviewer's total and a dot at the mean; (name, low, mean, high, reviewers)."""
    top, ph, bottom, left, right = 28, 190, 26, 40, 10
    n = len(items)
    step = max(1.2, min(40.0, 860 / max(1, n)))
    width = max(420, int(left + right + step * max(n, 1)))
    step = (width - left - right) / max(n, 1)
    r_cap = 3.5
    height = top + ph + bottom
    maximum = maximum or 1

    def y(v: float) -> float:
        return top + ph - ph * max(0.0, min(v, maximum)) / maximum

    body = [_text(4, 11, y_label, extra=' font-size="10"')]
    for frac in (0, 0.25, 0.5, 0.75, 1):
        yy = y(maximum * frac)
        body.append(f'<line x1="{left}" y1="{_n(yy)}" x2="{width - right}" y2="{_n(yy)}" stroke="#e9ecef"/>')
        body.append(_text(left - 4, yy + 4, _n(maximum * frac), "end", ' font-size="9"'))
    r = max(1.2, min(r_cap, step / 2.5))
    for i, (name, low, mean, high, count) in enumerate(items):
        x = left + step * (i + 0.5)
        tip = f"{name}: {_n(mean)} ({_n(low)}–{_n(high)}, {count})"
        body.append("<g>")
        body.append(f"<title>{esc(tip)}</title>")
        if high > low:
            body.append(
                f'<line x1="{_n(x)}" y1="{_n(y(low))}" x2="{_n(x)}" y2="{_n(y(high))}" stroke="#e67700" stroke-width="{_n(max(1.5, r * 0.8))}"/>'
            )
            if step >= 6:  # ticks at the lowest and the highest total
                for v in (low, high):
                    body.append(
                        f'<line x1="{_n(x - r * 1.6)}" y1="{_n(y(v))}" x2="{_n(x + r * 1.6)}" y2="{_n(y(v))}" stroke="#e67700" stroke-width="1.5"/>'
                    )
        body.append(f'<circle cx="{_n(x)}" cy="{_n(y(mean))}" r="{_n(r)}" fill="{COLOURS["score"]}"/>')
        body.append("</g>")
    body.append(_text(left + (width - left - right) / 2, top + ph + 18, x_label, "middle", ' font-size="10"'))
    return _svg(width, height, body, label)
