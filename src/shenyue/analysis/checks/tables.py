"""Statistics-table checks (annual-report-rules.md §4, §8.5): presence and
completeness of tables 二/三/四, the 勾稽关系 identities, plausibility rules,
and numbers quoted in the prose against the tables.

A rule with a blank or unreadable operand is *not assessable*: it is reported
by ``table_not_assessable``, never evaluated with the blank taken as 0.
Messages name the row, the column and the numbers, e.g.
"三(七)总计(自然人) 5 ≠ 各项之和 6".
"""

from __future__ import annotations

import re

from shenyue.analysis.checks.base import FORMAT_KINDS, Context, check, finding
from shenyue.analysis.checks.timing import unit_type
from shenyue.analysis.findings import Finding, Identity, Term
from shenyue.i18n import t
from shenyue.model.tables import (
    AMOUNT_CELLS,
    READ_STATUSES,
    T3_COLS,
    T4_COLS,
    T4_GROUPS,
    Table,
    Tables,
    cell_ids,
    t2_rows,
    t3_result_rows,
    t3_rows,
)

C6 = T3_COLS[:-1]
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


def _names(cell_id: str) -> dict[str, str]:
    return {"cell": cell_label(cell_id, "zh"), "cell_en": cell_label(cell_id, "en")}


def _terms(ids: list[str], values: list, sign: int = 1) -> tuple[Term, ...]:
    return tuple(Term(cid, v, sign) for cid, v in zip(ids, values))


def _fmt(x) -> str:
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


def _issue_row_names(table: Table, issue) -> dict[str, str]:
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
                          **_issue_row_names(table, issue))  # fmt: skip


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
            rows_zh = "、".join(_issue_row_names(table, i)["row"] + f"“{i.params.get('raw', '')}”" for i in unsure[:4])
            rows_en = "; ".join(
                _issue_row_names(table, i)["row_en"] + f" “{i.params.get('raw', '')}”" for i in unsure[:4]
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


def _nosplit_findings(tables: Tables, key: str, rule: str):
    """Rows whose glued digits no cut satisfies: an arithmetic error as printed."""
    table = tables.table(key)
    if table is None:
        return
    for issue in table.issues:
        if issue.kind == "nosplit":
            yield finding(rule, "error", issue.start, issue.end, key="table_digits_nosplit", raw=issue.params["raw"],
                          expected=issue.params["expected"], **_issue_row_names(table, issue))  # fmt: skip


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
                          **_names(first.id))  # fmt: skip


# ---------------------------------------------------------------- identities


class _Eval:
    """Collects failures and not-assessable rules while evaluating identities."""

    def __init__(self, tables: Tables):
        self.tables = tables
        self.na: dict[str, list[str]] = {}  # rule -> missing cell ids

    def values(self, rule: str, ids: list[str]) -> list | None:
        out = []
        missing = []
        cells = self.tables.t3.cells if self.tables.t3 is not None else {}
        for cid in ids:
            cell = cells.get(cid) if cid.startswith("t3.") else self.tables.cell(cid)
            v = cell.value if cell is not None else None
            if v is None:
                missing.append(cid)
            out.append(v)
        if missing:
            self.na.setdefault(rule, []).extend(missing)
            return None
        return out


