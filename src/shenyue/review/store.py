"""Review files: one TOML file per reviewer per report, saved at every change.

Layout (default; the reviews folder can be overridden)::

    <reports folder>/reviews/<reviewer folder>/<report rel path>.toml

``<reviewer folder>`` is the reviewer's name made safe for every file system
(:func:`sanitize_reviewer`); the file itself keeps the name as typed. A report
``sub/报告.txt`` is reviewed in ``reviews/张三/sub/报告.txt.toml``.

Guarantees:

* every change is written at once and atomically (temp file in the same
  folder, fsync, replace), so a crash leaves the old or the new file;
* the comparison with the file on disk and the replace are one step: an
  advisory lock (``.<name>.lock`` beside the file, ``flock`` on POSIX) is
  held from reading the file to renaming the new one, so two sessions of
  the same reviewer saving at the same moment never lose a change;
* before writing, the file on disk is compared with what was loaded; if it
  changed meanwhile, changes to different fields are merged (both land);
  when the same field changed on both sides nothing is overwritten: our
  version goes to a sibling ``<name>.conflict-<time>`` file and
  :class:`ConflictError` says so;
* review files are read only when they are regular files of a sane size
  (a FIFO or a link to a device is reported, never read); a score that is
  not a finite number makes the file unreadable (reported, never used);
* temporary files left by a killed save are removed by the next save;
* a file that cannot be read is never overwritten: it is renamed to
  ``<name>.corrupt-<time>`` and :class:`CorruptReviewError` names it and the
  reason; an empty review starts only when the caller opens again with
  ``acknowledge_corrupt=True``;
* opening never writes: a review file appears with the first change.

Sibling files made by the store never end in ``.toml``, so they are never
read as reviews.
"""

from __future__ import annotations

import copy
import glob
import hashlib
import json
import math
import os
import re
import tomllib
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import tomli_w

