"""On-disk cache of analysed reports: a warm scan reads only the files that changed.

Under ``shenyue.paths.cache_dir() / "reports"`` (the folder of the similarity
cache; ``SHENYUE_CACHE_DIR`` moves both). An entry's name is a hash of

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

Storage: each scan that analysed something writes one segment
(``seg-<stamp>-<id>.pack``, the entries one after the other) and then its
index (``.idx``, names and offsets). Creating a file costs about a
millisecond on a busy disk, so one file per report would add seconds to a
large cold scan; a segment is one file whatever the count. Lookups read the
indexes of the current stamp and settings only. Many small segments (one
per edit) are merged now and then.

Entries are pickles of the typed model (:class:`Report` with its sections,
tables and findings): loading one costs about 60 µs, where a JSON form would
need a serialiser for every model type. A pickle can run code when loaded,
so an entry is only unpickled when

1. the cache folder belongs to this user and others cannot write to it
   (checked on every run; otherwise the cache is off), and
2. it carries a keyed blake2b MAC, bound to the entry's name, made with a
   secret that lives in the user's data folder (``data_dir() /
   "cache-secret"``, mode 600). Indexes carry one too. A truncated segment
   (a killed run), a flipped byte, a cache copied from another machine or an
   index pointing a name at another entry fails the check and is ignored,
   then rebuilt.

Hashing every file of a large folder costs more than loading its entries (half a second for 10,000
reports), so the cache also keeps a stat memo (``stats.memo``, MAC'd like an index): a file's path with
its size, mtime, ctime, inode and device, and the sha256 its bytes had. A file whose stat is unchanged
is not read again. Any write changes the ctime (which no user call can set back), so a file restored with
its old mtime is hashed again; a file modified within :data:`RACY_NS` of being read is never memoised
(a coarse file system clock could hide a second change in the same tick).

A segment is written in full before its index is renamed into place, so a
run killed midway leaves a segment no index names (never read; removed by
:func:`prune` later). No fsync: an entry that did not reach the disk whole
fails its MAC. The total size is bounded (:data:`MAX_BYTES`): the least
recently used segments go first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import pickle
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from shenyue.model.report import Report

SEG_MAGIC = b"SHENYUE-SEGMENT-2\n"
IDX_MAGIC = b"SHENYUE-INDEX-2\n"
MAC_SIZE = 32
MAX_BYTES = 2 << 30  # all segments together; the least recently used go beyond this
MERGE_AT = 24  # segments of one stamp and settings before they are merged into one
STALE_TEMP = 3600  # an unindexed segment or temporary file older than this was left by a killed run
SECRET_NAME = "cache-secret"
STATS_NAME = "stats.memo"
STATS_MAGIC = b"SHENYUE-STATS-1\n"
RACY_NS = 2_000_000_000  # a file younger than this when read is hashed again next time
MAX_STATS = 300_000  # memoised files (all folders); beyond it only the latest run's files are kept
_LIBRARIES = ("pypdfium2", "pypdf", "python-docx", "rapidocr-onnxruntime", "numpy", "rapidfuzz")


def cache_root() -> Path:
    from shenyue.paths import cache_dir

    return cache_dir() / "reports"


@lru_cache(maxsize=1)
def analysis_stamp() -> str:
    """The similarity cache's code stamp plus the checks, the findings and the catalogue they render."""
    from importlib import metadata

    from shenyue.analysis.stamps import code_stamp, tree_stamp

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


def open_report_cache(max_bytes, max_pages, checks, deadlines, limits) -> ReportCache | None:
    """The report cache of a scan with these settings (as :func:`scan_folder` takes them), or None."""
    from shenyue.config import ReadLimits

    limits = limits or ReadLimits()
    if max_bytes or max_pages:
        limits = dataclasses.replace(
            limits, max_bytes=max_bytes or limits.max_bytes, max_pages=max_pages or limits.max_pages
        )
    settings = (limits, bool(checks), sorted((deadlines or {}).items(), key=repr))
    return ReportCache.open(settings)


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
        except OSError:  # no hard links here: a key another process made meanwhile only costs its entries
            os.replace(tmp, path)
        if tmp.exists():
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


