"""Rubrics (评分细则): criteria with maximum points, score validation, gates and totals.

A rubric is a TOML file (see ``default_rubric.toml``). Which one is used for a
reports folder, first found wins:

1. ``rubric.toml`` in the reports folder (shared by the team with the reports),
2. ``rubric.toml`` in the user config directory (``shenyue.paths.config_dir()``),
3. the default rubric shipped with shenyue.

A file with an error is refused with :class:`RubricError` naming the file, the
line (best effort) and the problem; nothing is ever scored against a
half-read rubric.

Gates are evaluated on a report's automatic findings (minus the ones the
reviewer dismissed) when a total is computed; they cap or void the total and
are reported as such, while the reviewer's own scores stay as entered.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from shenyue import paths
from shenyue.fsutil import parse_toml, read_regular_bytes
from shenyue.i18n import current_language, t
from shenyue.review.errors import RubricError, ScoreError, UnknownCriterionError

if TYPE_CHECKING:
    from shenyue.analysis.findings import Finding

RUBRIC_FILE = "rubric.toml"
DEFAULT_STEP = 0.5
SEVERITY_WORDS = ("error", "warning", "info")
RESERVED_IDS = frozenset({"overall"})
_ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_EPS = 1e-9

SOURCE_FOLDER = "folder"
SOURCE_USER = "user"
SOURCE_DEFAULT = "default"


# ---------------------------------------------------------------- numbers


def format_number(value: float | int | None) -> str:
    """8.5 -> "8.5", 10.0 -> "10", 0.1+0.2 -> "0.3", None -> ""."""
    if value is None:
        return ""
    value = round(float(value), 6)
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _clean_number(value: float) -> float | int:
    value = round(value, 9)
    return int(value) if value == int(value) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


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


# ---------------------------------------------------------------- reading rubric files


def default_rubric_text() -> str:
    return resources.files("shenyue.review").joinpath("default_rubric.toml").read_text(encoding="utf-8")


def user_rubric_path() -> Path:
    return paths.config_dir() / RUBRIC_FILE


def folder_rubric_path(folder: Path) -> Path:
    return Path(folder) / RUBRIC_FILE


def find_rubric(folder: Path | None = None) -> RubricSource:
    """Where the active rubric for ``folder`` comes from (does not read it)."""
    if folder is not None:
        candidate = folder_rubric_path(folder)
        if candidate.is_file():
            return RubricSource(SOURCE_FOLDER, candidate)
    candidate = user_rubric_path()
    if candidate.is_file():
        return RubricSource(SOURCE_USER, candidate)
    return RubricSource(SOURCE_DEFAULT, None)


def load_rubric(folder: Path | None = None) -> Rubric:
    """The active rubric for ``folder``; raises RubricError for a bad file."""
    source = find_rubric(folder)
    if source.path is None:
        return parse_rubric(default_rubric_text(), source=source)
    try:
        data = read_regular_bytes(source.path)  # a regular file of a sane size: never a FIFO or a device
    except OSError as exc:
        raise RubricError(source.path, None, "rubric.error.unreadable", reason=exc.strerror or str(exc)) from None
    return parse_rubric(data, source=source)


def load_rubric_file(path: Path, kind: str = SOURCE_FOLDER) -> Rubric:
    path = Path(path)
    try:
        data = read_regular_bytes(path)
    except OSError as exc:
        raise RubricError(path, None, "rubric.error.unreadable", reason=exc.strerror or str(exc)) from None
    return parse_rubric(data, source=RubricSource(kind, path))


class _Locator:
    """Best-effort line numbers for semantic errors: which line of the file
    holds a key of the n-th ``[[table]]`` (or a ``[table]``)."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.blocks: list[tuple[str, int, int]] = []  # (table name, header line (1-based), end line exclusive)
        in_string: str | None = None
        current: tuple[str, int] | None = ("", 1)
        for number, line in enumerate(self.lines, 1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_string = quote
                    break
            m = self._HEADER.match(line)
            if m and not in_string:
                if current is not None:
                    self.blocks.append((current[0], current[1], number))
                name = re.sub(r"\s*\.\s*", ".", m.group(2)).replace('"', "").replace("'", "")
                current = (name, number)
        if current is not None:
            self.blocks.append((current[0], current[1], len(self.lines) + 1))

    def block(self, table: str, index: int | None = None) -> tuple[int, int] | None:
        matches = [(start, end) for name, start, end in self.blocks if name == table]
        if not matches:
            return None
        if index is None:
            return matches[0]
        return matches[index] if index < len(matches) else None

    def find(self, table: str, index: int | None = None, key: str | None = None) -> int | None:
        block = self.block(table, index)
        if block is None:
            return None
        start, end = block
        if key is not None:
            pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
            for number in range(start, end):
                if pattern.match(self.lines[number - 1]):
                    return number
        return start if table else None


def parse_rubric(
    data: bytes | str,
    *,
    source: RubricSource | None = None,
    path: Path | None = None,
) -> Rubric:
    """Build a Rubric from TOML text, or raise RubricError."""
    if source is None:
        source = RubricSource(SOURCE_FOLDER if path else SOURCE_DEFAULT, path)
    path = source.path
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise RubricError(path, None, "rubric.error.not_utf8") from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    try:
        raw = parse_toml(text)  # deep nesting is a syntax error with its line, not a RecursionError
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = getattr(exc, "lineno", None)
        m = re.search(r"\(at line (\d+), column \d+\)", message)
        if m:
            line = line or int(m.group(1))
            message = message[: m.start()].strip()
        elif "end of document" in message:
            line = line or max(1, len(text.splitlines()))
        raise RubricError(path, line, "rubric.error.syntax", detail=message) from None
    return _build(raw, _Locator(text), path, source)


def _build(raw: dict[str, Any], loc: _Locator, path: Path | None, source: RubricSource) -> Rubric:
    def fail(line: int | None, key: str, **params: Any) -> RubricError:
        return RubricError(path, line, f"rubric.error.{key}", **params)

    table = raw.get("rubric")
    if not isinstance(table, dict):
        raise fail(None, "missing_table")
    rubric_id = table.get("id")
    if not isinstance(rubric_id, str) or not rubric_id.strip():
        raise fail(loc.find("rubric", key="id" if "id" in table else None), "missing_rubric_id")
    version = table.get("version", "")
    if not isinstance(version, (str, int, float)) or isinstance(version, bool):
        raise fail(loc.find("rubric", key="version"), "bad_value", key="version")
    step = table.get("step", DEFAULT_STEP)
    if not _is_number(step) or step <= 0:
        raise fail(loc.find("rubric", key="step"), "step_not_positive", value=step, where="rubric")

    criteria_raw = table.get("criteria")
    if not isinstance(criteria_raw, list) or not criteria_raw:
        raise fail(loc.find("rubric"), "no_criteria")
    criteria: list[Criterion] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(criteria_raw):
        where = loc.find("rubric.criteria", index)
        number = index + 1
        if not isinstance(item, dict):
            raise fail(where, "criterion_not_table", number=number)
        cid = item.get("id")
        if not isinstance(cid, str) or not cid.strip():
            raise fail(loc.find("rubric.criteria", index, "id") or where, "missing_id", number=number)
        cid = cid.strip()
        if not _ID_RE.match(cid) or cid in RESERVED_IDS:
            raise fail(loc.find("rubric.criteria", index, "id"), "bad_id", id=cid, number=number)
        if cid in seen:
            raise fail(loc.find("rubric.criteria", index, "id"), "duplicate_id", id=cid, first=seen[cid])
        seen[cid] = number
        if "max" not in item:
            raise fail(where, "max_missing", id=cid)
        maximum = item["max"]
        if not _is_number(maximum):
            raise fail(loc.find("rubric.criteria", index, "max"), "max_not_number", id=cid, value=maximum)
        if maximum <= 0:
            raise fail(loc.find("rubric.criteria", index, "max"), "max_not_positive", id=cid, value=maximum)
        own_step = item.get("step", step)
        if not _is_number(own_step) or own_step <= 0:
            raise fail(loc.find("rubric.criteria", index, "step"), "step_not_positive", value=own_step, where=cid)
        checks = item.get("checks", [])
        if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
            raise fail(loc.find("rubric.criteria", index, "checks"), "checks_not_list", id=cid)
        texts: dict[str, str] = {}
        for key in ("label_zh", "label_en", "label", "full_marks_zh", "full_marks_en", "full_marks"):
            value = item.get(key, "")
            if not isinstance(value, str):
                raise fail(loc.find("rubric.criteria", index, key), "not_text", key=key, id=cid)
            texts[key] = value.strip()
        label_zh = texts["label_zh"] or texts["label"] or texts["label_en"] or cid
        label_en = texts["label_en"] or texts["label"] or texts["label_zh"] or cid
        known = {
            "id",
            "max",
            "step",
            "checks",
            "label_zh",
            "label_en",
            "label",
            "full_marks_zh",
            "full_marks_en",
            "full_marks",
        }
        criteria.append(
            Criterion(
                id=cid,
                label_zh=label_zh,
                label_en=label_en,
                max=_clean_number(float(maximum)),
                step=float(own_step),
                full_marks_zh=texts["full_marks_zh"] or texts["full_marks"],
                full_marks_en=texts["full_marks_en"] or texts["full_marks"],
                checks=tuple(checks),
                extra={k: v for k, v in item.items() if k not in known},
            )
        )

    total_sum = round(sum(c.max for c in criteria), 6)
    if "total" in table:
        total = table["total"]
        if not _is_number(total):
            raise fail(loc.find("rubric", key="total"), "total_not_number", value=total)
        if abs(total - total_sum) > 1e-6:
            raise fail(
                loc.find("rubric", key="total"),
                "total_mismatch",
                total=format_number(total),
                sum=format_number(total_sum),
            )
    total = _clean_number(total_sum)

    gates_raw = table.get("gates", {})
    if not isinstance(gates_raw, dict):
        raise fail(loc.find("rubric", key="gates") or loc.find("rubric.gates"), "gates_not_table")
    gates: list[Gate] = []
    for gid, spec in gates_raw.items():
        line = loc.find("rubric.gates", None, gid) or loc.find(f"rubric.gates.{gid}")
        if not isinstance(spec, dict):
            raise fail(line, "gate_not_table", gate=gid)
        action = spec.get("action", "cap" if "cap_total" in spec else None)
        if action not in ("cap", "not_assessable"):
            raise fail(line, "gate_bad_action", gate=gid, value=action if action is not None else "")
        cap = spec.get("cap_total")
        if action == "cap":
            if not _is_number(cap):
                raise fail(line, "gate_cap_not_number", gate=gid, value=cap if cap is not None else "")
            if cap < 0 or cap > total + 1e-6:
                raise fail(line, "gate_cap_range", gate=gid, value=format_number(cap), total=format_number(total))
        when = spec.get("when", gid)
        if not isinstance(when, str):
            raise fail(line, "gate_bad_when", gate=gid, detail=str(when))
        try:
            condition = parse_condition(when)
        except ConditionSyntaxError as exc:
            shown = when if len(when) <= 60 else when[:59] + "…"  # an absurd expression is not echoed whole
            raise fail(line, "gate_bad_when", gate=gid, detail=f"{shown!r}: {exc}") from None
        notes = {}
        for key in ("note", "note_zh", "note_en"):
            value = spec.get(key, "")
            if not isinstance(value, str):
                raise fail(line, "not_text", key=key, id=gid)
            notes[key] = value.strip()
        gates.append(
            Gate(
                id=gid,
                action=action,
                cap_total=_clean_number(float(cap)) if action == "cap" else None,
                when=when,
                condition=condition,
                note_zh=notes["note_zh"] or notes["note"],
                note_en=notes["note_en"] or notes["note_zh"] or notes["note"],
            )
        )

    def text_field(key: str) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise fail(loc.find("rubric", key=key), "not_text", key=key, id=rubric_id)
        return value.strip()

    name_zh = text_field("name_zh") or text_field("name") or text_field("name_en") or rubric_id
    name_en = text_field("name_en") or text_field("name") or name_zh
    known = {"id", "version", "name", "name_zh", "name_en", "total", "step", "criteria", "gates"}
    return Rubric(
        id=rubric_id.strip(),
        version=format_number(version) if _is_number(version) else str(version).strip(),
        name_zh=name_zh,
        name_en=name_en,
        total=total,
        step=float(step),
        criteria=tuple(criteria),
        gates=tuple(gates),
        source=source,
        extra={k: v for k, v in table.items() if k not in known},
    )
