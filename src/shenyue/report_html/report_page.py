"""One report's section of the evidence report.

:func:`report_section` renders its metadata, its findings in context (dismissed ones apart), every
shared passage beside its source with the changed characters marked, its statistics tables with
failing cells marked, and the reviewers' scores and comments. Every string is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shenyue.analysis.findings import SEVERITY_RANK
from shenyue.i18n import t
from shenyue.report_html.escape import esc
from shenyue.report_html.pieces import (
    CONTEXT,
    KINDS_SHOWN,
    MAX_MARK,
    PASSAGE_CONTEXT,
    Evidence,
    Link,
    _copy_kind_label,
    _kind_label,
    _pct,
    _section_name,
    _status_label,
    _total_text,
    deadline_of,
    painted,
)
from shenyue.review.export import comment_label
from shenyue.review.rubric import format_number

if TYPE_CHECKING:
    from shenyue.model.report import Report

# ---------------------------------------------------------------- one report


def report_section(ev: Evidence, i: int, lang: str, link: Link, back: str) -> str:
    r = ev.reports[i]
    out = [f'<section class="report" id="r{i}">']
    out.append(f"<h2>{esc(r.unit or r.rel)}{' ' + str(r.year) if r.year else ''}</h2>")
    out.append(f'<a class="back" href="{back}">{esc(t("html.back", lang))}</a>')
    out.append(_meta(ev, r, lang))
    out.append(_findings(r, lang, f"r{i}", _dismissals(ev, r)))
    out.append(_copies(ev, r, i, lang, link))
    out.append(_tables(r, i, lang))
    out.append(_reviews(ev, r, lang, f"r{i}"))
    out.append("</section>\n")
    return "".join(out)


def _meta(ev: Evidence, r: "Report", lang: str) -> str:
    deadline = deadline_of(r, ev.config)
    items = [
        (t("html.meta.file", lang), r.rel),
        (t("html.meta.unit", lang), r.unit or "—"),
        (t("html.meta.year", lang), r.year or "—"),
        (t("html.meta.kind", lang), _kind_label(r.kind, lang)),
        (t("html.meta.published", lang), r.published.isoformat() if r.published else "—"),
    ]
    if deadline is not None:
        items.append((t("html.meta.deadline", lang), deadline.isoformat()))
    items.append((t("html.meta.encoding", lang), f"{r.doc.encoding}, {t('html.meta.chars', lang, n=len(r.text))}"))
    if r.copy is not None:
        shares = "  ".join(f"{_copy_kind_label(k, lang)} {_pct(r.copy.of(k))}" for k in KINDS_SHOWN)
        items.append((t("html.meta.shares", lang), shares))
    return '<dl class="meta">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"


def _dismissals(ev: Evidence, r: "Report") -> list[tuple[str, Any]]:
    """(reviewer, Dismissal) of every review of this report."""
    out = []
    for row in ev.rows_by_report.get(r.rel, []):
        stored = ev.reviews.get(row.review_path)
        if stored is not None:
            out += [(row.reviewer, d) for d in stored.review.dismissed]
    return out


def _findings(r: "Report", lang: str, anchor: str, dismissals: Sequence[tuple[str, Any]] = ()) -> str:
    out = [f'<h3 id="{anchor}-findings">{esc(t("html.findings.title", lang))} ({len(r.findings)})</h3>']
    if not r.findings:
        out.append(f'<p class="muted">{esc(t("html.findings.none", lang))}</p>')
        return "".join(out)
    out.append(f'<table class="findings"><thead><tr><th>{esc(t("html.col.severity", lang))}</th>'
               f'<th>{esc(t("html.col.finding", lang))}</th><th>{esc(t("html.col.context", lang))}</th></tr></thead><tbody>')  # fmt: skip
    text = r.text
    for f in sorted(
        r.findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.start if f.start is not None else -1)
    ):
        context = ""
        if f.start is not None and f.end is not None and 0 <= f.start <= f.end <= len(text):
            end = min(f.end, f.start + MAX_MARK)
            where = _section_name(r, f.start)
            context = (f'<div class="muted">{esc(where)}</div>' if where else "") + '<div class="ctx">' + painted(
                text, f.start - CONTEXT, end + CONTEXT, f.start, end, "hit") + ("…" if end < f.end else "") + "</div>"  # fmt: skip
        dismissed = "".join(
            f'<div class="dismissed">{esc(t("html.findings.dismissed", lang, reviewer=who, reason=d.reason or "—"))}</div>'
            for who, d in dismissals if d.matches(f)
        )  # fmt: skip
        out.append(
            f'<tr class="finding" data-check="{esc(f.check)}"><td class="sev-{esc(f.severity)}">{esc(t(f"checks.severity.{f.severity}", lang))}</td>'
            f"<td><code>{esc(f.check)}</code><br>{esc(f.message(lang))}{dismissed}</td><td>{context}</td></tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


def _copies(ev: Evidence, r: "Report", i: int, lang: str, link: Link) -> str:
    copy = r.copy
    spans = [s for s in copy.spans if s.kind in KINDS_SHOWN] if copy is not None else []
    out = [f'<h3 id="r{i}-copies">{esc(t("html.copies.title", lang))} ({len(spans)})</h3>']
    if copy is None:
        out.append(f'<p class="muted">{esc(t("html.copies.not_run", lang))}</p>')
        return "".join(out)
    if not spans:
        out.append(f'<p class="muted">{esc(t("html.copies.none", lang))}</p>')
        return "".join(out)
    out.append(f'<p class="legend muted">{esc(t("html.copies.legend", lang))}</p>')
    for kind in KINDS_SHOWN:
        of_kind = [s for s in spans if s.kind == kind]
        if not of_kind:
            continue
        chars = sum(s.end - s.start for s in of_kind)
        head = f'<span class="kind-{kind}">{esc(_copy_kind_label(kind, lang))}</span> · {esc(t("html.copies.count", lang, n=len(of_kind), chars=chars))}'
        # common wording is the least telling: folded away on screen (printed only when opened)
        out.append(f"<details{' open' if kind != 'common' else ''}><summary>{head}</summary>")
        for s in of_kind:
            out.append(_common(ev, r, s, lang, link) if kind == "common" else _pair(ev, r, s, lang, link))
        out.append("</details>")
    return "".join(out)


def _common(ev: Evidence, r: "Report", s, lang: str, link: Link) -> str:
    """Common wording is no one's copy: the passage in this report and the reports holding it, no source pane."""
    holders = []
    for h in s.holders:
        j = ev.index.get(h.report)
        name = esc(h.report) + (f" ({h.year})" if h.year else "")
        holders.append(f'<a href="{link(j)}">{name}</a>' if j is not None else name)
    where = _section_name(r, s.start)
    text = painted(r.text, s.start - PASSAGE_CONTEXT, s.end + PASSAGE_CONTEXT, s.start, s.end, "k-common")
    return (
        f'<div class="passage-head"><span class="kind-common">{esc(_copy_kind_label("common", lang))}</span> · '
        f"{esc(t('html.copies.chars', lang, n=s.end - s.start))} · {esc(t('html.copies.units', lang, n=s.n_units))}"
        f"{' · ' + esc(where) if where else ''}</div>"
        f'<div class="common" data-kind="common" data-start="{s.start}" data-end="{s.end}">'
        f'<div class="ctx">{text}</div><p class="muted">{esc(t("html.copies.holders", lang))}: {", ".join(holders)}</p></div>'
    )


