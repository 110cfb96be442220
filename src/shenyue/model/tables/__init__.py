"""Statistics tables 二, 三 and 四 of the annual report, parsed into named cells.

Cell ids follow annual-report-rules.md §2: ``t2.reg.made``, ``t3.r7.tot``,
``t4.rv.tot`` … Every cell keeps its span in the ORIGINAL text (Python str
indices), so a finding can point at it. Nothing is ever guessed:

* a blank, "/", "-", "—" or "无" cell is *missing* (``status="blank"``), not 0;
* a row whose values cannot be told apart (too few or too many values) gets
  cells with ``value=None`` and an issue saying why;
* digits run together (a crawled page: ``3000003``, ``713000074``, table 四 as
  one run of 15 digits) are cut into cells only in a way the table's own
  arithmetic allows (:mod:`.digits`: row total = sum of the parts, group totals,
  then table 三's 勾稽 identities across rows). One fitting cut gives cells with
  ``status="split"`` and the table's ``digits`` flag; several leave the cells
  every cut does not agree on ``ambiguous`` (read, value unknown); none is a
  ``nosplit`` issue, reported as an arithmetic error quoting the digits.

Layouts read: one cell per line (labels split over lines such as 商业⏎企业,
cells like `` 0``, NBSP padding), Markdown/pipe rows (``| a | b |``, also what
the HTML reader produces), rows separated by spaces or tabs, PDF-like text
where a row's numbers follow its label on one line (wrapped labels, group
labels printed one character a line, page numbers inside a table), and a
crawled page's whole report on one line with labels and cells glued
(``…规章000行政规范性文件417第二十条第（五）项…``). Row labels and column headers
with a typo (``2.其他法律行政止公开``, ``先行有效件数``) are matched fuzzily
(rapidfuzz) and reported as ``label_typo`` issues.

A PDF converted in reading order (``pdftotext`` without ``-layout``) prints a
ruled table cell by cell and not always in row order: value rows whose labels
come after the table, a staircase of rows whose first cells follow their labels
and whose other cells come together further down, rows read column by column,
table 四's values in blocks between header words. Values are moved to other
cells only in the one placement the row totals (table 三) or group totals
(table 四) allow, then checked against table 三's identities: such cells get
``status="split"`` and a ``placed`` issue. Where several placements fit, or
none, the cells are ``scrambled`` (printed, value unknown) with an
``unaligned_order`` issue, so no arithmetic finding and no "incomplete table"
comes from the order of the text.

Work is linear in the text length: the text is searched once for table anchors
and only the lines of each table are tokenised (a long line piece by piece, as
far as the table goes).

Modules, by job:

* :mod:`.parse`: the entry points (find the anchors, read each table, decide the version);
* :mod:`.walker`: the one token walk every table shares, with per-table hooks in
  :mod:`.t2`, :mod:`.t3` and :mod:`.t4` (each table's walk hooks, version and cells);
* :mod:`.regions`: where a table starts (header lines above its anchor);
* :mod:`.tokens`: a table's lines cut into labels, values and blank cells;
* :mod:`.labels`: row-name patterns, header words and anchors;
* :mod:`.fill`: a row's values into cells, glued digits cut by arithmetic (:mod:`.digits`);
* :mod:`.reorder`: values a PDF printed away from their rows put back;
* :mod:`.typos`: labels and headers printed with a typo;
* :mod:`.spec`: the national format's rows, columns, cell ids and version markers;
* :mod:`.cells`: the result types; :mod:`.matching`: the folded copy labels are matched in.

Public API (importable from this package): :func:`parse_tables`,
:func:`find_table_regions`, :func:`cell_ids`, :func:`match_text`, the types
:class:`Tables`, :class:`Table`, :class:`Cell`, :class:`TableIssue`, and the
format's rows and columns (:data:`T3_ROWS`, :data:`T3_COLS`, :data:`T4_GROUPS`,
:data:`T4_COLS`, :func:`t2_rows`, :func:`t3_rows` …).
"""

from __future__ import annotations

from shenyue.model.tables.cells import READ_STATUSES, Cell, Table, TableIssue, Tables
from shenyue.model.tables.matching import match_text
from shenyue.model.tables.parse import find_table_regions, parse_tables
from shenyue.model.tables.spec import (
    AMOUNT_CELLS,
    MARKERS_2019,
    MARKERS_2021,
    T2_ROWS_2019,
    T2_ROWS_2021,
    T3_COLS,
    T3_RESULT_ROWS_2019,
    T3_RESULT_ROWS_2021,
    T3_ROWS,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T4_COLS,
    T4_GROUPS,
    cell_ids,
    t2_rows,
    t3_result_rows,
    t3_rows,
)
from shenyue.model.tables.tokens import BLANK, LABEL, VALUE, parse_number
from shenyue.model.tables.typos import FUZZY_LABEL_CUTOFF

__all__ = [
    "AMOUNT_CELLS",
    "BLANK",
    "Cell",
    "FUZZY_LABEL_CUTOFF",
    "LABEL",
    "MARKERS_2019",
    "MARKERS_2021",
    "READ_STATUSES",
    "T2_ROWS_2019",
    "T2_ROWS_2021",
    "T3_COLS",
    "T3_RESULT_ROWS_2019",
    "T3_RESULT_ROWS_2021",
    "T3_ROWS",
    "T3_ROWS_2019",
    "T3_ROWS_2021",
    "T4_COLS",
    "T4_GROUPS",
    "Table",
    "TableIssue",
    "Tables",
    "VALUE",
    "cell_ids",
    "find_table_regions",
    "match_text",
    "parse_number",
    "parse_tables",
    "t2_rows",
    "t3_result_rows",
    "t3_rows",
]
