"""The evidence report's HTML: the page frame, the overview with its charts, and the list of reports.

One report's section is in report_page.py, what every page uses (:class:`Evidence`, labels,
painted text, timeliness) in pieces.py.

Every string from a report, a file name or a review file goes through
:func:`~shenyue.report_html.escape.esc`; offsets are sliced from the decoded
text first and each slice is escaped on its own, so highlighting never splits
an entity. Links use positions in the folder's list (``r12``), never names
taken from the files.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from shenyue import __version__
from shenyue.analysis.findings import SEVERITIES, SEVERITY_RANK, count_by_severity
from shenyue.i18n import t
from shenyue.report_html import charts
from shenyue.report_html.assets import CSS, JS, content_security_policy
from shenyue.report_html.escape import esc
from shenyue.report_html.pieces import (
    KINDS_SHOWN,
    NUM_CLASS,
    SHARE_BINS,
    TIME_BINS,
    Evidence,
    Link,
    _copy_kind_label,
    _kind_label,
    _pct,
    _status_label,
    _total_text,
    deadline_of,
    time_bin,
)
from shenyue.review.export import SheetRow
from shenyue.review.rubric import format_number

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------- page frame


def page_start(title: str, lang: str, *, script: bool = True) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(script)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n"
    )


def page_end(*, script: bool = True) -> str:
    return (f"<script>{JS}</script>" if script else "") + "</body></html>\n"


def banner(ev: Evidence, lang: str, nav: list[tuple[str, str]]) -> str:
    when = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    links = "".join(f'<a href="{esc(href)}">{esc(label)}</a>' for href, label in nav)
    return (
        f'<header class="top"><h1>{esc(t("html.title", lang, folder=ev.folder.name or str(ev.folder)))}</h1>'
        f"<p>{esc(t('html.generated', lang, when=when, version=__version__))}</p></header>"
        f'<nav class="top">{links}</nav><main>\n'
    )


# ---------------------------------------------------------------- overview


def overview(ev: Evidence, lang: str) -> str:
    reports = ev.reports
    reviewed = sum(1 for r in reports if ev.rows_by_report.get(r.rel))
    done = sum(1 for r in reports if (rows := ev.rows_by_report.get(r.rel)) and all(x.status == "done" for x in rows))
    with_errors = sum(1 for r in reports if any(f.severity == "error" for f in r.findings))
    counts = [
        (len(reports), t("html.count.reports", lang)),
        (reviewed, t("html.count.reviewed", lang)),
        (done, t("html.count.done", lang)),
        (with_errors, t("html.count.errors", lang)),
        (len(ev.unreadable), t("html.count.unreadable", lang)),
    ]
    out = [f'<section id="overview"><h2>{esc(t("html.overview", lang))}</h2><div class="counts">']
    out += [f'<div class="count"><b>{n}</b><span>{esc(label)}</span></div>' for n, label in counts]
    out.append('</div><div class="charts">')
    out.append(_figure(t("html.chart.shares", lang), _share_chart(ev, lang), t("html.chart.shares_note", lang)))
    out.append(_figure(t("html.chart.findings", lang), _findings_chart(ev, lang), t("html.chart.findings_note", lang)))
    out.append(_figure(t("html.chart.scores", lang), _scores_chart(ev, lang), t("html.chart.scores_note", lang)))
    out.append(
        _figure(t("html.chart.timeliness", lang), _timeliness_chart(ev, lang), t("html.chart.timeliness_note", lang))
    )
    out.append("</div>")
    if ev.unreadable:
        out.append(f"<h3>{esc(t('html.unreadable', lang))}</h3><ul>")
        out += [f"<li>{esc(u.rel)}: {esc(u.reason(lang))}</li>" for u in ev.unreadable]
        out.append("</ul>")
    out.append("</section>\n")
    return "".join(out)


def _figure(title: str, svg: str | None, note: str) -> str:
    body = svg if svg else f'<p class="muted">{esc(t("html.chart.empty"))}</p>'
    return f'<figure><figcaption>{esc(title)}</figcaption>{body}<p class="note">{esc(note)}</p></figure>'


def _share_chart(ev: Evidence, lang: str) -> str | None:
    with_copy = [r.copy for r in ev.reports if r.copy is not None]
    if not with_copy:
        return None
    panels = []
    for kind in KINDS_SHOWN:
        counts = [0] * SHARE_BINS
        for copy in with_copy:
            share = copy.of(kind)
            counts[0 if share <= 0 else min(SHARE_BINS - 1, 1 + int(share * 10 - 1e-9))] += 1
        panels.append((_copy_kind_label(kind, lang), kind, counts))
    labels = ["0"] + [f"{10 * i}–{10 * (i + 1)}%" for i in range(10)]
    return charts.histograms(panels, labels, t("html.chart.shares", lang), t("html.axis.reports", lang))


def _findings_chart(ev: Evidence, lang: str) -> str | None:
    from shenyue.analysis.checks.base import spec

    by_check: Counter[str] = Counter()
    severity: dict[str, Counter[str]] = {}
    for r in ev.reports:
        for f in r.findings:
            by_check[f.check] += 1
            severity.setdefault(f.check, Counter())[f.severity] += 1
    if not by_check:
        return None
    items = []
    for check, n in sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])):
        sev = min(severity[check], key=lambda s: SEVERITY_RANK.get(s, 9))
        s = spec(check)
        items.append((check, n, sev, f"{check}: {s.description(lang) if s else ''} ({n})"))
    return charts.hbars(items, t("html.chart.findings", lang))


def _scores_chart(ev: Evidence, lang: str) -> str | None:
    items = []
    for summary in ev.sheet.summary:
        if summary.totals:
            items.append((summary.report, summary.minimum, summary.mean, summary.maximum, len(summary.totals)))
    if not items:
        return None
    items.sort(key=lambda x: (x[2], x[0]))
    label = t("html.axis.reports_by_mean", lang, n=len(items))
    unscored = sum(1 for s in ev.sheet.summary if s.reviewers and not s.totals)
    if unscored:  # reviewed, but every total is not assessable (a gate fired): no point to draw
        label += t("html.axis.not_assessable", lang, n=unscored)
    return charts.ranges(items, ev.rubric.total, t("html.chart.scores", lang), t("html.axis.total", lang), label)


def _timeliness_chart(ev: Evidence, lang: str) -> str | None:
    counts = Counter(b for r in ev.reports if (b := time_bin(r, deadline_of(r, ev.config))) is not None)
    if not counts:
        return None
    colour = {"early30": "ok", "early": "ok", "ontime": "ok", "late30": "warning", "late60": "late", "late_more": "late",
              "no_date": "none"}  # fmt: skip
    items = [(t(f"html.time.{b}", lang), counts.get(b, 0), colour[b]) for b in TIME_BINS]
    return charts.vbars(items, t("html.chart.timeliness", lang), t("html.axis.reports", lang))


# ---------------------------------------------------------------- the list of reports


def report_list(ev: Evidence, lang: str, link: Link) -> str:
    reviewers = ev.reviewers
    many = len(reviewers) > 8  # one column per reviewer stops being readable: one column of totals
    heads = [
        (t("html.col.file", lang), False), (t("html.col.unit", lang), False), (t("html.col.year", lang), True),
        (t("html.col.kind", lang), False), (t("html.kind.peer", lang), True), (t("html.kind.same_unit", lang), True),
        (t("html.kind.common", lang), True), (t("html.col.errors", lang), True), (t("html.col.warnings", lang), True),
        (t("html.col.infos", lang), True),
    ]  # fmt: skip
    heads += [(t("html.col.totals", lang), False)] if many else [(name, True) for name in reviewers]
    heads += [(t("html.col.mean", lang), True), (t("html.col.status", lang), False)]
    summaries = {s.report: s for s in ev.sheet.summary}
    out = [
        f'<section id="reports"><h2>{esc(t("html.list", lang))}</h2>',
        f'<div id="filters" class="filters" data-placeholder="{esc(t("html.filter.placeholder", lang))}" '
        f'data-errors="{esc(t("html.filter.errors", lang))}"></div>',
        '<div class="wrap"><table id="report-list" class="list"><thead><tr>',
    ]
    out += [f'<th scope="col"{NUM_CLASS if num else ""}>{esc(h)}</th>' for h, num in heads]
    out.append("</tr></thead><tbody>")
    for i, r in enumerate(ev.reports):
        counts = count_by_severity(r.findings)
        rows = ev.rows_by_report.get(r.rel, [])
        summary = summaries.get(r.rel)
        cells = [
            f'<td data-v="{esc(r.rel)}"><a href="{link(i)}">{esc(r.rel)}</a></td>',
            f"<td>{esc(r.unit or '')}</td>",
            _num_cell(r.year),
            f"<td>{esc(_kind_label(r.kind, lang))}</td>",
        ]
        for kind in KINDS_SHOWN:
            share = r.copy.of(kind) if r.copy is not None else None
            cells.append(_num_cell(None if share is None else round(100 * share, 1), _pct(share)))
        cells += [_num_cell(counts[s]) for s in SEVERITIES]
        by_reviewer = {row.reviewer: row for row in rows}
        if many:
            text = "; ".join(f"{row.reviewer} {_total_text(row)}" for row in rows)
            cells.append(f"<td>{esc(text)}</td>")
        else:
            for name in reviewers:
                row = by_reviewer.get(name)
                cells.append(_num_cell(row.total if row else None, _total_text(row) if row else ""))
        mean = summary.mean if summary else None
        cells.append(_num_cell(mean, format_number(mean) if mean is not None else ""))
        cells.append(f"<td>{esc(_status_summary(rows, lang))}</td>")
        out.append(f'<tr data-errors="{counts["error"]}">' + "".join(cells) + "</tr>")
    out.append("</tbody></table></div></section>\n")
    return "".join(out)


def _num_cell(value, shown: str | None = None) -> str:
    v = "" if value is None else str(value)
    return f'<td class="num" data-v="{esc(v)}">{esc(v if shown is None else shown)}</td>'


def _status_summary(rows: list[SheetRow], lang: str) -> str:
    if not rows:
        return t("html.status.none", lang)
    done = sum(1 for r in rows if r.status == "done")
    if done == len(rows):
        return _status_label("done", lang)
    return t("html.status.partial", lang, done=done, n=len(rows))