from shenyue.fsutil import (
    FileTooLargeError,
    UnsafeTargetError,
    atomic_write_bytes,
    parse_toml,
    read_regular_bytes,
    remove_stale_temps,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: saves are not locked there
    fcntl = None  # type: ignore[assignment]
from shenyue.i18n import t
from shenyue.model.report import SECTION_KEYS
from shenyue.paths import recover_text
from shenyue.review.errors import (
    ConflictError,
    CorruptReviewError,
    InvalidStatusError,
    InvalidTargetError,
    NewerSchemaError,
    ReviewerNameError,
    ReviewFileError,
    ReviewWriteError,
)
from shenyue.review.rubric import Rubric, Total, load_rubric

if TYPE_CHECKING:
    from shenyue.analysis.findings import Finding
    from shenyue.config import Config

SCHEMA_VERSION = 1
STATUSES = ("todo", "in-progress", "done")
OVERALL = "overall"
REVIEWS_DIRNAME = "reviews"
REVIEW_SUFFIX = ".toml"
FLAG_RECHECK = "需复核"
_SECTION_RE = re.compile(r"^(?:part|extra)-\d+$")


def now_iso() -> str:
    """The current local time with its UTC offset, e.g. 2025-03-01T10:15:00+08:00."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------- names and paths

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)


def safe_component(text: str, *, max_bytes: int = 180) -> str:
    """``text`` as one file or folder name that is valid on Linux, macOS and
    Windows: no path separators or Windows-unsafe characters, no leading dot
    (so never ``.`` or ``..``), no trailing dot or space, not a reserved
    device name, not empty, at most ``max_bytes`` of UTF-8.

    When anything had to change, a short hash of the original is appended
    (``a_b~1f3e2d``), so two different names never share a file."""
    original = unicodedata.normalize("NFC", text)
    # bytes that were not UTF-8 (a GBK name from a Windows zip) are decoded or replaced
    name = _UNSAFE_CHARS.sub("_", recover_text(original)).strip(" .")
    if not name:
        name = "_"
    if name.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    if len(name.encode("utf-8")) > max_bytes:
        encoded = name.encode("utf-8")[:max_bytes]
        name = encoded.decode("utf-8", errors="ignore").rstrip(" .")
    if name != original:
        digest = hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:6]
        name = f"{name}~{digest}"
    return name


def sanitize_reviewer(name: str) -> str:
    """The folder name for a reviewer; raises ReviewerNameError for an empty name."""
    if not isinstance(name, str) or not name.strip():
        raise ReviewerNameError()
    return safe_component(name.strip(), max_bytes=100)


def review_rel_path(rel: str) -> PurePosixPath:
    """The review file's path (inside the reviewer folder) for a report's rel path."""
    parts = [p for p in str(rel).replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts:
        raise InvalidTargetError(str(rel))
    safe = [safe_component(p) for p in parts[:-1]]
    safe.append(safe_component(parts[-1]) + REVIEW_SUFFIX)
    return PurePosixPath(*safe)


def default_reviews_dir(folder: Path) -> Path:
    return Path(folder) / REVIEWS_DIRNAME


def resolve_reviews_dir(folder: Path, override: str | Path | None = None, config: "Config | None" = None) -> Path:
    """``override`` (e.g. ``--reviews DIR``, relative to the current folder),
    else ``reviews_dir`` from the config (relative to the reports folder),
    else ``<folder>/reviews``."""
    if override:
        return Path(override).expanduser().absolute()
    value = config.data.get("reviews_dir") if config is not None else None
    if isinstance(value, str) and value.strip():
        path = Path(value.strip()).expanduser()
        return path if path.is_absolute() else Path(folder) / path
    return default_reviews_dir(folder)


def resolve_reviewer(arg: str | None = None, config: "Config | None" = None) -> str | None:
    """The reviewer's name: ``--reviewer``, else the config file, else None
    (the interface then asks and stores it with :func:`remember_reviewer`)."""
    if isinstance(arg, str) and arg.strip():
        return recover_text(arg).strip()  # a name typed in a GBK terminal arrives as undecodable bytes
    name = config.reviewer if config is not None else None
    return recover_text(name) if name else name


def remember_reviewer(config: "Config", name: str) -> str:
    """Validate ``name`` and save it in the config file; returns the stripped name."""
    sanitize_reviewer(name)
    name = name.strip()
    config.set("reviewer", name)
    return name


def sha256_file(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist. A folder, device,
    FIFO, socket or an oversized file raises ReviewFileError (never read)."""
    try:
        return read_regular_bytes(path)
    except (FileNotFoundError, NotADirectoryError):  # NotADirectory: a file where a folder should be
        return None
    except UnsafeTargetError as exc:
        reason = t("review.reason.is_folder") if exc.kind == "folder" else exc.strerror
        raise ReviewFileError("review.error.read", path=path, reason=reason) from None
    except FileTooLargeError as exc:
        raise ReviewFileError("review.error.read", path=path, reason=exc.strerror) from None
    except OSError as exc:
        raise ReviewFileError("review.error.read", path=path, reason=exc.strerror or str(exc)) from None


@contextmanager
def _save_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock for saving ``path`` (``.<name>.lock``
    beside it). Where locking is impossible (no fcntl, a read-only folder, a
    file system without flock) the save goes on unlocked and the write
    itself reports any real problem."""
    if fcntl is None:
        yield
        return
    fd = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        if fd is not None:
            os.close(fd)
        fd = None
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


def _aside_path(path: Path, tag: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.{tag}-{stamp}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{tag}-{stamp}-{n}")
        n += 1
    return candidate


def _asides(path: Path, tag: str) -> list[Path]:
    return sorted(path.parent.glob(glob.escape(path.name) + f".{tag}-*"))


# ---------------------------------------------------------------- the review


def finding_detail(finding: "Finding") -> str:
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

    def matches(self, finding: "Finding") -> bool:
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

    def is_dismissed(self, finding: "Finding") -> bool:
        return any(d.matches(finding) for d in self.dismissed)

    def active_findings(self, findings: Iterable["Finding"]) -> list["Finding"]:
        """The findings the reviewer has not dismissed."""
        return [f for f in findings if not self.is_dismissed(f)]

    def total(self, rubric: Rubric, findings: Iterable["Finding"] = ()) -> Total:
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
    def from_toml(cls, data: bytes, path: Path) -> "Review":
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
        review.rubric_version = str(version) if isinstance(version, (int, float)) and not isinstance(version, bool) else text_field(rubric, "version", "rubric.version")
        for key, value in table_field(raw, "scores", "scores").items():
            if not _finite_number(value):
                raise bad("field_type", field=f"scores.{key}", expected=t("review.reason.expect_number"))
            review.scores[str(key)] = value
        comments = table_field(raw, "comments", "comments")
        review.overall_comment = text_field(comments, "overall", "comments.overall")
        review.criterion_comments = text_table(table_field(comments, "criteria", "comments.criteria"), "comments.criteria")
        review.section_comments = text_table(table_field(comments, "sections", "comments.sections"), "comments.sections")
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
    "criterion:<id>" and "section:<key>"."""
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
        if key not in SECTION_KEYS and not _SECTION_RE.match(key):
            raise InvalidTargetError(target)
        return ("section", key)
    if rubric is not None and rubric.has_criterion(target):
        return ("criterion", target)
    if target in SECTION_KEYS or _SECTION_RE.match(target):
        return ("section", target)
    raise InvalidTargetError(target)


# ---------------------------------------------------------------- store and session


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What a change did. ``written`` is False when the change changed nothing
    (nothing is written then). ``value`` is the stored value where it helps
    (the normalised score, a flag's new state)."""

    path: Path
    written: bool
    created: bool = False  # the review file did not exist before
    relinked_from: str | None = None  # the review was moved from a renamed report's old path
    value: Any = None
    merged: bool = False  # another session's changes to other fields were merged in (reload the view)


@dataclass(frozen=True, slots=True)
class StoredReview:
    """A review file read from a reviewer's folder. The folder decides whose
    review it is: when the file names another reviewer, ``review.reviewer``
    is the folder's name and ``claimed_reviewer`` keeps what the file said."""

    path: Path
    review: Review
    claimed_reviewer: str | None = None


class ReviewStore:
    """Review files of one reviewer for one reports folder."""

    def __init__(
        self,
        folder: Path,
        reviewer: str,
        *,
        reviews_dir: str | Path | None = None,
        rubric: Rubric | None = None,
        config: "Config | None" = None,
    ):
        self.folder = Path(folder)
        self.reviewer_folder = sanitize_reviewer(reviewer)
        self.reviewer = reviewer.strip()
        self.root = resolve_reviews_dir(self.folder, reviews_dir, config)
        self.reviewer_dir = self.root / self.reviewer_folder
        self.rubric = rubric if rubric is not None else load_rubric(self.folder)
        self._hash_index: dict[str, set[Path]] | None = None  # report sha256 -> review files (built lazily)

    def path_for(self, rel: str) -> Path:
        return self.reviewer_dir / review_rel_path(rel)

    # ---- opening
    def open(
        self, report: Any, sha256: str | None = None, *, acknowledge_corrupt: bool = False
    ) -> "ReviewSession":
        """The review of ``report`` (a Report, a Document or a rel path).

        Raises CorruptReviewError (file set aside; open again with
        ``acknowledge_corrupt=True`` to start empty), NewerSchemaError, or
        ReviewFileError when the file cannot be read at all. Never writes
        except to set a corrupt file aside."""
        rel, sha = _identify(report, sha256)
        if sha is None:
            sha = sha256_file(self.folder / rel)
        path = self.path_for(rel)
        data = _read_bytes(path)
        if data is not None:
            try:
                review = Review.from_toml(data, path)
            except CorruptReviewError as exc:
                raise self._set_aside(path, exc.reason) from None
            review.report = rel
            return ReviewSession(self, rel, sha, path, review, disk=data)
        asides = _asides(path, "corrupt")
        if asides and not acknowledge_corrupt:
            raise CorruptReviewError(path, _corrupt_reason(asides[-1]), asides[-1])
        if sha:
            for old in self.find_by_hash(sha):
                if old.review.report != rel and not (self.folder / old.review.report).exists():
                    try:
                        old_bytes = old.path.read_bytes()
                    except OSError:
                        continue
                    review = old.review
                    renamed_from = review.report
                    review.report = rel
                    return ReviewSession(
                        self, rel, sha, path, review, disk=old_bytes, disk_path=old.path, renamed_from=renamed_from
                    )
        review = Review(
            report=rel,
            reviewer=self.reviewer,
            report_sha256=sha or "",
            rubric_id=self.rubric.id,
            rubric_version=self.rubric.version,
        )
        return ReviewSession(self, rel, sha, path, review, disk=None)

    def _set_aside(self, path: Path, reason: str) -> CorruptReviewError:
        aside = _aside_path(path, "corrupt")
        try:
            os.replace(path, aside)
        except OSError as exc:
            return CorruptReviewError(path, f"{reason}; {t('review.reason.not_moved', reason=exc.strerror or exc)}")
        return CorruptReviewError(path, reason, aside)

    # ---- listing
    def reviews(self) -> list[StoredReview]:
        """This reviewer's readable reviews (unreadable ones are skipped here;
        :func:`load_all_reviews` reports them)."""
        found, _problems = load_all_reviews(self.root, reviewer_dirs=[self.reviewer_dir])
        return found

    def find_by_hash(self, sha256: str, *, refresh: bool = False) -> list[StoredReview]:
        """This reviewer's reviews of a report with these bytes, newest first.

        The hash index is built on first use by reading every file of this
        reviewer once, then kept up to date by this store's own saves;
        ``refresh=True`` reads the folder again."""
        sha256 = sha256.lower()
        if self._hash_index is None or refresh:
            self._hash_index = {}
            for stored in self.reviews():
                self._index(stored.path, stored.review.report_sha256)
        out = []
        for path in sorted(self._hash_index.get(sha256, ())):
            try:
                review = Review.from_toml(path.read_bytes(), path)
            except (OSError, CorruptReviewError, NewerSchemaError):
                continue
            if review.report_sha256 == sha256:
                out.append(StoredReview(path, review))
        out.sort(key=lambda s: s.review.updated, reverse=True)
        return out

    def _index(self, path: Path, sha256: str) -> None:
        if self._hash_index is None:
            return
        for paths_ in self._hash_index.values():
            paths_.discard(path)
        if sha256:
            self._hash_index.setdefault(sha256.lower(), set()).add(path)

    def _unindex(self, path: Path) -> None:
        if self._hash_index is not None:
            for paths_ in self._hash_index.values():
                paths_.discard(path)


def _identify(report: Any, sha256: str | None) -> tuple[str, str | None]:
    if isinstance(report, (str, PurePosixPath)):
        rel = str(report)
    else:
        rel = report.rel
        if sha256 is None:
            doc = getattr(report, "doc", report)
            sha256 = getattr(doc, "sha256", None)
    rel = str(rel).replace("\\", "/")
    return rel, sha256.lower() if sha256 else None


def _corrupt_reason(path: Path) -> str:
    try:
        Review.from_toml(path.read_bytes(), path)
    except CorruptReviewError as exc:
        return exc.reason
    except (OSError, ReviewFileError) as exc:
        return str(exc)
    return t("review.reason.set_aside_earlier")


class ReviewSession:
    """One reviewer's review of one report, saved at every change.

    Every change method validates first (raising ScoreError,
    UnknownCriterionError, InvalidTargetError or InvalidStatusError without
    changing anything), then applies the change and writes the file at once.
    A change that changes nothing writes nothing. After validation a change
    is never lost: if writing fails (ReviewWriteError) it stays in memory and
    is written with the next save; on ConflictError it is in memory and in
    the conflict file.
    """

    def __init__(
        self,
        store: ReviewStore,
        rel: str,
        sha256: str | None,
        path: Path,
        review: Review,
        *,
        disk: bytes | None,
        disk_path: Path | None = None,
        renamed_from: str | None = None,
    ):
        self.store = store
        self.rubric = store.rubric
        self.rel = rel
        self.current_sha256 = sha256
        self.path = path
        self.review = review
        self.renamed_from = renamed_from
        self.conflict: ConflictError | None = None
        self.dirty = False
        self._disk = disk  # the bytes we believe are at _disk_path (None: no file)
        self._disk_path = disk_path or path

    # ---- state
    @property
    def exists(self) -> bool:
        """Whether the review has been written at least once."""
        return self._disk is not None

    @property
    def report_changed(self) -> bool:
        """The report's bytes differ from the ones reviewed (sha256)."""
        return bool(self.review.report_sha256 and self.current_sha256 and self.review.report_sha256 != self.current_sha256)

    @property
    def rubric_mismatch(self) -> bool:
        """The review was made with another rubric (id or version) than the active one."""
        return bool(self.review.rubric_id) and (self.review.rubric_id, self.review.rubric_version) != (
            self.rubric.id,
            self.rubric.version,
        )

    @property
    def status(self) -> str:
        return self.review.status

    def score(self, criterion: str) -> float | int | None:
        return self.review.scores.get(criterion)

    def comment(self, target: str) -> str:
        return self.review.comment(target, self.rubric)

    def has_flag(self, flag: str) -> bool:
        return flag in self.review.flags

    def is_dismissed(self, finding: "Finding") -> bool:
        return self.review.is_dismissed(finding)

    def active_findings(self, findings: Iterable["Finding"]) -> list["Finding"]:
        return self.review.active_findings(findings)

    def total(self, findings: Iterable["Finding"] = ()) -> Total:
        return self.review.total(self.rubric, findings)

    def invalid_scores(self) -> list[tuple[str, float | int]]:
        """Scores in the file that the active rubric does not allow (out of
        range, between steps): (criterion id, value). They count as not
        scored in totals and are left out of score sheets."""
        return [(c, v) for c, v in self.review.scores.items() if self.rubric.has_criterion(c) and not self.rubric.is_valid_score(c, v)]

    def missing_criteria(self) -> list[str]:
        return [c for c in self.rubric.criterion_ids if c not in self.review.scores]

    # ---- changes
    def set_score(self, criterion: str, value: Any) -> SaveResult:
        clean = self.rubric.validate_score(criterion, value)

        def change(r: Review) -> None:
            r.scores[criterion] = clean

        return self._commit(change, clean)

    def clear_score(self, criterion: str) -> SaveResult:
        if not self.rubric.has_criterion(criterion) and criterion not in self.review.scores:
            self.rubric.criterion(criterion)  # raises UnknownCriterionError
        return self._commit(lambda r: r.scores.pop(criterion, None))

    def set_comment(self, target: str, text: str) -> SaveResult:
        """Set (or, with empty text, remove) the comment on a criterion id, a
        section key or "overall"."""
        kind, key = resolve_target(target, self.rubric)
        text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            text = ""

        def change(r: Review) -> None:
            if kind == "overall":
                r.overall_comment = text
                return
            table = r.criterion_comments if kind == "criterion" else r.section_comments
            if text:
                table[key] = text
            else:
                table.pop(key, None)

        return self._commit(change)

    def set_status(self, status: str) -> SaveResult:
        status = (status or "").strip().lower().replace("_", "-")
        if status not in STATUSES:
            raise InvalidStatusError(status)

        def change(r: Review) -> None:
            r.status = status

        return self._commit(change, status, auto_status=False)

    def set_flag(self, flag: str, on: bool = True) -> SaveResult:
        flag = (flag or "").strip()
        if not flag:
            raise InvalidTargetError(flag)

        def change(r: Review) -> None:
            if on and flag not in r.flags:
                r.flags.append(flag)
            elif not on and flag in r.flags:
                r.flags.remove(flag)

        return self._commit(change, on)

    def toggle_flag(self, flag: str = FLAG_RECHECK) -> SaveResult:
        """Flip a flag (default 需复核); ``result.value`` is the new state."""
        return self.set_flag(flag, not self.has_flag((flag or "").strip()))

    def dismiss_finding(
        self,
        check: str,
        start: int | None,
        end: int | None,
        reason: str = "",
        *,
        section: str | None = None,
        detail: str = "",
        quote: str = "",
    ) -> SaveResult:
        """Record that an automatic finding does not apply. Dismissing the
        same finding again updates the reason. Dismissed findings are left out
        of gates and finding counts."""
        check = (check or "").strip()
        if not check:
            raise InvalidTargetError(check)
        reason = (reason or "").replace("\r\n", "\n").replace("\r", "\n")
        key = (check, start, end, section or "", detail or "")

        def change(r: Review) -> None:
            for d in r.dismissed:
                if d.key() == key:
                    if d.reason != reason:
                        d.reason, d.at = reason, now_iso()
                    return
            r.dismissed.append(Dismissal(check, start, end, reason, now_iso(), (quote or "")[:200], key[3], key[4]))

        return self._commit(change)

    def dismiss(self, finding: "Finding", reason: str = "", quote: str = "") -> SaveResult:
        """Dismiss exactly this finding (span, section and, for findings
        without a span, their parameters)."""
        return self.dismiss_finding(
            finding.check,
            finding.start,
            finding.end,
            reason,
            section=finding.section,
            detail=finding_detail(finding),
            quote=quote,
        )

    def restore_finding(
        self, check: str, start: int | None, end: int | None, *, section: str | None = None, detail: str = ""
    ) -> SaveResult:
        """Undo a dismissal made with the same arguments."""
        key = (check, start, end, section or "", detail or "")

        def change(r: Review) -> None:
            r.dismissed = [d for d in r.dismissed if d.key() != key]

        return self._commit(change, auto_status=False)

    def restore(self, finding: "Finding") -> SaveResult:
        """Undo every dismissal that covers this finding."""

        def change(r: Review) -> None:
            r.dismissed = [d for d in r.dismissed if not d.matches(finding)]

        return self._commit(change, auto_status=False)

    def accept_report_change(self) -> SaveResult:
        """The reviewer has looked at the changed report: record its new hash."""
        sha = self.current_sha256 or ""

        def change(r: Review) -> None:
            r.report_sha256 = sha

        return self._commit(change, auto_status=False)

    def adopt_rubric(self) -> SaveResult:
        """Record that this review now follows the active rubric."""

        def change(r: Review) -> None:
            r.rubric_id, r.rubric_version = self.rubric.id, self.rubric.version

        return self._commit(change, auto_status=False)

    def save(self) -> SaveResult:
        """Write the current state (e.g. after a ReviewWriteError was fixed)."""
        if not self.dirty:
            return SaveResult(self.path, written=False)
        return self._write(None)

    # ---- conflicts
    def keep_ours(self) -> SaveResult:
        """Resolve a conflict by writing our version; the version found on
        disk is kept beside it as ``<name>.theirs-<time>``."""
        if self.conflict is None:
            return self.save()
        conflict = self.conflict
        theirs = _read_bytes(self._disk_path)
        if theirs is not None:
            try:
                atomic_write_bytes(_aside_path(self._disk_path, "theirs"), theirs)
            except OSError as exc:
                raise ReviewWriteError(self._disk_path, exc.strerror or str(exc)) from None
        self._disk = theirs
        self.conflict = None
        result = self._write(None)
        try:
            conflict.ours_path.unlink()
        except OSError:
            pass
        return result

    def take_theirs(self) -> Review:
        """Resolve a conflict by reloading the file on disk (our version stays
        in the conflict file). Raises CorruptReviewError if it cannot be read."""
        data = _read_bytes(self._disk_path)
        if data is None:
            review = Review(self.rel, self.store.reviewer, self.current_sha256 or "", self.rubric.id, self.rubric.version)
        else:
            review = Review.from_toml(data, self._disk_path)
            review.report = self.rel
        self.review, self._disk, self.conflict, self.dirty = review, data, None, False
        return review

    def reload(self) -> Review:
        """Discard in-memory state and read the file again (same as take_theirs)."""
        return self.take_theirs()

    # ---- internals
    def _commit(self, change: Callable[[Review], Any], value: Any = None, *, auto_status: bool = True) -> SaveResult:
        new = copy.deepcopy(self.review)
        change(new)
        if new.content() == self.review.content() and not self.dirty and self.conflict is None:
            return SaveResult(self.path, written=False, value=value)
        if auto_status and new.status == "todo":
            new.status = "in-progress"
        stamp = now_iso()
        new.updated = stamp
        if not new.created:
            new.created = stamp
        self.review = new
        return self._write(value)

    def _write(self, value: Any) -> SaveResult:
        if self.conflict is not None:
            data = self.review.to_toml()
            self._write_conflict_copy(self.conflict.ours_path, data)
            self.conflict = ConflictError(
                self.conflict.path, self.conflict.ours_path, self.review, self.conflict.theirs, self.conflict.theirs_problem
            )
            raise self.conflict
        # Compare-and-replace under the lock: no other save of this file can
        # slip in between reading what is on disk and renaming ours over it.
        with _save_lock(self.path):
            remove_stale_temps(self.path)
            return self._write_locked(value)

    def _write_locked(self, value: Any) -> SaveResult:
        on_disk = _read_bytes(self._disk_path)
        target_busy = self._disk_path != self.path and self.path.exists()
        merged = False
        if on_disk is not None and on_disk != self._disk and not target_busy:
            combined = self._merge(on_disk)
            if combined is not None:
                self.review, self._disk, merged = combined, on_disk, True
        data = self.review.to_toml()
        if on_disk != self._disk or target_busy:
            conflict_at = self.path if target_busy else self._disk_path
            found = _read_bytes(conflict_at)
            theirs, problem = None, ""
            if found is not None:
                try:
                    theirs = Review.from_toml(found, conflict_at)
                except (CorruptReviewError, NewerSchemaError) as exc:
                    problem = str(exc)
            ours_path = _aside_path(conflict_at, "conflict")
            self._write_conflict_copy(ours_path, data)
            if target_busy:
                self._disk_path, self._disk = self.path, found
            self.conflict = ConflictError(conflict_at, ours_path, self.review, theirs, problem)
            raise self.conflict
        created = self._disk is None
        try:
            atomic_write_bytes(self.path, data)
        except OSError as exc:
            self.dirty = True
            raise ReviewWriteError(self.path, exc.strerror or str(exc)) from None
        relinked = None
        self.store._index(self.path, self.review.report_sha256)
        if self._disk_path != self.path:
            try:
                self._disk_path.unlink()
            except OSError:
                pass
            self.store._unindex(self._disk_path)
            relinked, self.renamed_from = self.renamed_from, None
            self._disk_path = self.path
            created = True
        self._disk = data
        self.dirty = False
        return SaveResult(self.path, written=True, created=created, relinked_from=relinked, value=value, merged=merged)

    def _merge(self, on_disk: bytes) -> Review | None:
        """Our review with another session's changes (``on_disk``) merged in,
        field by field against what we last read (the base); None when the
        same field changed differently on both sides, or the file on disk
        cannot be read (the caller then reports a conflict)."""
        try:
            theirs = Review.from_toml(on_disk, self._disk_path)
            base = (
                Review.from_toml(self._disk, self._disk_path)
                if self._disk is not None
                else Review(self.rel, self.review.reviewer)
            )
        except (CorruptReviewError, NewerSchemaError):
            return None
        return merge_reviews(base, self.review, theirs)

    def _write_conflict_copy(self, path: Path, data: bytes) -> None:
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            self.dirty = True
            raise ReviewWriteError(path, exc.strerror or str(exc)) from None


_MISSING = object()


class _MergeConflict(Exception):
    pass


def _pick(base: Any, ours: Any, theirs: Any) -> Any:
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    raise _MergeConflict()


def _merge_table(base: dict, ours: dict, theirs: dict) -> dict:
    out = {}
    for key in list(theirs) + [k for k in ours if k not in theirs]:
        value = _pick(base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING))
        if value is not _MISSING:
            out[key] = value
    return out


def merge_reviews(base: Review, ours: Review, theirs: Review) -> Review | None:
    """Three-way merge of two sessions' versions of one review: a field (a
    score, a comment, the status, a flag, a dismissal) changed on one side
    only takes that side's value; changed the same way on both sides is
    fine; changed differently on both sides is a conflict (None)."""
    try:
        out = copy.deepcopy(ours)
        for name in ("status", "report_sha256", "rubric_id", "rubric_version", "overall_comment", "extra"):
            setattr(out, name, _pick(getattr(base, name), getattr(ours, name), getattr(theirs, name)))
        for name in ("scores", "criterion_comments", "section_comments"):
            setattr(out, name, _merge_table(getattr(base, name), getattr(ours, name), getattr(theirs, name)))
        flags = _merge_table(
            {f: True for f in base.flags}, {f: True for f in ours.flags}, {f: True for f in theirs.flags}
        )
        out.flags = list(flags)
        dismissed = _merge_table(
            {d.key(): d for d in base.dismissed}, {d.key(): d for d in ours.dismissed}, {d.key(): d for d in theirs.dismissed}
        )
        out.dismissed = list(dismissed.values())
    except _MergeConflict:
        return None
    out.created = min((x for x in (ours.created, theirs.created) if x), default="")
    out.updated = max(ours.updated, theirs.updated)
    return out


# ---------------------------------------------------------------- every reviewer


def iter_review_files(root: Path, reviewer_dirs: Iterable[Path] | None = None) -> list[Path]:
    """Every review file under ``root`` (one folder per reviewer), sorted.

    Symlinked folders are not followed (a link cannot pull another folder's
    files in). Entries named ``*.toml`` that are not regular files (a FIFO, a
    link to a device) are listed too, so reading them reports the problem
    instead of silently leaving them out."""
    root = Path(root)
    if reviewer_dirs is not None:
        dirs = list(reviewer_dirs)
    else:
        try:
            dirs = sorted(Path(e.path) for e in os.scandir(root) if e.is_dir(follow_symlinks=False))
        except OSError:
            dirs = []
    files: list[Path] = []
    for d in dirs:
        if not d.is_dir():
            continue
        for current, subdirs, names in os.walk(d):  # iterative, never follows directory links
            subdirs[:] = sorted(n for n in subdirs if not n.startswith("."))
            files.extend(Path(current, n) for n in names if n.endswith(REVIEW_SUFFIX) and not n.startswith("."))
    return sorted(files)


def _reviewer_folder(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).parts[0]
    except (ValueError, IndexError):
        return None


def load_all_reviews(
    root: Path, reviewer_dirs: Iterable[Path] | None = None
) -> tuple[list[StoredReview], list[ReviewFileError]]:
    """Read every review file under ``root`` without changing any file.
    Returns the readable ones and an error for each one that is not."""
    found: list[StoredReview] = []
    problems: list[ReviewFileError] = []
    root = Path(root)
    for path in iter_review_files(root, reviewer_dirs):
        try:
            data = _read_bytes(path)
            if data is None:
                continue
            review = Review.from_toml(data, path)
        except ReviewFileError as exc:
            problems.append(exc)
            continue
        claimed = None
        folder = _reviewer_folder(path, root)
        if folder is not None and _folder_of(review.reviewer) != folder:
            claimed, review.reviewer = review.reviewer, folder
        found.append(StoredReview(path, review, claimed))
    return found, problems


def _folder_of(name: str) -> str | None:
    try:
        return sanitize_reviewer(name)
    except ReviewerNameError:
        return None
