"""Values a PDF converted in reading order (``pdftotext`` without ``-layout``) prints away from
their rows, put back: table 三's rows (:func:`realign_t3`) and table 四's runs (:func:`place_t4`).

Values move only in the one placement the row totals (三) or group totals (四)
allow, checked afterwards against table 三's identities (:func:`check_placed_t3`):
such cells get ``status="split"`` and a ``placed`` issue. Where several
placements fit, or none, the cells are ``scrambled`` (printed, value unknown)
with an ``unaligned_order`` issue (:func:`scrambled_t3`), so no arithmetic
finding and no "incomplete table" comes from the order of the text.
"""

from __future__ import annotations

import itertools

from shenyue.model.tables.cells import READ_STATUSES, Cell, Table, TableIssue
from shenyue.model.tables.fill import t3_identities_hold, value_of
from shenyue.model.tables.spec import T3_COLS, cell_ids, t3_result_rows, t3_rows
from shenyue.model.tables.tokens import LABEL, VALUE, Token, parse_number
from shenyue.model.tables.walker import Row

# ---------------------------------------------------------------- table 三


def _slot_count(row: Row) -> int:
    return len(row.slots) if all(t.kind != LABEL for t in row.slots) else -1


def _row_fits(toks: list[Token]) -> bool:
    """A row's seven values add up (总计 = the six before it); blanks leave it unchecked."""
    if len(toks) != 7:
        return False
    if any(t.kind != VALUE for t in toks):
        return True
    nums = [parse_number(t.text) for t in toks]
    return None in nums or nums[6] == sum(nums[:6])


def realign_t3(rows: dict[str, Row], order: list[str], version: str | None) -> list[str]:
    """Give back to their rows the values a PDF converted in reading order prints away from them.

    Two layouts are undone (each only when its placement is the one the row
    totals allow): value rows whose labels are printed elsewhere, which follow
    the row before them (that row then holds 7 + 7·j values for the j rows the
    format has next without a label), and a staircase where each row's first
    cells follow its label and the rest of several rows come together after
    the last of them (row totals decide where the last row's own cells start).
    Returns the ids of the rows that got values moved (checked against the
    table's identities afterwards)."""
    spec = t3_rows(version)
    placed: list[str] = []
    k = 0
    while k < len(order):
        rid = order[k]
        row = rows[rid]
        c = _slot_count(row)
        if c <= 7 or rid not in spec:
            k += 1
            continue
        # value rows without a label: the rows the format has next that no label opened
        nxt = next((r for r in order[k + 1 :] if r in spec), None)
        following = spec[spec.index(rid) + 1 : spec.index(nxt) if nxt is not None else len(spec)]
        # (a label printed away from its values opens its row with none)
        missing = [r for r in following if r not in rows or not rows[r].slots]
        if c % 7 == 0 and len(missing) == c // 7 - 1 and missing:
            blocks = [row.slots[i : i + 7] for i in range(0, c, 7)]
            if all(_row_fits(b) for b in blocks):
                row.slots = blocks[0]
                j = 0
                for mid, block in zip(missing, blocks[1:]):
                    if mid in rows:
                        rows[mid].slots = block
                        continue
                    rows[mid] = Row(mid, Token(LABEL, block[0].start, block[0].start, ""), block)
                    order.insert(k + 1 + j, mid)
                    j += 1
                placed += [rid, *missing]
                k += 1 + j
                continue
        # a staircase: rows short of values just before a row with too many
        j = k
        while j > 0 and 0 <= _slot_count(rows[order[j - 1]]) < 7 and order[j - 1] in spec:
            j -= 1
        short = order[j:k]
        if short and c + sum(len(rows[r].slots) for r in short) == 7 * (len(short) + 1):
            trials = []
            for e in range(0, 8):
                rest = row.slots[e:]
                trial, pos = {}, 0
                for r in short:
                    need = 7 - len(rows[r].slots)
                    trial[r] = rows[r].slots + rest[pos : pos + need]
                    pos += need
                trial[rid] = row.slots[:e] + rest[pos:]
                trials.append(trial)
            if not any(rows[r].slots for r in short):  # labels, then every value column by column
                n = len(short) + 1
                trials.append({r: row.slots[i::n] for i, r in enumerate([*short, rid])})
            fitting = {}
            for trial in trials:
                if all(_row_fits(v) for v in trial.values()):
                    fitting.setdefault(tuple(t.text for r in trial for t in trial[r]), trial)
            if len(fitting) == 1:
                for r, toks in next(iter(fitting.values())).items():
                    rows[r].slots = toks
                placed += [*short, rid]
        k += 1
    return placed


