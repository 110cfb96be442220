"""Reading layer: find report files in a folder and turn each into a Document.

``read_document`` never raises for a bad file: it returns an ``Unreadable``
with the reason in plain words (empty, binary, undecodable, too large, an
extractor's own reason), so one bad file never stops a scan.
"""

from __future__ import annotations

import hashlib
import os
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


def iter_report_files(folder: Path) -> Iterator[tuple[Path, bool]]:
    """Yield ``(path, supported)`` for every file under ``folder``, sorted, recursively.

    The app's own folders (reviews, caches), hidden files and folders, and
    Office lock files are not yielded at all.
    """
    folder = Path(folder)
    seen: set[tuple[int, int]] = set()

    def walk(directory: Path) -> Iterator[tuple[Path, bool]]:
        try:
            st = directory.stat()
            if (st.st_dev, st.st_ino) in seen:
                return
            seen.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.startswith("~$"):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if name in APP_FOLDERS:
                    continue
                yield from walk(Path(entry.path))
            elif name not in APP_FILES:
                yield Path(entry.path), Path(name).suffix.lower() in EXTRACTORS

    yield from walk(folder)


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
    )
