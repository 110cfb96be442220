"""Findings: what a check says about a report, with the exact span it is about."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shenyue.i18n import t
from shenyue.pickled import by_constructor

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@by_constructor
@dataclass(frozen=True, slots=True)
class Term:
    """One operand of an arithmetic rule: a table cell's value as the check read it.

    ``cell`` is a cell id (``t3.new.np``); ``report`` is empty for the report
    itself, or the rel of the other report the value comes from (the same unit's
    previous year); ``sign`` is -1 for a subtracted operand."""

    cell: str
    value: int | float
    sign: int = 1
    report: str = ""


@by_constructor
@dataclass(frozen=True, slots=True)
class Identity:
    """An arithmetic rule as a check evaluated it and found broken: the sum of
    ``left`` should stand in ``relation`` (``"="`` or ``">="``) to the sum of
    ``right`` (an empty side is 0). ``at`` is the cell the finding points at."""

    at: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    relation: str = "="

    def cells(self) -> list[str]:
        """The ids of this report's cells the rule reads, the failing cell first."""
        ids = [self.at] + [t.cell for t in self.left + self.right if not t.report]
        return list(dict.fromkeys(ids))


@by_constructor
@dataclass(slots=True)
class Finding:
    """One finding of one check.

    ``start``/``end`` are Python string indices into the report's decoded text
    (end exclusive), or None when the finding is about the whole report.
    The message is rendered from the catalogue key ``finding.<message>``
    (default: the check id) with ``params``, in either language.
    """

    check: str
    severity: str
    start: int | None = None
    end: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    message_key: str | None = None
    section: str | None = None
    note: str | None = None  # catalogue key under ``finding_note.`` appended to the message (OCR'd text)
    identity: Identity | None = None  # the broken arithmetic rule, for arithmetic checks on table cells

    def message(self, lang: str | None = None) -> str:
        text = t(f"finding.{self.message_key or self.check}", lang, **self.params)
        return text if self.note is None else text + t(f"finding_note.{self.note}", lang)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message(lang),
            "start": self.start,
            "end": self.end,
        }


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = {s: 0 for s in SEVERITIES}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def most_serious(findings: list[Finding]) -> Finding | None:
    if not findings:
        return None
    return min(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.start if f.start is not None else -1))
