"""What the table view (key ``t`` on the review screen) shows, without Textual.

Tables 二, 三 and 四 as grids with the row and column labels of the national
format, from the parsed tables (:mod:`shenyue.model.tables`). Nothing is
computed here: a cell is marked because a finding says so. An arithmetic
finding carries the broken rule (:class:`~shenyue.analysis.findings.Identity`)
and is shown as what the rule expects (``3119 + 34 ≠ 3050 + 104``); other
findings on a cell or inside a table are listed under it. Digits cut by the
table's totals (``status="split"``) and cells read but not known are marked as
such. Table 三 of the same unit's previous-year report (the one the
carry-over check compared, ``report.extra["prior_year"]``) goes beside or
below table 三.

:func:`build_view` gives the grids; :func:`layout` turns them into lines of
runs ``(text, style, cell id)`` for a width, which the widget draws (only the
visible lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shenyue.analysis.checks.tables import cell_label
from shenyue.analysis.findings import Finding, Identity, Term
from shenyue.i18n import current_language, t
from shenyue.model.report import Report
from shenyue.model.tables import T3_COLS, T4_COLS, T4_GROUPS, Table, t2_rows, t3_rows
from shenyue.tui.glyphs import ASCII, glyphs
from shenyue.tui.textutil import cell_width, fit, one_line

TABLES = ("t2", "t3", "t4")

# marks, strongest first: a cell shows the strongest of its marks
FAIL, WARN, INFO, SPLIT, UNREAD, BLANK = "fail", "warn", "info", "split", "unread", "blank"
MARK_ORDER = (FAIL, WARN, INFO, SPLIT, UNREAD, BLANK)
SEVERITY_MARK = {"error": FAIL, "warning": WARN, "info": INFO}
UNREAD_STATUSES = frozenset({"ambiguous", "unsplit", "scrambled"})
SHOWN_TERMS = 6  # a longer side of an identity shows its non-zero terms only


@dataclass(frozen=True, slots=True)
class MarkGlyphs:
    fail: str
    warn: str
    info: str
    split: str
    unread: str
    blank: str
    not_equal: str
    less: str
    minus: str
    rule: str  # the line under a table's header


UNICODE_MARKS = MarkGlyphs("✗", "!", "i", "∿", "?", "—", "≠", "<", "−", "─")
ASCII_MARKS = MarkGlyphs("x", "!", "i", "~", "?", "-", "!=", "<", "-", "-")


def mark_glyphs() -> MarkGlyphs:
    """The glyphs of the marks in the app's current set (``--ascii``: ASCII only)."""
    return ASCII_MARKS if glyphs() is ASCII else UNICODE_MARKS


def mark_glyph(mark: str) -> str:
    return getattr(mark_glyphs(), mark) if mark else " "


# ---------------------------------------------------------------- the grids


@dataclass(slots=True)
class GridCell:
    id: str
    text: str  # the value as shown ("" when the table has no such cell)
    mark: str = ""  # the strongest mark (MARK_ORDER), "" for none


@dataclass(slots=True)
class GridRow:
    label: str
    cells: list[GridCell] = field(default_factory=list)  # empty: a group label line


@dataclass(slots=True)
class Block:
    """Rows sharing one set of columns (table 二 has several)."""

    columns: list[str]
    rows: list[GridRow]
    groups: list[tuple[str, int]] = field(default_factory=list)  # column group labels over (label, n columns)


@dataclass(slots=True)
class Note:
    """A finding shown under a table: ``cells`` of this report it marks, ``prior_cells`` of the previous year's."""

    mark: str
    text: str
    cells: tuple[str, ...] = ()
    prior_cells: tuple[str, ...] = ()
    finding: Finding | None = None


@dataclass(slots=True)
class Grid:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    status: str = ""  # e.g. digits split by the totals
    found: bool = True

    def cell(self, cell_id: str) -> GridCell | None:
        for block in self.blocks:
            for row in block.rows:
                for c in row.cells:
                    if c.id == cell_id:
                        return c
        return None


@dataclass(slots=True)
class TableView:
    grids: list[Grid]
    prior: Grid | None = None  # table 三 of the previous year
    prior_title: str = ""

    def marked(self) -> list[str]:
        """Ids of the marked cells in reading order (tables in order, rows, columns), for stepping."""
        out = []
        for grid in self.grids:
            for block in grid.blocks:
                for row in block.rows:
                    out.extend(c.id for c in row.cells if c.mark in (FAIL, WARN, INFO))
        return out

    def note_of(self, cell_id: str) -> Note | None:
        for grid in self.grids:
            for note in grid.notes:
                if note.cells and note.cells[0] == cell_id:
                    return note
        return None


def _fmt(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:g}" if isinstance(x, float) else str(x)


