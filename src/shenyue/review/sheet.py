"""Score sheets: every reviewer's review files merged into tables (format-neutral views; the
formats that write them are in :mod:`shenyue.review.export`).

Two views:

* **rows** (评分明细): one row per report and reviewer: report, unit, year,
  reviewer, status, every criterion's score, the reviewer's sum, the total
  with gates applied and named, counts of automatic findings by severity
  (without the ones the reviewer dismissed), copy shares (peer, same unit,
  common wording) when the similarity layer set ``report.copy``, flags, and the
  comments joined readably;
* **summary** (汇总): one row per report: number of reviewers, mean / min /
  max total, and the spread (max − min) of every criterion, so a team lead
  sees where reviewers disagree.

The report metadata comes from scanned reports passed in by the caller
(``shenyue.analysis.scan.scan_folder``); exporting only reads review files.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from shenyue.analysis.findings import count_by_severity
from shenyue.i18n import catalogue, current_language, t
from shenyue.paths import display_path, recover_text
from shenyue.review.dismissals import FolderDismissal, load_dismissals, standing
from shenyue.review.errors import ReviewFileError
from shenyue.review.paths import resolve_reviews_dir
from shenyue.review.rubric import Rubric, format_number
from shenyue.review.schema import STATUSES
from shenyue.review.team import StoredReview, load_all_reviews

if TYPE_CHECKING:
    from shenyue.config import Config
    from shenyue.model.report import Report


# ---------------------------------------------------------------- the merged data


@dataclass(slots=True)
class SheetRow:
    report: str
    unit: str
    year: int | None
    reviewer: str
    status: str
    scores: dict[str, float | int | None]
    raw: float
    total: float | None  # None: not assessable
    gates: str  # the gates that fired, named
    missing: int  # criteria not scored (or with a score the rubric does not allow)
    findings: dict[str, int] | None  # None when the report is not in the folder
    dismissed: int
    copy: dict[str, float]
    copy_source: str
    flags: list[str]
    report_changed: bool
    report_missing: bool
    renamed_from: str | None
    comments: list[tuple[str, str]]  # (label, text)
    review_path: Path
    updated: str
    refused: list[str] = field(default_factory=list)  # scores in the file the rubric does not allow, as "label = value"


@dataclass(slots=True)
class SummaryRow:
    report: str
    unit: str
    year: int | None
    reviewers: list[str]
    done: int
    totals: list[float]  # assessable totals
    not_assessable: int
    spread: dict[str, float | None]  # criterion -> max - min (None with fewer than two scores)
    gates: str

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.totals), 2) if self.totals else None

    @property
    def minimum(self) -> float | None:
        return min(self.totals) if self.totals else None

    @property
    def maximum(self) -> float | None:
        return max(self.totals) if self.totals else None

    @property
    def total_spread(self) -> float | None:
        return round(max(self.totals) - min(self.totals), 6) if len(self.totals) >= 2 else None


@dataclass(slots=True)
class ScoreSheet:
    rubric: Rubric
    rows: list[SheetRow] = field(default_factory=list)
    summary: list[SummaryRow] = field(default_factory=list)
    problems: list[ReviewFileError] = field(default_factory=list)  # review files that could not be read
    notes: list[str] = field(default_factory=list)  # plain-language remarks (rubric mismatch, ...)
    # values that were refused and left out of the sheet (a score outside the
    # rubric, a file in one reviewer's folder naming another): plain messages,
    # also in ``notes``; an export with any of these (or ``problems``) says so
    refused: list[str] = field(default_factory=list)
    copy_keys: list[str] = field(default_factory=list)
    has_copy_source: bool = False


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def copy_shares(value: Any) -> dict[str, float]:
    """Copy shares (0..1) from ``report.copy`` (a
    :class:`~shenyue.analysis.similarity.result.CopySummary`: ``peer_share``,
    ``same_unit_share``, ``common_share``), or from a bare number, the keys
    ``share`` / ``*_share`` of a mapping and the entries of its ``"shares"``.
    Counts and anything else are left out."""
    if value is None:
        return {}
    if hasattr(value, "to_json") and callable(value.to_json):
        value = value.to_json()
    if _number(value):
        return {"share": float(value)}
    if not isinstance(value, Mapping):
        return {}
    out: dict[str, float] = {}
    for key, v in value.items():
        if _number(v) and (key == "share" or str(key).endswith("_share")):
            out[str(key)] = float(v)
    nested = value.get("shares")
    if isinstance(nested, Mapping):
        for key, v in nested.items():
            if _number(v):
                out.setdefault(str(key), float(v))
    return out


def copy_source(value: Any) -> str:
    """The main source of copied text, e.g. "b.txt (1200)", from ``sources`` (common wording is never a source)."""
    main = getattr(value, "main_source", None)
    if main is not None:
        return f"{main.path} ({main.chars})"
    if not isinstance(value, Mapping):
        return ""
    sources = value.get("sources")
    if not isinstance(sources, list) or not sources:
        return ""
    first = sources[0]
    if isinstance(first, Mapping) and first.get("path"):
        chars = first.get("chars")
        return f"{first['path']} ({chars})" if _number(chars) else str(first["path"])
    if isinstance(first, (list, tuple)) and first:
        return f"{first[0]} ({first[1]})" if len(first) > 1 and _number(first[1]) else str(first[0])
    return ""


def _section_label(key: str, lang: str | None) -> str:
    if key.startswith("part-"):
        return t("review.section.part", lang, n=key[5:])
    if key.startswith("extra-"):
        return t("review.section.extra", lang, n=key[6:])
    label_key = f"review.section.{key}"
    return t(label_key, lang) if label_key in catalogue() else key


def comment_label(kind: str, key: str, rubric: Rubric, lang: str | None = None) -> str:
    if kind == "overall":
        return t("review.target.overall", lang)
    if kind == "criterion":
        return rubric.criterion(key).label(lang) if rubric.has_criterion(key) else key
    return _section_label(key, lang)


def build_score_sheet(
    rubric: Rubric,
    reports: Sequence["Report"],
    reviews: Sequence[StoredReview],
    problems: Iterable[ReviewFileError] = (),
    lang: str | None = None,
    dismissals: Sequence[FolderDismissal] = (),
) -> ScoreSheet:
    """Merge scanned reports with review files (nothing is written). Findings in ``dismissals`` (dismissed
    for the whole folder) count as dismissed for every reviewer; each dismissal is a note with its reason."""
    sheet = ScoreSheet(rubric, problems=list(problems))
    by_rel = {r.rel: r for r in reports}
    by_shown_rel = {recover_text(r.rel): r for r in reports}  # review files store undecodable names decoded
    by_hash: dict[str, list["Report"]] = {}
    for r in reports:
        by_hash.setdefault(r.doc.sha256.lower(), []).append(r)
    reviewed_rels: set[str] = set()
    copy_keys: dict[str, None] = {}
    mismatched: set[tuple[str, str]] = set()

    for stored in reviews:
        review = stored.review
        report = by_rel.get(review.report) or by_shown_rel.get(review.report)
        renamed_from = None
        if report is None and review.report_sha256:
            candidates = by_hash.get(review.report_sha256, [])
            if candidates:
                report = candidates[0]
                renamed_from = review.report
        rel = report.rel if report is not None else review.report
        reviewed_rels.add(rel)
        findings = list(report.findings) if report is not None else []
        active = review.active_findings(standing(findings, dismissals))
        total = review.total(rubric, standing(findings, dismissals))
        shares = copy_shares(report.copy) if report is not None else {}
        for key in shares:
            copy_keys.setdefault(key, None)
        if review.rubric_id and (review.rubric_id, review.rubric_version) != (rubric.id, rubric.version):
            mismatched.add((review.rubric_id, review.rubric_version))
        if stored.claimed_reviewer is not None:
            _refuse(sheet, t("export.note.reviewer_mismatch", lang, path=display_path(stored.path), claimed=stored.claimed_reviewer,
                             folder=review.reviewer))  # fmt: skip
        refused_scores: list[str] = []
        sheet.rows.append(
            SheetRow(
                report=rel,
                unit=(report.unit or "") if report is not None else "",
                year=report.year if report is not None else None,
                reviewer=review.reviewer,
                status=review.status,
                scores=_checked_scores(sheet, rubric, stored, lang, refused_scores),
                raw=total.raw,
                total=total.value,
                gates=total.gates_text(lang),
                missing=len(total.missing) + len(total.invalid),
                findings=count_by_severity(active) if report is not None else None,
                dismissed=len(findings) - len(active),
                copy=shares,
                copy_source=copy_source(report.copy) if report is not None else "",
                flags=list(review.flags),
                report_changed=bool(
                    report is not None and review.report_sha256 and review.report_sha256 != report.doc.sha256.lower()
                ),
                report_missing=report is None,
                renamed_from=renamed_from,
                comments=[
                    (comment_label(k, key, rubric, lang), text) for k, key, text in review.comments_in_order(rubric)
                ],
                review_path=stored.path,
                updated=review.updated,
                refused=refused_scores,
            )
        )
    sheet.rows.sort(key=lambda r: (r.report, r.reviewer))
    sheet.copy_keys = list(copy_keys)
    sheet.has_copy_source = any(r.copy_source for r in sheet.rows)
    for rubric_id, version in sorted(mismatched):
        sheet.notes.append(
            t(
                "export.note.rubric_mismatch",
                lang,
                id=rubric_id,
                version=version or "-",
                active=rubric.id,
                active_version=rubric.version or "-",
            )  # fmt: skip
        )
    sheet.notes += [d.describe(lang) for d in dismissals]
    for row in sheet.rows:
        if row.report_missing:
            sheet.notes.append(t("export.note.report_missing", lang, report=row.report, reviewer=row.reviewer))
        elif row.renamed_from:
            sheet.notes.append(
                t("export.note.renamed", lang, report=row.report, old=row.renamed_from, reviewer=row.reviewer)
            )

    rows_by_report: dict[str, list[SheetRow]] = {}
    for row in sheet.rows:
        rows_by_report.setdefault(row.report, []).append(row)
    all_rels = sorted(set(by_rel) | set(rows_by_report))
    for rel in all_rels:
        rows = rows_by_report.get(rel, [])
        report = by_rel.get(rel)
        spread: dict[str, float | None] = {}
        for c in rubric.criteria:
            values = [float(r.scores[c.id]) for r in rows if isinstance(r.scores.get(c.id), (int, float))]
            spread[c.id] = round(max(values) - min(values), 6) if len(values) >= 2 else None
        gate_texts = sorted({r.gates for r in rows if r.gates})
        sheet.summary.append(
            SummaryRow(
                report=rel,
                unit=(report.unit or "") if report is not None else (rows[0].unit if rows else ""),
                year=report.year if report is not None else None,
                reviewers=[r.reviewer for r in rows],
                done=sum(1 for r in rows if r.status == "done"),
                totals=[float(r.total) for r in rows if r.total is not None],
                not_assessable=sum(1 for r in rows if r.total is None),
                spread=spread,
                gates=" / ".join(gate_texts),
            )
        )
    return sheet


def _refuse(sheet: ScoreSheet, message: str) -> None:
    sheet.refused.append(message)
    sheet.notes.append(message)


def _checked_scores(
    sheet: ScoreSheet, rubric: Rubric, stored: StoredReview, lang: str | None, refused: list[str]
) -> dict[str, float | int | None]:
    """The review's scores for the sheet: a score the rubric does not allow
    (out of range, between steps) is left empty and reported (in the notes and,
    as "label = value", in ``refused`` for the row's column), never exported
    as it stands."""
    out: dict[str, float | int | None] = {}
    for c in rubric.criteria:
        value = stored.review.scores.get(c.id)
        if value is not None and not rubric.is_valid_score(c.id, value):
            _refuse(sheet, t("export.note.invalid_score", lang, path=display_path(stored.path), criterion=c.label(lang),
                             value=format_number(value), max=format_number(c.max)))  # fmt: skip
            refused.append(f"{c.label(lang)} = {format_number(value)} (0–{format_number(c.max)})")
            value = None
        out[c.id] = value
    return out


def collect_score_sheet(
    folder: Path,
    reports: Sequence["Report"],
    rubric: Rubric,
    *,
    reviews_dir: str | Path | None = None,
    config: "Config | None" = None,
    lang: str | None = None,
) -> ScoreSheet:
    """Read every reviewer's files under the reviews folder and merge them."""
    root = resolve_reviews_dir(Path(folder), reviews_dir, config)
    reviews, problems = load_all_reviews(root)
    dismissals, problem = load_dismissals(root)
    if problem is not None:
        problems.append(problem)
    return build_score_sheet(rubric, reports, reviews, problems, lang, dismissals)


# ---------------------------------------------------------------- views (format-neutral tables)


@dataclass(slots=True)
class Column:
    header: str
    kind: str = "text"  # "text" | "number" | "long" (wrapped text)


@dataclass(slots=True)
class View:
    name: str
    columns: list[Column]
    rows: list[list[Any]]  # str, int/float, or None (empty)


def _status_label(status: str, lang: str | None) -> str:
    return t(f"review.status.{status}", lang) if status in STATUSES else status


def _copy_header(key: str, lang: str | None) -> str:
    label_key = f"export.copy.{key}"
    if label_key in catalogue():
        return t(label_key, lang)
    return t("export.copy.other", lang, key=key)


def _share(value: float) -> float:
    return round(value * 100, 1) if value <= 1.0 else round(value, 1)


def views(sheet: ScoreSheet, lang: str | None = None) -> list[View]:
    lang = lang or current_language()
    rubric = sheet.rubric
    yes, no = t("export.yes", lang), ""
    cols = [
        Column(t("export.col.report", lang)),
        Column(t("export.col.unit", lang)),
        Column(t("export.col.year", lang), "number"),
        Column(t("export.col.reviewer", lang)),
        Column(t("export.col.status", lang)),
    ]
    cols += [Column(f"{c.label(lang)} ({format_number(c.max)})", "number") for c in rubric.criteria]
    cols += [
        Column(t("export.col.raw", lang), "number"),
        Column(t("export.col.total", lang, max=format_number(rubric.total)), "number"),
        Column(t("export.col.gates", lang), "long"),
        Column(t("export.col.missing", lang), "number"),
        Column(t("export.col.errors", lang), "number"),
        Column(t("export.col.warnings", lang), "number"),
        Column(t("export.col.infos", lang), "number"),
        Column(t("export.col.dismissed", lang), "number"),
    ]
    cols += [Column(_copy_header(k, lang), "number") for k in sheet.copy_keys]
    if sheet.has_copy_source:
        cols.append(Column(t("export.col.copy_source", lang)))
    any_refused = any(r.refused for r in sheet.rows)
    if any_refused:  # a score left out is said on its row too (CSV has no notes view)
        cols.append(Column(t("export.col.refused", lang), "long"))
    cols += [
        Column(t("export.col.flags", lang)),
        Column(t("export.col.changed", lang)),
        Column(t("export.col.updated", lang)),
        Column(t("export.col.comments", lang), "long"),
    ]
    rows = []
    for r in sheet.rows:
        counts = r.findings
        row: list[Any] = [r.report, r.unit, r.year, r.reviewer, _status_label(r.status, lang)]
        row += [r.scores.get(c.id) for c in rubric.criteria]
        row += [
            r.raw,
            r.total,
            r.gates if r.total is not None else (r.gates or t("export.not_assessable", lang)),
            r.missing,
            counts["error"] if counts else None,
            counts["warning"] if counts else None,
            counts["info"] if counts else None,
            r.dismissed if counts else None,
        ]
        row += [_share(r.copy[k]) if k in r.copy else None for k in sheet.copy_keys]
        if sheet.has_copy_source:
            row.append(r.copy_source)
        if any_refused:
            row.append("; ".join(r.refused))
        changed = t("export.report_missing", lang) if r.report_missing else (yes if r.report_changed else no)
        row += [
            "、".join(r.flags) if lang == "zh" else ", ".join(r.flags),
            changed,
            r.updated,
            "\n".join(f"【{label}】{text}" if lang == "zh" else f"[{label}] {text}" for label, text in r.comments),
        ]
        rows.append(row)
    detail = View(t("export.view.rows", lang), cols, rows)

    scols = [
        Column(t("export.col.report", lang)),
        Column(t("export.col.unit", lang)),
        Column(t("export.col.year", lang), "number"),
        Column(t("export.col.n_reviewers", lang), "number"),
        Column(t("export.col.n_done", lang), "number"),
        Column(t("export.col.mean", lang), "number"),
        Column(t("export.col.min", lang), "number"),
        Column(t("export.col.max", lang), "number"),
        Column(t("export.col.spread_total", lang), "number"),
        Column(t("export.col.not_assessable", lang), "number"),
    ]
    scols += [Column(t("export.col.spread", lang, label=c.label(lang)), "number") for c in rubric.criteria]
    scols += [Column(t("export.col.gates", lang), "long"), Column(t("export.col.reviewers", lang))]
    srows = []
    for s in sheet.summary:
        row = [s.report, s.unit, s.year, len(s.reviewers), s.done, s.mean, s.minimum, s.maximum, s.total_spread,
               s.not_assessable]  # fmt: skip
        row += [s.spread.get(c.id) for c in rubric.criteria]
        row += [s.gates, "、".join(s.reviewers) if lang == "zh" else ", ".join(s.reviewers)]
        srows.append(row)
    summary = View(t("export.view.summary", lang), scols, srows)

    out = [detail, summary]
    notes = [t("export.note.rubric", lang, name=rubric.name(lang), id=rubric.id, version=rubric.version or "-",
               source=rubric.source.describe(lang))]  # fmt: skip
    notes += sheet.notes
    notes += [p.message(lang) for p in sheet.problems]
    out.append(View(t("export.view.notes", lang), [Column(t("export.col.note", lang), "long")], [[n] for n in notes]))
    return out
