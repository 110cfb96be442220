"""Where review files live and how they are named: the reviews folder, the reviewer's folder
(a name made safe for every file system), a report's review path; and the careful file access the
store builds on (bounded reads of regular files only, the save lock, files set aside)."""

from __future__ import annotations

import glob
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from shenyue.fsutil import (
    FileTooLargeError,
    UnsafeTargetError,
    read_regular_bytes,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: saves are not locked there
    fcntl = None  # type: ignore[assignment]
from shenyue.i18n import t
from shenyue.paths import recover_text
from shenyue.review.errors import (
    InvalidTargetError,
    ReviewerNameError,
    ReviewFileError,
)

if TYPE_CHECKING:
    from shenyue.config import Config


REVIEWS_DIRNAME = "reviews"
REVIEW_SUFFIX = ".toml"


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


def resolve_reviews_dir(folder: Path, override: str | Path | None = None, config: Config | None = None) -> Path:
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


def resolve_reviewer(arg: str | None = None, config: Config | None = None) -> str | None:
    """The reviewer's name: ``--reviewer``, else the config file, else None
    (the interface then asks and stores it with :func:`remember_reviewer`)."""
    if isinstance(arg, str) and arg.strip():
        return recover_text(arg).strip()  # a name typed in a GBK terminal arrives as undecodable bytes
    name = config.reviewer if config is not None else None
    return recover_text(name) if name else name


def remember_reviewer(config: Config, name: str) -> str:
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


def read_bytes(path: Path) -> bytes | None:
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
def save_lock(path: Path) -> Iterator[None]:
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


def aside_path(path: Path, tag: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.{tag}-{stamp}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{tag}-{stamp}-{n}")
        n += 1
    return candidate


def aside_files(path: Path, tag: str) -> list[Path]:
    return sorted(path.parent.glob(glob.escape(path.name) + f".{tag}-*"))
