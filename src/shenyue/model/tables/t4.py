"""Table 四 (行政复议、行政诉讼情况): its walk hooks and its cells.

The table has no row labels: its header words, then 15 values (three groups of
five) in the format's order. Values read in runs between header words (a PDF
in reading order) are placed by the group totals (:func:`.reorder.place_t4`);
otherwise they are read as one row of 15 cells.
"""

from __future__ import annotations

from shenyue.model.tables import digits
from shenyue.model.tables.cells import READ_STATUSES, Table, TableIssue
from shenyue.model.tables.fill import digits_flag, finalize_row
from shenyue.model.tables.labels import T4_COLUMN_LABELS, is_known_header, stops, strip_punct
from shenyue.model.tables.reorder import place_t4
from shenyue.model.tables.spec import cell_ids
from shenyue.model.tables.tokens import BLANK, LABEL, Token
from shenyue.model.tables.walker import MAX_UNKNOWN_RUN, Row, Walker


class T4(Walker):
    key = "t4"
    __slots__ = ("values", "first_label", "runs")

    def __init__(self, text: str, folded: str, anchor: int, floor: int, doc_version: str | None = None):
        super().__init__(text, folded, anchor, floor, doc_version)
        self.values: list[Token] = []
        self.first_label: Token | None = None
        self.runs: list[int] = []  # indices into ``values`` where a run of values starts after a header label

    def label(self, tok: Token) -> bool:
        values, runs = self.values, self.runs
        if is_known_header("t4", tok):
            if values and len(values) >= 15:
                return False
            if values and (not runs or runs[-1] != len(values)):
                runs.append(len(values))
            self.labels.append(tok.text)
            self.first_label = self.first_label or tok
            self.last_end = tok.end
            self.unknown = 0
            return True
        if stops("t4", tok) or values:
            return False
        self.unknown += 1
        return self.unknown <= MAX_UNKNOWN_RUN

    def value(self, tok: Token) -> bool:
        if tok.kind == BLANK and tok.line_has_label:
            return True
        self.values.append(tok)
        self.last_end = tok.end
        return len(self.values) <= 60

    def build(self) -> Table | None:
        table, start, labels, values = self.table, self.start, self.labels, self.values
        if not labels:
            return None
        joined_labels = strip_punct("".join(labels))
        if len(values) < 15 and sum(1 for w in T4_COLUMN_LABELS if w in joined_labels) < 3:
            return None  # prose that names an outcome (其中结果维持 72 件), not the table
        table.end = max(self.last_end, start)
        table.labels = "".join(labels)
        ids = cell_ids("t4")
        row = Row("all", self.first_label or Token(LABEL, start, start, ""), values)
        if len(values) == 15 and self.runs and place_t4(table, values, self.runs):
            pass
        elif values:
            sub = Table("t4", None, start, table.end)
            finalize_row(sub, "t4", row, tuple(ids), digits.t4_rule)
            for cid, cell in sub.cells.items():
                real = cid.split(".", 2)[2]
                cell.id = real
                table.cells[real] = cell
            for issue in sub.issues:
                issue.row = None
                table.issues.append(issue)
            if "all" in sub.printed:
                table.printed["all"] = sub.printed["all"]
            digits_flag(table)
        else:
            table.issues.append(TableIssue("no_values", "t4", None, start, table.end, {"expected": 15}))
        joined = strip_punct(table.labels)
        full = len(values) == 15 or sum(1 for c in table.cells.values() if c.status in READ_STATUSES) == 15
        for col in () if full else T4_COLUMN_LABELS:  # 15 values: the format's order, whatever the header
            if col not in joined:
                table.issues.append(TableIssue("missing_column", "t4", None, table.start, table.start, {"label": col}))
        return table