def _value_text(cell) -> str:
    if cell is None:
        return ""
    if cell.value is not None:
        return _fmt(cell.value)
    if cell.status == "blank":
        return mark_glyphs().blank
    if cell.status in UNREAD_STATUSES:
        return "?"
    return ""


def _status_mark(cell) -> str:
    if cell is None:
        return ""
    if cell.status == "split":
        return SPLIT
    if cell.status in UNREAD_STATUSES:
        return UNREAD
    return ""


def _row(table: Table | None, key: str, row: str, cols: tuple[str, ...], label: str) -> GridRow:
    cells = []
    for c in cols:
        cid = f"{key}.{row}.{c}"
        cell = table.cells.get(cid) if table is not None else None
        cells.append(GridCell(cid, _value_text(cell), _status_mark(cell)))
    return GridRow(label, cells)


_T3_GROUP_BEFORE = {"r1": "results", "r3_1": "g3", "r4_1": "g4", "r5_1": "g5", "r6_1": "g6"}


def _blocks(key: str, table: Table | None, version: str | None) -> list[Block]:
    if key == "t2":
        blocks: list[Block] = []
        for row, cols in t2_rows(version).items():
            label = t(f"checks.table.t2.row.{row}")
            if (
                blocks
                and blocks[-1].rows[-1].cells
                and [c.id.rsplit(".", 1)[1] for c in blocks[-1].rows[-1].cells] == list(cols)
            ):
                blocks[-1].rows.append(_row(table, key, row, cols, label))
                continue
            columns = [t(f"checks.table.t2.col.{c}") for c in cols]
            blocks.append(Block(columns, [_row(table, key, row, cols, label)]))
        return blocks
    if key == "t3":
        rows: list[GridRow] = []
        for row in t3_rows(version):
            group = _T3_GROUP_BEFORE.get(row)
            if group:
                rows.append(GridRow(t(f"tui.tables.t3.group.{group}")))
            rows.append(_row(table, key, row, T3_COLS, t(f"checks.table.t3.row.{row}")))
        columns = [t(f"checks.table.t3.col.{c}") for c in T3_COLS]
        groups = [("", 1), (t("tui.tables.t3.legal_persons"), 5), ("", 1)]
        return [Block(columns, rows, groups)]
    rows = []
    for g in T4_GROUPS:
        if g == "sd":
            rows.append(GridRow(t("tui.tables.t4.suits")))
        rows.append(_row(table, key, g, T4_COLS, t(f"checks.table.t4.group.{g}")))
    return [Block([t(f"checks.table.t4.col.{c}") for c in T4_COLS], rows)]


def identity_text(identity: Identity, prior_year: int | None = None) -> str:
    """What a broken rule expects, e.g. ``3119 + 34 ≠ 3050 + 104 (3153 ≠ 3154)``."""
    g = mark_glyphs()

    def side(terms: tuple[Term, ...]) -> str:
        if not terms:
            return "0"
        shown = terms
        if len(terms) > SHOWN_TERMS:
            shown = tuple(x for x in terms if x.value != 0) or terms[:1]
        out = ""
        for i, term in enumerate(shown):
            value = _fmt(term.value)
            if term.report:
                value = t("tui.tables.prior_term", value=value, year=prior_year or "?")
            if i == 0:
                out = value if term.sign > 0 else f"{g.minus}{value}"
            else:
                out += f" {'+' if term.sign > 0 else g.minus} {value}"
        if len(shown) < len(terms):
            out += t("tui.tables.zero_terms", n=len(terms) - len(shown))
        return out

    relation = g.not_equal if identity.relation == "=" else g.less
    text = f"{side(identity.left)} {relation} {side(identity.right)}"
    if len(identity.left) > 1 or len(identity.right) > 1:
        total_l = sum(x.sign * x.value for x in identity.left)
        total_r = sum(x.sign * x.value for x in identity.right)
        text += f" ({_fmt(total_l)} {relation} {_fmt(total_r)})"
    return text


def _notes(key: str, table: Table | None, findings: list[Finding], prior_year: int | None) -> list[Note]:
    lang = current_language()
    notes: list[Note] = []
    spans = {(c.start, c.end): c.id for c in table.cells.values() if c.end > c.start} if table is not None else {}
    for f in findings:
        mark = SEVERITY_MARK.get(f.severity, INFO)
        ident = f.identity
        if ident is not None and ident.at.startswith(key + "."):
            prior = tuple(x.cell for x in ident.left + ident.right if x.report)
            text = f"{cell_label(ident.at, lang)}: {identity_text(ident, prior_year)}"
            if f.params.get("raw"):  # a row of digits run together: as printed
                text += t("tui.tables.printed", raw=one_line(str(f.params["raw"])))
            notes.append(Note(mark, text, tuple(ident.cells()), prior, f))
            continue
        if ident is not None or table is None or f.start is None:
            continue
        cid = spans.get((f.start, f.end))
        if cid is not None:
            notes.append(Note(mark, f"{cell_label(cid, lang)}: {one_line(f.message())}", (cid,), (), f))
        elif table.start <= f.start < table.end:
            notes.append(Note(mark, one_line(f.message()), (), (), f))
    order = {m: i for i, m in enumerate(MARK_ORDER)}
    notes.sort(key=lambda n: order[n.mark])
    return notes


