"""Undo of a reviewer's last change, without Textual.

An :class:`Undo` holds the review before and after one change; :func:`revert`
puts back, on the review as it is now, only the fields that change touched
(a score, a comment, the status, a flag, a dismissal), so a change merged in
from another session meanwhile stays. The session applies it like any other
change (:meth:`~shenyue.review.session.ReviewSession.revert`): saved at once,
through the same merge and conflict checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from shenyue.review.schema import Review

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Undo:
    rel: str  # the report the change was made on
    before: Review
    after: Review


def _revert_table(now: dict, before: dict, after: dict) -> None:
    for key in set(before) | set(after):
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old == new or now.get(key, _MISSING) != new:
            continue  # untouched by the change, or changed again since: left as it is
        if old is _MISSING:
            now.pop(key, None)
        else:
            now[key] = old


def revert(now: Review, before: Review, after: Review) -> None:
    """Undo on ``now`` what turned ``before`` into ``after`` (fields changed since are left alone)."""
    for name in ("status", "overall_comment", "report_sha256"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new and getattr(now, name) == new:
            setattr(now, name, old)
    for name in ("scores", "criterion_comments", "section_comments"):
        _revert_table(getattr(now, name), getattr(before, name), getattr(after, name))
    flags = {f: True for f in now.flags}
    _revert_table(flags, {f: True for f in before.flags}, {f: True for f in after.flags})
    now.flags = [f for f in now.flags if f in flags] + [f for f in flags if f not in now.flags]
    dismissed = {d.key(): d for d in now.dismissed}
    _revert_table(dismissed, {d.key(): d for d in before.dismissed}, {d.key(): d for d in after.dismissed})
    now.dismissed = list(dismissed.values())


def changed(before: Review, after: Review) -> bool:
    """Whether a change changed anything a reviewer would undo."""
    return before.content() != after.content()
