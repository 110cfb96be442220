"""Statistics-table checks, second part: table 三's 勾稽关系 identities (row totals, column balance,
result sums), table 四's group totals, whole non-negative counts, and table 二's plausibility rules.
Cells and rows are named as in :mod:`.tables`."""

from __future__ import annotations

import re

from shenyue.analysis.checks.base import FORMAT_KINDS, Context, check, finding
from shenyue.analysis.checks.tables import cell_names, col_label, fmt_number, issue_row_names
from shenyue.analysis.checks.timing import unit_type
from shenyue.analysis.findings import Finding, Identity, Term
from shenyue.model.tables import (
    AMOUNT_CELLS,
    T3_COLS,
    T4_COLS,
    T4_GROUPS,
    Tables,
    cell_ids,
    t2_rows,
    t3_result_rows,
    t3_rows,
)

# ---------------------------------------------------------------- identities


def _terms(ids: list[str], values: list, sign: int = 1) -> tuple[Term, ...]:
    return tuple(Term(cid, v, sign) for cid, v in zip(ids, values))


def nosplit_findings(tables: Tables, key: str, rule: str):
    """Rows whose glued digits no cut satisfies: an arithmetic error as printed."""
    table = tables.table(key)
    if table is None:
        return
    for issue in table.issues:
        if issue.kind == "nosplit":
            yield finding(rule, "error", issue.start, issue.end, key="table_digits_nosplit", raw=issue.params["raw"],
                          expected=issue.params["expected"], **issue_row_names(table, issue))  # fmt: skip


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
            out.append(finding("t3_row_total", "error", cell.start, cell.end, value=fmt_number(total), sum=fmt_number(parts),
                               key="t3_row_total_printed" if printed else None, raw=printed or "",
                               identity=same, **cell_names(cell.id)))  # fmt: skip
    out.extend(nosplit_findings(tables, "t3", "t3_row_total"))
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
                out.append(finding(rule, "error", cell.start, cell.end, value=fmt_number(lhs), sum=fmt_number(rhs),
                                   identity=same, **cell_names(cell.id)))  # fmt: skip
            else:
                out.append(finding(rule, "error", cell.start, cell.end, lhs=fmt_number(lhs), rhs=fmt_number(rhs), identity=same,
                                   col=col_label("t3", c, "zh"), col_en=col_label("t3", c, "en")))  # fmt: skip
    unsplit = [i for i in t3.issues if i.kind == "nosplit_table"]
    if unsplit:  # one error quoting the digits, not one per column that follows from them
        out = [f for f in out if f.check not in ("t3_column_balance", "t3_result_sum")]
        out.append(finding("t3_column_balance", "error", unsplit[0].start, unsplit[0].end,
                           key="table_digits_nosplit_table", raw=unsplit[0].params["raw"]))  # fmt: skip
    return out, ev.na


def t3_evaluation(ctx: Context) -> tuple[list[Finding], dict[str, list[str]]]:
    cache = ctx.__dict__.setdefault("_table_eval", {})
    if "t3" not in cache:
        cache["t3"] = _t3_failures(ctx.tables)
    return cache["t3"]


@check("t3_row_total", "error", kinds=FORMAT_KINDS, arithmetic=True)
def t3_row_total(ctx: Context):
    """Table 三: in every row, 总计 equals the sum of the six applicant columns."""
    yield from (f for f in t3_evaluation(ctx)[0] if f.check == "t3_row_total")


@check("t3_column_balance", "error", kinds=FORMAT_KINDS, arithmetic=True)
def t3_column_balance(ctx: Context):
    """Table 三, per column: 本年新收 + 上年结转 = (七)总计 + 结转下年度 (the printed 勾稽 note)."""
    yield from (f for f in t3_evaluation(ctx)[0] if f.check == "t3_column_balance")


@check("t3_result_sum", "error", kinds=FORMAT_KINDS, arithmetic=True)
def t3_result_sum(ctx: Context):
    """Table 三, per column: (七)总计 equals the sum of all result rows (一)…(六)."""
    yield from (f for f in t3_evaluation(ctx)[0] if f.check == "t3_result_sum")


