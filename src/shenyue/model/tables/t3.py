"""Table 三 (收到和处理政府信息公开申请情况): its walk hooks, its format version and its cells.

Header tokens before the first row are the column headers (申请人情况, 自然人 …);
a label naming a row opens it, a group label ((三)不予公开) only ends the row
before it. Labels with a typo are matched fuzzily (:mod:`.typos`). After the
walk, values a PDF printed away from their rows are moved back where the row
totals allow (:mod:`.reorder`), glued digits are cut (:mod:`.fill`), and the
table's identities decide what is still open.
"""

from __future__ import annotations

from functools import lru_cache

from shenyue.model.tables import digits
from shenyue.model.tables.cells import READ_STATUSES, Table, TableIssue
from shenyue.model.tables.fill import digits_flag, finalize_row, resolve_t3
from shenyue.model.tables.labels import (
    BARE_NUMERAL,
    FOREIGN_ANCHOR,
    MAX_LABEL,
    T3_COLUMN_LABELS,
    T3_ROW_RE,
    is_known_header,
    stops,
    strip_punct,
)
from shenyue.model.tables.reorder import check_placed_t3, realign_t3, scrambled_t3
from shenyue.model.tables.spec import T3_COLS, t3_rows
from shenyue.model.tables.tokens import VALUE, Token
from shenyue.model.tables.typos import ITEM_NUMBER, fuzzy_t3
from shenyue.model.tables.walker import Row, RowWalker

_LATE_ROWS = ("r4", "r5", "r6")  # (七)总计 follows rows of groups (四)…(六)


@lru_cache(maxsize=4096)
def _classify_t3(label: str) -> str | None:
    last = None
    for m in T3_ROW_RE.finditer(label):
        last = m.lastgroup
    return last


class T3(RowWalker):
    key = "t3"
    __slots__ = ("in_rows", "header_tokens", "tiny")

    def __init__(self, text: str, folded: str, anchor: int, floor: int, doc_version: str | None = None):
        super().__init__(text, folded, anchor, floor, doc_version)
        self.in_rows = False  # a row label has been read: what follows is the table's body
        self.header_tokens = 0
        self.tiny = 0  # one-character labels (a group label printed one character a line)

    def value(self, tok: Token) -> bool:
        if not self.in_rows:  # a value among the headers
            self.prev.clear()
            self.header_tokens += 1
            return self.header_tokens <= 80
        return RowWalker.value(self, tok)

    def label(self, tok: Token) -> bool:
        rows, order, in_rows = self.rows, self.order, self.in_rows
        if in_rows and FOREIGN_ANCHOR["t3"].search(tok.text):
            return False  # the next table's header run into this one (四、…行政复议行政诉讼结果维持…)
        if "carried_out" in rows and len(rows["carried_out"].slots) >= 7:
            return False  # the last row has its values: labels after it are outside the table (or printed late)
        kind, joined = self.classify(_classify_t3, tok)
        if (
            in_rows
            and len(tok.text) <= MAX_LABEL + 10
            and (kind is None or (kind.startswith("g") and ITEM_NUMBER.search(tok.text)))
        ):  # no row named, or only a group with a numbered row after it: (四)无法提供1.本机关不掌屋…
            fuzzy, typo = fuzzy_t3(tok.text, tuple(rows))
            if fuzzy is not None:
                kind = fuzzy
                self.table.issues.append(TableIssue("label_typo", "t3", kind, tok.start, tok.end,
                                         {"printed": self.text[tok.start : tok.end].strip(), "expected": typo}))  # fmt: skip
        if kind is not None and joined is not tok and not kind.startswith("g"):
            tok = joined
        if kind == "other_end":
            kind = "r6_3" if in_rows and order and order[-1] in ("r6", "r6_1", "r6_2") else None
        elif kind == "r7" and (not in_rows or (tok.text == "总计" and not any(r[:2] in _LATE_ROWS for r in rows))):
            kind = None  # the 总计 column header, printed among the first rows (PDF text in reading order)
        if kind is None and not in_rows and is_known_header("t3", tok):
            self.header(tok)
            self.header_tokens += 1
            return True
        if kind is not None and not kind.startswith("g"):
            self.in_rows = True
            self.row(kind, tok)
            return True
        if kind is not None:  # a group header: (三)不予公开 …
            if not in_rows:
                self.unknown += 1
                return True
            self.current = None
            self.header(tok)
            return True
        if in_rows and len(tok.text) <= 3 and BARE_NUMERAL.match(tok.text) or len(tok.text) == 1:
            self.tiny += 1  # 三、⏎本⏎年⏎度⏎… a group label printed one character a line
            return self.tiny <= 40
        if stops("t3", tok) or not self.other_label():
            return False
        return not ("carried_out" in rows and self.current is None)

    def build(self) -> Table | None:
        rows, order, table, start = self.rows, self.order, self.table, self.start
        if not rows or (len(rows) < 3 and not any(r.slots for r in rows.values())):
            return None
        version = _t3_version(rows, self.doc_version)
        table.version = version
        table.end = max(self.last_end, start)
        placed = realign_t3(rows, order, version)
        for row_id in order:
            row = rows[row_id]
            if row_id == "r6" and version == "2021":
                if any(t.kind == VALUE for t in row.slots):
                    table.issues.append(TableIssue("extra", "t3", "r6", row.label.start, row.label.end,
                                                   {"found": len(row.slots), "expected": 0}))  # fmt: skip
                continue
            finalize_row(table, "t3", row, T3_COLS, digits.t3_rule)
        resolve_t3(table, version)
        digits_flag(table)
        self.finish(t3_rows(version))
        check_placed_t3(table, placed, version)
        scrambled_t3(table, rows, self.stray, version)
        joined = "".join(strip_punct(h) for h in self.labels)
        full = sum(1 for c in table.cells.values() if c.status in READ_STATUSES) == 7 * len(t3_rows(version))
        for col in () if full else T3_COLUMN_LABELS:  # every row holds its 7 values: the format's column order
            if col not in joined:
                table.issues.append(TableIssue("missing_column", "t3", None, table.start, table.start, {"label": col}))
        table.labels = "".join(self.labels)
        return table


def _t3_version(rows: dict[str, Row], doc_version: str | None) -> str:
    if any(r in rows for r in ("r6_1", "r6_2", "r6_3")):
        return "2021"
    r6 = rows.get("r6")
    if r6 is not None and any(t.kind == VALUE for t in r6.slots):
        return "2019"
    return doc_version or "2021"