def _t3_failures(tables: Tables) -> tuple[list[Finding], dict[str, list[str]]]:
    """Findings of t3_row_total, t3_column_balance and t3_result_sum, each failure once."""
    t3 = tables.t3
    ev = _Eval(tables)
    out: list[Finding] = []
    if t3 is None:
        return out, ev.na
    version = t3.version
    rows = t3_rows(version)
    results = t3_result_rows(version)
    bad_rows: set[str] = set()
    for r in rows:
        vals = ev.values("t3_row_total", [f"t3.{r}.{c}" for c in T3_COLS])
        if vals is None:
            continue
        total, parts = vals[-1], sum(vals[:-1])
        if total != parts:
            bad_rows.add(r)
            cell = tables.cell(f"t3.{r}.tot")
            printed = t3.printed.get(r)
            ids = [f"t3.{r}.{c}" for c in T3_COLS]
            same = Identity(cell.id, _terms(ids[-1:], vals[-1:]), _terms(ids[:-1], vals[:-1]))
            out.append(finding("t3_row_total", "error", cell.start, cell.end, value=_fmt(total), sum=_fmt(parts),
                               key="t3_row_total_printed" if printed else None, raw=printed or "",
                               identity=same, **_names(cell.id)))  # fmt: skip
    out.extend(_nosplit_findings(tables, "t3", "t3_row_total"))
    for rule, left_rows, right_rows, at in (
        ("t3_column_balance", ("new", "carried_in"), ("r7", "carried_out"), "carried_out"),
        ("t3_result_sum", ("r7",), results, "r7"),
    ):
        involved = set(left_rows) | set(right_rows)
        column_failed = False
        for c in T3_COLS:
            ids_l = [f"t3.{r}.{c}" for r in left_rows]
            ids_r = [f"t3.{r}.{c}" for r in right_rows]
            vals = ev.values(rule, ids_l + ids_r)
            if vals is None:
                continue
            lhs, rhs = sum(vals[: len(ids_l)]), sum(vals[len(ids_l) :])
            if lhs == rhs:
                continue
            if c == "tot" and (column_failed or bad_rows & involved):
                continue  # follows from a failure already reported at a more specific cell
            column_failed = True
            cell = tables.cell(f"t3.{at}.{c}")
            same = Identity(cell.id, _terms(ids_l, vals[: len(ids_l)]), _terms(ids_r, vals[len(ids_l) :]))
            if rule == "t3_result_sum":
                out.append(finding(rule, "error", cell.start, cell.end, value=_fmt(lhs), sum=_fmt(rhs),
                                   identity=same, **_names(cell.id)))  # fmt: skip
            else:
                out.append(finding(rule, "error", cell.start, cell.end, lhs=_fmt(lhs), rhs=_fmt(rhs), identity=same,
                                   col=col_label("t3", c, "zh"), col_en=col_label("t3", c, "en")))  # fmt: skip
    unsplit = [i for i in t3.issues if i.kind == "nosplit_table"]
    if unsplit:  # one error quoting the digits, not one per column that follows from them
        out = [f for f in out if f.check not in ("t3_column_balance", "t3_result_sum")]
        out.append(finding("t3_column_balance", "error", unsplit[0].start, unsplit[0].end,
                           key="table_digits_nosplit_table", raw=unsplit[0].params["raw"]))  # fmt: skip
    return out, ev.na


def _evaluation(ctx: Context) -> tuple[list[Finding], dict[str, list[str]]]:
    cache = ctx.__dict__.setdefault("_table_eval", {})
    if "t3" not in cache:
        cache["t3"] = _t3_failures(ctx.tables)
    return cache["t3"]


@check("t3_row_total", "error", kinds=FORMAT_KINDS, arithmetic=True)
def t3_row_total(ctx: Context):
    """Table 三: in every row, 总计 equals the sum of the six applicant columns."""
    yield from (f for f in _evaluation(ctx)[0] if f.check == "t3_row_total")


@check("t3_column_balance", "error", kinds=FORMAT_KINDS, arithmetic=True)
def t3_column_balance(ctx: Context):
    """Table 三, per column: 本年新收 + 上年结转 = (七)总计 + 结转下年度 (the printed 勾稽 note)."""
    yield from (f for f in _evaluation(ctx)[0] if f.check == "t3_column_balance")


@check("t3_result_sum", "error", kinds=FORMAT_KINDS, arithmetic=True)
def t3_result_sum(ctx: Context):
    """Table 三, per column: (七)总计 equals the sum of all result rows (一)…(六)."""
    yield from (f for f in _evaluation(ctx)[0] if f.check == "t3_result_sum")


def _t4_na(tables: Tables) -> list[str]:
    return [cid for cid in cell_ids("t4") if tables.value(cid) is None] if tables.t4 else []


