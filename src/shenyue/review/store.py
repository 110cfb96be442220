"""Review files: one TOML file per reviewer per report, saved at every change.

The review layer by job: :mod:`.paths` (where files live, names made safe, careful reads,
the save lock), :mod:`.schema` (the TOML document, :class:`Review`), :mod:`.session` (one
review open for changes, merges and conflicts), :mod:`.team` (every reviewer's files) and this
module, :class:`ReviewStore` (one reviewer's files: opening, set-aside corrupt files, the
hash index that follows a renamed report). The names of the other modules are re-exported here.

Layout (default; the reviews folder can be overridden)::

    <reports folder>/reviews/<reviewer folder>/<report rel path>.toml

``<reviewer folder>`` is the reviewer's name made safe for every file system
(:func:`sanitize_reviewer`); the file itself keeps the name as typed. A report
``sub/报告.txt`` is reviewed in ``reviews/张三/sub/报告.txt.toml``.

Guarantees:

* every change is written at once and atomically (temp file in the same
  folder, fsync, replace), so a crash leaves the old or the new file;
* the comparison with the file on disk and the replace are one step: an
  advisory lock (``.<name>.lock`` beside the file, ``flock`` on POSIX) is
  held from reading the file to renaming the new one, so two sessions of
  the same reviewer saving at the same moment never lose a change;
* before writing, the file on disk is compared with what was loaded; if it
  changed meanwhile, changes to different fields are merged (both land);
  when the same field changed on both sides nothing is overwritten: our
  version goes to a sibling ``<name>.conflict-<time>`` file and
  :class:`ConflictError` says so;
* review files are read only when they are regular files of a sane size
  (a FIFO or a link to a device is reported, never read); a score that is
  not a finite number makes the file unreadable (reported, never used);
* temporary files left by a killed save are removed by the next save;
* a file that cannot be read is never overwritten: it is renamed to
  ``<name>.corrupt-<time>`` and :class:`CorruptReviewError` names it and the
  reason; an empty review starts only when the caller opens again with
  ``acknowledge_corrupt=True``;
* opening never writes: a review file appears with the first change.

Sibling files made by the store never end in ``.toml``, so they are never
read as reviews.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from shenyue.fsutil import atomic_write_bytes
from shenyue.i18n import t
from shenyue.review.errors import (
    CorruptReviewError,
    NewerSchemaError,
    ReviewFileError,
)
from shenyue.review.paths import (
    aside_files,
    aside_path,
    read_bytes,
    resolve_reviews_dir,
    review_rel_path,
    sanitize_reviewer,
    sha256_file,
)
from shenyue.review.reasons import check_reasons
from shenyue.review.rubric import Rubric, load_rubric
from shenyue.review.schema import Review
from shenyue.review.session import ReviewSession
from shenyue.review.team import StoredReview, load_all_reviews

if TYPE_CHECKING:
    from shenyue.config import Config

# The names this module held before it was split by job, for the imports written against it.
from shenyue.review.paths import (  # noqa: E402
    REVIEW_SUFFIX,
    REVIEWS_DIRNAME,
    default_reviews_dir,
    remember_reviewer,
    resolve_reviewer,
    safe_component,
)
from shenyue.review.schema import (  # noqa: E402
    FLAG_RECHECK,
    OVERALL,
    SCHEMA_VERSION,
    STATUSES,
    Dismissal,
    finding_detail,
    now_iso,
    resolve_target,
)
from shenyue.review.session import SaveResult, merge_reviews  # noqa: E402
from shenyue.review.team import iter_review_files  # noqa: E402

__all__ = [
    "FLAG_RECHECK",
    "OVERALL",
    "REVIEWS_DIRNAME",
    "REVIEW_SUFFIX",
    "SCHEMA_VERSION",
    "STATUSES",
    "Dismissal",
    "Review",
    "ReviewSession",
    "ReviewStore",
    "SaveResult",
    "StoredReview",
    "default_reviews_dir",
    "finding_detail",
    "iter_review_files",
    "load_all_reviews",
    "merge_reviews",
    "now_iso",
    "remember_reviewer",
    "resolve_reviewer",
    "resolve_reviews_dir",
    "resolve_target",
    "review_rel_path",
    "safe_component",
    "sanitize_reviewer",
    "sha256_file",
]


class ReviewStore:
    """Review files of one reviewer for one reports folder."""

    def __init__(
        self,
        folder: Path,
        reviewer: str,
        *,
        reviews_dir: str | Path | None = None,
        rubric: Rubric | None = None,
        config: Config | None = None,
    ):
        self.folder = Path(folder)
        self.reviewer_folder = sanitize_reviewer(reviewer)
        self.reviewer = reviewer.strip()
        self.root = resolve_reviews_dir(self.folder, reviews_dir, config)
        self.reviewer_dir = self.root / self.reviewer_folder
        self.rubric = rubric if rubric is not None else load_rubric(self.folder)
        check_reasons(self.rubric)  # preset deduction reasons: refused like any bad rubric value
        self._hash_index: dict[str, set[Path]] | None = None  # report sha256 -> review files (built lazily)

    def path_for(self, rel: str) -> Path:
        return self.reviewer_dir / review_rel_path(rel)

    # ---- opening
    def open(self, report: Any, sha256: str | None = None, *, acknowledge_corrupt: bool = False) -> ReviewSession:
        """The review of ``report`` (a Report, a Document or a rel path).

        Raises CorruptReviewError (file set aside; open again with
        ``acknowledge_corrupt=True`` to start empty), NewerSchemaError, or
        ReviewFileError when the file cannot be read at all. Never writes
        except to set a corrupt file aside."""
        rel, sha = _identify(report, sha256)
        if sha is None:
            sha = sha256_file(self.folder / rel)
        path = self.path_for(rel)
        data = read_bytes(path)
        if data is not None:
            try:
                review = Review.from_toml(data, path)
            except CorruptReviewError as exc:
                raise self._set_aside(path, exc.reason) from None
            review.report = rel
            return ReviewSession(self, rel, sha, path, review, disk=data)
        asides = aside_files(path, "corrupt")
        if asides and not acknowledge_corrupt:
            raise CorruptReviewError(path, _corrupt_reason(asides[-1]), asides[-1])
        if sha:
            for old in self.find_by_hash(sha):
                if old.review.report != rel and not (self.folder / old.review.report).exists():
                    try:
                        old_bytes = old.path.read_bytes()
                    except OSError:
                        continue
                    review = old.review
                    renamed_from = review.report
                    review.report = rel
                    return ReviewSession(
                        self, rel, sha, path, review, disk=old_bytes, disk_path=old.path, renamed_from=renamed_from
                    )
        review = Review(
            report=rel,
            reviewer=self.reviewer,
            report_sha256=sha or "",
            rubric_id=self.rubric.id,
            rubric_version=self.rubric.version,
        )
        return ReviewSession(self, rel, sha, path, review, disk=None)

    def write_file(self, path: Path, data: bytes) -> None:
        """Write one file of this store at once and atomically (the sessions' saves and conflict copies)."""
        atomic_write_bytes(path, data)

    def _set_aside(self, path: Path, reason: str) -> CorruptReviewError:
        aside = aside_path(path, "corrupt")
        try:
            os.replace(path, aside)
        except OSError as exc:
            return CorruptReviewError(path, f"{reason}; {t('review.reason.not_moved', reason=exc.strerror or exc)}")
        return CorruptReviewError(path, reason, aside)

    # ---- listing
    def reviews(self) -> list[StoredReview]:
        """This reviewer's readable reviews (unreadable ones are skipped here;
        :func:`load_all_reviews` reports them)."""
        found, _problems = load_all_reviews(self.root, reviewer_dirs=[self.reviewer_dir])
        return found

    def find_by_hash(self, sha256: str, *, refresh: bool = False) -> list[StoredReview]:
        """This reviewer's reviews of a report with these bytes, newest first.

        The hash index is built on first use by reading every file of this
        reviewer once, then kept up to date by this store's own saves;
        ``refresh=True`` reads the folder again."""
        sha256 = sha256.lower()
        if self._hash_index is None or refresh:
            self._hash_index = {}
            for stored in self.reviews():
                self._index(stored.path, stored.review.report_sha256)
        out = []
        for path in sorted(self._hash_index.get(sha256, ())):
            try:
                review = Review.from_toml(path.read_bytes(), path)
            except (OSError, CorruptReviewError, NewerSchemaError):
                continue
            if review.report_sha256 == sha256:
                out.append(StoredReview(path, review))
        out.sort(key=lambda s: s.review.updated, reverse=True)
        return out

    def _index(self, path: Path, sha256: str) -> None:
        if self._hash_index is None:
            return
        for paths_ in self._hash_index.values():
            paths_.discard(path)
        if sha256:
            self._hash_index.setdefault(sha256.lower(), set()).add(path)

    def _unindex(self, path: Path) -> None:
        if self._hash_index is not None:
            for paths_ in self._hash_index.values():
                paths_.discard(path)


def _identify(report: Any, sha256: str | None) -> tuple[str, str | None]:
    if isinstance(report, (str, PurePosixPath)):
        rel = str(report)
    else:
        rel = report.rel
        if sha256 is None:
            doc = getattr(report, "doc", report)
            sha256 = getattr(doc, "sha256", None)
    rel = str(rel).replace("\\", "/")
    return rel, sha256.lower() if sha256 else None


def _corrupt_reason(path: Path) -> str:
    try:
        Review.from_toml(path.read_bytes(), path)
    except CorruptReviewError as exc:
        return exc.reason
    except (OSError, ReviewFileError) as exc:
        return str(exc)
    return t("review.reason.set_aside_earlier")