class ReportCache:
    """The entries of one stamp and settings: lookups, and this run's new segment."""

    def __init__(self, root: Path, secret: bytes, prefix: str) -> None:
        self.root = root
        self.secret = secret
        self.prefix = prefix  # analysis stamp and settings digest
        self.tag = hashlib.blake2b(prefix.encode(), digest_size=8).hexdigest()  # in segment names
        # name -> (segment, offset, length, text length, index)
        self.index: dict[str, tuple[str, int, int, int, str]] | None = None
        self.handles: dict[str, _Segment] = {}
        self.used: set[str] = set()  # index files a lookup used (touched at the end: least recently used)
        self.new: list[tuple[str, int, int, int]] = []  # this run's entries: name, offset, length, text length
        self.writer: Any = None
        self.reader: _Segment | None = None  # this run's segment, for the texts of the reports written to it
        self.segment = ""
        self.stats: dict[str, list] | None = None  # path -> [size, mtime_ns, ctime_ns, ino, dev, sha256]
        self.seen: dict[str, list] = {}  # this run's files, memoised at close()

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

    def _mac(self, *parts: bytes | memoryview) -> bytes:
        return _mac(self.secret, *parts)

    # ------------------------------------------------------------ reading

    def _load_index(self) -> dict[str, tuple[str, int, int, int, str]]:
        index: dict[str, tuple[str, int, int, int, str]] = {}
        found = []
        try:
            for item in os.scandir(self.root):
                if item.name.startswith(f"seg-{self.tag}-") and item.name.endswith(".idx"):
                    try:
                        found.append((item.stat().st_mtime, item.name))
                    except OSError:
                        pass
        except OSError:
            return index
        for _mtime, idx in sorted(found):  # newer segments win over older ones
            for name, offset, length, text_length, segment in self._read_index(idx):
                index[name] = (segment, offset, length, text_length, idx)
        return index

    def _read_index(self, idx: str) -> list[tuple[str, int, int, int, str]]:
        try:
            data = (self.root / idx).read_bytes()
        except OSError:
            return []
        head = len(IDX_MAGIC) + MAC_SIZE
        if not data.startswith(IDX_MAGIC) or len(data) <= head:
            return []
        body = memoryview(data)[head:]
        if not hmac.compare_digest(data[len(IDX_MAGIC) : head], self._mac(idx.encode(), body)):
            return []
        try:
            doc = json.loads(bytes(body))
            segment = doc["segment"]
            if doc["prefix"] != self.prefix or not isinstance(segment, str) or "/" in segment:
                return []
            return [(str(n), int(o), int(ln), int(tl), segment) for n, o, ln, tl in doc["entries"]]
        except (ValueError, KeyError, TypeError):
            return []

    def holds(self, path: Path, sha256: str) -> bool:
        """Whether the cache has a report of a file whose bytes hash to ``sha256`` (it may still fail its
        check when loaded)."""
        if self.index is None:
            self.index = self._load_index()
        found = self.index.get(self.name(sha256, path.suffix.lower()))
        if found is None:
            return False
        self.used.add(found[4])  # kept as recently used, loaded or not (a scan may print it as last time)
        return True

    def load(self, path: Path, rel: str, sha256: str) -> Report | None:
        """The cached report of a file whose bytes hash to ``sha256``, given its current path; None on a miss."""
        if self.index is None:
            self.index = self._load_index()
        name = self.name(sha256, path.suffix.lower())
        found = self.index.get(name)
        if found is None:
            return None
        segment, offset, length, text_length, idx = found
        try:
            handle = self.handles.get(segment)
            if handle is None:
                handle = self.handles[segment] = _Segment(self.root / segment)
            data = handle.read(offset, MAC_SIZE + length)
        except (OSError, ValueError, OverflowError):
            return None
        if len(data) != MAC_SIZE + length:
            return None
        view = memoryview(data)
        if not hmac.compare_digest(data[:MAC_SIZE], self._mac(name.encode(), view[MAC_SIZE:])):
            return None
        try:
            report = pickle.loads(view[MAC_SIZE:])
        except Exception:  # a model type that changed shape: a miss
            return None
        if not isinstance(report, Report) or report.doc.sha256 != sha256 or report.doc.text_loaded:
            return None
        report.doc.path = path
        report.doc.rel = rel
        text_name = (name + TEXT_SUFFIX).encode()
        report.doc.attach_text(
            source=_CachedText(handle, offset + MAC_SIZE + length, text_length, text_name, self.secret)
        )
        self.used.add(idx)
        return report

    def file_digest(self, path: Path, max_bytes: int) -> str | None:
        """The sha256 of a file's bytes (see :func:`file_sha256`), from the stat memo when its stat is unchanged."""
        if self.stats is None:
            self.stats = self._load_stats()
        key = os.fsdecode(path)
        try:
            st = os.stat(path)
        except OSError:
            return None
        sig = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
        known = self.stats.get(key)
        if known is not None and known[:5] == sig and st.st_size <= max_bytes:
            self.seen[key] = known
            return known[5]
        now = time.time_ns()
        sha = file_sha256(path, max_bytes)
        if sha is not None and max(st.st_mtime_ns, st.st_ctime_ns) < now - RACY_NS:
            self.seen[key] = [*sig, sha]
        return sha

    def _load_stats(self) -> dict[str, list]:
        try:
            data = (self.root / STATS_NAME).read_bytes()
        except OSError:
            return {}
        head = len(STATS_MAGIC) + MAC_SIZE
        if not data.startswith(STATS_MAGIC) or len(data) <= head:
            return {}
        body = memoryview(data)[head:]
        if not hmac.compare_digest(data[len(STATS_MAGIC) : head], self._mac(STATS_NAME.encode(), body)):
            return {}
        try:
            got = json.loads(bytes(body))
            return {
                str(k): [int(x) for x in v[:5]] + [str(v[5])]
                for k, v in got.items()
                if isinstance(v, list) and len(v) == 6
            }
        except (ValueError, TypeError, AttributeError):
            return {}

    def _save_stats(self) -> None:
        known = self.stats or {}
        if all(known.get(k) == v for k, v in self.seen.items()):
            return  # nothing new: the memo on disk already says it
        merged = dict(known)
        if len(merged) + len(self.seen) > MAX_STATS:
            merged = {}
        merged.update(self.seen)
        body = json.dumps(merged).encode()  # paths that are not UTF-8 travel as \udcxx escapes
        tmp = self.root / f".{STATS_NAME}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        try:
            with open(tmp, "wb") as handle:
                handle.write(STATS_MAGIC + self._mac(STATS_NAME.encode(), body) + body)
            os.replace(tmp, self.root / STATS_NAME)
        except OSError:
            _unlink(str(tmp))

    # ------------------------------------------------------------ writing

    def add(self, sha256: str, ext: str, payload: bytes, text: str) -> "_CachedText | None":
        """Append one entry to this run's segment: a report fresh from build_report (before any folder step)
        pickled without its text (``payload``), then its text, each with its MAC. Returns where the text
        can be read back from (the report need not keep it in memory), or None when it was not written."""
        name = self.name(sha256, ext)
        body = text.encode("utf-8", "surrogatepass")
        try:
            if self.writer is None:
                self.segment = f"seg-{self.tag}-{time.time_ns():x}-{os.getpid()}-{os.urandom(4).hex()}.pack"
                self.writer = open(self.root / self.segment, "xb")
                self.writer.write(SEG_MAGIC)
                self.reader = _Segment(self.root / self.segment, self.writer)
            offset = self.writer.tell()
            self.writer.write(self._mac(name.encode(), payload))
            self.writer.write(payload)
            self.writer.write(self._mac((name + TEXT_SUFFIX).encode(), body))
            self.writer.write(body)
            self.new.append((name, offset, len(payload), len(body)))
        except OSError:
            self._drop_writer()
            return None
        text_name = (name + TEXT_SUFFIX).encode()
        return _CachedText(self.reader, offset + MAC_SIZE + len(payload), len(body), text_name, self.secret)

    def close(self) -> None:
        """Index this run's segment (which makes its entries visible), touch the segments used, tidy up.

        The segments read stay open for the texts still to be read from them (each closes when the last
        report holding it is gone); one merged or pruned meanwhile stays readable where files are
        removed by name only (POSIX)."""
        self.handles.clear()
        self._save_stats()
        if self.writer is not None:
            try:
                self.writer.close()
                self._write_index(self.segment, self.new)
                self.used.add(self.segment[: -len(".pack")] + ".idx")
            except OSError:
                self._drop_writer()
            self.writer = None
        now = time.time()
        for idx in self.used:
            try:
                os.utime(self.root / idx, (now, now))
            except OSError:
                pass
        if self.new:
            merged = self._merge_small()
            # what this run used or wrote stays, even when it alone is near the bound (a folder of 100,000
            # reports is one segment of about 2 GB: pruned with the rest, the next scan would redo them all)
            prune(keep=self.used | ({merged} if merged else set()))

    def _write_index(self, segment: str, entries: list[tuple[str, int, int, int]]) -> None:
        idx = segment[: -len(".pack")] + ".idx"
        body = json.dumps({"prefix": self.prefix, "segment": segment, "entries": entries}).encode()
        tmp = self.root / f".{idx}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(IDX_MAGIC + self._mac(idx.encode(), body) + body)
        os.replace(tmp, self.root / idx)

    def _drop_writer(self) -> None:
        if self.writer is not None:
            abandon(self.writer, str(self.root / self.segment))
        self.writer = None
        self.new = []

    def _merge_small(self) -> str | None:
        """Many segments of these settings (a run per edit): their live entries copied into one (its index
        name is returned)."""
        try:
            mine = sorted(
                (e.stat().st_mtime, e.name)
                for e in os.scandir(self.root)
                if e.name.startswith(f"seg-{self.tag}-") and e.name.endswith(".idx")
            )
        except OSError:
            return None
        if len(mine) < MERGE_AT:
            return None
        latest: dict[str, tuple[str, int, int, int]] = {}
        for _mtime, idx in mine:
            for name, offset, length, text_length, segment in self._read_index(idx):
                latest[name] = (segment, offset, length, text_length)
        segment = f"seg-{self.tag}-{time.time_ns():x}-{os.getpid()}-{os.urandom(4).hex()}.pack"
        entries = []
        try:
            with open(self.root / segment, "xb") as out:
                out.write(SEG_MAGIC)
                sources: dict[str, Any] = {}
                try:
                    for name, (src, offset, length, text_length) in latest.items():
                        handle = sources.get(src) or sources.setdefault(src, open(self.root / src, "rb"))
                        handle.seek(offset)
                        size = 2 * MAC_SIZE + length + text_length  # the report, then its text
                        record = handle.read(size)
                        if len(record) != size:
                            continue  # verified again when read: a bad record stays a miss
                        entries.append((name, out.tell(), length, text_length))
                        out.write(record)
                finally:
                    for handle in sources.values():
                        handle.close()
            self._write_index(segment, entries)
        except OSError:
            _unlink(str(self.root / segment))
            return None
        for _mtime, idx in mine:
            _unlink(str(self.root / idx))
            _unlink(str(self.root / (idx[: -len(".idx")] + ".pack")))
        return segment[: -len(".pack")] + ".idx"


