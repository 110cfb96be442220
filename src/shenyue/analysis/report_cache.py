"""On-disk cache of analysed reports: a warm scan reads only the files that changed.

One entry per report under ``shenyue.paths.cache_dir() / "reports"`` (the
folder the similarity cache uses; ``SHENYUE_CACHE_DIR`` moves both). An
entry's name is a hash of

* the file's content (sha256 of its bytes) and its extension (which reader),
* the code stamp of reading, model, checks and the message catalogue
  (sizes and mtimes of their modules, the package version, the Python
  version, the reading libraries' versions and whether OCR is installed),
* the settings that shape the result: read limits (size, pages, text, time,
  memory), ``max_ocr_pages``, the ``[deadlines]`` table, checks on or off.

so a changed file, a new shenyue or a changed setting simply finds no entry.
The folder-level steps (units.toml, the copy index, cross-report findings)
are not cached here: they run after the reports are loaded (the copy index
has its own cache, see ``similarity/cache.py``).

Entries are pickles of the typed model (:class:`Report` with its sections,
tables and findings): loading one costs about 60 µs, where a JSON form would
need a serialiser for every model type. A pickle can run code when loaded,
so an entry is only unpickled when

1. the cache folder belongs to this user and others cannot write to it
   (checked on every run; otherwise the cache is off), and
2. its payload carries a keyed blake2b MAC made with a secret that lives in
   the user's data folder (``data_dir() / "cache-secret"``, mode 600), bound
   to the entry's name. A truncated file (a killed run), a flipped byte, an
   entry copied from another machine or moved to another name fails the
   check and is ignored, then rebuilt.

Writes go to a temporary file in the same folder, then a rename: a run
killed mid-write leaves a ``.tmp`` file that is never read (and removed by
:func:`prune`), never a half-written entry under a valid name. No fsync: an
entry that did not reach the disk whole fails its MAC. The total size is
bounded (:data:`MAX_BYTES`); the oldest entries go first.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from shenyue.model.report import Report

MAGIC = b"SHENYUE-REPORT-1\n"
MAC_SIZE = 32
MAX_BYTES = 2 << 30  # all entries together; the oldest are removed beyond this
TOUCH_AFTER = 86_400  # a hit older than this is touched, so eviction spares reports still in use
STALE_TEMP = 3600  # a temporary file older than this was left by a killed run
SECRET_NAME = "cache-secret"
_LIBRARIES = ("pypdfium2", "pypdf", "python-docx", "rapidocr-onnxruntime", "numpy", "rapidfuzz")


def cache_root() -> Path:
    from shenyue.paths import cache_dir

    return cache_dir() / "reports"


@lru_cache(maxsize=1)
def analysis_stamp() -> str:
    """The similarity cache's code stamp plus the checks, the findings and the catalogue they render."""
    from importlib import metadata

    from shenyue.analysis.similarity.cache import code_stamp, tree_stamp

    parts = [code_stamp(), tree_stamp(("analysis/checks", "i18n"), ("analysis/findings.py", "config.py")), sys.version]
    for name in _LIBRARIES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=-")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=10).hexdigest()


