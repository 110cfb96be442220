"""Table 二 (主动公开政府信息情况): its walk hooks, its format version and its cells.

A label naming a row (规章, 行政规范性文件, 行政许可 …) opens the row; the values
after it are its cells, one column per the version's layout (2021: 10 cells,
2019: its own columns and the rows 其他对外管理服务事项 and 政府集中采购).
"""

from __future__ import annotations

from functools import lru_cache

from shenyue.model.tables import digits
from shenyue.model.tables.cells import Table, TableIssue
from shenyue.model.tables.fill import digits_flag, finalize_row
from shenyue.model.tables.labels import T2_BLOCK_LABELS, T2_ROW_RE, is_known_header, stops, strip_punct
from shenyue.model.tables.spec import MARKERS_2019, MARKERS_2021, t2_rows
from shenyue.model.tables.tokens import Token
from shenyue.model.tables.walker import Row, RowWalker


@lru_cache(maxsize=4096)
def _classify_t2(label: str) -> str | None:
    """The row a label names (the rightmost row name, close to the label's end)."""
    last = None
    for m in T2_ROW_RE.finditer(label):
        last = m
    if last is None or len(label) - last.start() > 20:
        return None
    return last.lastgroup


class T2(RowWalker):
    key = "t2"
    __slots__ = ()

    def label(self, tok: Token) -> bool:
        kind, joined = self.classify(_classify_t2, tok)
        if kind is not None:
            self.row(kind, joined)
            return True
        if is_known_header("t2", tok):
            self.header(tok)
            if self.current is not None and self.current.slots:
                self.current = None
            return True
        return not stops("t2", tok) and self.other_label()

    def build(self) -> Table | None:
        rows, table, start = self.rows, self.table, self.start
        if not rows or (len(rows) < 2 and not any(r.slots for r in rows.values())):
            return None
        joined = "".join(self.labels)
        version = _t2_version(joined, rows, self.doc_version)
        table.version = version
        table.end = max(self.last_end, start)
        spec = t2_rows(version)
        for row_id in self.order:
            row = rows[row_id]
            if row_id not in spec:
                table.issues.append(TableIssue("extra", "t2", row_id, row.label.start, row.label.end,
                                               {"found": len(row.slots), "expected": 0}))  # fmt: skip
                continue
            rule = digits.t2_valid_rule if version == "2021" and row_id in ("reg", "nd") else digits.no_rule
            finalize_row(table, "t2", row, spec[row_id], rule)
        table.readings = {}
        digits_flag(table)
        self.finish(spec)
        stripped = strip_punct(joined)
        for block in T2_BLOCK_LABELS[version]:
            if block not in stripped:
                table.issues.append(
                    TableIssue("missing_column", "t2", None, table.start, table.start, {"label": block})
                )
        table.labels = joined
        return table


def _t2_version(labels: str, rows: dict[str, Row], doc_version: str | None) -> str:
    m21 = sum(1 for m in MARKERS_2021 if m in labels)
    m19 = sum(1 for m in MARKERS_2019 if m in labels)
    if m19 >= 2 and m19 > m21:
        return "2019"
    if m21:
        return "2021"
    if "services" in rows or "procure" in rows:
        return "2019"
    permit = rows.get("permit")
    if permit is not None and len(permit.slots) == 3:
        return "2019"
    return doc_version or "2021"