def _pair(ev: Evidence, r: "Report", s, lang: str, link: Link) -> str:
    """One shared passage: this report's text beside its source's, both highlighted, changed characters marked.

    The source is highlighted where the alignment found the passage (the
    engine's source range can be much longer than the passage when stretches
    were joined); without an alignment, the engine's range."""
    from shenyue.analysis.similarity import align

    j = ev.index.get(s.other_report)
    other = ev.reports[j] if j is not None else None
    mine_diffs: list[tuple[int, int]] = []
    theirs_diffs: list[tuple[int, int]] = []
    score = round(100 * s.similarity)
    b_start, b_end = s.other_start, s.other_end
    if other is not None:
        try:
            al = align(r.text, s.start, s.end, other.text, s.other_start, s.other_end)
        except Exception:  # an alignment problem must not lose the page: the passage is shown unmarked
            al = None
        if al is not None and al.b_end > al.b_start:
            score = round(al.score)
            b_start, b_end = al.b_start, al.b_end
            for op in al.differences:
                if op.a_end > op.a_start:
                    mine_diffs.append((op.a_start, op.a_end))
                if op.b_end > op.b_start:
                    theirs_diffs.append((op.b_start, op.b_end))
    cls = f"k-{s.kind}"
    where = _section_name(r, s.start)
    left = painted(r.text, s.start - PASSAGE_CONTEXT, s.end + PASSAGE_CONTEXT, s.start, s.end, cls, mine_diffs)
    units = t("html.copies.units", lang, n=s.n_units)
    out = [
        f'<div class="passage-head"><span class="kind-{s.kind}">{esc(_copy_kind_label(s.kind, lang))}</span> · '
        f"{esc(t('html.copies.chars', lang, n=s.end - s.start))} · {esc(t('html.copies.similarity', lang, pct=score))} · {esc(units)}</div>",
        f'<div class="pair" data-kind="{s.kind}" data-start="{s.start}" data-end="{s.end}" '
        f'data-source-start="{b_start}" data-source-end="{b_end}">',
        f'<div class="pane this"><h4>{esc(t("html.copies.this", lang))}{" · " + esc(where) if where else ""}</h4>'
        f'<div class="ctx">{left}</div></div>',
    ]
    if other is None:
        out.append(
            f'<div class="pane source"><h4>{esc(s.other_report)}</h4><p class="muted">{esc(t("html.copies.source_missing", lang))}</p></div>'
        )
    else:
        right = painted(
            other.text, b_start - PASSAGE_CONTEXT, b_end + PASSAGE_CONTEXT, b_start, b_end, cls, theirs_diffs
        )
        about = " · ".join(
            x for x in (other.unit or "", str(other.year) if other.year else "",
                        t("html.copies.published", lang, date=other.published.isoformat()) if other.published else "") if x
        )  # fmt: skip
        out.append(
            f'<div class="pane source"><h4>{esc(t("html.copies.source", lang))}: <a href="{link(j)}">{esc(other.rel)}</a>'
            f'{" · " + esc(about) if about else ""}</h4><div class="ctx">{right}</div></div>'
        )
    out.append("</div>")
    return "".join(out)


