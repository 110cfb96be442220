"""One reviewer's review of one report, saved at every change: :class:`ReviewSession`, and the
three-way merge that lets two sessions of one reviewer change different fields at the same time
(a field changed on both sides is a conflict: nothing is overwritten)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shenyue.fsutil import (
    remove_stale_temps,
)
from shenyue.review.comments import apply_renames
from shenyue.review.errors import (
    ConflictError,
    CorruptReviewError,
    InvalidStatusError,
    InvalidTargetError,
    NewerSchemaError,
    ReviewWriteError,
)
from shenyue.review.paths import aside_path, read_bytes, save_lock
from shenyue.review.rubric import Total
from shenyue.review.schema import FLAG_RECHECK, STATUSES, Dismissal, Review, finding_detail, now_iso, resolve_target

if TYPE_CHECKING:
    from shenyue.analysis.findings import Finding
    from shenyue.review.store import ReviewStore


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What a change did. ``written`` is False when the change changed nothing
    (nothing is written then). ``value`` is the stored value where it helps
    (the normalised score, a flag's new state)."""

    path: Path
    written: bool
    created: bool = False  # the review file did not exist before
    relinked_from: str | None = None  # the review was moved from a renamed report's old path
    value: Any = None
    merged: bool = False  # another session's changes to other fields were merged in (reload the view)


