"""Rubric gates: conditions on a report's automatic findings that cap or void its total.

:func:`parse_condition` reads ``"check [severity] [hits OP N]"`` clauses joined by and / or / not
and parentheses (depth bounded) into :class:`Clause`/:class:`Not`/:class:`Combined`; a
:class:`Gate` evaluated on the findings (minus dismissed ones) gives a :class:`GateHit`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from shenyue.i18n import current_language, t
from shenyue.review.points import format_number

if TYPE_CHECKING:
    from shenyue.analysis.findings import Finding

SEVERITY_WORDS = ("error", "warning", "info")


# ---- gate conditions: "check [severity] [hits OP N]" joined by and / or / not / ( )

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


_TOKEN_RE = re.compile(r"\s*(>=|<=|==|!=|[()<>=]|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_\-]*)")


Counts = Callable[[str, "str | None"], int]


@dataclass(frozen=True, slots=True)
class Clause:
    check: str
    severity: str | None = None
    op: str = ">="
    number: float = 1

    def evaluate(self, count: Counts) -> bool:
        return _OPS[self.op](count(self.check, self.severity), self.number)

    def checks(self) -> set[str]:
        return {self.check}


@dataclass(frozen=True, slots=True)
class Not:
    part: Any

    def evaluate(self, count: Counts) -> bool:
        return not self.part.evaluate(count)

    def checks(self) -> set[str]:
        return self.part.checks()


@dataclass(frozen=True, slots=True)
class Combined:
    op: str  # "and" | "or"
    parts: tuple[Any, ...]

    def evaluate(self, count: Counts) -> bool:
        results = (p.evaluate(count) for p in self.parts)
        return all(results) if self.op == "and" else any(results)

    def checks(self) -> set[str]:
        return set().union(*(p.checks() for p in self.parts))


class ConditionSyntaxError(ValueError):
    pass


# Deepest nesting of parentheses and "not" in a gate's ``when`` (real rubrics use 2 or 3).
MAX_CONDITION_DEPTH = 32


def parse_condition(text: str) -> Clause | Not | Combined:
    """Parse a gate's ``when`` expression; raises ConditionSyntaxError."""
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionSyntaxError(text[pos:].strip()[:20])
        tokens.append(m.group(1))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if not tokens:
        raise ConditionSyntaxError("")
    depth = nots = 0
    for token in tokens:  # the parser recurses per "(" and per "not": refuse absurd nesting up front
        depth += 1 if token == "(" else (-1 if token == ")" else 0)
        nots = nots + 1 if token == "not" else 0
        if depth > MAX_CONDITION_DEPTH or nots > MAX_CONDITION_DEPTH:
            raise ConditionSyntaxError(t("rubric.error.when_too_deep", depth=MAX_CONDITION_DEPTH))
    index = 0

    def peek() -> str | None:
        return tokens[index] if index < len(tokens) else None

    def take() -> str:
        nonlocal index
        if index >= len(tokens):
            raise ConditionSyntaxError(t("rubric.error.when_unexpected_end"))
        index += 1
        return tokens[index - 1]

    def expr() -> Any:
        parts = [conj()]
        while peek() == "or":
            take()
            parts.append(conj())
        return parts[0] if len(parts) == 1 else Combined("or", tuple(parts))

    def conj() -> Any:
        parts = [atom()]
        while peek() == "and":
            take()
            parts.append(atom())
        return parts[0] if len(parts) == 1 else Combined("and", tuple(parts))

    def atom() -> Any:
        token = take()
        if token == "not":
            return Not(atom())
        if token == "(":
            inner = expr()
            if take() != ")":
                raise ConditionSyntaxError(")")
            return inner
        if not re.match(r"[A-Za-z_]", token) or token in ("and", "or", "hits", "count") or token in SEVERITY_WORDS:
            raise ConditionSyntaxError(token)
        severity = None
        if peek() in SEVERITY_WORDS:
            severity = take()
        if peek() in ("hits", "count"):
            take()
            op = take()
            if op not in _OPS:
                raise ConditionSyntaxError(op)
            number = take()
            if not re.fullmatch(r"\d+(?:\.\d+)?", number):
                raise ConditionSyntaxError(number)
            return Clause(token, severity, op, float(number))
        return Clause(token, severity)

    try:
        result = expr()
    except RecursionError:  # a last guard; the depth check above should have refused it
        raise ConditionSyntaxError(t("rubric.error.when_too_deep", depth=MAX_CONDITION_DEPTH)) from None
    if index != len(tokens):
        raise ConditionSyntaxError(tokens[index])
    return result


@dataclass(frozen=True, slots=True)
class Gate:
    id: str
    action: str  # "cap" | "not_assessable"
    cap_total: float | None
    when: str
    condition: Any
    note_zh: str = ""
    note_en: str = ""

    def note(self, lang: str | None = None) -> str:
        if (lang or current_language()) == "en":
            return self.note_en or self.note_zh or self.id
        return self.note_zh or self.note_en or self.id

    def checks(self) -> set[str]:
        return self.condition.checks()


@dataclass(frozen=True, slots=True)
class GateHit:
    """A gate that fired for a report, with the findings that made it fire."""

    gate: Gate
    findings: tuple["Finding", ...] = ()

    @property
    def id(self) -> str:
        return self.gate.id

    @property
    def not_assessable(self) -> bool:
        return self.gate.action == "not_assessable"

    def describe(self, lang: str | None = None) -> str:
        if self.not_assessable:
            return t("rubric.gate.not_assessable", lang, note=self.gate.note(lang))
        return t("rubric.gate.cap", lang, cap=format_number(self.gate.cap_total), note=self.gate.note(lang))
