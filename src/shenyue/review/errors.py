"""Typed errors of the review layer.

Every error carries a catalogue key and parameters, so an interface can show
it in either language (``err.message("en")``); ``str(err)`` is the message in
the current language. Callers catch :class:`ReviewLayerError` for "anything
the user must be told about" and never need to show a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from shenyue.i18n import t

if TYPE_CHECKING:
    from shenyue.review.store import Review


class ReviewLayerError(Exception):
    key = "review.error.generic"

    def __init__(self, key: str | None = None, /, **params: Any):
        if key:
            self.key = key
        self.params = params
        super().__init__(self.key)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **{k: _show(v) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.message()


def _show(value: Any) -> Any:
    """A message parameter as shown: paths and text with undecodable bytes or
    bidi controls are made printable (never a UnicodeEncodeError later)."""
    from shenyue.paths import display_text  # noqa: PLC0415

    return display_text(value) if isinstance(value, (Path, str)) else value


# ---------------------------------------------------------------- rubric


class RubricError(ReviewLayerError):
    """A rubric file is refused: ``path`` (None for text without a file),
    ``line`` (1-based, best effort, may be None) and the ``problem``."""

    def __init__(self, path: Path | None, line: int | None, problem_key: str, **params: Any):
        self.path = path
        self.line = line
        self.problem_key = problem_key
        self.problem_params = params
        super().__init__("rubric.error.at_line" if line else "rubric.error.at_file")

    def problem(self, lang: str | None = None) -> str:
        return t(self.problem_key, lang, **{k: _show(v) for k, v in self.problem_params.items()})

    def message(self, lang: str | None = None) -> str:
        where = str(self.path) if self.path else t("rubric.source.text", lang)
        return t(self.key, lang, path=where, line=self.line, problem=self.problem(lang))


# ---------------------------------------------------------------- scores and edits


class ScoreError(ReviewLayerError, ValueError):
    """A score is refused (not a number, out of 0..max, not in the rubric's step)."""

    def __init__(self, key: str, criterion: str, value: Any, labels: dict[str, str] | None = None, **params: Any):
        self.criterion = criterion
        self.value = value
        self.labels = labels or {}
        super().__init__(key, criterion=criterion, value=value, **params)

    def message(self, lang: str | None = None) -> str:
        from shenyue.i18n import current_language

        label = self.labels.get(lang or current_language()) or self.criterion
        params = {**self.params, "criterion": label}
        return t(self.key, lang, **{k: _show(v) for k, v in params.items()})


class UnknownCriterionError(ReviewLayerError, KeyError):
    key = "review.error.unknown_criterion"

    def __init__(self, criterion: str):
        self.criterion = criterion
        super().__init__(criterion=criterion)


class InvalidTargetError(ReviewLayerError, ValueError):
    key = "review.error.bad_target"

    def __init__(self, target: str):
        self.target = target
        super().__init__(target=target)


class InvalidStatusError(ReviewLayerError, ValueError):
    key = "review.error.bad_status"

    def __init__(self, status: str):
        self.status = status
        super().__init__(status=status)


class ReviewerNameError(ReviewLayerError, ValueError):
    key = "review.error.reviewer_empty"


# ---------------------------------------------------------------- review files


class ReviewFileError(ReviewLayerError):
    """Base for problems with one review file (``path``)."""

    def __init__(self, key: str | None = None, /, *, path: Path, **params: Any):
        self.path = Path(path)
        super().__init__(key, path=self.path, **params)


class CorruptReviewError(ReviewFileError):
    """A review file cannot be read. ``reason`` says why. When the store found
    it while opening a review, the file has already been renamed to ``aside``
    (never overwritten); the caller tells the reviewer and opens again with
    ``acknowledge_corrupt=True`` to start from an empty review."""

    def __init__(self, path: Path, reason: str, aside: Path | None = None):
        self.reason = reason
        self.aside = Path(aside) if aside else None
        key = "review.error.corrupt_moved" if aside else "review.error.corrupt"
        super().__init__(key, path=path, reason=reason, aside=self.aside or "")


class NewerSchemaError(ReviewFileError):
    """The file was written by a newer shenyue; it is left alone and not edited."""

    def __init__(self, path: Path, schema: Any):
        self.schema = schema
        super().__init__("review.error.newer_schema", path=path, schema=schema)


class ConflictError(ReviewFileError):
    """The review file changed on disk since it was loaded (another reviewer
    session, a sync tool, a text editor). Nothing was overwritten: the file at
    ``path`` is still theirs (``theirs`` is its parsed content, or None when it
    was deleted or cannot be read) and our version was written to ``ours_path``.
    ``ours`` is our in-memory review. Resolve with ``session.keep_ours()`` or
    ``session.take_theirs()``."""

    def __init__(self, path: Path, ours_path: Path, ours: "Review", theirs: "Review | None", theirs_problem: str = ""):
        self.ours_path = Path(ours_path)
        self.ours = ours
        self.theirs = theirs
        self.theirs_problem = theirs_problem
        super().__init__("review.error.conflict", path=path, ours_path=self.ours_path)


class ReviewWriteError(ReviewFileError):
    """The review file could not be written (read-only folder, disk full...).
    The change is kept in memory and written with the next successful save."""

    def __init__(self, path: Path, reason: str):
        self.reason = reason
        super().__init__("review.error.write", path=path, folder=Path(path).parent, reason=reason)


# ---------------------------------------------------------------- export


class ExportError(ReviewLayerError):
    pass


class OutputExistsError(ExportError):
    key = "export.error.exists"

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(path=self.path)