class ReviewSession:
    """One reviewer's review of one report, saved at every change.

    Every change method validates first (raising ScoreError,
    UnknownCriterionError, InvalidTargetError or InvalidStatusError without
    changing anything), then applies the change and writes the file at once.
    A change that changes nothing writes nothing. After validation a change
    is never lost: if writing fails (ReviewWriteError) it stays in memory and
    is written with the next save; on ConflictError it is in memory and in
    the conflict file.
    """

    def __init__(
        self,
        store: ReviewStore,
        rel: str,
        sha256: str | None,
        path: Path,
        review: Review,
        *,
        disk: bytes | None,
        disk_path: Path | None = None,
        renamed_from: str | None = None,
    ):
        self.store = store
        self.rubric = store.rubric
        self.rel = rel
        self.current_sha256 = sha256
        self.path = path
        self.review = review
        self.renamed_from = renamed_from
        self.conflict: ConflictError | None = None
        self.dirty = False
        # {part-N: title}: section comments of old files, written under their title with the next change
        self.section_renames: dict[str, str] = {}
        self._disk = disk  # the bytes we believe are at _disk_path (None: no file)
        self._disk_path = disk_path or path

    # ---- state
    @property
    def exists(self) -> bool:
        """Whether the review has been written at least once."""
        return self._disk is not None

    @property
    def report_changed(self) -> bool:
        """The report's bytes differ from the ones reviewed (sha256)."""
        return bool(
            self.review.report_sha256 and self.current_sha256 and self.review.report_sha256 != self.current_sha256
        )

    @property
    def rubric_mismatch(self) -> bool:
        """The review was made with another rubric (id or version) than the active one."""
        return bool(self.review.rubric_id) and (self.review.rubric_id, self.review.rubric_version) != (
            self.rubric.id,
            self.rubric.version,
        )

    @property
    def status(self) -> str:
        return self.review.status

    def score(self, criterion: str) -> float | int | None:
        return self.review.scores.get(criterion)

    def comment(self, target: str) -> str:
        return self.review.comment(target, self.rubric)

    def has_flag(self, flag: str) -> bool:
        return flag in self.review.flags

    def is_dismissed(self, finding: Finding) -> bool:
        return self.review.is_dismissed(finding)

    def active_findings(self, findings: Iterable[Finding]) -> list[Finding]:
        return self.review.active_findings(findings)

    def total(self, findings: Iterable[Finding] = ()) -> Total:
        return self.review.total(self.rubric, findings)

    def invalid_scores(self) -> list[tuple[str, float | int]]:
        """Scores in the file that the active rubric does not allow (out of
        range, between steps): (criterion id, value). They count as not
        scored in totals and are left out of score sheets."""
        return [
            (c, v)
            for c, v in self.review.scores.items()
            if self.rubric.has_criterion(c) and not self.rubric.is_valid_score(c, v)
        ]

    def missing_criteria(self) -> list[str]:
        return [c for c in self.rubric.criterion_ids if c not in self.review.scores]

    # ---- changes
    def set_score(self, criterion: str, value: Any) -> SaveResult:
        clean = self.rubric.validate_score(criterion, value)

        def change(r: Review) -> None:
            r.scores[criterion] = clean

        return self._commit(change, clean)

    def clear_score(self, criterion: str) -> SaveResult:
        if not self.rubric.has_criterion(criterion) and criterion not in self.review.scores:
            self.rubric.criterion(criterion)  # raises UnknownCriterionError
        return self._commit(lambda r: r.scores.pop(criterion, None))

    def set_comment(self, target: str, text: str) -> SaveResult:
        """Set (or, with empty text, remove) the comment on a criterion id, a
        section key or "overall"."""
        kind, key = resolve_target(target, self.rubric)
        text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            text = ""

        def change(r: Review) -> None:
            if kind == "overall":
                r.overall_comment = text
                return
            table = r.criterion_comments if kind == "criterion" else r.section_comments
            if text:
                table[key] = text
            else:
                table.pop(key, None)
            if kind == "section":  # the text shown for the section came from its old key too: it is replaced
                for old in [o for o, new in self.section_renames.items() if new == key]:
                    table.pop(old, None)

        return self._commit(change)

    def set_status(self, status: str) -> SaveResult:
        status = (status or "").strip().lower().replace("_", "-")
        if status not in STATUSES:
            raise InvalidStatusError(status)

        def change(r: Review) -> None:
            r.status = status

        return self._commit(change, status, auto_status=False)

    def set_flag(self, flag: str, on: bool = True) -> SaveResult:
        flag = (flag or "").strip()
        if not flag:
            raise InvalidTargetError(flag)

        def change(r: Review) -> None:
            if on and flag not in r.flags:
                r.flags.append(flag)
            elif not on and flag in r.flags:
                r.flags.remove(flag)

        return self._commit(change, on)

    def toggle_flag(self, flag: str = FLAG_RECHECK) -> SaveResult:
        """Flip a flag (default 需复核); ``result.value`` is the new state."""
        return self.set_flag(flag, not self.has_flag((flag or "").strip()))

    def dismiss_finding(
        self,
        check: str,
        start: int | None,
        end: int | None,
        reason: str = "",
        *,
        section: str | None = None,
        detail: str = "",
        quote: str = "",
    ) -> SaveResult:
        """Record that an automatic finding does not apply. Dismissing the
        same finding again updates the reason. Dismissed findings are left out
        of gates and finding counts."""
        check = (check or "").strip()
        if not check:
            raise InvalidTargetError(check)
        reason = (reason or "").replace("\r\n", "\n").replace("\r", "\n")
        key = (check, start, end, section or "", detail or "")

        def change(r: Review) -> None:
            for d in r.dismissed:
                if d.key() == key:
                    if d.reason != reason:
                        d.reason, d.at = reason, now_iso()
                    return
            r.dismissed.append(Dismissal(check, start, end, reason, now_iso(), (quote or "")[:200], key[3], key[4]))

        return self._commit(change)

    def dismiss(self, finding: Finding, reason: str = "", quote: str = "") -> SaveResult:
        """Dismiss exactly this finding (span, section and, for findings
        without a span, their parameters)."""
        return self.dismiss_finding(
            finding.check,
            finding.start,
            finding.end,
            reason,
            section=finding.section,
            detail=finding_detail(finding),
            quote=quote,
        )

    def restore_finding(
        self, check: str, start: int | None, end: int | None, *, section: str | None = None, detail: str = ""
    ) -> SaveResult:
        """Undo a dismissal made with the same arguments."""
        key = (check, start, end, section or "", detail or "")

        def change(r: Review) -> None:
            r.dismissed = [d for d in r.dismissed if d.key() != key]

        return self._commit(change, auto_status=False)

    def restore(self, finding: Finding) -> SaveResult:
        """Undo every dismissal that covers this finding."""

        def change(r: Review) -> None:
            r.dismissed = [d for d in r.dismissed if not d.matches(finding)]

        return self._commit(change, auto_status=False)

    def revert(self, before: Review, after: Review) -> SaveResult:
        """Undo one earlier change (``before`` → ``after``): only the fields it touched, saved at once
        through the usual merge and conflict checks (see :mod:`shenyue.review.undo`)."""
        from shenyue.review.undo import revert

        return self._commit(lambda r: revert(r, before, after), auto_status=False)

    def accept_report_change(self) -> SaveResult:
        """The reviewer has looked at the changed report: record its new hash."""
        sha = self.current_sha256 or ""

        def change(r: Review) -> None:
            r.report_sha256 = sha

        return self._commit(change, auto_status=False)

    def adopt_rubric(self) -> SaveResult:
        """Record that this review now follows the active rubric."""

        def change(r: Review) -> None:
            r.rubric_id, r.rubric_version = self.rubric.id, self.rubric.version

        return self._commit(change, auto_status=False)

    def save(self) -> SaveResult:
        """Write the current state (e.g. after a ReviewWriteError was fixed)."""
        if not self.dirty:
            return SaveResult(self.path, written=False)
        return self._write(None)

    # ---- conflicts
    def keep_ours(self) -> SaveResult:
        """Resolve a conflict by writing our version; the version found on
        disk is kept beside it as ``<name>.theirs-<time>``."""
        if self.conflict is None:
            return self.save()
        conflict = self.conflict
        theirs = read_bytes(self._disk_path)
        if theirs is not None:
            try:
                self.store.write_file(aside_path(self._disk_path, "theirs"), theirs)
            except OSError as exc:
                raise ReviewWriteError(self._disk_path, exc.strerror or str(exc)) from None
        self._disk = theirs
        self.conflict = None
        result = self._write(None)
        try:
            conflict.ours_path.unlink()
        except OSError:
            pass
        return result

    def take_theirs(self) -> Review:
        """Resolve a conflict by reloading the file on disk (our version stays
        in the conflict file). Raises CorruptReviewError if it cannot be read."""
        data = read_bytes(self._disk_path)
        if data is None:
            review = Review(
                self.rel, self.store.reviewer, self.current_sha256 or "", self.rubric.id, self.rubric.version
            )
        else:
            review = Review.from_toml(data, self._disk_path)
            review.report = self.rel
        self.review, self._disk, self.conflict, self.dirty = review, data, None, False
        return review

    def reload(self) -> Review:
        """Discard in-memory state and read the file again (same as take_theirs)."""
        return self.take_theirs()

    # ---- internals
    def _commit(self, change: Callable[[Review], Any], value: Any = None, *, auto_status: bool = True) -> SaveResult:
        new = copy.deepcopy(self.review)
        change(new)
        # comments written under part-N / extra-N move to their section's title with any change
        new.section_comments = apply_renames(new.section_comments, self.section_renames)
        if new.content() == self.review.content() and not self.dirty and self.conflict is None:
            return SaveResult(self.path, written=False, value=value)
        if auto_status and new.status == "todo":
            new.status = "in-progress"
        stamp = now_iso()
        new.updated = stamp
        if not new.created:
            new.created = stamp
        self.review = new
        return self._write(value)

    def _write(self, value: Any) -> SaveResult:
        if self.conflict is not None:
            data = self.review.to_toml()
            self._write_conflict_copy(self.conflict.ours_path, data)
            self.conflict = ConflictError(
                self.conflict.path,
                self.conflict.ours_path,
                self.review,
                self.conflict.theirs,
                self.conflict.theirs_problem,
            )
            raise self.conflict
        # Compare-and-replace under the lock: no other save of this file can
        # slip in between reading what is on disk and renaming ours over it.
        with save_lock(self.path):
            remove_stale_temps(self.path)
            return self._write_locked(value)

    def _write_locked(self, value: Any) -> SaveResult:
        on_disk = read_bytes(self._disk_path)
        target_busy = self._disk_path != self.path and self.path.exists()
        merged = False
        if on_disk is not None and on_disk != self._disk and not target_busy:
            combined = self._merge(on_disk)
            if combined is not None:
                self.review, self._disk, merged = combined, on_disk, True
        data = self.review.to_toml()
        if on_disk != self._disk or target_busy:
            conflict_at = self.path if target_busy else self._disk_path
            found = read_bytes(conflict_at)
            theirs, problem = None, ""
            if found is not None:
                try:
                    theirs = Review.from_toml(found, conflict_at)
                except (CorruptReviewError, NewerSchemaError) as exc:
                    problem = str(exc)
            ours_path = aside_path(conflict_at, "conflict")
            self._write_conflict_copy(ours_path, data)
            if target_busy:
                self._disk_path, self._disk = self.path, found
            self.conflict = ConflictError(conflict_at, ours_path, self.review, theirs, problem)
            raise self.conflict
        created = self._disk is None
        try:
            self.store.write_file(self.path, data)
        except OSError as exc:
            self.dirty = True
            raise ReviewWriteError(self.path, exc.strerror or str(exc)) from None
        relinked = None
        self.store._index(self.path, self.review.report_sha256)
        if self._disk_path != self.path:
            try:
                self._disk_path.unlink()
            except OSError:
                pass
            self.store._unindex(self._disk_path)
            relinked, self.renamed_from = self.renamed_from, None
            self._disk_path = self.path
            created = True
        self._disk = data
        self.dirty = False
        return SaveResult(self.path, written=True, created=created, relinked_from=relinked, value=value, merged=merged)

    def _merge(self, on_disk: bytes) -> Review | None:
        """Our review with another session's changes (``on_disk``) merged in,
        field by field against what we last read (the base); None when the
        same field changed differently on both sides, or the file on disk
        cannot be read (the caller then reports a conflict)."""
        try:
            theirs = Review.from_toml(on_disk, self._disk_path)
            base = (
                Review.from_toml(self._disk, self._disk_path)
                if self._disk is not None
                else Review(self.rel, self.review.reviewer)
            )
        except (CorruptReviewError, NewerSchemaError):
            return None
        return merge_reviews(base, self.review, theirs)

    def _write_conflict_copy(self, path: Path, data: bytes) -> None:
        try:
            self.store.write_file(path, data)
        except OSError as exc:
            self.dirty = True
            raise ReviewWriteError(path, exc.strerror or str(exc)) from None


