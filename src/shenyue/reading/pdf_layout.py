"""PDF reading, steps 5 to 7: the text of the pages assembled from their lines.

Two-column blocks (a gutter no line crosses) are read left column first; lines with several
segments are table rows (a wrapped row label joins its cell); wrapped lines of a paragraph are
joined, across page breaks too, with page furniture kept as chrome spans. :func:`_layout` gives the
:class:`~shenyue.reading.base.Extracted` of a document. Used by pdf.py (see its docstring).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from shenyue.reading.base import Extracted, ReadError, Span
from shenyue.reading.pdf_chars import MIN_TEXT_CHARS
from shenyue.reading.pdf_lines import _glue, _Line, _mark_chrome, _Page, _Seg

# ---------------------------------------------------------------- columns and tables


@dataclass(slots=True)
class _Item:
    kind: str  # "para" or "row"
    lines: list[_Line]
    cells: list[str] = field(default_factory=list)  # for rows
    text: str = ""  # for paragraphs
    table: int = -1  # table id for rows
    right: float = 0.0  # the right margin of the column the item was laid out in


def _gutter(lines: list[_Line], left: float, right: float) -> tuple[float, float] | None:
    """A vertical band in the middle of the text that no line crosses, with column text on both sides."""
    width = right - left
    if width <= 0 or len(lines) < 6:
        return None
    lo, hi = left + 0.3 * width, left + 0.7 * width
    step = 2.0
    bins = int((hi - lo) / step) + 1
    cover = [0] * bins
    for line in lines:
        for s in line.segs:
            a = max(0, int((s.x0 - lo) / step))
            b = min(bins - 1, int((s.x1 - lo) / step))
            for k in range(a, b + 1):
                cover[k] += 1
    best = min(cover)
    if best > 0.2 * len(lines):
        return None
    # The widest run of bins at the minimum cover.
    run_start, run_len, cur_start, cur_len = 0, 0, 0, 0
    for k, c in enumerate(cover):
        if c == best:
            if cur_len == 0:
                cur_start = k
            cur_len += 1
            if cur_len > run_len:
                run_start, run_len = cur_start, cur_len
        else:
            cur_len = 0
    g0, g1 = lo + run_start * step, lo + (run_start + run_len) * step
    h = sorted(line.h for line in lines)[len(lines) // 2]
    if g1 - g0 < 0.8 * h:
        return None
    both = [
        line for line in lines if line.x0 < g0 and line.x1 > g1 and not any(s.x0 < g1 and s.x1 > g0 for s in line.segs)
    ]
    if len(both) < 4:
        return None
    left_w = sorted(sum(s.x1 - s.x0 for s in line.segs if s.x1 <= g0) for line in both)[len(both) // 2]
    right_w = sorted(sum(s.x1 - s.x0 for s in line.segs if s.x0 >= g1) for line in both)[len(both) // 2]
    if left_w < 0.6 * (g0 - left) or right_w < 0.6 * (right - g1):
        return None  # short cells on either side: a table, not two columns of text
    return g0, g1


def _split_columns(lines: list[_Line], gutter: tuple[float, float]) -> list[_Line]:
    """Reading order: within each run of lines that do not cross the gutter, left column first."""
    g0, g1 = gutter
    out: list[_Line] = []
    left: list[_Line] = []
    right: list[_Line] = []

    def flush() -> None:
        out.extend(left)
        out.extend(right)
        left.clear()
        right.clear()

    for line in lines:
        if any(s.x0 < g1 and s.x1 > g0 for s in line.segs):
            flush()
            out.append(line)
            continue
        ls = [s for s in line.segs if s.x1 <= g0]
        rs = [s for s in line.segs if s.x0 >= g1]
        if ls:
            left.append(_Line(line.y, line.h, ls))
        if rs:
            right.append(_Line(line.y, line.h, rs))
    flush()
    return out


_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．](?!\d)|第[一二三四五六七八九十\d]+[章节部分条]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]|附件|附表)"
)


def _items(lines: list[_Line], left: float, right: float) -> list[_Item]:
    """Lines of one page (body only, in reading order) as paragraphs and table rows."""
    items: list[_Item] = []
    table_id = -1
    pitch = 0.0  # distance between the last two table rows
    for idx, line in enumerate(lines):
        nxt = lines[idx + 1] if idx + 1 < len(lines) else None
        last = items[-1] if items else None
        in_table = last is not None and last.kind == "row"
        if line.grid:
            # A row of a ruled table: its cells are known, nothing to guess.
            if not (in_table and last.lines[-1].grid):
                table_id += 1
            items.append(_Item("row", [line], cells=[s.text for s in line.segs], table=table_id))
            continue
        if len(line.segs) >= 2:
            label = _label_above(last, line)
            nxt2 = lines[idx + 2] if idx + 2 < len(lines) else None
            table_like = (
                len(line.segs) >= 3
                or (nxt is not None and len(nxt.segs) >= 2)
                or (nxt is not None and nxt2 is not None and len(nxt2.segs) >= 2)  # a wrapped label between rows
            )
            if label is None and not in_table and not table_like:
                # A lone line with a wide gap ("时间:2025-01-22    来源:") is text, not a table.
                items.append(_Item("para", [line], text=line.text))
                continue
            if label is not None:
                # Numbers centred beside a label wrapped over two lines: the label's
                # first line came alone just above; it is this row's first cell.
                items.pop()
                if not (items and items[-1].kind == "row"):
                    table_id += 1
                items.append(
                    _Item(
                        "row",
                        [*label.lines, line],
                        cells=[label.cells[0] if label.kind == "row" else label.text, *(s.text for s in line.segs)],
                        table=table_id,
                    )
                )
                continue
            if not in_table:
                table_id += 1
            elif last.lines:
                pitch = last.lines[0].y - line.y
            items.append(_Item("row", [line], cells=[s.text for s in line.segs], table=table_id))
            continue
        seg = line.segs[0]
        if in_table:
            prev = last.lines[-1]
            gap = prev.y - line.y
            h = max(line.h, prev.h)
            table_goes_on = nxt is not None and len(nxt.segs) >= 2
            if gap < 1.6 * h and not prev.grid:  # a ruled cell ends at its rule: the line below is not in it
                if table_goes_on and seg.x1 < nxt.segs[0].x0 and line.y - nxt.y < 1.2 * line.h and _label_like(line):
                    items.append(_Item("row", [line], cells=[seg.text], table=last.table))  # a label's first line
                    continue
                col = _column_of(last.lines[0], seg)
                if col is not None:
                    # A wrapped cell: its next line joins the cell it sits under.
                    last.cells[col] = _glue(last.cells[col], seg.text, 0.0, line.h)
                    last.lines.append(line)
                    continue
            if table_goes_on and gap < max(1.6 * h, 1.3 * pitch):
                # A row with one cell between rows of the table: a group label (三、本年度办理结果).
                items.append(_Item("row", [line], cells=[seg.text], table=last.table))
                continue
        if last is not None and last.kind == "para" and _continues(last.lines[-1], line, left, right):
            last.text = _glue(last.text, line.text, 0.0, line.h)
            last.lines.append(line)
        else:
            items.append(_Item("para", [line], text=line.text))
    for item in items:
        item.right = right
    return items


def _label_above(last: _Item | None, line: _Line) -> _Item | None:
    """The item just above ``line`` when it is the first line of a label wrapped beside ``line``'s cells."""
    if last is None or len(last.lines) != 1 or len(last.lines[0].segs) != 1:
        return None
    above = last.lines[0]
    if last.kind == "row" and len(last.cells) != 1:
        return None
    if above.x1 >= line.segs[0].x0 or not 0 < above.y - line.y < 1.2 * max(above.h, line.h):
        return None
    return last


