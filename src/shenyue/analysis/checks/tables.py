"""Statistics-table checks (annual-report-rules.md §4, §8.5), first part: presence and completeness
of tables 二/三/四 and how their cells were read (merged, glued digits, PDF order, typos, blanks),
plus the names of cells, rows and columns that every table check's messages use.

The other table checks follow in :mod:`.table_arithmetic` (the 勾稽关系 identities
and plausibility rules) and :mod:`.table_text` (numbers quoted in the prose
against the tables, and what cannot be assessed); ``checks/__init__.py`` imports
the three in this order, which is the order their checks are listed.

A rule with a blank or unreadable operand is *not assessable*: it is reported
by ``table_not_assessable``, never evaluated with the blank taken as 0.
Messages name the row, the column and the numbers, e.g.
"三(七)总计(自然人) 5 ≠ 各项之和 6".
"""

from __future__ import annotations

from shenyue.analysis.checks.base import FORMAT_KINDS, Context, check, finding
from shenyue.i18n import t
from shenyue.model.tables import (
    READ_STATUSES,
    T3_COLS,
    T4_COLS,
    T4_GROUPS,
    Table,
    t2_rows,
    t3_rows,
)

_TABLE_SECTIONS = (("t2", "proactive"), ("t3", "requests"), ("t4", "appeals"))


# ---------------------------------------------------------------- labels


def cell_label(cell_id: str, lang: str) -> str:
    """A cell's name for messages, e.g. 三(七)总计(自然人) / III (7) total (natural persons)."""
    table, row, col = cell_id.split(".")
    name = t(f"checks.table.{table}.name", lang)
    if table == "t4":
        return t(
            "checks.table.cell_t4",
            lang,
            table=name,
            group=t(f"checks.table.t4.group.{row}", lang),
            col=t(f"checks.table.t4.col.{col}", lang),
        )
    row_name = t(f"checks.table.{table}.row.{row}", lang)
    col_name = t(f"checks.table.{table}.col.{col}", lang)
    if lang == "zh":
        return f"{name}{row_name}({col_name})" if row_name.startswith("(") else f"{name}·{row_name}({col_name})"
    return f"{name} {row_name} ({col_name})"


def row_label(table: str, row: str, lang: str) -> str:
    name = t(f"checks.table.{table}.name", lang)
    row_name = t(f"checks.table.{table}.row.{row}", lang)
    return f"{name}{row_name}" if lang == "zh" else f"{name} {row_name}"


def col_label(table: str, col: str, lang: str) -> str:
    return t(f"checks.table.{table}.col.{col}", lang)


def cell_names(cell_id: str) -> dict[str, str]:
    return {"cell": cell_label(cell_id, "zh"), "cell_en": cell_label(cell_id, "en")}


def fmt_number(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:g}" if isinstance(x, float) else str(x)


# ---------------------------------------------------------------- presence and completeness


@check("table_missing", "error", kinds=FORMAT_KINDS)
def table_missing(ctx: Context):
    """An annual report's section 二/三/四 has no table (often lost in extraction or an image: check the original)."""
    if not ctx.annual:
        return
    for key, section_key in _TABLE_SECTIONS:
        if ctx.tables.table(key) is None:
            section = ctx.section(section_key)
            yield finding("table_missing", "error", *ctx.heading_span(section), section=section_key,
                          table=t(f"checks.table.{key}.name", "zh"), table_en=t(f"checks.table.{key}.name", "en"))  # fmt: skip


_INCOMPLETE_KINDS = ("count", "extra", "no_values", "missing_row", "missing_column", "stray", "duplicate_row")


def expected_cells(table: Table) -> int:
    if table.key == "t2":
        return sum(len(c) for c in t2_rows(table.version).values())
    if table.key == "t3":
        return len(t3_rows(table.version)) * len(T3_COLS)
    return len(T4_GROUPS) * len(T4_COLS)


@check("table_rows_incomplete", "error", kinds=FORMAT_KINDS)
def table_rows_incomplete(ctx: Context):
    """A table lacks required rows or column labels, or its number of cells differs from the national format (2021: 10/175/15)."""
    for table in ctx.tables.all():
        issues = [i for i in table.issues if i.kind in _INCOMPLETE_KINDS]
        if not issues:
            continue
        found = sum(1 for c in table.cells.values() if c.status in READ_STATUSES or c.status == "merged")
        rows = [i.row for i in issues if i.kind in ("missing_row", "no_values", "count", "extra") and i.row]
        columns = [i.params.get("label", "") for i in issues if i.kind == "missing_column"]
        located = next((i for i in issues if i.end > i.start), None)
        start, end = (located.start, located.end) if located else (table.start, table.end)
        key = "t2" if table.key == "t2" else table.key
        yield finding("table_rows_incomplete", "error", start, end,
                      table=t(f"checks.table.{key}.name", "zh"), table_en=t(f"checks.table.{key}.name", "en"),
                      found=found, expected=expected_cells(table),
                      rows="、".join(_row_names(table.key, rows, "zh")) or "—",
                      rows_en=", ".join(_row_names(table.key, rows, "en")) or "—",
                      columns="、".join(columns) or "—")  # fmt: skip


