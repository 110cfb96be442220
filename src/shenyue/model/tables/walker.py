"""The one token walk every table parser shares, and the row bookkeeping of tables 二 and 三.

:func:`walk` finds where a table starts (:func:`.regions.region_start`), hands
the tokens of its lines (:func:`.tokens.tokens_from`) one by one to the
table's hooks, ``label`` for a label and ``value`` for a value or a blank
cell, until a hook returns False (the table has ended), and then asks
``build`` for the table (None when what was read is not one). A table is a
subclass of :class:`Walker` with those three hooks (:mod:`.t2`, :mod:`.t3`,
:mod:`.t4`); :class:`RowWalker` adds what tables 二 and 三 share: rows opened
at their labels that collect the values after them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shenyue.model.tables.cells import Table, TableIssue
from shenyue.model.tables.regions import region_start
from shenyue.model.tables.tokens import LABEL, VALUE, Token, tokens_from

MAX_UNKNOWN_RUN = 8  # this many unknown labels in a row end a table
_MAX_SLOTS = 40  # values collected for one row before the table is taken to have ended
_MAX_STRAY = 60  # values outside any row before the table is taken to have ended


class Walker:
    """One table being read: its region, the header and row labels read so far (in text
    order), where reading got to and how many labels in a row named nothing."""

    key = ""  # "t2", "t3", "t4"
    __slots__ = ("text", "folded", "doc_version", "line0", "start", "table", "labels", "last_end", "unknown")

    def __init__(self, text: str, folded: str, anchor: int, floor: int, doc_version: str | None = None):
        self.text = text
        self.folded = folded
        self.doc_version = doc_version
        self.line0, self.start, self.labels = region_start(folded, text, self.key, anchor, floor)
        self.table = Table(self.key, None, self.start, self.start)
        self.last_end = self.start
        self.unknown = 0

    def label(self, tok: Token) -> bool:
        """Take a label; False when the table has ended."""
        raise NotImplementedError

    def value(self, tok: Token) -> bool:
        """Take a value or a blank cell; False when the table has ended."""
        raise NotImplementedError

    def build(self) -> Table | None:
        """The table read, or None when the tokens were not one."""
        raise NotImplementedError


def walk(
    kind: type[Walker], text: str, folded: str, anchor: int, floor: int, ignore, doc_version: str | None = None
) -> Table | None:
    """Read the table ``kind`` found at ``anchor`` (nothing before ``floor``; lines starting in ``ignore`` skipped)."""
    walker = kind(text, folded, anchor, floor, doc_version)
    label, value = walker.label, walker.value
    for tok in tokens_from(folded, walker.line0, ignore, text):
        if not (label(tok) if tok.kind == LABEL else value(tok)):
            break
    return walker.build()


@dataclass(slots=True)
class Row:
    id: str
    label: Token
    slots: list[Token] = field(default_factory=list)


class RowWalker(Walker):
    """What the walks of tables 二 and 三 share: the rows opened so far (and their order),
    the row taking values, values outside any row, and the labels just read (a label
    split over lines is joined back, 1.本机关不⏎掌握相关政府信息)."""

    __slots__ = ("rows", "order", "current", "stray", "prev")

    def __init__(self, text: str, folded: str, anchor: int, floor: int, doc_version: str | None = None):
        super().__init__(text, folded, anchor, floor, doc_version)
        self.rows: dict[str, Row] = {}
        self.order: list[str] = []
        self.current: Row | None = None
        self.stray: list[Token] = []
        self.prev: list[Token] = []

    def classify(self, classify, tok: Token) -> tuple[str | None, Token]:
        kind, joined = classify_split(classify, tok, self.prev)
        self.prev.append(tok)
        if len(self.prev) > 4:
            del self.prev[0]
        return kind, joined

    def row(self, kind: str, tok: Token) -> None:
        """A label naming row ``kind``: the next line of the label of the row just opened, or a new row."""
        self.unknown = 0
        cur = self.current
        if cur is not None and cur.id == kind and not cur.slots:
            cur.label = Token(LABEL, cur.label.start, tok.end, cur.label.text + tok.text)
            self.last_end = tok.end
            return
        self.current = self._open_row(kind, tok)
        if self.current is not None:
            self.last_end = tok.end

    def _open_row(self, kind: str, tok: Token) -> Row | None:
        """Start row ``kind`` at its label; a second label for a row already seen is reported, not merged."""
        if kind in self.rows:
            self.table.issues.append(TableIssue("duplicate_row", self.table.key, kind, tok.start, tok.end, {}))
            return None
        row = self.rows[kind] = Row(kind, tok)
        self.order.append(kind)
        self.labels.append(tok.text)
        return row

    def header(self, tok: Token) -> None:
        self.labels.append(tok.text)
        self.last_end = tok.end
        self.unknown = 0

    def other_label(self) -> bool:
        """A label that names nothing; False when too many in a row have ended the table."""
        if self.current is not None and self.current.slots:
            self.current = None
        self.unknown += 1
        return self.unknown <= MAX_UNKNOWN_RUN

    def value(self, tok: Token) -> bool:
        """A value or a blank cell for the row taking values; False when it cannot belong to the table any more."""
        self.prev.clear()
        cur = self.current
        if cur is not None:
            if len(cur.slots) >= _MAX_SLOTS:
                return False  # no row has this many values
            cur.slots.append(tok)
            self.last_end = tok.end
        elif tok.kind == VALUE:
            self.stray.append(tok)
            return len(self.stray) <= _MAX_STRAY
        return True

    def finish(self, spec_rows) -> None:
        """Issues for values outside any row and for rows the format has but the table lacks."""
        table = self.table
        for tok in self.stray:
            if table.start <= tok.start < table.end:
                table.issues.append(TableIssue("stray", table.key, None, tok.start, tok.end, {"raw": tok.text}))
        for row_id in spec_rows:
            if row_id not in self.rows:
                table.issues.append(TableIssue("missing_row", table.key, row_id, table.start, table.start, {}))


def classify_split(classify, tok: Token, prev: list[Token]) -> tuple[str | None, Token]:
    """Classify a label, joining it to up to three labels just before it when
    it is only the end of a label split over lines (1.本机关不⏎掌握相关政府信息)."""
    kind = classify(tok.text)
    if kind is not None or not prev:
        return kind, tok
    acc = tok.text
    for p in reversed(prev[-3:]):
        acc = p.text + acc
        kind = classify(acc)
        if kind is not None:
            return kind, Token(LABEL, p.start, tok.end, acc, tok.line_has_label, p.words + tok.words)
    return None, tok