def _mac(secret: bytes, *parts: bytes | memoryview) -> bytes:
    mac = hashlib.blake2b(key=secret, digest_size=MAC_SIZE)
    for part in parts:
        mac.update(part)
    return mac.digest()


TEXT_SUFFIX = "#text"  # a text's MAC is bound to its entry's name and this


class _Segment:
    """A segment file open for reading, shared by the reports loaded from it (and their texts, read later,
    from any thread). This run's own segment is read while it is written: its ``writer`` is flushed first."""

    def __init__(self, path: Path, writer: Any = None) -> None:
        self.handle = open(path, "rb")
        self.lock = threading.Lock()
        self.writer = writer

    def read(self, offset: int, size: int) -> bytes:
        with self.lock:
            if self.writer is not None:
                if self.writer.closed:
                    self.writer = None
                else:
                    self.writer.flush()
            self.handle.seek(offset)
            return self.handle.read(size)

    def __del__(self) -> None:
        handle = getattr(self, "handle", None)
        if handle is not None:
            handle.close()


class _CachedText:
    """A cached report's text, read from its segment when first asked for and checked against its MAC."""

    __slots__ = ("segment", "offset", "size", "name", "secret")

    def __init__(self, segment: _Segment, offset: int, size: int, name: bytes, secret: bytes) -> None:
        self.segment, self.offset, self.size, self.name, self.secret = segment, offset, size, name, secret

    def read(self) -> str:
        try:
            data = self.segment.read(self.offset, MAC_SIZE + self.size)
        except (OSError, ValueError) as exc:
            raise CachedTextLost(self.name) from exc
        view = memoryview(data)
        if len(data) != MAC_SIZE + self.size or not hmac.compare_digest(
            data[:MAC_SIZE], _mac(self.secret, self.name, view[MAC_SIZE:])
        ):
            raise CachedTextLost(self.name)
        return bytes(view[MAC_SIZE:]).decode("utf-8", "surrogatepass")


