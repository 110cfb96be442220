"""The evidence report's HTML: overview, report list and one section per report.

Every string from a report, a file name or a review file goes through
:func:`~shenyue.report_html.escape.esc`; offsets are sliced from the decoded
text first and each slice is escaped on its own, so highlighting never splits
an entity. Links use positions in the folder's list (``r12``), never names
taken from the files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shenyue import __version__
from shenyue.analysis.findings import SEVERITIES, SEVERITY_RANK, count_by_severity
from shenyue.i18n import catalogue, t
from shenyue.report_html import charts
from shenyue.report_html.assets import CSS, JS, content_security_policy
from shenyue.report_html.escape import esc
from shenyue.review.export import ScoreSheet, SheetRow, comment_label
from shenyue.review.rubric import Rubric, format_number
from shenyue.review.store import STATUSES, StoredReview

if TYPE_CHECKING:
    from shenyue.model.report import Report, Unreadable

CONTEXT = 60  # characters shown either side of a finding
PASSAGE_CONTEXT = 30  # characters shown either side of a shared passage
MAX_MARK = 2000  # a finding's highlighted text is cut after this many characters
KINDS_SHOWN = ("peer", "same_unit", "common")
SHARE_BINS = 11  # 0 %, then ten bins of 10 %
NUM_CLASS = ' class="num"'


@dataclass(slots=True)
class Evidence:
    """What the page shows: the scanned reports and the merged reviews."""

    folder: Path
    reports: list["Report"]
    rubric: Rubric
    sheet: ScoreSheet
    reviews: dict[Path, StoredReview] = field(default_factory=dict)  # by review file path
    unreadable: list["Unreadable"] = field(default_factory=list)
    config: Any = None
    rows_by_report: dict[str, list[SheetRow]] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict)  # report rel -> position

    def __post_init__(self) -> None:
        for row in self.sheet.rows:
            self.rows_by_report.setdefault(row.report, []).append(row)
        self.index = {r.rel: i for i, r in enumerate(self.reports)}

    @property
    def reviewers(self) -> list[str]:
        return sorted({row.reviewer for row in self.sheet.rows})


Link = Callable[[int], str]  # report position -> href of its page


# ---------------------------------------------------------------- small pieces


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def _kind_label(kind: str, lang: str) -> str:
    key = f"kind.{kind}"
    return t(key, lang) if key in catalogue() else kind


def _status_label(status: str, lang: str) -> str:
    return t(f"review.status.{status}", lang) if status in STATUSES else status


def _copy_kind_label(kind: str, lang: str) -> str:
    return t(f"html.kind.{kind}", lang)


def _section_name(report: "Report", offset: int | None) -> str:
    if offset is None:
        return ""
    for s in report.sections:
        if s.start <= offset < s.end:
            return s.title
    return ""


def painted(text: str, lo: int, hi: int, mark_lo: int, mark_hi: int, mark_class: str,
            diffs: Sequence[tuple[int, int]] = ()) -> str:  # fmt: skip
    """``text[lo:hi]`` escaped, ``mark_lo..mark_hi`` in ``<mark class=...>``
    and the ``diffs`` (changed characters) inside it in ``<span class=diff>``."""
    lo, hi = max(0, lo), min(len(text), hi)
    mark_lo, mark_hi = max(lo, mark_lo), min(hi, max(mark_lo, mark_hi))
    out = [esc(text[lo:mark_lo]), f'<mark class="{mark_class}">']
    pos = mark_lo
    for a, b in sorted(diffs):
        a, b = max(a, pos), min(b, mark_hi)
        if b <= a:
            continue
        out.append(esc(text[pos:a]))
        out.append(f'<span class="diff">{esc(text[a:b])}</span>')
        pos = b
    out.append(esc(text[pos:mark_hi]))
    out.append("</mark>")
    out.append(esc(text[mark_hi:hi]))
    return "".join(out)


# ---------------------------------------------------------------- timeliness


def deadline_of(report: "Report", config: Any) -> date | None:
    """The publication deadline of an annual report (as ``publish_late`` computes it), or None."""
    from shenyue.analysis.checks.base import ANNUAL_KINDS, Context
    from shenyue.analysis.checks.timing import LAST_YEAR_OF_2007_RULES, deadline_for, unit_type

    if report.kind not in ANNUAL_KINDS or report.year is None:
        return None
    month, day = deadline_for(config, unit_type(Context(report, config)))
    if report.year <= LAST_YEAR_OF_2007_RULES:
        month, day = 3, 31
    try:
        return date(report.year + 1, month, 28 if (month, day) == (2, 29) else day)
    except ValueError:
        return None


TIME_BINS = ("early30", "early", "ontime", "late30", "late60", "late_more", "no_date")


def time_bin(report: "Report", deadline: date | None) -> str | None:
    if deadline is None:
        return None
    if report.published is None:
        return "no_date"
    days = (report.published - deadline).days
    if days < -30:
        return "early30"
    if days < 0:
        return "early"
    if days == 0:
        return "ontime"
    if days <= 30:
        return "late30"
    if days <= 60:
        return "late60"
    return "late_more"


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


def _total_text(row: SheetRow | None) -> str:
    if row is None:
        return ""
    return format_number(row.total) if row.total is not None else "—"


def _status_summary(rows: list[SheetRow], lang: str) -> str:
    if not rows:
        return t("html.status.none", lang)
    done = sum(1 for r in rows if r.status == "done")
    if done == len(rows):
        return _status_label("done", lang)
    return t("html.status.partial", lang, done=done, n=len(rows))


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
