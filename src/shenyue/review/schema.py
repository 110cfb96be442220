"""The review file's TOML schema: :class:`Review` (scores, comments, status, flags, dismissed
findings) read from and written to TOML, validated on the way in (a bad file is reported, never used)."""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from shenyue.fsutil import (
    parse_toml,
)
from shenyue.i18n import t
from shenyue.model.report import SECTION_KEYS
from shenyue.paths import recover_text
from shenyue.review.comments import is_title_key
from shenyue.review.errors import (
    CorruptReviewError,
    InvalidTargetError,
    NewerSchemaError,
)
from shenyue.review.rubric import Rubric, Total

if TYPE_CHECKING:
    from shenyue.analysis.findings import Finding


SCHEMA_VERSION = 1
STATUSES = ("todo", "in-progress", "done")
OVERALL = "overall"
FLAG_RECHECK = "需复核"
_SECTION_RE = re.compile(r"^(?:part|extra)-\d+$")


def now_iso() -> str:
    """The current local time with its UTC offset, e.g. 2025-03-01T10:15:00+08:00."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def finding_detail(finding: Finding) -> str:
    """What tells apart findings of one check without a span (e.g. one
    ``section_missing`` per missing section): their parameters, as text."""
    if finding.start is not None or not finding.params:
        return ""
    return json.dumps(finding.params, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(slots=True)
class Dismissal:
    """An automatic finding the reviewer dismissed, with the reason.

    ``section`` and ``detail`` are empty unless the dismissal was made for a
    particular finding (:meth:`ReviewSession.dismiss`); empty means "any"."""

    check: str
    start: int | None
    end: int | None
    reason: str = ""
    at: str = ""
    quote: str = ""  # the text of the span when dismissed (helps a human after the report changed)
    section: str = ""
    detail: str = ""

    def key(self) -> tuple[str, int | None, int | None, str, str]:
        return (self.check, self.start, self.end, self.section, self.detail)

    def matches(self, finding: Finding) -> bool:
        if (finding.check, finding.start, finding.end) != (self.check, self.start, self.end):
            return False
        if self.section and self.section != (finding.section or ""):
            return False
        return not self.detail or self.detail == finding_detail(finding)


@dataclass(slots=True)
class Review:
    report: str  # the report's path relative to the reports folder, "/" separators
    reviewer: str  # as typed
    report_sha256: str = ""
    rubric_id: str = ""
    rubric_version: str = ""
    status: str = "todo"
    scores: dict[str, float | int] = field(default_factory=dict)
    criterion_comments: dict[str, str] = field(default_factory=dict)
    section_comments: dict[str, str] = field(default_factory=dict)
    overall_comment: str = ""
    flags: list[str] = field(default_factory=list)
    dismissed: list[Dismissal] = field(default_factory=list)
    created: str = ""
    updated: str = ""
    schema: int = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict)  # keys a newer minor version added, kept as they are

    # ---- reading
    def comment(self, target: str, rubric: Rubric | None = None) -> str:
        kind, key = resolve_target(target, rubric)
        if kind == "overall":
            return self.overall_comment
        return (self.criterion_comments if kind == "criterion" else self.section_comments).get(key, "")

    def is_dismissed(self, finding: Finding) -> bool:
        return any(d.matches(finding) for d in self.dismissed)

    def active_findings(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings the reviewer has not dismissed."""
        return [f for f in findings if not self.is_dismissed(f)]

    def total(self, rubric: Rubric, findings: Iterable[Finding] = ()) -> Total:
        """The total under ``rubric`` with the gates the non-dismissed findings trigger."""
        return rubric.compute_total(self.scores, rubric.gate_hits(self.active_findings(findings)))

    def comments_in_order(self, rubric: Rubric | None = None, lang: str | None = None) -> list[tuple[str, str, str]]:
        """(kind, key, text) for every comment: criteria in rubric order, then
        sections in document order, then the overall comment."""
        out: list[tuple[str, str, str]] = []
        order = list(rubric.criterion_ids) if rubric else []
        for key in order + sorted(k for k in self.criterion_comments if k not in order):
            if self.criterion_comments.get(key):
                out.append(("criterion", key, self.criterion_comments[key]))
        for key in _section_order(self.section_comments):
            if self.section_comments[key]:
                out.append(("section", key, self.section_comments[key]))
        if self.overall_comment:
            out.append(("overall", OVERALL, self.overall_comment))
        return out

    def content(self) -> dict[str, Any]:
        """Everything but the ``updated`` time, to tell whether a change changed anything."""
        data = self.to_dict()
        data.pop("updated", None)
        return data

    # ---- TOML
    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema": self.schema,
            "report": recover_text(self.report),  # a file name that is not UTF-8 is stored decoded
            "report_sha256": self.report_sha256,
            "reviewer": self.reviewer,
            "status": self.status,
            "created": self.created,
            "updated": self.updated,
            "flags": list(self.flags),
        }
        for key, value in self.extra.items():
            data.setdefault(key, value)
        data["rubric"] = {"id": self.rubric_id, "version": self.rubric_version}
        data["scores"] = dict(self.scores)
        comments: dict[str, Any] = {}
        if self.overall_comment:
            comments["overall"] = self.overall_comment
        criteria = {k: v for k, v in self.criterion_comments.items() if v}
        sections = {k: v for k, v in self.section_comments.items() if v}
        if criteria:
            comments["criteria"] = criteria
        if sections:
            comments["sections"] = sections
        if comments:
            data["comments"] = comments
        dismissed = []
        for d in self.dismissed:
            item: dict[str, Any] = {"check": d.check}
            if d.start is not None:
                item["start"] = d.start
            if d.end is not None:
                item["end"] = d.end
            item["reason"] = d.reason
            if d.at:
                item["at"] = d.at
            if d.quote:
                item["quote"] = d.quote
            if d.section:
                item["section"] = d.section
            if d.detail:
                item["detail"] = d.detail
            dismissed.append(item)
        if dismissed:
            data["dismissed"] = dismissed
        return data

    def to_toml(self) -> bytes:
        return tomli_w.dumps(self.to_dict(), multiline_strings=True).encode("utf-8")

    @classmethod
    def from_toml(cls, data: bytes, path: Path) -> Review:
        """Parse a review file; CorruptReviewError / NewerSchemaError name the problem."""

        def bad(key: str, **params: Any) -> CorruptReviewError:
            return CorruptReviewError(path, t(f"review.reason.{key}", **params))

        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise bad("not_utf8") from None
        try:
            raw = parse_toml(text)
        except tomllib.TOMLDecodeError as exc:
            raise bad("syntax", detail=str(exc)) from None
        schema = raw.get("schema", SCHEMA_VERSION)
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            raise bad("field_type", field="schema", expected=t("review.reason.expect_int"))
        if schema > SCHEMA_VERSION:
            raise NewerSchemaError(path, schema)

        def text_field(table: dict[str, Any], key: str, name: str, required: bool = False) -> str:
            value = table.get(key, "")
            if isinstance(value, (datetime, date)):
                return value.isoformat()
            if not isinstance(value, str):
                raise bad("field_type", field=name, expected=t("review.reason.expect_text"))
            if required and not value.strip():
                raise bad("field_missing", field=name)
            return value

        def table_field(table: dict[str, Any], key: str, name: str) -> dict[str, Any]:
            value = table.get(key, {})
            if not isinstance(value, dict):
                raise bad("field_type", field=name, expected=t("review.reason.expect_table"))
            return value

        def text_table(table: dict[str, Any], name: str) -> dict[str, str]:
            out = {}
            for key, value in table.items():
                if not isinstance(value, str):
                    raise bad("field_type", field=f"{name}.{key}", expected=t("review.reason.expect_text"))
                out[str(key)] = value
            return out

        review = cls(
            report=text_field(raw, "report", "report", required=True),
            reviewer=text_field(raw, "reviewer", "reviewer", required=True),
        )
        review.schema = schema
        review.report_sha256 = text_field(raw, "report_sha256", "report_sha256").strip().lower()
        status = text_field(raw, "status", "status").strip().lower().replace("_", "-") or "todo"
        if status not in STATUSES:
            raise bad("bad_status", value=status, allowed=" / ".join(STATUSES))
        review.status = status
        review.created = text_field(raw, "created", "created")
        review.updated = text_field(raw, "updated", "updated")
        rubric = table_field(raw, "rubric", "rubric")
        review.rubric_id = text_field(rubric, "id", "rubric.id")
        version = rubric.get("version", "")
        review.rubric_version = (
            str(version)
            if isinstance(version, (int, float)) and not isinstance(version, bool)
            else text_field(rubric, "version", "rubric.version")
        )
        for key, value in table_field(raw, "scores", "scores").items():
            if not _finite_number(value):
                raise bad("field_type", field=f"scores.{key}", expected=t("review.reason.expect_number"))
            review.scores[str(key)] = value
        comments = table_field(raw, "comments", "comments")
        review.overall_comment = text_field(comments, "overall", "comments.overall")
        review.criterion_comments = text_table(
            table_field(comments, "criteria", "comments.criteria"), "comments.criteria"
        )
        review.section_comments = text_table(
            table_field(comments, "sections", "comments.sections"), "comments.sections"
        )
        flags = raw.get("flags", [])
        if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
            raise bad("field_type", field="flags", expected=t("review.reason.expect_text_list"))
        review.flags = list(flags)
        dismissed = raw.get("dismissed", [])
        if not isinstance(dismissed, list):
            raise bad("field_type", field="dismissed", expected=t("review.reason.expect_table_list"))
        for n, item in enumerate(dismissed, 1):
            name = f"dismissed[{n}]"
            if not isinstance(item, dict):
                raise bad("field_type", field=name, expected=t("review.reason.expect_table"))
            span: list[int | None] = []
            for key in ("start", "end"):
                value = item.get(key)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise bad("field_type", field=f"{name}.{key}", expected=t("review.reason.expect_int"))
                span.append(value)
            review.dismissed.append(
                Dismissal(
                    check=text_field(item, "check", f"{name}.check", required=True),
                    start=span[0],
                    end=span[1],
                    reason=text_field(item, "reason", f"{name}.reason"),
                    at=text_field(item, "at", f"{name}.at"),
                    quote=text_field(item, "quote", f"{name}.quote"),
                    section=text_field(item, "section", f"{name}.section"),
                    detail=text_field(item, "detail", f"{name}.detail"),
                )
            )
        known = {"schema", "report", "report_sha256", "reviewer", "status", "created", "updated", "flags",
                 "rubric", "scores", "comments", "dismissed"}  # fmt: skip
        review.extra = {k: v for k, v in raw.items() if k not in known}
        return review


