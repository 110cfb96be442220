"""The rubric itself: criteria with maximum points and steps, score validation, totals.

:class:`Rubric` holds the criteria (:class:`Criterion`) and gates of one rubric and where it came
from (:class:`RubricSource`); it validates a score, and computes a report's :class:`Total` from the
reviewer's scores and the gates hit by its findings. Read from TOML by rubric.py.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from shenyue.i18n import current_language, t
from shenyue.review.errors import ScoreError, UnknownCriterionError
from shenyue.review.points import _clean_number, _is_number, format_number
from shenyue.review.rubric_gates import Gate, GateHit

if TYPE_CHECKING:
    from shenyue.analysis.findings import Finding

DEFAULT_STEP = 0.5


RESERVED_IDS = frozenset({"overall"})


_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


_EPS = 1e-9


SOURCE_FOLDER = "folder"


SOURCE_USER = "user"


SOURCE_DEFAULT = "default"


# ---------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label_zh: str
    label_en: str
    max: float
    step: float
    full_marks_zh: str = ""
    full_marks_en: str = ""
    checks: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def label(self, lang: str | None = None) -> str:
        return self.label_en if (lang or current_language()) == "en" else self.label_zh

    def full_marks(self, lang: str | None = None) -> str:
        if (lang or current_language()) == "en":
            return self.full_marks_en or self.full_marks_zh
        return self.full_marks_zh or self.full_marks_en

    def allowed_values(self) -> list[float | int]:
        """Every valid score, 0..max in steps (max itself always included)."""
        values = [_clean_number(i * self.step) for i in range(int(math.floor(self.max / self.step + _EPS)) + 1)]
        if abs(values[-1] - self.max) > _EPS:
            values.append(_clean_number(self.max))
        return values


@dataclass(frozen=True, slots=True)
class Total:
    """A review's total under a rubric. ``raw`` is the sum of the reviewer's
    valid scores; ``value`` is the total after gates (None: not assessable)."""

    raw: float
    value: float | None
    max: float
    scored: tuple[str, ...]
    missing: tuple[str, ...]
    invalid: tuple[str, ...]  # stored scores the rubric does not allow (left out of the sum)
    unknown: tuple[str, ...]  # scores for criteria this rubric does not have (left out)
    gates: tuple[GateHit, ...]  # every gate that fired
    capped_by: GateHit | None  # the gate that lowered the total, if any

    @property
    def complete(self) -> bool:
        return not self.missing and not self.invalid

    @property
    def assessable(self) -> bool:
        return self.value is not None

    @property
    def capped(self) -> bool:
        return self.capped_by is not None

    def gates_text(self, lang: str | None = None) -> str:
        return (
            "；".join(hit.describe(lang) for hit in self.gates)
            if (lang or current_language()) == "zh"
            else "; ".join(hit.describe(lang) for hit in self.gates)
        )

    def text(self, lang: str | None = None) -> str:
        """e.g. "54 / 100", "60 / 100（封顶 60：模板未填写完整）", "不可评（…）"."""
        if self.value is None:
            return t("rubric.total.not_assessable", lang, gates=self.gates_text(lang))
        base = t("rubric.total.value", lang, value=format_number(self.value), max=format_number(self.max))
        if self.capped_by is not None:
            return t(
                "rubric.total.capped",
                lang,
                base=base,
                raw=format_number(self.raw),
                gate=self.capped_by.describe(lang),
            )
        return base


@dataclass(frozen=True, slots=True)
class RubricSource:
    kind: str  # "folder" | "user" | "default"
    path: Path | None  # None for the built-in default

    def describe(self, lang: str | None = None) -> str:
        if self.kind == SOURCE_DEFAULT:
            return t("rubric.source.default", lang)
        return t(f"rubric.source.{self.kind}", lang, path=str(self.path))


@dataclass(frozen=True, slots=True)
class Rubric:
    id: str
    version: str
    name_zh: str
    name_en: str
    total: float
    step: float
    criteria: tuple[Criterion, ...]
    gates: tuple[Gate, ...]
    source: RubricSource = RubricSource(SOURCE_DEFAULT, None)
    extra: Mapping[str, Any] = field(default_factory=dict)

    # ---- lookup
    def name(self, lang: str | None = None) -> str:
        return self.name_en if (lang or current_language()) == "en" else self.name_zh

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise UnknownCriterionError(criterion_id)

    def has_criterion(self, criterion_id: str) -> bool:
        return any(c.id == criterion_id for c in self.criteria)

    def criteria_for_check(self, check: str) -> list[Criterion]:
        """The criteria a check informs (a check may inform several)."""
        return [c for c in self.criteria if check in c.checks]

    # ---- scores
    def validate_score(self, criterion_id: str, value: Any) -> float | int:
        """The score as a clean number, or ScoreError / UnknownCriterionError.

        Accepts numbers and strings ("7.5", "７.５"); refuses booleans, NaN,
        values outside 0..max and values between steps."""
        criterion = self.criterion(criterion_id)
        labels = {"zh": criterion.label_zh, "en": criterion.label_en}
        number: float
        if isinstance(value, bool) or value is None:
            raise ScoreError("review.error.score_not_number", criterion_id, value, labels)
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip()
            try:
                number = float(text)
            except ValueError:
                raise ScoreError("review.error.score_not_number", criterion_id, value, labels) from None
        elif isinstance(value, (int, float)):
            number = float(value)
        else:
            raise ScoreError("review.error.score_not_number", criterion_id, value, labels)
        if not math.isfinite(number):
            raise ScoreError("review.error.score_not_number", criterion_id, value, labels)
        max_text = format_number(criterion.max)
        if number < -_EPS or number > criterion.max + _EPS:
            raise ScoreError("review.error.score_range", criterion_id, format_number(number), labels, max=max_text)
        steps = number / criterion.step
        if abs(steps - round(steps)) > 1e-6 and abs(number - criterion.max) > _EPS:
            raise ScoreError(
                "review.error.score_step",
                criterion_id,
                format_number(number),
                labels,
                step=format_number(criterion.step),
            )
        if abs(number - criterion.max) <= _EPS:
            return _clean_number(criterion.max)
        return _clean_number(max(0.0, round(steps) * criterion.step))

    def is_valid_score(self, criterion_id: str, value: Any) -> bool:
        try:
            self.validate_score(criterion_id, value)
        except (ScoreError, UnknownCriterionError):
            return False
        return True

    # ---- gates and totals
    def gate_hits(self, findings: Iterable["Finding"]) -> list[GateHit]:
        """The gates that fire for these findings (pass only the findings the
        reviewer has not dismissed)."""
        findings = list(findings)
        counts: Counter[tuple[str, str | None]] = Counter()
        for f in findings:
            counts[(f.check, None)] += 1
            counts[(f.check, f.severity)] += 1
        hits = []
        for gate in self.gates:
            if gate.condition.evaluate(lambda check, severity: counts[(check, severity)]):
                checks = gate.checks()
                hits.append(GateHit(gate, tuple(f for f in findings if f.check in checks)))
        return hits

    def compute_total(self, scores: Mapping[str, Any], gates: Iterable[GateHit] = ()) -> Total:
        """Sum the valid scores and apply the gates (the scores are not changed)."""
        raw = 0.0
        scored, missing, invalid = [], [], []
        for c in self.criteria:
            if c.id not in scores or scores[c.id] is None:
                missing.append(c.id)
                continue
            value = scores[c.id]
            if not _is_number(value) or not self.is_valid_score(c.id, value):
                invalid.append(c.id)
                continue
            raw += float(value)
            scored.append(c.id)
        unknown = tuple(k for k in scores if not self.has_criterion(k))
        raw = round(raw, 6)
        hits = tuple(gates)
        value: float | None = raw
        capped_by = None
        if any(h.not_assessable for h in hits):
            value = None
        else:
            for hit in hits:
                cap = hit.gate.cap_total
                if cap is not None and value is not None and cap < value - _EPS:
                    value, capped_by = cap, hit
        return Total(
            raw=raw,
            value=None if value is None else _clean_number(value),
            max=self.total,
            scored=tuple(scored),
            missing=tuple(missing),
            invalid=tuple(invalid),
            unknown=unknown,
            gates=hits,
            capped_by=capped_by,
        )