def t4_unread(tables: Tables) -> list[str]:
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
            yield finding("t4_group_total", "error", cell.start, cell.end, value=fmt_number(vals[-1]), sum=fmt_number(sum(vals[:-1])),
                          key="t4_group_total_printed" if printed else None, raw=printed or "",
                          identity=same, **cell_names(cell.id))  # fmt: skip
    yield from nosplit_findings(tables, "t4", "t4_group_total")


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
                yield finding("cell_nonneg_integer", "error", cell.start, cell.end, raw=cell.raw, **cell_names(cell.id))


@check("t2_valid_floor", "error", more=[("t2_valid_lt_made", "warning")], kinds=FORMAT_KINDS, arithmetic=True)
def t2_valid_floor(ctx: Context):
    """Table 二: 现行有效件数 ≥ 本年制发 − 本年废止 for 规章 and 行政规范性文件 (a smaller 现行有效 than 本年制发 alone is a warning)."""
    tables = ctx.tables
    if tables.t2 is None or tables.t2.version == "2019":
        return
    yield from nosplit_findings(tables, "t2", "t2_valid_floor")
    for x in ("reg", "nd"):
        made, repealed, valid = (tables.value(f"t2.{x}.{c}") for c in ("made", "repealed", "valid"))
        if None in (made, repealed, valid):
            continue
        cell = tables.cell(f"t2.{x}.valid")
        mine = _terms([cell.id], [valid])
        if valid < made - repealed:
            right = _terms([f"t2.{x}.made"], [made]) + _terms([f"t2.{x}.repealed"], [repealed], -1)
            yield finding("t2_valid_floor", "error", cell.start, cell.end, valid=fmt_number(valid), made=fmt_number(made),
                          repealed=fmt_number(repealed), identity=Identity(cell.id, mine, right, ">="),
                          **cell_names(cell.id))  # fmt: skip
        elif valid < made:
            right = _terms([f"t2.{x}.made"], [made])
            yield finding("t2_valid_lt_made", "warning", cell.start, cell.end, valid=fmt_number(valid), made=fmt_number(made),
                          identity=Identity(cell.id, mine, right, ">="), **cell_names(cell.id))  # fmt: skip


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
        "t2_rules_by_ineligible_unit", "warning", cell.start, cell.end, unit=name or "—", count=fmt_number(sum(vals))
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
            yield finding("t2_2019_published_le_total", "error", cell.start, cell.end, total=fmt_number(total),
                          published=fmt_number(published), identity=same, **cell_names(cell.id))  # fmt: skip
    for x in ("permit", "services", "penalty", "coercion", "adminfee"):
        prev, delta = tables.value(f"t2.{x}.prev"), tables.value(f"t2.{x}.delta")
        if prev is not None and delta is not None and prev + delta < 0:
            cell = tables.cell(f"t2.{x}.delta")
            same = Identity(cell.id, _terms([f"t2.{x}.prev", cell.id], [prev, delta]), (), ">=")
            yield finding("t2_2019_published_le_total", "error", cell.start, cell.end, key="t2_2019_negative_items",
                          prev=fmt_number(prev), delta=fmt_number(delta), identity=same, **cell_names(cell.id))  # fmt: skip


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
        yield finding("t4_after_review_gt_review", "info", cell.start, cell.end, sr=fmt_number(sr), rv=fmt_number(rv))


@check("t4_activity_without_requests", "info", kinds=FORMAT_KINDS)
def t4_activity_without_requests(ctx: Context):
    """Table 四 has cases although table 三 has no requests this year or carried over (possible for older or proactive-disclosure cases)."""
    tables = ctx.tables
    cases = [tables.value(f"t4.{g}.tot") for g in T4_GROUPS]
    requests = [tables.value("t3.new.tot"), tables.value("t3.carried_in.tot")]
    if None in cases or None in requests or sum(cases) <= 0 or sum(requests) != 0:
        return
    cell = tables.cell("t4.rv.tot")
    yield finding("t4_activity_without_requests", "info", cell.start, cell.end, cases=fmt_number(sum(cases)))