def _row_names(table: str, rows: list[str], lang: str) -> list[str]:
    if table == "t4":
        return []
    return [t(f"checks.table.{table}.row.{r}", lang) for r in dict.fromkeys(rows)][:6]


def issue_row_names(table: Table, issue) -> dict[str, str]:
    if table.key == "t4" or not issue.row:
        return {"row": t(f"checks.table.{table.key}.name", "zh"), "row_en": t(f"checks.table.{table.key}.name", "en")}
    return {"row": row_label(table.key, issue.row, "zh"), "row_en": row_label(table.key, issue.row, "en")}


@check("table_cells_merged", "error", kinds=FORMAT_KINDS)
def table_cells_merged(ctx: Context):
    """A row holds fewer digits than cells, or values that are not plain digits, so its cells cannot be told apart."""
    for table in ctx.tables.all():
        for issue in table.issues:
            if issue.kind != "merged":
                continue
            yield finding("table_cells_merged", "error", issue.start, issue.end,
                          raw=issue.params.get("raw", ""), expected=issue.params.get("expected", ""),
                          **issue_row_names(table, issue))  # fmt: skip


@check("table_digits_split", "info", kinds=FORMAT_KINDS)
def table_digits_split(ctx: Context):
    """A table's digits ran together (crawled page): cut into cells by the table's own totals, or several cuts fit and the cells are left unread."""
    for table in ctx.tables.all():
        if not table.digits:
            continue
        names = {
            "table": t(f"checks.table.{table.key}.name", "zh"),
            "table_en": t(f"checks.table.{table.key}.name", "en"),
        }
        issues = [i for i in table.issues if i.kind in ("split", "ambiguous", "nosplit", "nosplit_table")]
        if table.digits == "ambiguous":
            unsure = [i for i in issues if i.kind == "ambiguous"]
            rows_zh = "、".join(issue_row_names(table, i)["row"] + f"“{i.params.get('raw', '')}”" for i in unsure[:4])
            rows_en = "; ".join(
                issue_row_names(table, i)["row_en"] + f" “{i.params.get('raw', '')}”" for i in unsure[:4]
            )
            yield finding("table_digits_split", "info", unsure[0].start, unsure[0].end, key="table_digits_ambiguous",
                          rows=rows_zh, rows_en=rows_en, count=len(unsure), **names)  # fmt: skip
        else:
            first = issues[0] if issues else None
            start, end = (first.start, first.end) if first else (table.start, table.end)
            yield finding("table_digits_split", "info", start, end, count=len(issues), **names)


@check("table_layout_unaligned", "warning", also=("info",), kinds=FORMAT_KINDS)
def table_layout_unaligned(ctx: Context):
    """A table's values come out of row order (PDF text in reading order): lined up by its totals where only one placement fits, otherwise left unread."""
    for table in ctx.tables.all():
        names = {
            "table": t(f"checks.table.{table.key}.name", "zh"),
            "table_en": t(f"checks.table.{table.key}.name", "en"),
        }
        for issue in table.issues:
            if issue.kind == "placed":
                yield finding(
                    "table_layout_unaligned", "info", issue.start, issue.end, key="table_layout_placed", **names
                )
            elif issue.kind == "unaligned_order":
                count = sum(1 for c in table.cells.values() if c.status == "scrambled")
                raw = issue.params.get("raw", "")
                yield finding("table_layout_unaligned", "warning", issue.start, issue.end, count=count,
                              raw=f"“{raw}”" if raw else "见原件", raw_en=f"“{raw}”" if raw else "see the original",
                              **names)  # fmt: skip


@check("table_label_typo", "warning", kinds=FORMAT_KINDS)
def table_label_typo(ctx: Context):
    """A table row label differs from the national wording by a typo (2.其他法律行政止公开): the row is read, the wording reported."""
    for table in ctx.tables.all():
        for issue in table.issues:
            if issue.kind == "label_typo":
                yield finding("table_label_typo", "warning", issue.start, issue.end,
                              printed=issue.params["printed"], expected=issue.params["expected"])  # fmt: skip


_BLANK = ("blank", "empty")


@check("table_blank_cells", "warning", kinds=FORMAT_KINDS)
def table_blank_cells(ctx: Context):
    """Cells left blank or written as "/", "-", "—", "无" inside a table (the rules using them cannot be checked)."""
    for table in ctx.tables.all():
        blanks = [c for c in table.cells.values() if c.status == "blank"]
        if blanks:
            first = blanks[0]
            yield finding("table_blank_cells", "warning", first.start, first.end, count=len(blanks),
                          table=t(f"checks.table.{table.key}.name", "zh"), table_en=t(f"checks.table.{table.key}.name", "en"),
                          **cell_names(first.id))  # fmt: skip
