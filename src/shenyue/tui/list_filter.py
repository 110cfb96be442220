"""The report list's filter syntax, typed in the `/` box (no Textual here).

Words of the form ``field OP value`` filter on a column; every other word is matched fuzzily against
the unit and file name, as before. All conditions must hold; ``-`` or ``!`` before a condition negates it.

    kind:summary            the kind (annual-2021, annual-2019, annual-legacy, summary, template, unknown;
                            a prefix is enough: kind:annual), or its short label (年报, 总结)
    status:done             todo, in-progress, done, changed (or 待审, 审阅中, 已完成, 报告已变)
    flag                    flagged for a second look (-flag: not flagged)
    check:t3_row_total      a finding of that check (check:t3_* for a prefix)
    share>30                copy share in percent (> >= < <= = !=, or a range share:20-50)
    score<60                this reviewer's total
    year:2023  errors>0  warnings>=3
    reviewers>=2  mean<70  spread>10     the team columns: how many scored, their mean, the spread
    dismissed               has findings dismissed for the whole folder

A condition that cannot be read (an unknown field, a value that is not a number) is reported and left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shenyue.i18n import t

if TYPE_CHECKING:
    from shenyue.tui.workspace import Row, Workspace

Test = Callable[["Row", "Workspace"], bool]

_TOKEN = re.compile(r"^(?P<neg>[-!]?)(?P<field>[a-z_]+)(?P<op>>=|<=|!=|>|<|:|=)(?P<value>.+)$", re.IGNORECASE)
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    ":": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
STATUSES = ("todo", "in-progress", "done", "changed")
WORDS = ("flag", "flagged", "dismissed")  # conditions without a value


def _number_of(field: str) -> Callable[[Row, Workspace], float | None]:
    def share(r: Row, ws: Workspace) -> float | None:
        value = ws.copy.share(r.rel)
        return None if value is None else value * 100

    def total(r: Row, ws: Workspace) -> float | None:
        return getattr(r.review.total, "value", None) if r.review.total is not None else None

    def team(attr: str) -> Callable[[Row, Workspace], float | None]:
        return lambda r, ws: getattr(r.team, attr) if r.team is not None else (0 if attr == "scored" else None)

    def counts(severity: str) -> Callable[[Row, Workspace], float | None]:
        return lambda r, ws: (r.counts() or {}).get(severity) if r.report is not None else None

    getters: dict[str, Callable[[Row, Workspace], float | None]] = {
        "share": share,
        "copy": share,
        "score": total,
        "total": total,
        "year": lambda r, ws: r.year,
        "errors": counts("error"),
        "warnings": counts("warning"),
        "reviewers": team("scored"),
        "mean": team("mean"),
        "spread": team("spread"),
    }
    return getters[field]


NUMBER_FIELDS = ("share", "copy", "score", "total", "year", "errors", "warnings", "reviewers", "mean", "spread")
TEXT_FIELDS = ("kind", "status", "check", "unit")
FIELDS = NUMBER_FIELDS + TEXT_FIELDS + WORDS


@dataclass(frozen=True, slots=True)
class Query:
    """A filter text read: the words left for the fuzzy match, the conditions, what could not be read."""

    text: str
    tests: tuple[Test, ...] = ()
    problems: tuple[str, ...] = ()

    def matches(self, row: Row, ws: Workspace) -> bool:
        return all(test(row, ws) for test in self.tests)


def _float(text: str) -> float | None:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _number_test(field: str, op: str, value: str) -> Test | None:
    get = _number_of(field)
    if op == ":" and "-" in value.strip("-"):
        low_text, _, high_text = value.partition("-")
        low, high = _float(low_text), _float(high_text)
        if low is None or high is None:
            return None

        def in_range(r: Row, ws: Workspace) -> bool:
            v = get(r, ws)
            return v is not None and low <= v <= high

        return in_range
    target = _float(value)
    if target is None:
        return None
    compare = _OPS[op]

    def test(r: Row, ws: Workspace) -> bool:
        v = get(r, ws)
        return v is not None and compare(v, target)

    return test


def _kind_test(value: str) -> Test:
    wanted = value.lower()

    def test(r: Row, ws: Workspace) -> bool:
        kind = r.kind
        if kind is None:
            return False
        return kind.startswith(wanted) or t(f"tui.kind_short.{kind}").lower() == wanted

    return test


def _status_test(value: str) -> Test | None:
    wanted = value.lower()
    for status in STATUSES:
        if wanted in (status, t(f"tui.status.{status}").lower(), status.replace("-", "")):
            if status == "changed":
                return lambda r, ws: r.review.changed
            return lambda r, ws, s=status: r.review.status == s and not r.review.changed
    return None


def _check_test(value: str) -> Test:
    if value.endswith("*"):
        prefix = value[:-1]
        return lambda r, ws: any(c.startswith(prefix) for c in r.checks())
    return lambda r, ws: value in r.checks()


def _word_test(word: str) -> Test:
    if word == "dismissed":
        return lambda r, ws: bool(ws.folder_dismissed(r))
    return lambda r, ws: r.review.flagged


def _condition(field: str, op: str, value: str) -> Test | None:
    if field in NUMBER_FIELDS:
        return _number_test(field, op, value)
    if op not in (":", "=", "!="):
        return None
    if field == "kind":
        test = _kind_test(value)
    elif field == "status":
        test = _status_test(value)
    elif field == "check":
        test = _check_test(value)
    elif field == "unit":
        test = lambda r, ws: value in (r.report.unit or "" if r.report is not None else "")  # noqa: E731
    elif field in ("flag", "flagged"):
        yes = value.lower() in ("yes", "y", "true", "1", "是")
        test = lambda r, ws: r.review.flagged == yes  # noqa: E731
    else:
        return None
    if test is not None and op == "!=":
        inner = test
        return lambda r, ws: not inner(r, ws)
    return test


def parse_query(raw: str) -> Query:
    """Read the filter box's text (see the module's doc)."""
    words: list[str] = []
    tests: list[Test] = []
    problems: list[str] = []
    for token in raw.split():
        lower = token.lower()
        negate = lower[:1] in ("-", "!") and len(lower) > 1
        bare = lower[1:] if negate else lower
        if bare in WORDS:
            test: Test | None = _word_test(bare)
        else:
            m = _TOKEN.match(token)
            if m is None or m.group("field").lower() not in FIELDS:
                if m is not None:  # looks like a condition: say which fields there are
                    problems.append(t("tui.filter.unknown_field", field=m.group("field"), fields=", ".join(FIELDS)))
                else:
                    words.append(token)
                continue
            negate = bool(m.group("neg"))
            test = _condition(m.group("field").lower(), m.group("op"), m.group("value"))
            if test is None:
                problems.append(t("tui.filter.bad_condition", token=token))
                continue
        if negate:
            inner = test
            test = lambda r, ws, f=inner: not f(r, ws)  # noqa: E731
        tests.append(test)
    return Query(" ".join(words), tuple(tests), tuple(problems))
