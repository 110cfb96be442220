"""Statistics-table checks, second part (annual-report-rules.md §4.4): numbers quoted
in the prose against the tables, and the rules that could not be assessed.

Registered right after :mod:`.tables` (their order is the listing order).
"""

from __future__ import annotations

import re

from shenyue.analysis.checks.base import FORMAT_KINDS, Context, check, finding
from shenyue.analysis.checks.tables import _evaluation, _fmt, _t4_na, cell_label
from shenyue.model.tables import Tables

# ---------------------------------------------------------------- text against tables (§4.4)

_APPROX = re.compile(r"逾|超过|超|近|约|余|多|以上|左右|累计")
# (rule, pattern, anchor word, window before, window after, must occur before the anchor,
#  must match right after it): the pattern is searched only near anchors that pass both gates.
_NUMBER_AFTER = {n: re.compile(rf"[^,。;\d]{{0,{n}}}\d") for n in (4, 6, 10)}
TEXT_RULES = (
    ("text_no_requests", re.compile(r"未(?:收到|受理)[^。;]{0,15}申请"), "申请", 20, 0, "未", None),
    (
        "text_requests_n",
        re.compile(
            r"(?:收到|受理|新收|办理|处理|答复)[^,。;]{0,15}(?:政府信息公开|依申请公开|公开)申请([^,。;\d]{0,6})(\d+)\s*(?:件|条)"
        ),
        "申请",
        30,
        20,
        None,
        _NUMBER_AFTER[6],
    ),
    ("text_review_none", re.compile(r"未(?:发生|收到|出现)[^。]{0,15}行政复议"), "行政复议", 20, 0, "未", None),
    (
        "text_review_n",
        re.compile(r"行政复议([^,。;\d]{0,10})(\d+)\s*(?:件|起)"),
        "行政复议",
        0,
        20,
        None,
        _NUMBER_AFTER[10],
    ),
    (
        "text_suit_n",
        re.compile(r"行政诉讼([^,。;\d]{0,10})(\d+)\s*(?:件|起)"),
        "行政诉讼",
        0,
        20,
        None,
        _NUMBER_AFTER[10],
    ),
    (
        "text_nd_made_n",
        re.compile(r"(?:制发|出台|印发)[^,。;\d]{0,10}(?:行政)?规范性文件([^,。;\d]{0,4})(\d+)\s*(?:件|份)"),
        "规范性文件",
        15,
        15,
        None,
        _NUMBER_AFTER[4],
    ),
)


_RECEIVED = ("收到", "受理", "新收")


def _expected(tables: Tables, rule: str, received: bool = False) -> tuple[list, list[str]]:
    """The table values a statement may equal, and the cells they come from.

    ``received``: the statement counts requests received (收到/受理/新收 …申请N件),
    which is 本年新收 (or with those carried over), never the number handled."""
    v = tables.value
    if rule in ("text_no_requests",):
        return [v("t3.new.tot")], ["t3.new.tot"]
    if rule == "text_requests_n":
        new, ci, r7 = v("t3.new.tot"), v("t3.carried_in.tot"), v("t3.r7.tot")
        opts = [new, None if new is None or ci is None else new + ci]
        if received:
            return opts, ["t3.new.tot"]
        return opts + [r7], ["t3.new.tot", "t3.r7.tot"]
    if rule in ("text_review_n", "text_review_none"):
        return [v("t4.rv.tot")], ["t4.rv.tot"]
    if rule == "text_suit_n":
        sd, sr = v("t4.sd.tot"), v("t4.sr.tot")
        return [None if sd is None or sr is None else sd + sr], ["t4.sd.tot", "t4.sr.tot"]
    return [v("t2.nd.made")], ["t2.nd.made"]


def text_statements(ctx: Context) -> list[tuple[str, int, int, int]]:
    """Numbers the prose states about the tables: ``(rule, start, end, number)``."""
    cache = ctx.__dict__
    if "_text_statements" in cache:
        return cache["_text_statements"]
    text = ctx.narrative
    out = []
    for rule, pattern, anchor, before, after, needs_before, needs_after in TEXT_RULES:
        for m in ctx.near(pattern, anchor, before, after, needs_before=needs_before, needs_after=needs_after):
            if rule in ("text_no_requests", "text_review_none"):
                out.append((rule, m.start(), m.end(), 0))
            elif not (_APPROX.search(m.group(1)) or _APPROX.match(text, m.end())):
                out.append((rule, m.start(), m.end(), int(m.group(2))))
    cache["_text_statements"] = out
    return out


@check("text_table_mismatch", "warning", kinds=FORMAT_KINDS, arithmetic=True)
def text_table_mismatch(ctx: Context):
    """A number stated in the prose (收到申请N件, 行政复议N件, 制发规范性文件N件 …) differs from the tables."""
    for rule, start, end, n in text_statements(ctx):
        options, cells = _expected(ctx.tables, rule, ctx.norm.startswith(_RECEIVED, start))
        known = [o for o in options if o is not None]
        if not known or n in known:
            continue
        yield finding("text_table_mismatch", "warning", start, end, key=rule.replace("_none", "_n"), text=n,
                      table="/".join(_fmt(o) for o in dict.fromkeys(known)),
                      quote=ctx.text[start:end])  # fmt: skip


# ---------------------------------------------------------------- not assessable


@check("table_not_assessable", "info", kinds=FORMAT_KINDS)
def table_not_assessable(ctx: Context):
    """A 勾稽 rule or a statement in the prose cannot be checked because a cell it needs is blank, unreadable or missing."""
    tables = ctx.tables
    _failures, na = _evaluation(ctx)
    t4_missing = _t4_na(tables)
    if t4_missing:
        na = dict(na)
        na["t4_group_total"] = t4_missing
    for rule, ids in na.items():
        ids = list(dict.fromkeys(ids))
        first = tables.cell(ids[0])
        table = tables.table(ids[0][:2])
        start, end = (first.start, first.end) if first else (table.start, table.start) if table else (None, None)
        yield finding("table_not_assessable", "info", start, end, rule=rule, count=len(ids),
                      cells="、".join(cell_label(c, "zh") for c in ids[:3]) + ("…" if len(ids) > 3 else ""),
                      cells_en="; ".join(cell_label(c, "en") for c in ids[:3]) + ("…" if len(ids) > 3 else ""))  # fmt: skip
    unchecked = [s for s in text_statements(ctx) if all(o is None for o in _expected(tables, s[0])[0])]
    if unchecked:
        rule, start, end, _n = unchecked[0]
        present = tables.table(_expected(tables, rule)[1][0][:2]) is not None  # the table is there, its cells unread
        yield finding("table_not_assessable", "info", start, end,
                      key="text_not_assessable_unread" if present else "text_not_assessable", count=len(unchecked),
                      quote=ctx.text[start:end])  # fmt: skip
