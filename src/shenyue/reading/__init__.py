"""Reading layer: find report files in a folder and turn each into a Document.

``read_document`` never raises for a bad file: it returns an ``Unreadable``
with the reason in plain words (empty, binary, undecodable, too large, an
extractor's own reason), so one bad file never stops a scan.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path

from shenyue.config import DEFAULT_MAX_FILE_MB
from shenyue.reading.base import Document, Unreadable
from shenyue.paths import APP_FOLDERS
from shenyue.reading.base import Extracted, ReadError

# Extension -> module that provides ``extract(data, path, max_pages=None) -> Extracted``.
EXTRACTORS: dict[str, str] = {
    ".txt": "shenyue.reading.text",
    ".text": "shenyue.reading.text",
    ".md": "shenyue.reading.text",
    ".markdown": "shenyue.reading.text",
    ".htm": "shenyue.reading.html",
    ".html": "shenyue.reading.html",
    ".mhtml": "shenyue.reading.mhtml",
    ".mht": "shenyue.reading.mhtml",
    ".docx": "shenyue.reading.docx",
    ".pdf": "shenyue.reading.pdf",
    ".doc": "shenyue.reading.legacy",
    ".wps": "shenyue.reading.legacy",
}

# Files the app itself keeps in a reports folder; never reports, never listed.
APP_FILES = frozenset({"rubric.toml", "statutory.toml", "shenyue.toml", "units.toml"})

DEFAULT_MAX_BYTES = DEFAULT_MAX_FILE_MB * 1024 * 1024


def source_format(path: Path) -> str:
    ext = path.suffix.lower()
    return {".htm": "html", ".mht": "mhtml", ".markdown": "md", ".text": "txt"}.get(ext, ext.lstrip("."))


def iter_report_files(folder: Path, skipped: list[Unreadable] | None = None) -> Iterator[tuple[Path, bool]]:
    """Yield ``(path, supported)`` for every file under ``folder``, sorted, recursively.

    The app's own folders (reviews, caches), hidden files and folders, and
    Office lock files are not yielded at all. The walk never leaves
    ``folder`` and never reads anything twice:

    * a symlink (to a file or a folder) whose target is outside ``folder`` is
      not followed; one inside is not followed either, because its target is
      read at its own place (so a link to ``..`` or to ``/etc`` pulls nothing
      in, and a loop of links ends at once);
    * only regular files are yielded: FIFOs, sockets and devices are not;
    * a folder that cannot be opened (permissions) or a broken link is not
      yielded.

    Each of these is appended to ``skipped`` (when given) as an Unreadable
    with the reason. The walk is iterative (no depth limit from recursion).
    """
    folder = Path(folder)
    try:
        root_real = os.path.realpath(folder)
    except (OSError, ValueError):
        root_real = os.path.abspath(folder)

    def skip(path: Path, reason: str, **params: object) -> None:
        if skipped is not None:
            skipped.append(Unreadable(path, relative(path, folder), reason, dict(params)))

    seen: set[tuple[int, int]] = set()
    # Depth-first, entries in name order, files and subfolders interleaved as
    # they sort (the order the recursive walk had): a stack of iterators.
    stack: list[Iterator[os.DirEntry]] = []

    def enter(directory: Path) -> None:
        try:
            st = os.stat(directory)
            if (st.st_dev, st.st_ino) in seen:
                return
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            skip(directory, "folder_unreadable", error=exc.strerror or str(exc))
            return
        stack.append(iter(entries))

    enter(folder)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        name = entry.name
        if name.startswith(".") or name.startswith("~$"):
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                _skip_link(path, root_real, skip)
                continue
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            skip(path, "os_error", error=exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            if name not in APP_FOLDERS:
                enter(path)
        elif not stat.S_ISREG(st.st_mode):
            if name not in APP_FILES:
                skip(path, "not_regular_" + _kind_name(st.st_mode))
        elif name not in APP_FILES:
            yield path, Path(name).suffix.lower() in EXTRACTORS


def _kind_name(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special"


def _skip_link(path: Path, root_real: str, skip: Callable[..., None]) -> None:
    """Say why a symlink in the reports folder is not followed."""
    try:
        os.stat(path)  # ELOOP for a loop of links, ENOENT for a broken one
        target = os.path.realpath(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            skip(path, "link_loop")
        else:
            skip(path, "link_broken", target=_link_text(path))
        return
    if not _contains(root_real, target):
        skip(path, "link_outside", target=target)
    elif _contains(target, os.path.realpath(path.parent)):  # a link to its own folder or one above it
        skip(path, "link_loop")
    else:
        rel = os.path.relpath(target, root_real).replace(os.sep, "/")
        parts = rel.split("/")
        excluded = any(p.startswith((".", "~$")) or p in APP_FOLDERS for p in parts) or parts[-1] in APP_FILES
        skip(path, "link_excluded" if excluded else "link_inside", target=rel)


def _contains(folder: str, path: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _link_text(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def relative(path: Path, folder: Path) -> str:
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return Path(path).name


def read_document(
    path: Path, folder: Path | None = None, max_bytes: int | None = None, max_pages: int | None = None
) -> Document | Unreadable:
    """Read one report file; never raises for a bad file. ``max_pages`` limits PDFs (default 200)."""
    path = Path(path)
    folder = Path(folder) if folder is not None else path.parent
    rel = relative(path, folder)
    limit = max_bytes or DEFAULT_MAX_BYTES
    ext = path.suffix.lower()
    module_name = EXTRACTORS.get(ext)
    if module_name is None:
        return Unreadable(path, rel, "skipped_extension", {"ext": ext or "(none)"})
    try:
        size = path.stat().st_size
        if size > limit:
            return Unreadable(
                path, rel, "too_large", {"size_mb": f"{size / 1048576:.1f}", "limit_mb": f"{limit / 1048576:.1f}"}
            )
        if size == 0:
            return Unreadable(path, rel, "empty")
        data = path.read_bytes()
    except OSError as exc:
        return Unreadable(path, rel, "os_error", {"error": exc.strerror or str(exc)})
    extract: Callable[..., Extracted] = import_module(module_name).extract
    try:
        result = extract(data, path, max_pages=max_pages)
    except ReadError as exc:
        return Unreadable(path, rel, exc.reason_key, dict(exc.params))
    except MemoryError:
        return Unreadable(path, rel, "too_large", {"size_mb": f"{size / 1048576:.1f}", "limit_mb": f"{limit / 1048576:.1f}"})
    except Exception as exc:  # an extractor bug must not stop the scan: report it in plain words
        return Unreadable(path, rel, "os_error", {"error": f"{type(exc).__name__}: {exc}"})
    return Document(
        path=path,
        rel=rel,
        text=result.text,
        encoding=result.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        size=size,
        source_format=source_format(path),
        chrome=list(result.chrome),
        tables=list(result.tables),
        pages=result.pages,
        ocr_pages=result.ocr_pages,
    )