def _label_like(line: _Line) -> bool:
    return not re.fullmatch(r"[\d.,，%\s]+", line.text)


def _column_of(row_line: _Line, seg: _Seg) -> int | None:
    """The cell of a row line that a segment sits under (its horizontal overlap), if any."""
    best, best_overlap = None, 0.0
    for k, s in enumerate(row_line.segs):
        overlap = min(s.x1, seg.x1) - max(s.x0, seg.x0)
        if overlap > best_overlap:
            best, best_overlap = k, overlap
    if best is None and abs(seg.x0 - row_line.segs[0].x0) <= 1.0 * row_line.h:
        return 0
    return best


def _continues(
    prev: _Line, line: _Line, left: float, right: float, *, same_page: bool = True, prev_right: float | None = None
) -> bool:
    """``line`` carries on the paragraph whose last line is ``prev``."""
    h = max(prev.h, line.h)
    if abs(prev.h - line.h) > 0.2 * h:
        return False  # a heading in another size
    if prev.x1 < (right if prev_right is None else prev_right) - 2.0 * h:
        return False  # the previous line ended early: the paragraph ended there
    if line.x0 > left + 1.0 * h and prev.x0 <= left + 1.0 * h:
        return False  # the new line is indented: a new paragraph
    if _HEADING_START.match(line.text):
        return False
    if not same_page:
        return True
    gap = prev.y - line.y
    return 0 < gap <= 2.2 * h


