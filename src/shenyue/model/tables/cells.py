"""What parsing gives: :class:`Tables` of :class:`Table` with their :class:`Cell` values and
:class:`TableIssue` reasons, every span an offset into the original text."""

from __future__ import annotations

from dataclasses import dataclass, field

from shenyue.pickled import by_constructor

# Cell statuses of a cell the page prints (its value may still be unknown: blank, or digits with several readings).
READ_STATUSES = frozenset({"ok", "split", "blank", "ambiguous", "unsplit", "scrambled"})


@by_constructor
@dataclass(slots=True)
class Cell:
    """One cell: ``value`` is None unless the cell holds a readable number."""

    id: str
    raw: str  # the cell as written (stripped); "" for a blank or absent cell
    start: int
    end: int
    value: int | float | None
    status: str = "ok"  # ok | split | blank | merged | unaligned | empty | ambiguous | unsplit | scrambled

    @property
    def missing(self) -> bool:
        return self.value is None


@by_constructor
@dataclass(slots=True)
class TableIssue:
    """Why some cells could not be read. ``kind``: merged, split, count, extra,
    no_values, stray, duplicate_row, missing_row, missing_column."""

    kind: str
    table: str
    row: str | None
    start: int
    end: int
    params: dict = field(default_factory=dict)


@by_constructor
@dataclass(slots=True)
class Table:
    key: str  # "t2", "t3", "t4"
    version: str | None
    start: int
    end: int
    cells: dict[str, Cell] = field(default_factory=dict)
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # row id -> label span
    labels: str = ""  # compact header and row labels, for marker and column checks
    issues: list[TableIssue] = field(default_factory=list)
    # Glued digits (crawled pages): "split" when every run was cut in the one way the
    # table's totals allow, "ambiguous" when some run has several readings.
    digits: str = ""
    printed: dict[str, str] = field(default_factory=dict)  # row id -> its digits as printed, for split rows
    readings: dict = field(default_factory=dict, repr=False)  # row id -> (tokens, cuts) still undecided

    @property
    def n_cells(self) -> int:
        return sum(1 for c in self.cells.values() if c.status in READ_STATUSES)


@by_constructor
@dataclass(slots=True)
class Tables:
    t2: Table | None = None
    t3: Table | None = None
    t4: Table | None = None
    regions: list[tuple[int, int]] = field(default_factory=list)  # sorted, non-overlapping
    version: str | None = None  # "2021", "2019" or None (no tables / undecided)
    markers_2019: list[str] = field(default_factory=list)
    markers_2021: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return getattr(self, key) if key in ("t2", "t3", "t4") else None

    def cell(self, cell_id: str) -> Cell | None:
        t = self.table(cell_id[:2])
        return t.cells.get(cell_id) if t else None

    def value(self, cell_id: str) -> int | float | None:
        c = self.cell(cell_id)
        return c.value if c else None

    def all(self) -> list[Table]:
        return [t for t in (self.t2, self.t3, self.t4) if t is not None]

    def in_region(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.regions)