@check("t4_group_total", "error", kinds=FORMAT_KINDS, arithmetic=True)
def t4_group_total(ctx: Context):
    """Table 四: for 行政复议 and both kinds of 行政诉讼, 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    tables = ctx.tables
    if tables.t4 is None:
        return
    for g in T4_GROUPS:
        vals = [tables.value(f"t4.{g}.{c}") for c in T4_COLS]
        if any(v is None for v in vals):
            continue
        if vals[-1] != sum(vals[:-1]):
            cell = tables.cell(f"t4.{g}.tot")
            printed = tables.t4.printed.get("all")
            ids = [f"t4.{g}.{c}" for c in T4_COLS]
            same = Identity(cell.id, _terms(ids[-1:], vals[-1:]), _terms(ids[:-1], vals[:-1]))
            yield finding("t4_group_total", "error", cell.start, cell.end, value=_fmt(vals[-1]), sum=_fmt(sum(vals[:-1])),
                          key="t4_group_total_printed" if printed else None, raw=printed or "",
                          identity=same, **_names(cell.id))  # fmt: skip
    yield from _nosplit_findings(tables, "t4", "t4_group_total")


@check("cell_nonneg_integer", "error", kinds=FORMAT_KINDS, arithmetic=True)
def cell_nonneg_integer(ctx: Context):
    """Every count cell is a whole number ≥ 0 (amounts may be decimals ≥ 0; the 2019 本年增/减 cells may be negative)."""
    for table in ctx.tables.all():
        for cell in table.cells.values():
            v = cell.value
            if v is None:
                continue
            if cell.id in AMOUNT_CELLS:
                ok = v >= 0
            elif cell.id.endswith(".delta"):
                ok = isinstance(v, int)
            else:
                ok = isinstance(v, int) and v >= 0
            if not ok:
                yield finding("cell_nonneg_integer", "error", cell.start, cell.end, raw=cell.raw, **_names(cell.id))


@check("t2_valid_floor", "error", more=[("t2_valid_lt_made", "warning")], kinds=FORMAT_KINDS, arithmetic=True)
def t2_valid_floor(ctx: Context):
    """Table 二: 现行有效件数 ≥ 本年制发 − 本年废止 for 规章 and 行政规范性文件 (a smaller 现行有效 than 本年制发 alone is a warning)."""
    tables = ctx.tables
    if tables.t2 is None or tables.t2.version == "2019":
        return
    yield from _nosplit_findings(tables, "t2", "t2_valid_floor")
    for x in ("reg", "nd"):
        made, repealed, valid = (tables.value(f"t2.{x}.{c}") for c in ("made", "repealed", "valid"))
        if None in (made, repealed, valid):
            continue
        cell = tables.cell(f"t2.{x}.valid")
        mine = _terms([cell.id], [valid])
        if valid < made - repealed:
            right = _terms([f"t2.{x}.made"], [made]) + _terms([f"t2.{x}.repealed"], [repealed], -1)
            yield finding("t2_valid_floor", "error", cell.start, cell.end, valid=_fmt(valid), made=_fmt(made),
                          repealed=_fmt(repealed), identity=Identity(cell.id, mine, right, ">="),
                          **_names(cell.id))  # fmt: skip
        elif valid < made:
            right = _terms([f"t2.{x}.made"], [made])
            yield finding("t2_valid_lt_made", "warning", cell.start, cell.end, valid=_fmt(valid), made=_fmt(made),
                          identity=Identity(cell.id, mine, right, ">="), **_names(cell.id))  # fmt: skip


_RULE_MAKERS = re.compile(r"国务院|国家|部$|省|自治区|(?<!县)市人民政府$|^[\u4e00-\u9fff]{2,4}市$|州人民政府$")


@check("t2_rules_by_ineligible_unit", "warning", kinds=FORMAT_KINDS)
def t2_rules_by_ineligible_unit(ctx: Context):
    """Table 二 counts 规章 for a unit without rule-making power (街道, 乡镇, 县/区 governments, local departments)."""
    tables = ctx.tables
    if tables.t2 is None:
        return
    columns = t2_rows(tables.t2.version)["reg"]
    vals = [tables.value(f"t2.reg.{c}") for c in columns]
    if any(v is None for v in vals) or sum(vals) <= 0:
        return
    kind = unit_type(ctx)
    name = ctx.report.unit or ""
    if kind == "government" and _RULE_MAKERS.search(name) and not re.search(r"[县区旗]$", name):
        return
    if kind == "department" and re.search(r"国务院|国家|部$", name):
        return
    if not name and kind == "department":
        return  # the unit's level is unknown
    cell = tables.cell("t2.reg.made")
    yield finding(
        "t2_rules_by_ineligible_unit", "warning", cell.start, cell.end, unit=name or "—", count=_fmt(sum(vals))
    )


@check("t2_2019_published_le_total", "error", kinds=FORMAT_KINDS, arithmetic=True)
def t2_2019_published_le_total(ctx: Context):
    """2019 format, table 二: 对外公开总数量 ≥ 本年新公开数量, and 上一年项目数量 + 本年增/减 ≥ 0."""
    tables = ctx.tables
    if tables.t2 is None or tables.t2.version != "2019":
        return
    for x in ("reg", "nd"):
        published, total = tables.value(f"t2.{x}.published"), tables.value(f"t2.{x}.total")
        if published is not None and total is not None and total < published:
            cell = tables.cell(f"t2.{x}.total")
            same = Identity(cell.id, _terms([cell.id], [total]), _terms([f"t2.{x}.published"], [published]), ">=")
            yield finding("t2_2019_published_le_total", "error", cell.start, cell.end, total=_fmt(total),
                          published=_fmt(published), identity=same, **_names(cell.id))  # fmt: skip
    for x in ("permit", "services", "penalty", "coercion", "adminfee"):
        prev, delta = tables.value(f"t2.{x}.prev"), tables.value(f"t2.{x}.delta")
        if prev is not None and delta is not None and prev + delta < 0:
            cell = tables.cell(f"t2.{x}.delta")
            same = Identity(cell.id, _terms([f"t2.{x}.prev", cell.id], [prev, delta]), (), ">=")
            yield finding("t2_2019_published_le_total", "error", cell.start, cell.end, key="t2_2019_negative_items",
                          prev=_fmt(prev), delta=_fmt(delta), identity=same, **_names(cell.id))  # fmt: skip


@check("t2_fee_unit", "info", kinds=FORMAT_KINDS)
def t2_fee_unit(ctx: Context):
    """Table 二's 行政事业性收费 amount (万元) is written in 元 or is implausibly large for the unit level."""
    cell = ctx.tables.cell("t2.adminfee.amount_wan")
    if cell is None or cell.value is None:
        return
    limit = 100_000 if unit_type(ctx) in ("subdistrict", "township") else 10_000_000
    if cell.raw.endswith("元") and not cell.raw.endswith("万元"):
        yield finding("t2_fee_unit", "info", cell.start, cell.end, key="t2_fee_unit_yuan", raw=cell.raw)
    elif cell.value > limit:
        yield finding("t2_fee_unit", "info", cell.start, cell.end, raw=cell.raw, limit=limit)


