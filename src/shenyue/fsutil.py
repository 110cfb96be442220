"""Small file-system helpers shared by every layer that reads or writes the
app's own files (review files, config, rubric, score sheets, caches).

One safe-path rule:

* **writing** replaces only a regular file or creates a new one; a folder,
  symlink, device, FIFO or socket at the target is refused
  (:class:`UnsafeTargetError`), so ``export -o /dev/full --force`` never turns
  a device node into a file;
* **reading** an app file opens it only when it is a regular file of a sane
  size (:func:`read_regular_bytes`): a FIFO never blocks, ``/dev/zero`` is
  never read, a huge file is refused before any byte is read;
* **TOML** from a file is parsed by :func:`parse_toml`, which refuses deep
  nesting with a line number instead of a RecursionError.
"""

from __future__ import annotations

import errno
import mmap
import os
import re
import stat
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# The app's own TOML files (review files, config, rubric) are small; this is
# far above any real one and far below anything that hurts.
MAX_APP_FILE_BYTES = 8 * 1024 * 1024
# Deepest nesting of tables/arrays accepted in the app's TOML files (real
# files use at most 3).
MAX_TOML_DEPTH = 32
# A temporary file of a killed save older than this is removed.
STALE_TEMP_SECONDS = 60.0


def _kind_key(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special"


def _message(key: str, **params: Any) -> str:
    from shenyue.i18n import t  # noqa: PLC0415 (keep this module import-light)

    return t(key, **params)


class UnsafeTargetError(OSError):
    """The path is not a regular file (or a new path): nothing is written or read."""

    def __init__(self, path: Path, kind: str):
        self.kind = kind
        super().__init__(errno.EINVAL, _message("fs.not_regular", kind=_message(f"fs.kind.{kind}")), str(path))


class FileTooLargeError(OSError):
    def __init__(self, path: Path, size: int, limit: int):
        super().__init__(
            errno.EFBIG,
            _message("fs.too_large", size_mb=f"{size / 1048576:.1f}", limit_mb=f"{limit / 1048576:.1f}"),
            str(path),
        )


def check_write_target(path: Path) -> None:
    """Raise UnsafeTargetError unless ``path`` is a regular file or does not exist."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # the write itself reports the real problem (permission, not a folder...)
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeTargetError(Path(path), _kind_key(st.st_mode))


def current_umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux), since another
    thread may create a file meanwhile; elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _set_mode(fd: int, path: Path) -> None:
    """The mode a new file gets from the umask (a temporary file is 0600, which would keep a team sharing
    a folder from reading each other's review files); a file replaced keeps the mode it had."""
    if not hasattr(os, "fchmod"):
        return
    try:
        st = os.lstat(path)
        mode = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o666 & ~current_umask()
    except OSError:
        mode = 0o666 & ~current_umask()
    try:
        os.fchmod(fd, mode)
    except OSError:
        pass


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a crash leaves the old file or the new one.

    The bytes go to a temporary file in the same folder, are flushed and
    fsynced, and then replace the target in one rename. Only a regular file
    (or a new path) is replaced: anything else raises UnsafeTargetError.
    """
    atomic_write_parts(path, (data,))


def atomic_write_parts(
    path: Path, parts: Iterable[bytes | memoryview], head: Callable[[], bytes] | None = None, *, durable: bool = True
) -> None:
    """:func:`atomic_write_bytes` for data in several pieces (written in order, never joined). ``head``, when
    given, is written over the start of the file once the pieces are written (a header that sums them up,
    of the length of the one written first). Without ``durable`` nothing is flushed to the disk before
    the rename: for a cache file whose reader checks it whole (a power cut may leave it damaged, which
    reads as absent), never for the user's data."""
    path = Path(path)
    check_write_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _set_mode(fd, path)
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
            if head is not None:
                handle.seek(0)
                handle.write(head())
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        check_write_target(path)  # checked again just before the rename
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if not durable:
        return
    try:  # make the rename itself durable where the platform allows it
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def remove_stale_temps(path: Path, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Remove temporary files that killed saves of ``path`` left beside it
    (``.<name>.XXXX.tmp``, older than ``older_than`` seconds). Returns how many."""
    path = Path(path)
    prefix, removed = f".{path.name}.", 0
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def read_regular_bytes(path: Path, max_bytes: int = MAX_APP_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file (a symlink to one is
    fine) of at most ``max_bytes``. Raises FileNotFoundError (and other
    OSErrors), UnsafeTargetError for folders, devices, FIFOs and sockets, and
    FileTooLargeError. Never blocks on a FIFO, never reads past the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise UnsafeTargetError(Path(path), "folder") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeTargetError(Path(path), _kind_key(st.st_mode))
        if st.st_size > max_bytes:
            raise FileTooLargeError(Path(path), st.st_size, max_bytes)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # the file grew while being read
                raise FileTooLargeError(Path(path), total, max_bytes)
        return b"".join(chunks)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- TOML


class TomlNestingError(tomllib.TOMLDecodeError):
    """Nesting deeper than MAX_TOML_DEPTH; ``lineno`` is where it got too deep (best effort)."""

    def __init__(self, lineno: int | None):
        self.lineno = lineno
        where = f" (at line {lineno}, column 1)" if lineno else ""
        ValueError.__init__(self, _message("fs.toml_too_deep", depth=MAX_TOML_DEPTH) + where)


def _deep_line(text: str, limit: int) -> int | None:
    """The first line where brackets open more than ``limit`` deep (strings ignored roughly)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        code = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", line)
        for ch in re.findall(r"[\[\]{}]", code):
            depth += 1 if ch in "[{" else -1
            if depth > limit:
                return number
        if depth < 0:
            depth = 0
    return None


def _too_deep(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def parse_toml(text: str, max_depth: int = MAX_TOML_DEPTH) -> dict[str, Any]:
    """``tomllib.loads`` that refuses nesting deeper than ``max_depth`` with a
    TOMLDecodeError (line number in the message) instead of a RecursionError
    in the parser or in whatever later walks the data."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise TomlNestingError(_deep_line(text, max_depth + 1)) from None
    if _too_deep(data, max_depth + 1):
        raise TomlNestingError(_deep_line(text, max_depth + 1))
    return data


_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)
CAN_HAND_BACK = _DONTNEED is not None  # pages of a mapped file can be handed back here (not on Windows)


def hand_back(mapped: mmap.mmap, start: int = 0, end: int | None = None) -> int:
    """This process's pages of ``mapped`` from ``start`` (rounded down to a page) to ``end`` (default: the
    end) go back to the file cache; the contents stay in the file. Returns where the pages handed back
    end (``start`` when none could be: no such advice here)."""
    end = len(mapped) if end is None else min(end, len(mapped))
    lo = start - start % mmap.PAGESIZE
    if _DONTNEED is None or end <= lo:
        return start
    try:
        mapped.madvise(_DONTNEED, lo, end - lo)
    except (OSError, ValueError):
        return start
    return end
