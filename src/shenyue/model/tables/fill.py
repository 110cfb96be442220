"""Turning the values read for each row into cells: as printed, or cut from digits run together by
the row's own arithmetic (:mod:`.digits`) and then by table 三's identities across rows.

A row with too few or too many values gets cells with ``value=None`` and an
issue saying why; nothing is guessed."""

from __future__ import annotations

import itertools

from shenyue.model.tables import digits
from shenyue.model.tables.cells import Cell, Table, TableIssue
from shenyue.model.tables.spec import T3_COLS, t3_result_rows, t3_rows
from shenyue.model.tables.tokens import BLANK, VALUE, Token, parse_number
from shenyue.model.tables.walker import Row


def finalize_row(table: Table, prefix: str, row: Row, cols: tuple[str, ...], rule=digits.no_rule) -> None:
    """Turn a row's collected slots into cells (or into an issue)."""
    k = len(cols)
    slots = row.slots
    label = row.label
    table.rows[row.id] = (label.start, label.end)
    if len(slots) > k:
        while len(slots) > k and slots[0].kind == BLANK:
            slots = slots[1:]
        while len(slots) > k and slots[-1].kind == BLANK:
            slots = slots[:-1]
    ids = [f"{prefix}.{row.id}.{c}" for c in cols]
    if len(slots) == k:
        for cid, tok in zip(ids, slots):
            if tok.kind == BLANK:
                table.cells[cid] = Cell(cid, tok.text, tok.start, tok.end, None, "blank")
            else:
                table.cells[cid] = Cell(cid, tok.text, tok.start, tok.end, parse_number(tok.text), "ok")
        return
    # A row's values can stand before its label (header-less layouts), so take the hull.
    span_start = min([label.start] + [t.start for t in slots])
    span_end = max([label.end] + [t.end for t in slots])
    values = [t for t in slots if t.kind == VALUE]
    if not slots:
        table.issues.append(TableIssue("no_values", table.key, row.id, label.start, label.end, {"expected": k}))
        for cid in ids:
            table.cells[cid] = Cell(cid, "", label.start, label.end, None, "empty")
        return
    if len(slots) < k and values and all(t.kind == VALUE for t in slots):
        digit_runs = [t for t in values if len(t.text.lstrip("+-").replace(",", "")) > 1]
        if digit_runs:
            raw = " ".join(t.text for t in values)
            if all(t.text.isdigit() for t in values) and sum(len(t.text) for t in values) >= k:
                if _split_row(table, row, ids, values, rule, raw, span_start, span_end):
                    return
            table.issues.append(
                TableIssue("merged", table.key, row.id, span_start, span_end,
                           {"raw": raw, "found": len(slots), "expected": k})
            )  # fmt: skip
            for cid in ids:
                table.cells[cid] = Cell(cid, "", span_start, span_end, None, "merged")
            return
    table.issues.append(
        TableIssue("count" if len(slots) < k else "extra", table.key, row.id, span_start, span_end,
                   {"found": len(slots), "expected": k})
    )  # fmt: skip
    for cid in ids:
        table.cells[cid] = Cell(cid, "", span_start, span_end, None, "unaligned")


def _split_row(
    table: Table, row: Row, ids: list[str], values: list[Token], rule, raw: str, start: int, end: int
) -> bool:
    """Cut a row's glued digits into its cells with the row's own arithmetic (:mod:`.digits`).

    One reading (or a run with exactly one digit per cell): the cells get their
    values, status ``split``. No reading satisfies the row's rule: a ``nosplit``
    issue (an arithmetic error as printed). Several, or too many to try: the
    cells are ``ambiguous`` (read, value unknown) and the readings are kept for
    the table's identities to decide (:func:`resolve_t3`). False: not digits
    this module can cut (the caller reports the row as merged)."""
    k = len(ids)
    toks = [t.text for t in values]
    forced = sum(len(t) for t in toks) == k
    found, complete = digits.cuts(toks, k, digits.no_rule if forced else rule)
    if forced and not found:
        return False  # a leading-zero rule cannot fail for one digit per cell: not reached
    table.printed[row.id] = raw
    start, end = values[0].start, values[-1].end
    if forced or (complete and len(found) == 1):
        _assign_cut(table, ids, values, found[0], "split")
        table.issues.append(TableIssue("split", table.key, row.id, start, end, {"raw": raw, "expected": k}))
        return True
    if complete and not found:
        if _dropped_cell(toks, rule):
            return False  # 12 0 0 3 0 15: consistent as printed, a cell was lost rather than digits glued
        table.issues.append(TableIssue("nosplit", table.key, row.id, start, end, {"raw": raw, "expected": k}))
        for cid in ids:
            table.cells[cid] = Cell(cid, "", start, end, None, "unsplit")
        return True
    table.issues.append(TableIssue("ambiguous", table.key, row.id, start, end,
                                   {"raw": raw, "expected": k, "readings": len(found) if complete else 0}))  # fmt: skip
    for cid in ids:
        table.cells[cid] = Cell(cid, "", start, end, None, "ambiguous")
    if complete:
        table.readings[row.id] = (values, ids, found)
        # a cell cut the same way in every reading is known all the same (72|64|178|37|351 before an unsure group)
        for i, cid in enumerate(ids):
            if all(cut[i] == found[0][i] for cut in found):
                _assign_cut(table, [cid], values, [found[0][i]], "split")
    return True