class CachedTextLost(OSError):
    """A cached report's text could not be read back (its segment damaged); the document reads its file
    again (:class:`~shenyue.reading.base.Document`)."""

    def __init__(self, name: bytes) -> None:
        super().__init__(f"the report cache entry {name.decode(errors='replace')} could not be read back")


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


def prune(max_bytes: int = MAX_BYTES, keep: set[str] | frozenset[str] = frozenset()) -> None:
    """Keep the cache under ``max_bytes`` (least recently used segments go first, never those whose index is
    named in ``keep``) and remove what killed runs left."""
    root = cache_root()
    now = time.time()
    try:
        items = list(os.scandir(root))
    except OSError:
        return
    names = {item.name for item in items}
    segments: list[tuple[float, int, str]] = []  # (last use, bytes, index name)
    total = 0
    for item in items:
        try:
            st = item.stat(follow_symlinks=False)
        except OSError:
            continue
        if item.name.endswith(".tmp") or (item.name.endswith(".pack") and item.name[:-5] + ".idx" not in names):
            if now - st.st_mtime > STALE_TEMP:  # a killed run's half-written file (or an index's lost segment)
                _unlink(item.path)
            continue
        if item.name.endswith(".idx"):
            try:
                size = os.stat(os.path.join(root, item.name[:-4] + ".pack")).st_size
            except OSError:
                _unlink(item.path)
                continue
            segments.append((st.st_mtime, size + st.st_size, item.name))
            total += size + st.st_size
    if total <= max_bytes:
        return
    for _mtime, size, idx in sorted(segments):
        if idx in keep:
            continue
        _unlink(os.path.join(root, idx))  # the index first: a segment without one is never read
        _unlink(os.path.join(root, idx[:-4] + ".pack"))
        total -= size
        if total <= max_bytes * 0.9:  # some room, so that the next run does not prune again
            break


def output_root() -> Path:
    """Where the commands' output memos are (``cli/output_memo.py``): cleared and counted with the rest."""
    from shenyue.paths import cache_dir

    return cache_dir() / "output"


def clear() -> int:
    """Remove every cached report, the copy index and the output memos; returns how many files were removed."""
    import shutil

    from shenyue.analysis.similarity.cache import cache_root as similarity_root

    removed = 0
    for root in (cache_root(), similarity_root(), output_root()):
        if not root.is_dir():
            continue
        for _dirpath, _dirs, files in os.walk(root):
            removed += len(files)
        shutil.rmtree(root, ignore_errors=True)
    return removed


def size() -> tuple[int, int]:
    """Files and bytes in the cache (reports, copy index, output memos)."""
    from shenyue.analysis.similarity.cache import cache_root as similarity_root

    count = total = 0
    for root in (cache_root(), similarity_root(), output_root()):
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


def abandon(handle: IO[bytes] | None, path: str) -> None:
    """A file being written that is not to be kept: closed (when open) and removed."""
    if handle is not None:
        try:
            handle.close()
        except OSError:
            pass
    _unlink(path)