_MISSING = object()


class _MergeConflict(Exception):
    pass


def _pick(base: Any, ours: Any, theirs: Any) -> Any:
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    raise _MergeConflict()


def _merge_table(base: dict, ours: dict, theirs: dict) -> dict:
    out = {}
    for key in list(theirs) + [k for k in ours if k not in theirs]:
        value = _pick(base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING))
        if value is not _MISSING:
            out[key] = value
    return out


def merge_reviews(base: Review, ours: Review, theirs: Review) -> Review | None:
    """Three-way merge of two sessions' versions of one review: a field (a
    score, a comment, the status, a flag, a dismissal) changed on one side
    only takes that side's value; changed the same way on both sides is
    fine; changed differently on both sides is a conflict (None)."""
    try:
        out = copy.deepcopy(ours)
        for name in ("status", "report_sha256", "rubric_id", "rubric_version", "overall_comment", "extra"):
            setattr(out, name, _pick(getattr(base, name), getattr(ours, name), getattr(theirs, name)))
        for name in ("scores", "criterion_comments", "section_comments"):
            setattr(out, name, _merge_table(getattr(base, name), getattr(ours, name), getattr(theirs, name)))
        flags = _merge_table(
            {f: True for f in base.flags}, {f: True for f in ours.flags}, {f: True for f in theirs.flags}
        )
        out.flags = list(flags)
        dismissed = _merge_table(
            {d.key(): d for d in base.dismissed},
            {d.key(): d for d in ours.dismissed},
            {d.key(): d for d in theirs.dismissed},
        )
        out.dismissed = list(dismissed.values())
    except _MergeConflict:
        return None
    out.created = min((x for x in (ours.created, theirs.created) if x), default="")
    out.updated = max(ours.updated, theirs.updated)
    return out