# ---------------------------------------------------------------- assembly


def _margins(lines: list[_Line]) -> tuple[float, float]:
    """Left and right edges of the text: where most lines start, where the long lines end. A damaged file's
    lines with no real place (NaN) are left out; lines that all end where they start give that edge."""
    lines = [line for line in lines if math.isfinite(line.x0) and math.isfinite(line.x1)]
    if not lines:
        return 0.0, 0.0
    xs0 = sorted(line.x0 for line in lines)
    left = xs0[len(xs0) // 10]
    widest = max(line.x1 for line in lines)
    long_ends = sorted(line.x1 for line in lines if line.x1 > left + 0.6 * (widest - left))
    if not long_ends:
        return left, widest
    return left, long_ends[len(long_ends) // 2]


def _layout(pages: list[_Page]) -> Extracted:
    _mark_chrome(pages)
    out: list[str] = []
    pos = 0
    chrome: list[Span] = []
    tables: list[Span] = []

    def emit(text: str, kind: str | None = None) -> tuple[int, int]:
        nonlocal pos
        start = pos
        out.append(text)
        pos += len(text) + 1
        if kind:
            chrome.append(Span(start, start + len(text), kind))
        return start, start + len(text)

    pending_chrome: list[tuple[str, str]] = []  # footer of the last page, header of this one
    open_para: list[_Item] = []  # the last paragraph of the previous page, if it may go on
    page_items: list[tuple[list[tuple[str, str]], list[_Item], list[tuple[str, str]], float, float]] = []
    for page in pages:
        body = [line for i, line in enumerate(page.lines) if i not in page.chrome]
        head = [
            (page.lines[i].text, k)
            for i, k in sorted(page.chrome.items())
            if page.lines[i].y > (page.box[1] + page.box[3]) / 2
        ]
        foot = [
            (page.lines[i].text, k)
            for i, k in sorted(page.chrome.items())
            if page.lines[i].y <= (page.box[1] + page.box[3]) / 2
        ]
        left, right = _margins(body)
        gutter = _gutter(body, left, right)
        if gutter is not None:
            body = _split_columns(body, gutter)
            # Each column has its own right margin for paragraph joining.
            items = []
            for part in _column_runs(body, gutter):
                lm, rm = _margins(part)
                more = _items(part, lm, rm)
                if (
                    items
                    and more
                    and items[-1].kind == "para"
                    and more[0].kind == "para"
                    and _continues(
                        items[-1].lines[-1], more[0].lines[0], lm, rm, same_page=False, prev_right=items[-1].right
                    )
                ):
                    # The paragraph runs on from the foot of one column to the top of the next.
                    items[-1].text = _glue(items[-1].text, more[0].text, 0.0, more[0].lines[0].h)
                    items[-1].lines.extend(more[0].lines)
                    more = more[1:]
                items.extend(more)
        else:
            items = _items(body, left, right)
        page_items.append((head, items, foot, left, right))

    table_start: int | None = None
    current_table = None
    for p, (head, items, foot, left, right) in enumerate(page_items):
        first = items[0] if items else None
        if (
            open_para
            and first is not None
            and first.kind == "para"
            and _continues(
                open_para[-1].lines[-1], first.lines[0], left, right, same_page=False, prev_right=open_para[-1].right
            )
        ):
            # The paragraph runs over the page break: join it, furniture after it.
            prev = open_para[-1]
            prev.text = _glue(prev.text, first.text, 0.0, first.lines[0].h)
            prev.lines.extend(first.lines)
            items = items[1:]
            pending_chrome.extend(head)
            if not items:
                pending_chrome.extend(foot)
                continue
        else:
            if open_para:
                emit(open_para[-1].text)
                open_para = []
            for text, kind in pending_chrome + head:
                emit(text, kind)
            pending_chrome = []
        for n, item in enumerate(items):
            if open_para:
                emit(open_para[-1].text)
                open_para = []
                for text, kind in pending_chrome:
                    emit(text, kind)
                pending_chrome = []
            if item.kind == "row":
                key = (p, item.table)
                if current_table != key:
                    if table_start is not None:
                        tables.append(Span(table_start, pos - 1, "table"))
                    table_start, current_table = pos, key
                emit("| " + " | ".join(c.replace("|", "｜") for c in item.cells) + " |")
                continue
            if table_start is not None:
                tables.append(Span(table_start, pos - 1, "table"))
                table_start, current_table = None, None
            if n == len(items) - 1 and p + 1 < len(page_items):
                open_para = [item]  # may continue on the next page
            else:
                emit(item.text)
        if table_start is not None and not (p + 1 < len(page_items) and _table_goes_on(items, page_items[p + 1][1])):
            tables.append(Span(table_start, pos - 1, "table"))
            table_start, current_table = None, None
        elif table_start is not None:
            current_table = (p + 1, 0)  # the table continues on the next page
        if open_para:
            pending_chrome.extend(foot)
        else:
            for text, kind in pending_chrome + foot:
                emit(text, kind)
            pending_chrome = []
    if open_para:
        emit(open_para[-1].text)
    for text, kind in pending_chrome:
        emit(text, kind)
    if table_start is not None:
        tables.append(Span(table_start, pos - 1, "table"))
    text = "\n".join(out)
    visible = len("".join(text.split())) - sum(len("".join(text[c.start : c.end].split())) for c in chrome)
    if visible < MIN_TEXT_CHARS:
        raise ReadError("pdf_no_text_layer")
    return Extracted(text=text + "\n", encoding="pdf", chrome=chrome, tables=tables, pages=len(pages))


def _table_goes_on(items: list[_Item], next_items: list[_Item]) -> bool:
    """A table that ends its page and resumes at the top of the next one is one table."""
    return bool(items) and items[-1].kind == "row" and bool(next_items) and next_items[0].kind == "row"


def _column_runs(lines: list[_Line], gutter: tuple[float, float]) -> list[list[_Line]]:
    """Split reading-ordered lines into runs that share a column (for per-column margins)."""
    g0, g1 = gutter

    def side(line: _Line) -> str:
        if line.x1 <= g0:
            return "L"
        if line.x0 >= g1:
            return "R"
        return "F"

    runs: list[list[_Line]] = []
    last = None
    for line in lines:
        s = side(line)
        if s != last:
            runs.append([])
            last = s
        runs[-1].append(line)
    return runs