def check_placed_t3(table: Table, placed: list[str], version: str | None) -> None:
    """Rows whose values were moved keep them only if the table's identities hold;
    otherwise the placement is a guess and the cells are left printed but unread."""
    if not placed:
        return
    known = {r: [value_of(table.cells.get(f"t3.{r}.{c}")) for c in T3_COLS] for r in t3_rows(version)}
    ids = [f"t3.{r}.{c}" for r in placed for c in T3_COLS if f"t3.{r}.{c}" in table.cells]
    first = min((table.cells[i] for i in ids), key=lambda cell: cell.start, default=None)
    span = (first.start, first.end) if first else (table.start, table.start)
    if t3_identities_hold(known, t3_result_rows(version)):
        for cid in ids:
            if table.cells[cid].status == "ok":
                table.cells[cid].status = "split"
        table.issues.append(TableIssue("placed", "t3", None, *span, {"rows": placed}))
        return
    for cid in ids:
        cell = table.cells[cid]
        cell.value, cell.status = None, "scrambled"
    table.issues.append(TableIssue("unaligned_order", "t3", None, *span, {"rows": placed}))


_UNALIGNED_KINDS = frozenset({"count", "extra", "no_values", "missing_row", "stray", "merged"})


def scrambled_t3(table: Table, rows: dict[str, Row], stray: list[Token], version: str | None) -> None:
    """Every cell of the table is printed (as many values as the format has cells) but some
    rows' values could not be lined up with their rows: those cells are printed but unread,
    one ``unaligned_order`` issue instead of an incomplete table."""
    bad = [i for i in table.issues if i.kind in _UNALIGNED_KINDS]
    if not bad:
        return
    spec = t3_rows(version)
    printed = sum(len(r.slots) for rid, r in rows.items() if rid in spec and _slot_count(r) >= 0)
    printed += sum(1 for t in stray if table.start <= t.start < table.end)
    if printed != 7 * len(spec):
        return
    table.issues = [i for i in table.issues if i.kind not in _UNALIGNED_KINDS]
    for rid in spec:
        for c in T3_COLS:
            cid = f"t3.{rid}.{c}"
            cell = table.cells.get(cid)
            if cell is None:
                table.cells[cid] = Cell(cid, "", table.start, table.start, None, "scrambled")
            elif cell.status not in READ_STATUSES:
                cell.value, cell.status = None, "scrambled"
    first = min(bad, key=lambda i: i.start)
    table.issues.append(
        TableIssue("unaligned_order", "t3", None, first.start, first.end, {"rows": [i.row for i in bad if i.row]})
    )


# ---------------------------------------------------------------- table 四

_MAX_RUNS = 7  # orderings of at most 7! runs are tried
_T4_COLUMN_MAJOR = tuple(g * 5 + c for c in range(5) for g in range(3))  # reading position -> cell index


def _t4_groups_hold(vals: list[int]) -> bool:
    return all(vals[g + 4] == vals[g] + vals[g + 1] + vals[g + 2] + vals[g + 3] for g in (0, 5, 10))


def place_t4(table: Table, values: list[Token], breaks: list[int]) -> bool:
    """Table 四's 15 values read in runs with header words between them (a PDF converted
    in reading order prints a ruled table's cells block by block, not in row order).

    The values are taken by position when that satisfies the three group totals.
    Otherwise every order of the runs is tried, laid out row by row and column by
    column; exactly one fitting placement is used (cells ``split``, a ``placed``
    issue), several or none leave the cells printed but unread (``scrambled``)
    with an ``unaligned_order`` issue: never an arithmetic error on a guess.
    False: not this case (the caller maps the values as usual)."""
    if any(t.kind != VALUE or not t.text.isdigit() for t in values):
        return False
    nums = [int(t.text) for t in values]
    if _t4_groups_hold(nums):
        return False  # the reading order is the row order
    if set(breaks) <= {5, 10}:
        return False  # each group's values after its own label: in row order, read as printed
    cuts = sorted({0, *breaks, 15})
    pieces = [list(range(a, b)) for a, b in zip(cuts, cuts[1:]) if b > a]
    fitting: dict[tuple[int, ...], list[int]] = {}
    if len(pieces) <= _MAX_RUNS:
        for perm in itertools.permutations(pieces):
            order = [i for piece in perm for i in piece]
            for layout in (None, _T4_COLUMN_MAJOR):
                cell_tok = order if layout is None else [0] * 15
                if layout is not None:
                    for pos, i in enumerate(order):
                        cell_tok[layout[pos]] = i
                vals = [nums[i] for i in cell_tok]
                if _t4_groups_hold(vals):
                    fitting.setdefault(tuple(vals), cell_tok)
            if len(fitting) > 1:
                break
    ids = cell_ids("t4")
    raw = " ".join(t.text for t in values)
    span = (values[0].start, values[-1].end)
    if len(fitting) == 1:
        cell_tok = next(iter(fitting.values()))
        for cid, i in zip(ids, cell_tok):
            tok = values[i]
            table.cells[cid] = Cell(cid, tok.text, tok.start, tok.end, nums[i], "split")
        table.issues.append(TableIssue("placed", "t4", None, *span, {"raw": raw}))
        return True
    for cid in ids:
        table.cells[cid] = Cell(cid, "", *span, None, "scrambled")
    table.issues.append(TableIssue("unaligned_order", "t4", None, *span, {"raw": raw, "readings": len(fitting)}))
    return True
