"""Reading layer: find report files in a folder and turn each into a Document.

``read_document`` never raises for a bad file: it returns an ``Unreadable``
with the reason in plain words (empty, binary, undecodable, too large, too
much text, too complex, an extractor's own reason), so one bad file never
stops a scan. It never runs unbounded either: the limits (``ReadLimits``,
from the config file) bound each file's size, pages, text, and for the
container formats, read in a reader process (guard.py), its time and memory.

Each format has its module (``EXTRACTORS`` below) with ``extract``; a reader
that outgrew one module keeps ``extract`` and its pipeline in that module's
docstring and its steps beside it: ``pdf_chars``/``pdf_lines``/``pdf_ruled``/
``pdf_layout`` (and ``pdf_pypdf``), ``html_tree``/``html_article``/
``html_render``, ``docx_package``/``docx_numbering``/``docx_body``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from importlib import import_module
from pathlib import Path

from shenyue.config import DEFAULT_MAX_FILE_MB, ReadLimits
from shenyue.paths import APP_FOLDERS
from shenyue.reading import guard as guard_module
from shenyue.reading.base import (
    Document,
    Extracted,
    ReadError,
    Unreadable,
    check_text,
    replace_surrogates,
    set_text_limit,
)

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


@dataclass(slots=True)
class FolderListing:
    """One walk of a folder (:func:`iter_report_files`), for a command that walks it before the scan does:
    the files with whether they are supported, what the walk skipped, and the sha256 of report files whose
    bytes were hashed meanwhile (by the report cache's stat memo)."""

    files: list[tuple[Path, bool]]
    skipped: list[Unreadable]
    digests: dict[Path, str] = field(default_factory=dict)

    @classmethod
    def walk(cls, folder: Path) -> FolderListing:
        skipped: list[Unreadable] = []
        return cls(list(iter_report_files(folder, skipped)), skipped)


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
            yield path, os.path.splitext(name)[1].lower() in EXTRACTORS


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
    p, f = os.fspath(path), os.fspath(folder)
    if isinstance(path, Path) and isinstance(folder, Path) and p.startswith(f) and p[len(f) : len(f) + 1] == os.sep:
        # a path the walk built under the folder: its tail (what relative_to gives, a path parsed per file)
        return p[len(f) + 1 :].replace(os.sep, "/")
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return Path(path).name


def read_document(
    path: Path,
    folder: Path | None = None,
    max_bytes: int | None = None,
    max_pages: int | None = None,
    *,
    limits: ReadLimits | None = None,
    guard: bool = True,
    cancelled: Callable[[], bool] | None = None,
) -> Document | Unreadable:
    """Read one report file; never raises for a bad file, never runs unbounded.

    ``limits`` bounds the file's size, PDF pages, text, time and memory
    (defaults: the config's defaults); ``max_bytes`` and ``max_pages``, when
    given, override its first two. Container formats (PDF, docx, web pages)
    are read in a child process that is abandoned after ``limits.timeout_s``
    (see guard.py); ``guard=False`` reads in this process. ``cancelled``,
    when it returns True during such a read, abandons it at once.
    """
    path = Path(path)
    folder = Path(folder) if folder is not None else path.parent
    rel = relative(path, folder)
    limits = limits or ReadLimits()
    if max_bytes or max_pages:
        limits = replace(limits, max_bytes=max_bytes or limits.max_bytes, max_pages=max_pages or limits.max_pages)
    ext = path.suffix.lower()
    module_name = EXTRACTORS.get(ext)
    if module_name is None:
        return Unreadable(path, rel, "skipped_extension", {"ext": ext or "(none)"})
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Unreadable(path, rel, "os_error", {"error": exc.strerror or str(exc)})
    if size > limits.max_bytes:
        return Unreadable(path, rel, "too_large", _sizes(size, limits.max_bytes))
    if size == 0:
        return Unreadable(path, rel, "empty")
    if guard and ext in guard_module.GUARDED_EXTENSIONS and guard_module.can_fork():
        return guard_module.read_guarded(path, rel, limits, _read, module_name, cancelled)
    return _read(path, rel, limits)


def _sizes(size: int, limit: int) -> dict[str, str]:
    return {"size_mb": f"{size / 1048576:.1f}", "limit_mb": f"{limit / 1048576:.1f}"}


def _read(path: Path, rel: str, limits: ReadLimits) -> Document | Unreadable:
    """Read and extract in this process; every failure is an Unreadable with a plain reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Unreadable(path, rel, "os_error", {"error": exc.strerror or str(exc)})
    if len(data) > limits.max_bytes:  # it grew since the stat
        return Unreadable(path, rel, "too_large", _sizes(len(data), limits.max_bytes))
    extract: Callable[..., Extracted] = import_module(EXTRACTORS[path.suffix.lower()]).extract
    set_text_limit(limits.max_chars)
    try:
        result = replace_surrogates(extract(data, path, max_pages=limits.max_pages))
        check_text(len(result.text))
    except ReadError as exc:
        return Unreadable(path, rel, exc.reason_key, dict(exc.params))
    except MemoryError:
        return Unreadable(path, rel, "read_memory", {"limit_mb": limits.memory_mb})
    except RecursionError:
        return Unreadable(path, rel, "too_deep")
    except Exception as exc:  # an extractor bug must not stop the scan: report it in plain words
        return Unreadable(path, rel, "os_error", {"error": f"{type(exc).__name__}: {exc}"})
    return Document(
        path=path,
        rel=rel,
        text=result.text,
        encoding=result.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        source_format=source_format(path),
        chrome=list(result.chrome),
        tables=list(result.tables),
        pages=result.pages,
        ocr_pages=result.ocr_pages,
    )