def _apply_marks(grid: Grid, notes: list[Note], prior: bool = False) -> None:
    order = {m: i for i, m in enumerate(MARK_ORDER)}
    for note in notes:
        ids = note.prior_cells if prior else note.cells[:1]
        for cid in ids:
            cell = grid.cell(cid)
            if cell is not None and (not cell.mark or order[note.mark] < order[cell.mark]):
                cell.mark = note.mark


def build_grid(key: str, report: Report, findings: list[Finding], prior_year: int | None = None) -> Grid:
    tables = report.tables
    table = tables.table(key) if tables is not None else None
    version = (table.version if table is not None else None) or (tables.version if tables is not None else None)
    grid = Grid(key, t(f"tui.tables.title.{key}"), _blocks(key, table, version), found=table is not None)
    grid.notes = _notes(key, table, findings, prior_year)
    _apply_marks(grid, grid.notes)
    if table is not None and table.digits:
        grid.status = t(f"tui.tables.digits_{'split' if table.digits == 'split' else 'ambiguous'}",
                        glyph=mark_glyphs().split)  # fmt: skip
    return grid


def build_view(report: Report, findings: list[Finding], prior: Report | None = None) -> TableView:
    """The grids of ``report`` with the marks of ``findings`` (the ones the reviewer has not
    dismissed), and table 三 of ``prior`` (the same unit's previous year) when given."""
    prior_year = prior.year if prior is not None else None
    view = TableView([build_grid(key, report, findings, prior_year) for key in TABLES])
    if prior is not None:
        grid = build_grid("t3", prior, [], None)
        grid.notes = []
        t3 = view.grids[1]
        carry = [n for n in t3.notes if n.prior_cells]
        _apply_marks(grid, carry, prior=True)
        view.prior = grid
        view.prior_title = t("tui.tables.prior_title", year=prior.year or "?", rel=one_line(prior.rel))
    return view


def prior_of(report: Report, find) -> Report | None:
    """The report the carry-over check compared with (the same unit's year before), found with ``find(rel)``."""
    linked = report.extra.get("prior_year")
    if not linked:
        return None
    return find(linked.get("path", ""))


# ---------------------------------------------------------------- lines for a width

Run = tuple[str, str, str | None]  # text, style ("" | label | header | title | note | a mark), cell id
MIN_COL = 8
PRIOR = "prior:"  # prefix of the previous year's cell ids in runs
MAX_HEADER_LINES = 3


@dataclass(slots=True)
class Layout:
    lines: list[list[Run]]
    cell_lines: dict[str, int]  # cell id -> line it is drawn on (this report's cells)
    table_lines: list[int]  # first line of each table
    width: int  # cells the widest line takes


_LABEL_TOKENS = re.compile(r"[ \t]+|[\x21-\x2c\x2e-\x7e\u00c0-\u024f]+-?|.", re.S)


