"""The review layer: rubric, review files and score sheets (no Textual here).

Typical use by an interface::

    from shenyue.review import ReviewStore, load_rubric

    store = ReviewStore(folder, reviewer="张三")          # rubric: folder > user config > default
    session = store.open(report)                          # Report, Document or rel path
    session.set_score("timeliness", "8.5")                # validated, saved at once
    session.set_comment("overview", "缺少监督保障内容")    # criterion id, section key or "overall"
    total = session.total(report.findings)                # gates applied, scores untouched
    print(total.text())

See :mod:`shenyue.review.store` for the guarantees (atomic writes, conflicts,
corrupt files), :mod:`shenyue.review.sheet` for score sheets and
:mod:`shenyue.review.export` for the export formats. Rubrics: files are found
and read by :mod:`shenyue.review.rubric` (every rubric name importable from
it), the rubric and its totals are in ``rubric_model``, gate conditions in
``rubric_gates``, how points are written in ``points``.
"""

from shenyue.review.errors import (
    ConflictError,
    CorruptReviewError,
    ExportError,
    InvalidStatusError,
    InvalidTargetError,
    NewerSchemaError,
    OutputExistsError,
    ReviewerNameError,
    ReviewFileError,
    ReviewLayerError,
    ReviewWriteError,
    RubricError,
    ScoreError,
    UnknownCriterionError,
)
from shenyue.review.rubric import (
    Criterion,
    Gate,
    GateHit,
    Rubric,
    RubricSource,
    Total,
    default_rubric_text,
    find_rubric,
    folder_rubric_path,
    format_number,
    load_rubric,
    load_rubric_file,
    parse_rubric,
    user_rubric_path,
)
from shenyue.review.store import (
    FLAG_RECHECK,
    OVERALL,
    STATUSES,
    Dismissal,
    Review,
    ReviewSession,
    ReviewStore,
    SaveResult,
    StoredReview,
    load_all_reviews,
    remember_reviewer,
    resolve_reviewer,
    resolve_reviews_dir,
    resolve_target,
    review_rel_path,
    sanitize_reviewer,
)

__all__ = [
    "FLAG_RECHECK",
    "OVERALL",
    "STATUSES",
    "ConflictError",
    "CorruptReviewError",
    "Criterion",
    "Dismissal",
    "ExportError",
    "Gate",
    "GateHit",
    "InvalidStatusError",
    "InvalidTargetError",
    "NewerSchemaError",
    "OutputExistsError",
    "Review",
    "ReviewFileError",
    "ReviewLayerError",
    "ReviewSession",
    "ReviewStore",
    "ReviewWriteError",
    "ReviewerNameError",
    "Rubric",
    "RubricError",
    "RubricSource",
    "SaveResult",
    "ScoreError",
    "StoredReview",
    "Total",
    "UnknownCriterionError",
    "default_rubric_text",
    "find_rubric",
    "folder_rubric_path",
    "format_number",
    "load_all_reviews",
    "load_rubric",
    "load_rubric_file",
    "parse_rubric",
    "remember_reviewer",
    "resolve_reviewer",
    "resolve_reviews_dir",
    "resolve_target",
    "review_rel_path",
    "sanitize_reviewer",
    "user_rubric_path",
]