def settings_digest(settings: Any) -> str:
    """A digest of the settings (a repr-able value: tuples, dicts, dataclasses) that shape an entry."""
    from shenyue.reading import ocr

    try:
        ocr_state = f"ocr={ocr.available()}:{ocr.max_ocr_pages()}"
    except Exception:  # an unreadable config or a broken OCR install: a key of its own
        ocr_state = "ocr=?"
    text = repr(settings) + "\x1f" + ocr_state
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def _user_owns(path: Path) -> bool:
    """The folder is this user's own and nobody else can write to it (always true where there are no uids)."""
    if not hasattr(os, "getuid"):
        return True
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _secret() -> bytes | None:
    """The user's MAC key, created on first use; None when it cannot be kept."""
    from shenyue.paths import data_dir

    path = data_dir() / SECRET_NAME
    try:
        data = path.read_bytes()
        if len(data) == 32 and _user_owns(path.parent) and (not hasattr(os, "getuid") or _private(path)):
            return data
        if len(data) == 32:
            return None  # a key others could read or write is no key
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = os.urandom(32)
        tmp = path.with_name(f".{SECRET_NAME}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        try:
            os.link(tmp, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        data = path.read_bytes()
        return data if len(data) == 32 else None
    except OSError:
        return None


def _private(path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o077


@dataclass(frozen=True, slots=True)
class ReportCache:
    """Where entries live and what they are keyed on; small and picklable (scan workers write entries)."""

    root: Path
    secret: bytes
    prefix: str  # analysis stamp and settings digest

    @classmethod
    def open(cls, settings: Any) -> ReportCache | None:
        """The cache for these settings, or None when it cannot be used safely (see the module doc)."""
        root = cache_root()
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return None
        if not _user_owns(root) or not _user_owns(root.parent):
            return None
        secret = _secret()
        if secret is None:
            return None
        return cls(root, secret, analysis_stamp() + "-" + settings_digest(settings))

    def name(self, sha256: str, ext: str) -> str:
        return hashlib.blake2b(f"{self.prefix}\x1f{ext}\x1f{sha256}".encode(), digest_size=20).hexdigest()

    def entry_path(self, name: str) -> Path:
        return self.root / name[:2] / (name[2:] + ".bin")

    def _mac(self, name: str, payload: bytes | memoryview) -> bytes:
        mac = hashlib.blake2b(key=self.secret, digest_size=MAC_SIZE)
        mac.update(name.encode())
        mac.update(payload)
        return mac.digest()

    def load(self, path: Path, rel: str, sha256: str) -> Report | None:
        """The cached report of a file whose bytes hash to ``sha256``, given its current path; None on a miss."""
        name = self.name(sha256, path.suffix.lower())
        entry = self.entry_path(name)
        try:
            with open(entry, "rb") as handle:
                data = handle.read()
                st = os.fstat(handle.fileno())
        except OSError:
            return None
        head = len(MAGIC) + MAC_SIZE
        if len(data) <= head or not data.startswith(MAGIC):
            return None
        view = memoryview(data)
        if not hmac.compare_digest(bytes(view[len(MAGIC) : head]), self._mac(name, view[head:])):
            return None
        try:
            report = pickle.loads(view[head:])
        except Exception:  # a model type that changed shape: a miss
            return None
        if not isinstance(report, Report) or report.doc.sha256 != sha256:
            return None
        report.doc.path = path
        report.doc.rel = rel
        if time.time() - st.st_mtime > TOUCH_AFTER:
            try:
                os.utime(entry)
            except OSError:
                pass
        return report

    def store(self, report: Report) -> None:
        """Write ``report`` (fresh from :func:`build_report`, before any folder step); errors are ignored."""
        name = self.name(report.doc.sha256, report.doc.path.suffix.lower())
        entry = self.entry_path(name)
        try:
            payload = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # something in the model that does not pickle: not cached
            return
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        try:
            entry.parent.mkdir(exist_ok=True, mode=0o700)
            with open(tmp, "wb") as handle:
                handle.write(MAGIC)
                handle.write(self._mac(name, payload))
                handle.write(payload)
            os.replace(tmp, entry)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass


def file_sha256(path: Path, max_bytes: int) -> str | None:
    """The sha256 of a file's bytes; None when it is larger than ``max_bytes`` or cannot be read."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > max_bytes:
                return None
            data = handle.read(max_bytes + 1)
    except OSError:
        return None
    if len(data) > max_bytes:
        return None
    return hashlib.sha256(data).hexdigest()


def prune(max_bytes: int = MAX_BYTES) -> None:
    """Keep the cache under ``max_bytes``: the least recently used entries go, and temporary files of killed runs."""
    root = cache_root()
    entries: list[tuple[float, int, str]] = []
    total = 0
    now = time.time()
    try:
        subs = [d.path for d in os.scandir(root) if d.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for sub in subs:
        try:
            items = list(os.scandir(sub))
        except OSError:
            continue
        for item in items:
            try:
                st = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if item.name.endswith(".tmp"):
                if now - st.st_mtime > STALE_TEMP:
                    _unlink(item.path)
                continue
            entries.append((st.st_mtime, st.st_size, item.path))
            total += st.st_size
    if total <= max_bytes:
        return
    for _mtime, size, path in sorted(entries):
        _unlink(path)
        total -= size
        if total <= max_bytes * 0.9:  # some room, so that the next run does not prune again
            break


def clear() -> int:
    """Remove every cached report and the copy index; returns how many files were removed."""
    import shutil

    from shenyue.analysis.similarity.cache import cache_root as similarity_root

    removed = 0
    for root in (cache_root(), similarity_root()):
        if not root.is_dir():
            continue
        for _dirpath, _dirs, files in os.walk(root):
            removed += len(files)
        shutil.rmtree(root, ignore_errors=True)
    return removed


def size() -> tuple[int, int]:
    """Files and bytes in the cache (reports and copy index)."""
    from shenyue.analysis.similarity.cache import cache_root as similarity_root

    count = total = 0
    for root in (cache_root(), similarity_root()):
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                try:
                    total += os.stat(os.path.join(dirpath, name)).st_size
                    count += 1
                except OSError:
                    pass
    return count, total


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
