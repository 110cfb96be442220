"""PDF reading, step 4: ruled tables read cell by cell.

Horizontal and vertical rules that meet make a grid; every character goes to the ruled cell around
it, so a wrapped label stays one cell and a merged cell opens the first row it spans; each row
becomes one line ``| a | b | c |``. Used by pdf.py (see its docstring for the whole pipeline).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

from shenyue.reading.pdf_chars import _Frag
from shenyue.reading.pdf_lines import _glue, _Line, _lines, _Seg

# ---------------------------------------------------------------- ruled tables


@dataclass(slots=True)
class _Rule:
    horizontal: bool
    pos: float  # y of a horizontal rule, x of a vertical one
    a: float  # start along the rule
    b: float  # end along the rule


_THIN = 2.5  # a path thinner than this (pt) is a rule


_MAX_RULES = 1500  # more rules than this on a page: a drawing, not a form with tables


_MAX_CELL_FRAGS = 4000  # placing fragments in cells is fragments x rules of one table


_MIN_RULE = 6.0


def _rules(page: Any, raw: Any) -> list[_Rule]:
    """Horizontal and vertical rules drawn on the page (thin paths, and the edges of stroked boxes)."""
    rules: list[_Rule] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    try:
        objects = list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=4))
    except Exception:
        return rules
    if len(objects) > 4 * _MAX_RULES:
        return rules  # a drawing, not a table: bounded work
    for obj in objects:
        try:
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:
            continue
        w, h = x1 - x0, y1 - y0
        if h <= _THIN and w >= _MIN_RULE:
            rules.append(_Rule(True, (y0 + y1) / 2, x0, x1))
        elif w <= _THIN and h >= _MIN_RULE:
            rules.append(_Rule(False, (x0 + x1) / 2, y0, y1))
        elif w >= _MIN_RULE and h >= _MIN_RULE:
            try:
                raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
            except Exception:
                continue
            if stroke.value and raw.FPDFPath_CountSegments(obj.raw) <= 6:  # a stroked box: its four edges
                rules += [
                    _Rule(True, y0, x0, x1),
                    _Rule(True, y1, x0, x1),
                    _Rule(False, x0, y0, y1),
                    _Rule(False, x1, y0, y1),
                ]
    return rules


def _ruled_tables(frags: list[_Frag], rules: list[_Rule]) -> tuple[list[_Frag], list["_Line"]]:
    """Fragments inside ruled tables taken out and returned as table lines, one per row of cells."""
    if not frags or len(rules) < 4 or len(rules) > _MAX_RULES:
        return frags, []  # no table, or a drawing: bounded work, read as lines
    tol = 1.5
    hs = sorted((r for r in rules if r.horizontal), key=lambda r: -r.pos)
    vs = sorted((r for r in rules if not r.horizontal), key=lambda r: r.pos)
    if len(hs) < 2 or len(vs) < 2:
        return frags, []
    # Table boxes: groups of crossing rules (union of bounding boxes that touch).
    boxes: list[list[float]] = []  # x0, y0, x1, y1
    for r in hs + vs:
        x0, y0, x1, y1 = (r.a, r.pos, r.b, r.pos) if r.horizontal else (r.pos, r.a, r.pos, r.b)
        merged = [x0, y0, x1, y1]
        keep = []
        for b in boxes:
            if (
                b[0] - tol <= merged[2]
                and merged[0] <= b[2] + tol
                and b[1] - tol <= merged[3]
                and merged[1] <= b[3] + tol
            ):
                merged = [min(b[0], merged[0]), min(b[1], merged[1]), max(b[2], merged[2]), max(b[3], merged[3])]
            else:
                keep.append(b)
        keep.append(merged)
        boxes = keep
    boxes = [b for b in boxes if b[2] - b[0] > 30 and b[3] - b[1] > 10]
    if not boxes:
        return frags, []
    rest: list[_Frag] = []
    lines: list[_Line] = []
    inside: dict[int, list[_Frag]] = {}
    for f in frags:
        cx, cy = (f.x0 + f.x1) / 2, f.y + 0.3 * f.h
        k = next((i for i, b in enumerate(boxes) if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]), None)
        if k is None:
            rest.append(f)
        else:
            inside.setdefault(k, []).append(f)
    for k, members in inside.items():
        b = boxes[k]
        bh = [r for r in hs if b[0] - tol <= r.a <= b[2] + tol and b[1] - tol <= r.pos <= b[3] + tol]
        bv = [r for r in vs if b[0] - tol <= r.pos <= b[2] + tol and b[1] - tol <= r.a <= b[3] + tol]
        grid = _cells(members, bh, bv, tol)
        if grid is None:
            rest.extend(members)
        else:
            lines.extend(grid)
    return rest, lines


def _cells(frags: list[_Frag], hs: list[_Rule], vs: list[_Rule], tol: float) -> list["_Line"] | None:
    """The rows of one ruled table: each fragment goes to the ruled cell around it."""
    if len(hs) < 2 or len(vs) < 2 or len(frags) > _MAX_CELL_FRAGS:
        return None
    cells: dict[tuple[float, float, float, float], list[_Frag]] = {}
    for f in frags:
        cx, cy = (f.x0 + f.x1) / 2, f.y + 0.3 * f.h
        left = max((v.pos for v in vs if v.pos <= cx + tol and v.a - tol <= cy <= v.b + tol), default=None)
        right = min((v.pos for v in vs if v.pos >= cx - tol and v.a - tol <= cy <= v.b + tol), default=None)
        top = min((r.pos for r in hs if r.pos >= cy - tol and r.a - tol <= cx <= r.b + tol), default=None)
        bottom = max((r.pos for r in hs if r.pos <= cy + tol and r.a - tol <= cx <= r.b + tol), default=None)
        if None in (left, right, top, bottom) or right - left < 1 or top - bottom < 1:
            return None  # text across the rules: not a grid this reader understands
        cells.setdefault((round(top, 1), round(bottom, 1), round(left, 1), round(right, 1)), []).append(f)
    if len(cells) < 2:
        return None
    # Rows: cells grouped by their top; a merged cell opens the first row it spans.
    by_top: dict[float, list[tuple[float, float, str, float]]] = {}
    for (top, _bottom, left, right), members in cells.items():
        by_top.setdefault(top, []).append((left, right, _cell_text(members), max(f.h for f in members)))
    tops = sorted(by_top, reverse=True)
    # Tops closer than a rule's thickness are one row.
    rows: list[list[tuple[float, float, str, float]]] = []
    row_tops: list[float] = []
    for top in tops:
        if row_tops and row_tops[-1] - top <= tol:
            rows[-1].extend(by_top[top])
        else:
            rows.append(list(by_top[top]))
            row_tops.append(top)
    lines = []
    for top, row in zip(row_tops, rows):
        row.sort(key=lambda c: c[0])
        h = max(c[3] for c in row)
        segs = [_Seg(left, right, text) for left, right, text, _ in row if text]
        if segs:
            lines.append(_Line(top - h, h, segs, grid=True))
    return lines


def _cell_text(frags: list[_Frag]) -> str:
    """The text of one cell: its lines top to bottom, each left to right, glued."""
    lines = _lines(list(frags))
    text = ""
    for line in lines:
        text = _glue(text, line.text, 0.0, line.h)
    return text.replace("|", "｜")