def _tables(r: "Report", i: int, lang: str) -> str:
    from shenyue.analysis.checks.base import ids_where, spec

    tables = r.tables.all() if r.tables is not None else []
    if not tables:
        return ""
    arithmetic = ids_where(arithmetic=True)
    failing = [f for f in r.findings if f.check in arithmetic and f.start is not None and f.end is not None]
    out = [f'<h3 id="r{i}-tables">{esc(t("html.tables.title", lang))}</h3>',
           f'<p class="legend muted">{esc(t("html.tables.legend", lang))}</p>']  # fmt: skip
    for table in tables:
        fails = [f for f in failing if f.start < table.end and f.end > table.start]
        numbers = {id(f): n for n, f in enumerate(fails, 1)}
        out.append(f'<h4>{esc(t(f"checks.table.{table.key}.name", lang))}</h4><div class="wrap">')
        out.append(_grid(table, fails, numbers, lang))
        out.append("</div>")
        if fails:
            out.append(f'<p><b>{esc(t("html.tables.identities", lang))}</b></p><ul class="identities">')
            for f in fails:
                s = spec(f.check)
                rule = s.description(lang) if s else f.check
                out.append(f'<li class="identity" data-check="{esc(f.check)}"><span class="sev-error">[{numbers[id(f)]}]</span> '
                           f"{esc(f.message(lang))} <span class=\"muted\">— {esc(rule)}</span></li>")  # fmt: skip
            out.append("</ul>")
    return "".join(out)


def _cell_td(cell, fails, numbers, lang: str) -> str:
    if cell is None:
        return '<td class="unread">·</td>'
    hits = [f for f in fails if cell.end > cell.start and f.start < cell.end and f.end > cell.start]
    shown = cell.raw if cell.raw else ("" if cell.value is None else format_number(cell.value))
    classes = []
    if hits:
        classes.append("fail")
    if cell.status == "blank":
        classes.append("blank")
        shown = shown or "—"
    elif cell.value is None:
        classes.append("unread")
        shown = shown or "?"
    refs = "".join(f"<sup>[{numbers[id(f)]}]</sup>" for f in hits)
    attrs = f' class="{" ".join(classes)}"' if classes else ""
    title = f' title="{esc(" / ".join(f.message(lang) for f in hits))}"' if hits else ""
    return f'<td{attrs}{title} data-cell="{esc(cell.id)}">{esc(shown)}{refs}</td>'


