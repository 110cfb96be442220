"""Findings dismissed for a whole folder: one false positive (a check, optionally one message) set aside
across all reports with one reason, kept in ``dismissals.toml`` in the reviews folder::

    [[dismiss]]
    check = "t3_row_total"
    message = ""                  # empty: every finding of the check; else only findings whose message has it
    reason = "PDF 表格错位，人工核对无误"
    by = "张三"
    at = "2025-03-01T10:15:00"

A dismissed finding still shows (dim, with the reason) but no longer sets off a gate of the rubric; the
score sheets list every dismissal with its reason. The file is read like a review file (a regular file
of sane size, TOML depth limited) and written like one: under the save lock, atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from shenyue.analysis.findings import Finding
from shenyue.fsutil import atomic_write_bytes, parse_toml
from shenyue.i18n import t
from shenyue.review.errors import ReviewFileError, ReviewWriteError
from shenyue.review.paths import read_bytes, save_lock

FILE_NAME = "dismissals.toml"
MAX_DISMISSALS = 10_000


@dataclass(frozen=True, slots=True)
class FolderDismissal:
    check: str
    reason: str
    message: str = ""  # empty: every finding of the check
    by: str = ""
    at: str = ""

    def covers(self, finding: Finding) -> bool:
        if finding.check != self.check:
            return False
        if not self.message:
            return True
        return self.message in finding.message("zh") or self.message in finding.message("en")

    def to_toml(self) -> dict[str, str]:
        return {"check": self.check, "message": self.message, "reason": self.reason, "by": self.by, "at": self.at}

    def describe(self, lang: str | None = None) -> str:
        """One plain line for score sheets: what was dismissed, why, by whom."""
        what = self.check if not self.message else f"{self.check} “{self.message}”"
        return t("review.dismissals.note", lang, what=what, reason=self.reason, by=self.by or "-", at=self.at or "-")


def dismissals_path(reviews_root: Path) -> Path:
    return Path(reviews_root) / FILE_NAME


def _parse(data: bytes, path: Path) -> list[FolderDismissal]:
    doc = parse_toml(data.decode("utf-8"))
    items = doc.get("dismiss", [])
    if not isinstance(items, list):
        raise ReviewFileError("review.dismissals.bad", path=path, reason="dismiss")
    out = []
    for item in items[:MAX_DISMISSALS]:
        if not isinstance(item, dict) or not isinstance(item.get("check"), str) or not item["check"]:
            raise ReviewFileError("review.dismissals.bad", path=path, reason="check")
        fields = {k: item.get(k, "") for k in ("reason", "message", "by", "at")}
        if not all(isinstance(v, str) for v in fields.values()):
            raise ReviewFileError("review.dismissals.bad", path=path, reason=", ".join(fields))
        out.append(FolderDismissal(item["check"], **fields))
    return out


def load_dismissals(reviews_root: Path) -> tuple[list[FolderDismissal], ReviewFileError | None]:
    """The folder's dismissals, and the problem reading the file (None: fine, or no file)."""
    path = dismissals_path(reviews_root)
    try:
        data = read_bytes(path)
        if data is None:
            return [], None
        return _parse(data, path), None
    except ReviewFileError as exc:
        return [], exc
    except (UnicodeDecodeError, ValueError) as exc:
        return [], ReviewFileError(
            "review.dismissals.bad", path=path, reason=str(exc).splitlines()[0] if str(exc) else ""
        )


def add_dismissal(reviews_root: Path, dismissal: FolderDismissal) -> list[FolderDismissal]:
    """Add ``dismissal`` (replacing one for the same check and message) and return the folder's list.
    A file that cannot be read is never overwritten: its problem is raised."""
    path = dismissals_path(reviews_root)
    with save_lock(path):
        current, problem = load_dismissals(reviews_root)
        if problem is not None:
            raise problem
        kept = [d for d in current if (d.check, d.message) != (dismissal.check, dismissal.message)]
        kept.append(dismissal)
        data = tomli_w.dumps({"dismiss": [d.to_toml() for d in kept]}).encode("utf-8")
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            raise ReviewWriteError(path, exc.strerror or str(exc)) from None
    return kept


def dismissal_for(finding: Finding, dismissals: Iterable[FolderDismissal]) -> FolderDismissal | None:
    for d in dismissals:
        if d.covers(finding):
            return d
    return None


def standing(findings: Sequence[Finding], dismissals: Sequence[FolderDismissal]) -> list[Finding]:
    """``findings`` without those dismissed for the folder."""
    if not dismissals:
        return list(findings)
    return [f for f in findings if dismissal_for(f, dismissals) is None]


def dismissals_in_use(dismissals: Sequence[FolderDismissal], findings: Iterable[Finding]) -> dict[Any, int]:
    """How many of ``findings`` each dismissal covers (for a report's count of dismissed findings)."""
    counts: dict[Any, int] = {}
    for f in findings:
        d = dismissal_for(f, dismissals)
        if d is not None:
            counts[d] = counts.get(d, 0) + 1
    return counts