def _dropped_cell(toks: list[str], rule) -> bool:
    """Values separated as printed, none with a leading zero, whose total already equals
    the sum of the others: a row that lost a (blank) cell, not digits run together."""
    if len(toks) < 2 or rule is not digits.t3_rule or any(len(t) > 1 and t[0] == "0" for t in toks):
        return False
    nums = [int(t) for t in toks]
    return nums[-1] == sum(nums[:-1])


def _assign_cut(table: Table, ids: list[str], values: list[Token], cut, status: str) -> None:
    for cid, (ti, a, b) in zip(ids, cut):
        tok = values[ti]
        piece = tok.text[a:b]
        table.cells[cid] = Cell(cid, piece, tok.start + a, tok.start + b, int(piece), status)


_MAX_COMBINATIONS = 4096


def resolve_t3(table: Table, version: str | None) -> None:
    """Decide table 三's rows whose glued digits have several readings with the
    table's identities: per column, 本年新收 + 上年结转 = (七)总计 + 结转下年度 and
    (七)总计 = the sum of the result rows. Exactly one combination of readings
    satisfying them is taken; none is a ``nosplit`` issue of the whole table;
    several (or too many to try) leave the rows ambiguous."""
    pending = table.readings
    if not pending:
        return
    order = list(pending)
    options = [pending[r][2] for r in order]
    total = 1
    for o in options:
        total *= len(o)
    if total > _MAX_COMBINATIONS or total == 0:
        return
    results = t3_result_rows(version)
    known: dict[str, list[int | None]] = {}
    for r in t3_rows(version):
        known[r] = [value_of(table.cells.get(f"t3.{r}.{c}")) for c in T3_COLS]
    fitting = []
    for combo in itertools.product(*options):
        trial = dict(known)
        for r, cut in zip(order, combo):
            toks = pending[r][0]
            trial[r] = [int(toks[ti].text[a:b]) for ti, a, b in cut]
        if t3_identities_hold(trial, results):
            fitting.append(combo)
            if len(fitting) > 1:
                return
    if not fitting:
        raw = "; ".join(table.printed.get(r, "") for r in order)
        first = next(i for i in table.issues if i.kind == "ambiguous")
        table.issues.append(
            TableIssue("nosplit_table", "t3", None, first.start, first.end, {"raw": raw, "rows": order})
        )
        return
    for r, cut in zip(order, fitting[0]):
        toks, ids, _ = pending[r]
        _assign_cut(table, ids, toks, cut, "split")
        for issue in table.issues:
            if issue.kind == "ambiguous" and issue.row == r:
                issue.kind = "split"
    table.readings = {}


def value_of(cell: Cell | None) -> int | None:
    return cell.value if cell is not None and isinstance(cell.value, int) else None


def t3_identities_hold(rows: dict[str, list[int | None]], results: tuple[str, ...]) -> bool:
    """Every checkable identity of table 三 holds (an unknown cell makes its identity unchecked)."""
    for c in range(7):
        new, ci, r7, co = (rows.get(r, [None] * 7)[c] for r in ("new", "carried_in", "r7", "carried_out"))
        if None not in (new, ci, r7, co) and new + ci != r7 + co:
            return False
        parts = [rows.get(r, [None] * 7)[c] for r in results]
        if r7 is not None and None not in parts and r7 != sum(parts):
            return False
    return True


def digits_flag(table: Table) -> None:
    kinds = {i.kind for i in table.issues}
    if "ambiguous" in kinds:
        table.digits = "ambiguous"
    elif kinds & {"split", "nosplit", "nosplit_table"}:
        table.digits = "split"
