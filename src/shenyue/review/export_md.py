"""The Markdown score sheet (a 通报 to paste): narrow tables, never one row of 29 columns.

* the summary: one line per report (reviewers, mean, lowest, highest, spread);
* then one section per report with one table, criteria as rows and one column per reviewer
  (and the spread), followed by the total, status and gates; findings, shares of shared text, flags
  and comments follow as a list;
* the notes as a list.

Cells are escaped (``|``, markup, line breaks as ``<br>``) so every table keeps its shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shenyue.i18n import current_language, t
from shenyue.review.rubric import format_number
from shenyue.review.sheet import ScoreSheet, SheetRow, View, _copy_header, _share, _status_label


def _table(header: list[str], aligns: list[str], rows: list[list[Any]], cell) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("| " + " | ".join("---:" if a == "number" else "---" for a in aligns) + " |")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _spread(values: list[Any]) -> Any:
    nums = [v for v in values if isinstance(v, (int, float))]
    return round(max(nums) - min(nums), 6) if len(nums) >= 2 else None


def _report_section(rows: list[SheetRow], sheet: ScoreSheet, lang: str, cell) -> list[str]:
    rubric = sheet.rubric
    first = rows[0]
    title = " ".join(x for x in (first.unit, str(first.year) if first.year else "", f"({first.report})") if x)
    out = [f"### {cell(title)}", ""]
    header = [t("export.md.criterion", lang)] + [r.reviewer for r in rows]
    aligns = ["text"] + ["number"] * len(rows)
    several = len(rows) >= 2
    if several:
        header.append(t("export.md.spread", lang))
        aligns.append("number")
    body: list[list[Any]] = []
    for c in rubric.criteria:
        values = [r.scores.get(c.id) for r in rows]
        body.append([f"{c.label(lang)} ({format_number(c.max)})", *values] + ([_spread(values)] if several else []))
    totals = [r.total if r.total is not None else t("export.not_assessable", lang) for r in rows]
    body.append(
        [t("export.col.total", lang, max=format_number(rubric.total)), *totals]
        + ([_spread([r.total for r in rows])] if several else [])
    )
    body.append(
        [t("export.col.status", lang), *[_status_label(r.status, lang) for r in rows]] + ([""] if several else [])
    )
    if any(r.gates for r in rows):
        body.append([t("export.col.gates", lang), *[r.gates for r in rows]] + ([""] if several else []))
    if any(r.missing for r in rows):
        body.append([t("export.col.missing", lang), *[r.missing for r in rows]] + ([""] if several else []))
    if rows[0].findings is not None:  # counts per reviewer: each may have dismissed findings
        for key, severity in (("export.col.errors", "error"), ("export.col.warnings", "warning"),
                              ("export.col.infos", "info")):  # fmt: skip
            body.append(
                [t(key, lang), *[(r.findings or {}).get(severity, 0) for r in rows]] + ([""] if several else [])
            )
        if any(r.dismissed for r in rows):
            body.append([t("export.col.dismissed", lang), *[r.dismissed for r in rows]] + ([""] if several else []))
    out += _table(header, aligns, body, cell)
    out.append("")
    notes: list[str] = []
    shares = [
        f"{_copy_header(k, lang)} {format_number(_share(first.copy[k]))}" for k in sheet.copy_keys if k in first.copy
    ]
    if first.copy_source:
        shares.append(f"{t('export.col.copy_source', lang)} {first.copy_source}")
    if shares:
        notes.append(_join(shares, lang))
    for r in rows:
        label = f"{r.reviewer}: " if lang != "zh" else f"{r.reviewer}："
        if r.flags:
            notes.append(label + f"{t('export.col.flags', lang)} {_join(r.flags, lang)}")
        if r.report_missing:
            notes.append(label + t("export.report_missing", lang))
        elif r.report_changed:
            notes.append(label + t("export.col.changed", lang))
        for where, text in r.comments:
            notes.append(label + (f"【{where}】{text}" if lang == "zh" else f"[{where}] {text}"))
    out += [f"- {cell(n)}" for n in notes]
    if notes:
        out.append("")
    return out


def render_markdown(sheet: ScoreSheet, views_: Sequence[View], lang: str | None = None) -> bytes:
    from shenyue.review.export import _md_cell

    lang = lang or current_language()
    out = [f"# {_md_cell(t('export.md_title', lang, name=sheet.rubric.name(lang)))}", ""]
    header = [t(k, lang) for k in ("export.col.report", "export.col.unit", "export.col.year", "export.col.reviewers",
                                   "export.col.n_done", "export.col.mean", "export.col.min", "export.col.max",
                                   "export.col.spread_total")]  # fmt: skip
    aligns = ["text", "text", "number", "text", "number", "number", "number", "number", "number"]
    rows = [
        [s.report, s.unit, s.year, _join(s.reviewers, lang), s.done, s.mean, s.minimum, s.maximum, s.total_spread]
        for s in sheet.summary
    ]
    out += [f"## {_md_cell(t('export.view.summary', lang))}", ""]
    out += _table(header, aligns, rows, _md_cell)
    out.append("")
    by_report: dict[str, list[SheetRow]] = {}
    for r in sheet.rows:
        by_report.setdefault(r.report, []).append(r)
    if by_report:
        out += [f"## {_md_cell(t('export.view.rows', lang))}", ""]
        for report_rows in by_report.values():
            out += _report_section(report_rows, sheet, lang, _md_cell)
    notes = views_[2].rows if len(views_) > 2 else []
    if notes:
        out += [f"## {_md_cell(views_[2].name)}", ""]
        out += [f"- {_md_cell(n[0])}" for n in notes]
        out.append("")
    return "\n".join(out).encode("utf-8")