def _wrap_label(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` cells: CJK wraps anywhere, a Latin word only where it
    is longer than a line."""
    out, cur, used = [], "", 0
    for token in _LABEL_TOKENS.findall(text):
        if token.isspace():
            if cur:
                cur, used = cur + " ", used + 1
            continue
        w = cell_width(token)
        if used + w > width and cur.strip():
            out.append(cur.rstrip())
            cur, used = "", 0
        while w > width:  # a word wider than a line: cut it
            head, rest, hw = "", token, 0
            for ch in token:
                if hw + cell_width(ch) > width - used:
                    break
                head, hw = head + ch, hw + cell_width(ch)
                rest = rest[1:]
            out.append((cur + head).rstrip())
            cur, used, token, w = "", 0, rest, cell_width(rest)
        cur, used = cur + token, used + w
    if cur.strip():
        out.append(cur.rstrip())
    return out or [""]


def _center(text: str, width: int) -> str:
    w = cell_width(text)
    if w >= width:
        return fit(text, width, glyphs().ellipsis)
    left = (width - w) // 2
    return " " * left + text + " " * (width - w - left)


def _grid_widths(grid: Grid, width: int) -> tuple[int, list[list[int]]]:
    """The label column's width and each block's column widths for a total ``width``."""
    col_widths = []
    for block in grid.blocks:
        widths = []
        for i, name in enumerate(block.columns):
            values = max((cell_width(r.cells[i].text) for r in block.rows if r.cells), default=1)
            word = max((cell_width(x) for x in _LABEL_TOKENS.findall(name) if not x.isspace()), default=1)
            widths.append(max(MIN_COL, values + 3, min(cell_width(name), 8) + 1, min(word, 14) + 1))
        col_widths.append(widths)
    widest = max((sum(w) for w in col_widths), default=0)
    labels = max((cell_width(r.label) for b in grid.blocks for r in b.rows), default=4)
    label_w = max(8, min(labels, width - widest, 34))
    return label_w, col_widths


def _grid_lines(grid: Grid, width: int, prior: bool = False) -> tuple[list[list[Run]], dict[str, int]]:
    g = mark_glyphs()
    lines: list[list[Run]] = []
    cell_lines: dict[str, int] = {}
    title = grid.title + (f"  {grid.status}" if grid.status else "")
    lines.append([(title, "title", None)])
    if not grid.found:
        lines.append([(t("tui.tables.not_found"), "note", None)])
        return lines, cell_lines
    label_w, col_widths = _grid_widths(grid, width)
    ellipsis = glyphs().ellipsis
    for block, widths in zip(grid.blocks, col_widths):
        if block.groups:
            runs: list[Run] = [(" " * label_w, "", None)]
            i = 0
            for name, n in block.groups:
                span = sum(widths[i : i + n])
                runs.append((" " + _center(name, span - 1), "header", None))
                i += n
            lines.append(runs)
        wrapped = [_wrap_label(name, w - 1)[:MAX_HEADER_LINES] for name, w in zip(block.columns, widths)]
        depth = max(len(x) for x in wrapped)
        for k in range(depth):
            runs = [(" " * label_w, "", None)]
            for pieces, w in zip(wrapped, widths):
                piece = pieces[k] if k < len(pieces) else ""
                runs.append((" " + _center(piece, w - 1), "header", None))
            lines.append(runs)
        lines.append([(g.rule * (label_w + sum(widths)), "header", None)])
        for row in block.rows:
            if not row.cells:
                lines.append([(fit(row.label, label_w, ellipsis), "group", None)])
                continue
            runs = [(fit(row.label, label_w, ellipsis), "label", None)]
            for cell, w in zip(row.cells, widths):
                text = cell.text.rjust(w - 2) if cell_width(cell.text) <= w - 2 else fit(cell.text, w - 2, ellipsis)
                runs.append((" ", "", None))
                runs.append((text + mark_glyph(cell.mark), cell.mark or "value", PRIOR + cell.id if prior else cell.id))
            if not prior:
                for cell in row.cells:
                    cell_lines[cell.id] = len(lines)
            lines.append(runs)
    return lines, cell_lines


def _note_lines(grid: Grid, width: int) -> list[list[Run]]:
    out: list[list[Run]] = []
    for note in grid.notes:
        head = f"{mark_glyph(note.mark)} "
        for i, piece in enumerate(_wrap_label(note.text, max(10, width - 3))):
            out.append([((head if i == 0 else "  ") + piece, note.mark, note.cells[0] if note.cells else None)])
    return out


def _line_width(runs: list[Run]) -> int:
    return sum(cell_width(r[0]) for r in runs)


def layout(view: TableView, width: int) -> Layout:
    """The view as lines for ``width`` cells: each table with its notes; table 三 of the previous
    year beside table 三 when both fit, else below it."""
    width = max(20, width)
    lines: list[list[Run]] = []
    cell_lines: dict[str, int] = {}
    starts: list[int] = []
    for grid in view.grids:
        starts.append(len(lines))
        body, where = _grid_lines(grid, width)
        notes = _note_lines(grid, width)
        if grid.key == "t3" and view.prior is not None:
            prior_body, _ = _grid_lines(view.prior, width, prior=True)
            prior_body[0] = [(view.prior_title, "title", None)]
            left = max(_line_width(r) for r in body)
            right = max(_line_width(r) for r in prior_body)
            if left + 3 + right <= width:  # beside
                for i, other in enumerate(prior_body):
                    if i >= len(body):
                        body.append([])
                    body[i] = list(body[i]) + [(" " * (left - _line_width(body[i]) + 3), "", None)] + list(other)
            else:  # below, after this year's notes
                notes = notes + [[]] + prior_body
        base = len(lines)
        lines.extend(body)
        cell_lines.update({cid: base + i for cid, i in where.items()})
        lines.extend(notes)
        lines.append([])
    return Layout(lines, cell_lines, starts, max((_line_width(r) for r in lines), default=0))