def _grid(table, fails, numbers, lang: str) -> str:
    from shenyue.model.tables import T3_COLS, T4_COLS, T4_GROUPS, t2_rows, t3_rows

    out = ['<table class="grid">']
    if table.key == "t2":
        out.append("<tbody>")
        for row, cols in t2_rows(table.version).items():
            out.append(f'<tr><td class="lbl">{esc(t(f"checks.table.t2.row.{row}", lang))}</td>')
            for col in cols:
                out.append(f'<td class="lbl">{esc(t(f"checks.table.t2.col.{col}", lang))}</td>')
                out.append(_cell_td(table.cells.get(f"t2.{row}.{col}"), fails, numbers, lang))
            out.append("</tr>")
    elif table.key == "t3":
        out.append(
            "<thead><tr><th></th>"
            + "".join(f"<th>{esc(t(f'checks.table.t3.col.{c}', lang))}</th>" for c in T3_COLS)
            + "</tr></thead><tbody>"
        )
        for row in t3_rows(table.version):
            out.append(f'<tr><td class="lbl">{esc(t(f"checks.table.t3.row.{row}", lang))}</td>')
            out += [_cell_td(table.cells.get(f"t3.{row}.{c}"), fails, numbers, lang) for c in T3_COLS]
            out.append("</tr>")
    else:
        out.append(
            "<thead><tr><th></th>"
            + "".join(f"<th>{esc(t(f'checks.table.t4.col.{c}', lang))}</th>" for c in T4_COLS)
            + "</tr></thead><tbody>"
        )
        for g in T4_GROUPS:
            out.append(f'<tr><td class="lbl">{esc(t(f"checks.table.t4.group.{g}", lang))}</td>')
            out += [_cell_td(table.cells.get(f"t4.{g}.{c}"), fails, numbers, lang) for c in T4_COLS]
            out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _reviews(ev: Evidence, r: "Report", lang: str, anchor: str) -> str:
    rows = ev.rows_by_report.get(r.rel, [])
    out = [f'<h3 id="{anchor}-reviews">{esc(t("html.reviews.title", lang))}</h3>']
    if not rows:
        out.append(f'<p class="muted">{esc(t("html.reviews.none", lang))}</p>')
        return "".join(out)
    rubric = ev.rubric
    stored = [ev.reviews.get(row.review_path) for row in rows]
    out.append('<div class="wrap"><table class="reviews"><thead><tr>'
               f'<th>{esc(t("html.review.criterion", lang))}</th>')  # fmt: skip
    out += [f"<th>{esc(row.reviewer)}</th>" for row in rows]
    out.append("</tr></thead><tbody>")
    for c in rubric.criteria:
        out.append(
            f'<tr><th scope="row">{esc(c.label(lang))} <span class="muted">/ {esc(format_number(c.max))}</span></th>'
        )
        for row, st in zip(rows, stored):
            score = row.scores.get(c.id)
            comment = st.review.criterion_comments.get(c.id, "") if st is not None else ""
            out.append(f"<td><b>{esc(format_number(score) if score is not None else '—')}</b>"
                       + (f'<div class="ctx">{esc(comment)}</div>' if comment else "") + "</td>")  # fmt: skip
        out.append("</tr>")
    out.append(f'<tr><th scope="row">{esc(t("html.review.total", lang, max=format_number(rubric.total)))}</th>')
    for row in rows:
        gates = f'<div class="muted">{esc(row.gates)}</div>' if row.gates else ""
        out.append(f"<td><b>{esc(_total_text(row))}</b>{gates}</td>")
    out.append(f'</tr><tr><th scope="row">{esc(t("html.col.status", lang))}</th>')
    out += [
        f"<td>{esc(_status_label(row.status, lang))}{(' · ' + esc(', '.join(row.flags))) if row.flags else ''}</td>"
        for row in rows
    ]
    out.append("</tr>")
    other_rows: list[list[str]] = []
    for _row, st in zip(rows, stored):
        notes = []
        if st is not None:
            for kind, key, text in st.review.comments_in_order(rubric):
                if kind != "criterion":
                    notes.append(
                        f'<p><b>{esc(comment_label(kind, key, rubric, lang))}</b></p><div class="ctx">{esc(text)}</div>'
                    )
        other_rows.append(notes)
    if any(other_rows):
        out.append(f'<tr><th scope="row">{esc(t("html.review.other_comments", lang))}</th>')
        out += [f"<td>{''.join(notes)}</td>" for notes in other_rows]
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)
