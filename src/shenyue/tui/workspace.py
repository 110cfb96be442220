"""The app's data: the reports of a folder, their copy data, and this reviewer's reviews.

Everything the screens show comes from here; nothing here imports Textual,
so it can be tested and benchmarked without a terminal. The workers of the
app fill a :class:`Workspace` in stages (file names, scanned reports,
similarity, reviews); each stage may be missing and the rest still works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from shenyue.analysis.checks import ids_where
from shenyue.analysis.findings import count_by_severity
from shenyue.model.report import FORMAT_KINDS, SECTION_KEYS, Report, Unreadable
from shenyue.tui.copies import CopyData
from shenyue.tui.list_filter import parse_query
from shenyue.tui.textutil import fuzzy_score

STATUS_ORDER = {"todo": 0, "in-progress": 1, "done": 2}


@dataclass(slots=True)
class RowReview:
    """What the list shows about this reviewer's review of one report."""

    status: str = "todo"
    total: Any = None  # shenyue.review.Total
    flagged: bool = False
    changed: bool = False  # the report changed since it was reviewed
    scored: int = 0


@dataclass(slots=True)
class Row:
    """One line of the report list."""

    index: int  # position in the folder's (sorted) file order
    rel: str
    report: Report | None = None
    unreadable: Unreadable | None = None
    review: RowReview = field(default_factory=RowReview)
    team: Any = None  # shenyue.review.team.TeamScores: every reviewer's review (None: nobody's yet)
    # the findings list last counted, its length and the counts: the list's summary line counts every row's
    # errors at each refilter (10,000 rows, 190,000 findings)
    _counted: tuple[list, int, dict[str, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        if self.report is not None and self.report.unit:
            return self.report.unit
        return Path(self.rel).name

    @property
    def year(self) -> int | None:
        return self.report.year if self.report else None

    @property
    def kind(self) -> str | None:
        return self.report.kind if self.report else None

    def sections_present(self) -> tuple[int, int] | None:
        """(canonical sections with content, sections expected), or None when not known."""
        r = self.report
        if r is None:
            return None
        if r.kind not in FORMAT_KINDS:
            n = len(r.sections)
            return (sum(1 for s in r.sections if not s.empty), n)
        found = {s.key for s in r.sections if s.canonical and not s.empty}
        return (len(found), len(SECTION_KEYS))

    def counts(self) -> dict[str, int] | None:
        if self.report is None:
            return None
        findings = self.report.findings
        got = self._counted
        if got is None or got[0] is not findings or got[1] != len(findings):  # replaced or added to since
            got = self._counted = (findings, len(findings), count_by_severity(findings))
        return dict(got[2])

    @property
    def errors(self) -> int:
        counts = self.counts()
        return counts["error"] if counts is not None else 0

    def checks(self) -> set[str]:
        return {f.check for f in self.report.findings} if self.report else set()

    def search_text(self) -> tuple[str, str]:
        return (self.report.unit or "" if self.report else "", self.rel)


@dataclass(slots=True)
class ListFilter:
    """The list's filters: fuzzy text, and one finding filter."""

    text: str = ""
    finding: str = "all"  # all | template | arithmetic | copy
    copy_min: float = 0.3

    def active(self) -> bool:
        return bool(self.text) or self.finding != "all"


SORT_KEYS = ("label", "year", "kind", "sections", "findings", "copy", "total", "status", "reviewers", "mean", "spread")


class Workspace:
    """A reports folder as the app sees it."""

    def __init__(
        self,
        folder: Path,
        *,
        reviewer: str | None = None,
        reviews_dir: str | Path | None = None,
        config: Any = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.folder = Path(folder)
        self.reviewer = reviewer
        self.reviews_dir = reviews_dir
        self.config = config
        self.clock = clock or datetime.now
        self.rows: list[Row] = []
        self.by_rel: dict[str, Row] = {}
        self.scanned = False
        self.copy = CopyData()
        self.copy_ready = False
        self.copy_problem: str | None = None
        self.store: Any = None  # shenyue.review.ReviewStore
        self.rubric: Any = None
        self.review_problem: str | None = None  # why reviews cannot be kept (plain words)
        self.reviews_loaded = False
        self.sessions: dict[str, Any] = {}
        self.review_files_unreadable: list[Any] = []
        self.reviewer_folders: set[str] = set()  # every reviewer's folder holding a review file
        self.folder_dismissals: list[Any] = []  # shenyue.review.dismissals.FolderDismissal, for all reports
        self.dismissals_problem: str | None = None
        self._own_reviews: dict[str, Any] = {}

    # ------------------------------------------------------------ stages
    def set_files(self, rels: list[str]) -> None:
        """The file names, known before anything is read."""
        if self.scanned:
            return
        self.rows = [Row(i, rel) for i, rel in enumerate(rels)]
        self.by_rel = {r.rel: r for r in self.rows}

    def set_scan(self, reports: list[Report], unreadable: list[Unreadable]) -> None:
        rels = sorted({r.rel for r in reports} | {u.rel for u in unreadable} | set(self.by_rel))
        old = self.by_rel
        self.rows = []
        for i, rel in enumerate(rels):
            row = old.get(rel) or Row(i, rel)
            row.index = i
            row.report = None
            row.unreadable = None
            self.rows.append(row)
        self.by_rel = {r.rel: r for r in self.rows}
        for rep in reports:
            self.by_rel[rep.rel].report = rep
        for u in unreadable:
            self.by_rel[u.rel].unreadable = u
        # files listed first but gone by the time they were read
        self.rows = [r for r in self.rows if r.report is not None or r.unreadable is not None]
        for i, r in enumerate(self.rows):
            r.index = i
        self.by_rel = {r.rel: r for r in self.rows}
        self.scanned = True

    @property
    def reports(self) -> list[Report]:
        return [r.report for r in self.rows if r.report is not None]

    def report(self, rel: str) -> Report | None:
        row = self.by_rel.get(rel)
        return row.report if row else None

    def set_copy(self, data: CopyData) -> None:
        self.copy = data
        self.copy_ready = True
        self.copy_problem = None

    # ------------------------------------------------------------ reviews
    def open_store(self) -> None:
        """Create the review store for the reviewer (raises the review layer's errors)."""
        from shenyue.review import ReviewStore

        self.store = ReviewStore(self.folder, self.reviewer, reviews_dir=self.reviews_dir, config=self.config)
        self.rubric = self.store.rubric

    def load_reviews(self) -> None:
        """Read the team's review files: this reviewer's fill the list's review columns, everyone's the
        team columns (how many scored, mean, spread) and the review screen's team pane."""
        if self.store is None:
            return
        from shenyue.review import load_all_reviews
        from shenyue.review.dismissals import load_dismissals
        from shenyue.review.team import team_scores

        self.folder_dismissals, problem = load_dismissals(self.store.root)
        self.dismissals_problem = str(problem) if problem is not None else None
        found, problems = load_all_reviews(self.store.root)
        mine_dir = self.store.reviewer_dir
        self.review_files_unreadable = [p for p in problems if mine_dir in getattr(p, "path", mine_dir).parents]
        by_rel = {s.review.report: s.review for s in found if mine_dir in s.path.parents}
        self._own_reviews = by_rel
        findings = {r.rel: self.live_findings(r.report) for r in self.rows if r.report is not None}
        team = team_scores(found, self.rubric, findings)
        self.reviewer_folders = {s.path.relative_to(self.store.root).parts[0] for s in found}
        for row in self.rows:
            review = by_rel.get(row.rel)
            self._fill_row_review(row, review)
            row.team = team.get(row.rel)
        self.reviews_loaded = True

    @property
    def has_team(self) -> bool:
        """Someone besides this reviewer has review files here: the list shows the team columns."""
        own = self.store.reviewer_dir.name if self.store is not None else ""
        return bool(self.reviewer_folders - {own})

    def _fill_row_review(self, row: Row, review: Any) -> None:
        rr = RowReview()
        if review is not None:
            rr.status = review.status
            rr.flagged = bool(review.flags)
            rr.scored = len(review.scores)
            if row.report is not None:
                rr.changed = bool(review.report_sha256) and review.report_sha256 != row.report.doc.sha256.lower()
                rr.total = review.total(self.rubric, self.live_findings(row.report)) if review.scores else None
        row.review = rr

    def session(self, rel: str, *, acknowledge_corrupt: bool = False) -> Any:
        """The review session of a report (opened once, then kept)."""
        session = self.sessions.get(rel)
        if session is None:
            report = self.report(rel)
            session = self.store.open(report if report is not None else rel, acknowledge_corrupt=acknowledge_corrupt)
            self.sessions[rel] = session
        return session

    def refresh_row(self, rel: str) -> None:
        """After a change through a session: the row's review columns."""
        row = self.by_rel.get(rel)
        session = self.sessions.get(rel)
        if row is None or session is None:
            return
        review = session.review if (session.exists or session.dirty or session.review.scores) else None
        self._fill_row_review(row, review)
        if session.report_changed is False:
            row.review.changed = False
        if review is not None and self.rubric is not None:  # the team columns count this reviewer's change
            from shenyue.review.team import TeamScores

            if row.team is None:
                row.team = TeamScores(rel)
            row.team.put(review, self.rubric, self.live_findings(row.report) if row.report is not None else ())

    # ------------------------------------------------------------ findings dismissed for the whole folder
    def live_findings(self, report: Report) -> list[Any]:
        """The report's findings without those dismissed for the whole folder (they set off no gate)."""
        from shenyue.review.dismissals import standing

        return standing(report.findings, self.folder_dismissals)

    def folder_dismissal(self, finding: Any) -> Any:
        """The folder-wide dismissal covering ``finding``, or None."""
        from shenyue.review.dismissals import dismissal_for

        return dismissal_for(finding, self.folder_dismissals) if self.folder_dismissals else None

    def folder_dismissed(self, row: Row) -> list[Any]:
        """The row's findings dismissed for the whole folder."""
        if row.report is None or not self.folder_dismissals:
            return []
        return [f for f in row.report.findings if self.folder_dismissal(f) is not None]

    def dismiss_everywhere(self, check: str, message: str, reason: str) -> int:
        """Dismiss findings of ``check`` (only those whose message has ``message``, when given) in every
        report, with ``reason``: written to the reviews folder's dismissals.toml (raises the review
        layer's errors), totals recomputed. Returns how many findings it covers."""
        from shenyue.review.dismissals import FolderDismissal, add_dismissal

        by = self.store.reviewer if self.store is not None else (self.reviewer or "")
        at = self.clock().isoformat(timespec="seconds")
        self.folder_dismissals = add_dismissal(self.store.root, FolderDismissal(check, reason, message, by, at))
        for row in self.rows:
            session = self.sessions.get(row.rel)
            review = session.review if session is not None else self._own_reviews.get(row.rel)
            changed = row.review.changed
            self._fill_row_review(row, review)
            row.review.changed = changed
            if row.team is not None and row.report is not None:
                for other in list(row.team.reviews.values()):
                    row.team.put(other, self.rubric, self.live_findings(row.report))
        return sum(len(self.folder_dismissed(r)) for r in self.rows)

    # ------------------------------------------------------------ list helpers
    def visible_rows(self, flt: ListFilter, sort_key: str = "index", reverse: bool = False) -> list[Row]:
        rows = self.rows
        if flt.finding == "template":
            wanted = ids_where(template=True)  # as the checks' registrations declare
            rows = [r for r in rows if r.checks() & wanted]
        elif flt.finding == "arithmetic":
            wanted = ids_where(arithmetic=True)
            rows = [r for r in rows if r.checks() & wanted]
        elif flt.finding == "copy":
            rows = [r for r in rows if (self.copy.share(r.rel) or 0.0) > flt.copy_min]
        query = parse_query(flt.text) if flt.text else None
        if query is not None and query.tests:
            rows = [r for r in rows if query.matches(r, self)]
        if query is not None and query.text:
            scored = [(fuzzy_score(query.text, *r.search_text()), r) for r in rows]
            scored = [(s, r) for s, r in scored if s > 0]
            if sort_key == "index":
                scored.sort(key=lambda p: (-p[0], p[1].index))
                return [r for _, r in scored]
            rows = [r for _, r in scored]
        if sort_key != "index":
            rows = sorted(rows, key=self._sort_func(sort_key), reverse=reverse)
        elif reverse:
            rows = list(reversed(rows))
        return rows

    def _sort_func(self, key: str) -> Callable[[Row], Any]:
        if key == "label":
            return lambda r: (r.label, r.index)
        if key == "year":
            return lambda r: (r.year or 0, r.index)
        if key == "kind":
            return lambda r: (r.kind or "~", r.index)
        if key == "sections":
            return lambda r: ((r.sections_present() or (-1, 1))[0], r.index)
        if key == "findings":
            return lambda r: ((r.counts() or {}).get("error", -1), (r.counts() or {}).get("warning", -1), r.index)
        if key == "copy":
            return lambda r: (self.copy.share(r.rel) if self.copy.share(r.rel) is not None else -1.0, r.index)
        if key == "total":
            return lambda r: (_total_value(r.review.total, -1.0), r.index)
        if key == "reviewers":
            return lambda r: (r.team.scored if r.team is not None else 0, r.index)
        if key in ("mean", "spread"):
            return lambda r: (_team_value(r.team, key), r.index)
        if key == "status":
            return lambda r: (STATUS_ORDER.get(r.review.status, 0) + (0.5 if r.review.changed else 0), r.index)
        return lambda r: r.index

    def next_unreviewed(self, rows: list[Row], after: int) -> int | None:
        """Index in ``rows`` of the next report not done (wrapping), or None."""
        n = len(rows)
        for step in range(1, n + 1):
            i = (after + step) % n
            r = rows[i]
            if r.report is not None and (r.review.status != "done" or r.review.changed):
                return i
        return None

    def summary(self) -> dict[str, Any]:
        reports = [r for r in self.rows if r.report is not None]
        reviewed = [r for r in reports if r.review.status != "todo"]
        done = [r for r in reports if r.review.status == "done"]
        totals = [_total_value(r.review.total, None) for r in reports]
        totals = [v for v in totals if v is not None]
        return {
            "reports": len(reports),
            "unreadable": sum(1 for r in self.rows if r.unreadable is not None),
            "reviewed": len(reviewed),
            "done": len(done),
            "average": (sum(totals) / len(totals)) if totals else None,
            "with_errors": sum(1 for r in reports if r.errors),
        }


def _total_value(total: Any, default: Any) -> Any:
    if total is None or getattr(total, "value", None) is None:
        return default
    return total.value


def _team_value(team: Any, key: str) -> float:
    value = getattr(team, key, None) if team is not None else None
    return -1.0 if value is None else value