@check("t4_after_review_gt_review", "info", kinds=FORMAT_KINDS)
def t4_after_review_gt_review(ctx: Context):
    """Table 四: more suits after reconsideration than reconsiderations (possible, e.g. last year's cases)."""
    sr, rv = ctx.tables.value("t4.sr.tot"), ctx.tables.value("t4.rv.tot")
    if sr is not None and rv is not None and sr > rv:
        cell = ctx.tables.cell("t4.sr.tot")
        yield finding("t4_after_review_gt_review", "info", cell.start, cell.end, sr=_fmt(sr), rv=_fmt(rv))


@check("t4_activity_without_requests", "info", kinds=FORMAT_KINDS)
def t4_activity_without_requests(ctx: Context):
    """Table 四 has cases although table 三 has no requests this year or carried over (possible for older or proactive-disclosure cases)."""
    tables = ctx.tables
    cases = [tables.value(f"t4.{g}.tot") for g in T4_GROUPS]
    requests = [tables.value("t3.new.tot"), tables.value("t3.carried_in.tot")]
    if None in cases or None in requests or sum(cases) <= 0 or sum(requests) != 0:
        return
    cell = tables.cell("t4.rv.tot")
    yield finding("t4_activity_without_requests", "info", cell.start, cell.end, cases=_fmt(sum(cases)))
