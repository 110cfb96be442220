"""A team's review files: every reviewer's folder under the reviews folder, read with the
problems reported beside the readable reviews (the export and the list use them)."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from shenyue.review.errors import (
    ReviewerNameError,
    ReviewFileError,
)
from shenyue.review.paths import REVIEW_SUFFIX, read_bytes, sanitize_reviewer
from shenyue.review.schema import Review

if TYPE_CHECKING:
    from shenyue.analysis.findings import Finding
    from shenyue.review.rubric import Rubric


@dataclass(frozen=True, slots=True)
class StoredReview:
    """A review file read from a reviewer's folder. The folder decides whose
    review it is: when the file names another reviewer, ``review.reviewer``
    is the folder's name and ``claimed_reviewer`` keeps what the file said."""

    path: Path
    review: Review
    claimed_reviewer: str | None = None


def iter_review_files(root: Path, reviewer_dirs: Iterable[Path] | None = None) -> list[Path]:
    """Every review file under ``root`` (one folder per reviewer), sorted.

    Symlinked folders are not followed (a link cannot pull another folder's
    files in). Entries named ``*.toml`` that are not regular files (a FIFO, a
    link to a device) are listed too, so reading them reports the problem
    instead of silently leaving them out."""
    root = Path(root)
    if reviewer_dirs is not None:
        dirs = list(reviewer_dirs)
    else:
        try:
            dirs = sorted(Path(e.path) for e in os.scandir(root) if e.is_dir(follow_symlinks=False))
        except OSError:
            dirs = []
    files: list[Path] = []
    for d in dirs:
        if not d.is_dir():
            continue
        for current, subdirs, names in os.walk(d):  # iterative, never follows directory links
            subdirs[:] = sorted(n for n in subdirs if not n.startswith("."))
            files.extend(Path(current, n) for n in names if n.endswith(REVIEW_SUFFIX) and not n.startswith("."))
    return sorted(files)


def _reviewer_folder(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).parts[0]
    except (ValueError, IndexError):
        return None


def load_all_reviews(
    root: Path, reviewer_dirs: Iterable[Path] | None = None
) -> tuple[list[StoredReview], list[ReviewFileError]]:
    """Read every review file under ``root`` without changing any file.
    Returns the readable ones and an error for each one that is not."""
    found: list[StoredReview] = []
    problems: list[ReviewFileError] = []
    root = Path(root)
    for path in iter_review_files(root, reviewer_dirs):
        try:
            data = read_bytes(path)
            if data is None:
                continue
            review = Review.from_toml(data, path)
        except ReviewFileError as exc:
            problems.append(exc)
            continue
        claimed = None
        folder = _reviewer_folder(path, root)
        if folder is not None and _folder_of(review.reviewer) != folder:
            claimed, review.reviewer = review.reviewer, folder
        found.append(StoredReview(path, review, claimed))
    return found, problems


def _folder_of(name: str) -> str | None:
    try:
        return sanitize_reviewer(name)
    except ReviewerNameError:
        return None


# ---------------------------------------------------------------- one report as the team scored it


@dataclass(slots=True)
class TeamScores:
    """Every reviewer's review of one report: who scored it, their totals, mean and spread, and each
    criterion's scores by reviewer (the list's team columns and the review screen's team pane)."""

    report: str
    reviews: dict[str, Review] = field(default_factory=dict)  # reviewer -> review, each with a file
    totals: dict[str, float | None] = field(default_factory=dict)  # reviewers who scored: total (None: not assessable)

    @property
    def scored(self) -> int:
        """How many reviewers gave this report at least one score."""
        return len(self.totals)

    def _values(self) -> list[float]:
        return [v for v in self.totals.values() if v is not None]

    @property
    def mean(self) -> float | None:
        values = self._values()
        return round(statistics.fmean(values), 2) if values else None

    @property
    def spread(self) -> float | None:
        """Highest total minus lowest (None with fewer than two assessable totals)."""
        values = self._values()
        return round(max(values) - min(values), 6) if len(values) >= 2 else None

    def criterion(self, criterion_id: str) -> dict[str, float | int]:
        """The scores given for one criterion, by reviewer."""
        return {name: r.scores[criterion_id] for name, r in self.reviews.items() if criterion_id in r.scores}

    def others(self, reviewer: str | None) -> list[str]:
        """The other reviewers with a review of this report, sorted."""
        return sorted(name for name in self.reviews if name != reviewer)

    def put(self, review: Review, rubric: Rubric, findings: Sequence[Finding] = ()) -> None:
        """Add or replace one reviewer's review (the reviewer's own, after a change in the app)."""
        name = review.reviewer
        self.reviews[name] = review
        if review.scores:
            self.totals[name] = review.total(rubric, findings).value
        else:
            self.totals.pop(name, None)


def team_scores(
    stored: Iterable[StoredReview], rubric: Rubric, findings: Mapping[str, Sequence[Finding]]
) -> dict[str, TeamScores]:
    """Every report's :class:`TeamScores` from the review files read by :func:`load_all_reviews`
    (``findings``: each report's findings, for the gates of the totals; a report not in the folder
    counts without them)."""
    out: dict[str, TeamScores] = {}
    for s in stored:
        rel = s.review.report
        entry = out.get(rel)
        if entry is None:
            entry = out[rel] = TeamScores(rel)
        entry.put(s.review, rubric, findings.get(rel, ()))
    return out
