"""Score sheets: every reviewer's review files merged into tables, written as
CSV (for Excel and WPS), XLSX or Markdown.

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

import csv
import io
import math
import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from shenyue.analysis.findings import count_by_severity
from shenyue.fsutil import UnsafeTargetError, atomic_write_bytes, check_write_target
from shenyue.i18n import catalogue, current_language, t
from shenyue.paths import display_path, recover_text
from shenyue.review.errors import ExportError, OutputExistsError, ReviewFileError
from shenyue.review.rubric import Rubric, format_number
from shenyue.review.paths import resolve_reviews_dir
from shenyue.review.schema import STATUSES
from shenyue.review.team import StoredReview, load_all_reviews

if TYPE_CHECKING:
    from shenyue.config import Config
    from shenyue.model.report import Report

DEFAULT_BASENAME = "shenyue-scores"


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
) -> ScoreSheet:
    """Merge scanned reports with review files (nothing is written)."""
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
        active = review.active_findings(findings)
        total = review.total(rubric, findings)
        shares = copy_shares(report.copy) if report is not None else {}
        for key in shares:
            copy_keys.setdefault(key, None)
        if review.rubric_id and (review.rubric_id, review.rubric_version) != (rubric.id, rubric.version):
            mismatched.add((review.rubric_id, review.rubric_version))
        if stored.claimed_reviewer is not None:
            _refuse(sheet, t("export.note.reviewer_mismatch", lang, path=display_path(stored.path), claimed=stored.claimed_reviewer,
                             folder=review.reviewer))  # fmt: skip
        sheet.rows.append(
            SheetRow(
                report=rel,
                unit=(report.unit or "") if report is not None else "",
                year=report.year if report is not None else None,
                reviewer=review.reviewer,
                status=review.status,
                scores=_checked_scores(sheet, rubric, stored, lang),
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
                comments=[(comment_label(k, key, rubric, lang), text) for k, key, text in review.comments_in_order(rubric)],
                review_path=stored.path,
                updated=review.updated,
            )
        )
    sheet.rows.sort(key=lambda r: (r.report, r.reviewer))
    sheet.copy_keys = list(copy_keys)
    sheet.has_copy_source = any(r.copy_source for r in sheet.rows)
    for rubric_id, version in sorted(mismatched):
        sheet.notes.append(
            t("export.note.rubric_mismatch", lang, id=rubric_id, version=version or "-", active=rubric.id,
              active_version=rubric.version or "-")  # fmt: skip
        )
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


def _checked_scores(sheet: ScoreSheet, rubric: Rubric, stored: StoredReview, lang: str | None) -> dict[str, float | int | None]:
    """The review's scores for the sheet: a score the rubric does not allow
    (out of range, between steps) is left empty and reported, never exported
    as it stands."""
    out: dict[str, float | int | None] = {}
    for c in rubric.criteria:
        value = stored.review.scores.get(c.id)
        if value is not None and not rubric.is_valid_score(c.id, value):
            _refuse(sheet, t("export.note.invalid_score", lang, path=display_path(stored.path), criterion=c.label(lang),
                             value=format_number(value), max=format_number(c.max)))  # fmt: skip
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
    return build_score_sheet(rubric, reports, reviews, problems, lang)


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


# ---------------------------------------------------------------- cell text


def clean_text(value: str) -> str:
    """Text from reports and reviews is untrusted: drop control characters
    (newlines and tabs stay); bytes of a file name that were not UTF-8 are
    decoded or replaced, so every format can encode the cell."""
    value = recover_text(value)
    return "".join(
        ch for ch in value if ch in "\n\t" or not (unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029")
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("export.yes") if value else ""
    if isinstance(value, (int, float)):
        return format_number(value)
    return clean_text(str(value))


def display_width(text: str) -> int:
    """Width of the longest line, CJK (wide / fullwidth) characters counting double."""
    best = 0
    for line in text.split("\n"):
        best = max(best, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line))
    return best


# ---------------------------------------------------------------- CSV


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by Excel and WPS: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(view: View) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_csv_safe(clean_text(c.header)) for c in view.columns])
    for row in view.rows:
        writer.writerow(
            [_cell_text(v) if isinstance(v, (int, float)) or v is None else _csv_safe(_cell_text(v)) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- XLSX


def render_xlsx(views_: Sequence[View]) -> bytes:
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"valign": "top"})
    long = workbook.add_format({"valign": "top", "text_wrap": True})
    number = workbook.add_format({"valign": "top"})  # General: 10 and 8.5, never "10."
    used_names: set[str] = set()
    for view in views_:
        name = _sheet_name(view.name, used_names)
        sheet = workbook.add_worksheet(name)
        for col, column in enumerate(view.columns):
            sheet.write_string(0, col, clean_text(column.header), header)
        for r, row in enumerate(view.rows, 1):
            for col, value in enumerate(row):
                kind = view.columns[col].kind
                if value is None or value == "":
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    if isinstance(value, float) and not math.isfinite(value):
                        continue  # never reaches here from review files (refused on reading); a guard for the format
                    sheet.write_number(r, col, value, number)
                else:
                    sheet.write_string(r, col, _cell_text(value), long if kind == "long" else text)
        for col, column in enumerate(view.columns):
            # Headers wrap, so a long header only widens a column up to a point.
            header_width = min(display_width(clean_text(column.header)), 40 if column.kind == "text" else 16)
            widest = max([header_width] + [display_width(_cell_text(row[col])) for row in view.rows])
            limit = 60 if column.kind == "long" else 40
            sheet.set_column(col, col, max(6, min(limit, widest + 2)))
        sheet.freeze_panes(1, 1 if len(view.columns) > 1 else 0)
        if view.rows and len(view.columns) > 1:
            sheet.autofilter(0, 0, len(view.rows), len(view.columns) - 1)
    workbook.close()
    return output.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


# ---------------------------------------------------------------- Markdown

_MD_ESCAPES = {"\\": "\\\\", "|": "\\|", "*": "\\*", "_": "\\_", "`": "\\`", "[": "\\[", "]": "\\]", "<": "&lt;", ">": "&gt;"}


def _md_cell(value: Any) -> str:
    text = _cell_text(value)
    text = "".join(_MD_ESCAPES.get(ch, ch) for ch in text)
    return "<br>".join(line.strip() for line in text.strip().split("\n"))


def render_markdown_table(view: View) -> str:
    lines = ["| " + " | ".join(_md_cell(c.header) for c in view.columns) + " |"]
    lines.append("| " + " | ".join("---:" if c.kind == "number" else "---" for c in view.columns) + " |")
    for row in view.rows:
        lines.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
    return "\n".join(lines)


def render_markdown(sheet: ScoreSheet, views_: Sequence[View], lang: str | None = None) -> bytes:
    out = [f"# {_md_cell(t('export.md_title', lang, name=sheet.rubric.name(lang)))}", ""]
    for view in views_[:2]:
        out += [f"## {_md_cell(view.name)}", "", render_markdown_table(view), ""]
    notes = views_[2].rows if len(views_) > 2 else []
    if notes:
        out += [f"## {_md_cell(views_[2].name)}", ""]
        out += [f"- {_md_cell(n[0])}" for n in notes]
        out.append("")
    return "\n".join(out).encode("utf-8")


# ---------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class Format:
    """One export format. ``render`` gives the bytes of every file ``outputs(path)`` names, in
    order; ``stdout`` gives what ``-o -`` prints (None: the format cannot go to standard output).
    The export dialog labels it with the catalogue key ``tui.export.format_<name>``."""

    name: str
    suffix: str
    render: Callable[[ScoreSheet, list[View], str | None], list[bytes]]
    outputs: Callable[[Path], list[Path]] = lambda path: [path]
    stdout: Callable[[ScoreSheet, list[View], str | None], bytes] | None = None
    aliases: tuple[str, ...] = ()  # other file suffixes read as this format


# Every export format by name, in the order the CLI and the dialog offer them (csv first: the default).
EXPORT_FORMATS: dict[str, Format] = {}


def register_format(fmt: Format) -> Format:
    EXPORT_FORMATS[fmt.name] = fmt
    return fmt


def summary_path(path: Path) -> Path:
    """Where the CSV summary goes next to the main CSV file."""
    return path.with_name(f"{path.stem}-summary{path.suffix or '.csv'}")


register_format(
    Format(
        "csv",
        ".csv",
        render=lambda sheet, vs, lang: [render_csv(vs[0]), render_csv(vs[1])],
        outputs=lambda path: [path, summary_path(path)],
        stdout=lambda sheet, vs, lang: render_csv(vs[0]),
    )
)
register_format(Format("xlsx", ".xlsx", render=lambda sheet, vs, lang: [render_xlsx(vs)]))
register_format(
    Format(
        "md",
        ".md",
        render=lambda sheet, vs, lang: [render_markdown(sheet, vs, lang)],
        stdout=lambda sheet, vs, lang: render_markdown(sheet, vs, lang),
        aliases=(".markdown",),
    )
)
FORMATS = tuple(EXPORT_FORMATS)  # the names, for argparse choices
EXTENSIONS = {f.name: f.suffix for f in EXPORT_FORMATS.values()}


def default_output(fmt: str, cwd: Path | None = None) -> Path:
    return (cwd or Path.cwd()) / f"{DEFAULT_BASENAME}{EXPORT_FORMATS[fmt].suffix}"


def format_for(path: Path | None, fmt: str | None) -> str:
    """The export format: ``fmt`` if given, else from the file extension, else csv."""
    if fmt:
        if fmt not in EXPORT_FORMATS:
            raise ExportError("export.error.bad_format", value=fmt, allowed=", ".join(EXPORT_FORMATS))
        return fmt
    if path is not None:
        ext = Path(path).suffix.lower()
        for f in EXPORT_FORMATS.values():
            if ext == f.suffix or ext in f.aliases:
                return f.name
    return "csv"


def planned_outputs(path: Path, fmt: str) -> list[Path]:
    return EXPORT_FORMATS[fmt].outputs(path)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def check_output(
    path: Path,
    fmt: str,
    *,
    force: bool = False,
    folder: Path | None = None,
    reviews_root: Path | None = None,
) -> list[Path]:
    """The files an export would write; raises when it must not write them:
    a file exists (OutputExistsError, unless ``force``), the path is a
    folder, lies in the reviews folder, or would be read as a report."""
    outputs = planned_outputs(Path(path), fmt)
    for out in outputs:
        if out.is_dir():
            raise ExportError("export.error.is_folder", path=out)
        try:  # only a regular file (or a new path) is ever replaced: never a device, FIFO or link
            check_write_target(out)
        except UnsafeTargetError as exc:
            raise ExportError("export.error.write", path=out, reason=exc.strerror) from None
        if reviews_root is not None and _inside(out, reviews_root):
            raise ExportError("export.error.inside_reviews", path=out, reviews=reviews_root)
        if folder is not None and _inside(out, folder):
            from shenyue.reading import EXTRACTORS

            if out.suffix.lower() in EXTRACTORS:
                raise ExportError("export.error.read_as_report", path=out, folder=folder)
    if not force:
        for out in outputs:
            if out.exists() or out.is_symlink():
                raise OutputExistsError(out)
    return outputs


def write_export(
    sheet: ScoreSheet,
    path: Path,
    fmt: str,
    *,
    force: bool = False,
    folder: Path | None = None,
    reviews_root: Path | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write the sheet; returns the files written (CSV: the rows file and a
    ``-summary`` file beside it). Never touches a review file."""
    fmt = format_for(path, fmt)
    outputs = check_output(path, fmt, force=force, folder=folder, reviews_root=reviews_root)
    payloads = EXPORT_FORMATS[fmt].render(sheet, views(sheet, lang), lang)
    for out, data in zip(outputs, payloads):
        try:
            atomic_write_bytes(out, data)
        except OSError as exc:
            raise ExportError("export.error.write", path=out, reason=exc.strerror or str(exc)) from None
    return outputs


def render_stdout(sheet: ScoreSheet, fmt: str, lang: str | None = None) -> bytes:
    """The export for ``-o -``: CSV rows view, or the whole Markdown document."""
    to_stdout = EXPORT_FORMATS[fmt].stdout
    if to_stdout is None:
        raise ExportError("export.error.xlsx_stdout")
    return to_stdout(sheet, views(sheet, lang), lang)


__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "Format",
    "Column",
    "ScoreSheet",
    "SheetRow",
    "SummaryRow",
    "View",
    "build_score_sheet",
    "check_output",
    "collect_score_sheet",
    "copy_shares",
    "copy_source",
    "default_output",
    "display_width",
    "format_for",
    "render_csv",
    "render_markdown",
    "render_markdown_table",
    "render_xlsx",
    "register_format",
    "render_stdout",
    "summary_path",
    "views",
    "write_export",
]
