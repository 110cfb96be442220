"""Preset deduction reasons per rubric criterion, without Textual.

A criterion of the rubric TOML may list the reasons an inspector picks from
when taking points off (``reasons``, optionally ``reasons_en`` for the English
interface)::

    [[rubric.criteria]]
    id = "timeliness"
    reasons = ["落款日期晚于截止日期", "未注明发布日期"]
    reasons_en = ["Dated after the deadline", "No publication date"]

The rubric reader keeps keys it does not know in ``Criterion.extra``; this
module reads and checks them. :func:`check_reasons` raises a
:class:`~shenyue.review.errors.RubricError` naming the criterion and what is
wrong; the review store calls it when it loads the rubric, so a bad list is
refused like any other bad rubric value.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from shenyue.i18n import current_language
from shenyue.review.errors import RubricError

KEYS = ("reasons", "reasons_en")
MAX_REASONS = 30
MAX_CHARS = 200


def _problem(value: Any) -> str | None:
    """Why ``value`` is not a list of reasons (a catalogue key), or None when it is fine."""
    if not isinstance(value, list):
        return "rubric.error.reasons_not_list"
    if len(value) > MAX_REASONS:
        return "rubric.error.reasons_too_many"
    for item in value:
        if not isinstance(item, str) or not item.strip():
            return "rubric.error.reasons_not_list"
        if len(item) > MAX_CHARS or any(unicodedata.category(ch) == "Cc" for ch in item):
            return "rubric.error.reasons_bad_text"
    return None


def check_reasons(rubric: Any) -> None:
    """Raise RubricError for the first criterion whose ``reasons`` / ``reasons_en`` is not a list of short texts."""
    for c in rubric.criteria:
        for key in KEYS:
            if key not in c.extra:
                continue
            problem = _problem(c.extra[key])
            if problem is not None:
                path = rubric.source.path if rubric.source is not None else None
                raise RubricError(path, None, problem, id=c.id, key=key, max=MAX_REASONS, chars=MAX_CHARS)


def criterion_reasons(criterion: Any, lang: str | None = None) -> list[str]:
    """The preset reasons of a criterion in the interface language (English falls back to ``reasons``)."""
    lang = lang or current_language()
    for key in ("reasons_en", "reasons") if lang == "en" else ("reasons", "reasons_en"):
        value = criterion.extra.get(key)
        if _problem(value) is None and value:
            return [v.strip() for v in value]
    return []