def _finite_number(value: Any) -> bool:
    """A real score: an int or float that is finite and of a size a float holds exactly enough."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return abs(value) <= 2**53
    return math.isfinite(value)


def _section_order(comments: dict[str, str]) -> list[str]:
    def rank(key: str) -> tuple[int, int, str]:
        if key in SECTION_KEYS:
            return (0, SECTION_KEYS.index(key), key)
        m = re.match(r"^(part|extra)-(\d+)$", key)
        if m:
            return (1 if m.group(1) == "part" else 2, int(m.group(2)), key)
        return (3, 0, key)

    return sorted(comments, key=rank)


def resolve_target(target: str, rubric: Rubric | None = None) -> tuple[str, str]:
    """A comment target as (kind, key): ("overall", "overall"), ("criterion", id)
    or ("section", key). Accepts "overall", a criterion id, a section key
    (overview … other, part-N, extra-N), or the explicit forms
    "criterion:<id>" and "section:<key>" (where the key may also be a section's
    title, see :mod:`shenyue.review.comments`)."""
    if not isinstance(target, str) or not target.strip():
        raise InvalidTargetError(str(target))
    target = target.strip()
    if target == OVERALL:
        return ("overall", OVERALL)
    if target.startswith("criterion:"):
        key = target.split(":", 1)[1]
        if rubric is not None and not rubric.has_criterion(key):
            raise InvalidTargetError(target)
        return ("criterion", key)
    if target.startswith("section:"):
        key = target.split(":", 1)[1]
        if key not in SECTION_KEYS and not _SECTION_RE.match(key) and not is_title_key(key):
            raise InvalidTargetError(target)
        return ("section", key)
    if rubric is not None and rubric.has_criterion(target):
        return ("criterion", target)
    if target in SECTION_KEYS or _SECTION_RE.match(target):
        return ("section", target)
    raise InvalidTargetError(target)
