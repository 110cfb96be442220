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

This module finds and reads rubric files into a :class:`Rubric`; the rubric
itself (criteria, validation, totals) is in rubric_model.py, gate conditions
in rubric_gates.py, the number format of points in points.py. Every name other
code uses is importable from here.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from shenyue import paths
from shenyue.fsutil import parse_toml, read_regular_bytes
from shenyue.review.errors import RubricError
from shenyue.review.points import _clean_number, _is_number, format_number
from shenyue.review.rubric_gates import (
    MAX_CONDITION_DEPTH,
    SEVERITY_WORDS,
    Clause,
    Combined,
    ConditionSyntaxError,
    Counts,
    Gate,
    GateHit,
    Not,
    parse_condition,
)
from shenyue.review.rubric_model import (
    _ID_RE,
    DEFAULT_STEP,
    RESERVED_IDS,
    SOURCE_DEFAULT,
    SOURCE_FOLDER,
    SOURCE_USER,
    Criterion,
    Rubric,
    RubricSource,
    Total,
)

# Public names, defined here or in the modules split from this one (imported from here).
__all__ = [
    "Clause",
    "Combined",
    "ConditionSyntaxError",
    "Counts",
    "Criterion",
    "DEFAULT_STEP",
    "Gate",
    "GateHit",
    "MAX_CONDITION_DEPTH",
    "Not",
    "RESERVED_IDS",
    "RUBRIC_FILE",
    "Rubric",
    "RubricSource",
    "SEVERITY_WORDS",
    "SOURCE_DEFAULT",
    "SOURCE_FOLDER",
    "SOURCE_USER",
    "Total",
    "default_rubric_text",
    "find_rubric",
    "folder_rubric_path",
    "format_number",
    "load_rubric",
    "load_rubric_file",
    "parse_condition",
    "parse_rubric",
    "user_rubric_path",
]

RUBRIC_FILE = "rubric.toml"


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
