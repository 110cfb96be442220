"""On-disk cache of fingerprints (per report content) and of the last result (per folder).

Files per reports folder under ``shenyue.paths.cache_dir() / "similarity"``
(``SHENYUE_CACHE_DIR`` overrides the location):

* ``prints-<folder>.bin``: for every report content hash seen in the folder,
  its unit, year, lengths and fingerprint arrays. A changed or added file is
  fingerprinted alone; while the changes are few they go to
  ``added-<folder>.bin`` (which names the store it adds to by its checksum),
  and the store is rewritten with the current reports once they are not.
* ``result-<folder>.bin``: the spans of the last run, valid only for exactly
  the same reports (paths and content hashes) and engine settings.
* ``shared-<folder>.bin``: the last run's shared fingerprints, from which the
  next run updates the index after a few changes (:mod:`.incremental`); tied
  to the result file written with it by a run id.
* ``parts-<process id>-<random>/``: a large folder's fingerprints, table and
  parts of the index while a run works on them (:mod:`.partition`); removed at
  its end, and by a later run when the process that made it is gone.

All use one format: a magic line, a JSON header (engine key, array layout,
a checksum of the array bytes) and the raw arrays. Anything that does
not check out (wrong magic, other settings, truncated, checksum mismatch) is
treated as absent and rebuilt; the cache is never trusted blindly. Writes are
atomic (temporary file in the same folder, fsync, rename).

The checksum is there to catch damage (a flipped byte, a file cut short), not
an attacker: these files hold arrays and JSON, never code, and every index read
from them is range-checked. So it is CRC-32 (zlib), which hashes the 330 MB
store of 10,000 reports in 0.18 s where blake2b took 0.58 s, with the payload's
size and a random tag that makes every written file's checksum its own (the
additions file names its store by it).
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from shenyue.analysis.stamps import code_stamp, tree_stamp  # noqa: F401 (the cache's stamps, used as disk.*)
from shenyue.fsutil import atomic_write_parts, hand_back

MAGIC = b"SHENYUE-SIMILARITY\n"
FORMAT = 2


def cache_root() -> Path:
    from shenyue.paths import cache_dir

    return cache_dir() / "similarity"


def folder_key(folder: Path | str) -> str:
    resolved = str(Path(folder).expanduser().resolve())
    return hashlib.blake2b(resolved.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


@dataclass(frozen=True, slots=True)
class Spilled:
    """An array kept in raw files of ``dtype`` items, read one after the other (never whole in memory)."""

    dtype: np.dtype
    paths: list[Path]

    def blocks(self) -> Iterator[bytes]:
        for path in self.paths:
            with open(path, "rb") as handle:
                while block := handle.read(SPILL_BLOCK):
                    yield block


SPILL_BLOCK = 1 << 23


@dataclass(frozen=True, slots=True)
class Streamed:
    """An array of ``count`` items of ``dtype`` made a piece at a time by ``pieces`` (never whole in memory)."""

    dtype: np.dtype
    count: int
    pieces: Callable[[], Iterable[np.ndarray]]


def write_blob(path: Path, header: dict[str, Any], arrays: dict[str, np.ndarray | Spilled | Streamed]) -> None:
    """Write header and arrays atomically, streaming the arrays (no copy of the payload in memory): the
    checksum is summed as they are written, and the header that holds it written over the first one."""
    layout = []
    offset = 0
    sources: list[tuple[str, int, Callable[[], Iterable[Any]]]] = []
    for name, arr in arrays.items():
        if isinstance(arr, Spilled):
            dtype = np.dtype(arr.dtype)
            nbytes = sum(os.path.getsize(p) for p in arr.paths)
            blocks: Callable[[], Iterable[Any]] = arr.blocks
        elif isinstance(arr, Streamed):
            dtype = np.dtype(arr.dtype)
            nbytes = arr.count * dtype.itemsize

            def blocks(arr: Streamed = arr, dtype: np.dtype = dtype) -> Iterator[memoryview]:
                for piece in arr.pieces():
                    piece = np.ascontiguousarray(piece, dtype=dtype)
                    if piece.size:
                        yield memoryview(piece).cast("B")
        else:
            arr = np.ascontiguousarray(arr)
            dtype, nbytes = arr.dtype, arr.nbytes
            view = memoryview(arr).cast("B") if arr.size else memoryview(b"")
            blocks = lambda view=view: (view,)  # noqa: E731
        if nbytes % dtype.itemsize:
            raise ValueError(f"{name}: not a whole number of items")
        layout.append([name, dtype.str, nbytes // dtype.itemsize, offset, nbytes])
        sources.append((name, nbytes, blocks))
        offset += nbytes
    tag = os.urandom(6).hex()
    crc = 0

    def head() -> bytes:
        full = dict(header)
        full.update({"format": FORMAT, "layout": layout, "payload": offset, "checksum": f"{crc:08x}-{offset}-{tag}"})
        hbytes = json.dumps(full, ensure_ascii=False).encode("utf-8", "surrogatepass")  # names need not be UTF-8
        return MAGIC + struct.pack("<Q", len(hbytes)) + hbytes

    def pieces() -> Iterator[bytes | memoryview]:
        nonlocal crc
        yield head()  # the same length as the final one: the checksum is written in fixed width
        for name, nbytes, blocks in sources:
            got = 0
            for block in blocks():
                crc = zlib.crc32(block, crc)
                got += len(block) if isinstance(block, bytes) else block.nbytes
                yield block
            if got != nbytes:  # a spilled file changed, or a stream made the wrong count: not written
                raise ValueError(f"{name}: {got} bytes where {nbytes} were expected")

    atomic_write_parts(path, pieces(), head, durable=False)  # checked whole when read (CRC)


def read_header(path: Path) -> tuple[dict[str, Any], int] | None:
    """The header and the payload start, or None when the file is absent or not ours."""
    try:
        with open(path, "rb") as handle:
            return _header_of(handle)
    except OSError:
        return None


def _header_of(handle: BinaryIO) -> tuple[dict[str, Any], int] | None:
    start = handle.read(len(MAGIC) + 8)
    if len(start) != len(MAGIC) + 8 or not start.startswith(MAGIC):
        return None
    (hlen,) = struct.unpack("<Q", start[len(MAGIC) :])
    if hlen > 1 << 31:
        return None
    hbytes = handle.read(hlen)
    if len(hbytes) != hlen:
        return None
    try:
        header = json.loads(hbytes.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None
    return header, len(MAGIC) + 8 + hlen


Blob = tuple[dict[str, Any], dict[str, np.ndarray]]


def read_blob(path: Path, expect: dict[str, Any]) -> Blob | None:
    """Header and arrays, or None unless every ``expect`` item matches and the payload checks out."""
    with _prefetch_lock:
        slot = _prefetched.get(os.fspath(path))
    if slot is not None and not slot[0].is_set():
        # still being checked (or waiting its turn): its header says first whether it is the file wanted (the
        # last match's result, after an edit, is not; at 100,000 reports its check took 10 s to wait for)
        header = read_header(path)
        if header is None or any(header[0].get(k) != v for k, v in expect.items()):
            return None  # the check goes on, for a later read that expects something else
    got = _take_prefetched(path)
    prefetched = got is not None
    if got is None:
        header = read_header(path)
        if header is None or any(header[0].get(k) != v for k, v in expect.items()):
            return None  # another key's file is not checked
        got = _checked(path)
        if got is None:
            return None
    header, arrays, _ = got
    if any(header.get(k) != v for k, v in expect.items()):
        if prefetched:  # kept for a later read of the same file that expects something else
            done = threading.Event()
            done.set()
            with _prefetch_lock:
                _prefetched.setdefault(os.fspath(path), (done, [got]))
        return None
    return header, arrays


def _checked(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], tuple] | None:
    """The file's header and arrays (views of the file mapped) once its checksum checks out, and the
    identity of the file read (device, inode, size, times)."""
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            got = _header_of(handle)
            if got is None:
                return None
            header, start = got
            size = st.st_size - start
            if size != header["payload"] or size < 0:
                return None
            # mapped, not read: the arrays are the file's pages (a copy of a 340 MB store took 0.4 s more)
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        payload = memoryview(data)[start:] if size else memoryview(b"")
        layout = header["layout"]
        crc = 0
        for at in range(0, size, CRC_BLOCK):
            crc = zlib.crc32(payload[at : at + CRC_BLOCK], crc)
            if isinstance(data, mmap.mmap):
                # checked pages go back to the file cache as the check goes (it runs beside the reports'
                # loading: holding a 340 MB file's pages raised that step's peak)
                hand_back(data, start + at, start + at + CRC_BLOCK)
        if str(header["checksum"]).split("-")[:2] != [f"{crc:08x}", str(size)]:
            return None
        arrays = {}
        for name, dtype, count, offset, nbytes in layout:
            dt = np.dtype(dtype)
            if count * dt.itemsize != nbytes or offset + nbytes > size or offset < 0:
                return None
            arrays[name] = np.frombuffer(data, dtype=dt, count=count, offset=start + offset)
        if isinstance(data, mmap.mmap):
            hand_back(data)  # checked: the pages stay in the file cache until the arrays are read
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return header, arrays, _identity(st)


def hand_back_rows(arr: np.ndarray, a: int = 0, b: int | None = None) -> None:
    """This process's pages of the items ``a`` to ``b`` of ``arr`` (one-dimensional, a view of a file mapped by
    :func:`read_blob`) go back to the file cache, whence they are read again if asked for; nothing for an
    array in memory. An update reads the last state's 340 MB (at 10,000 reports) once: its pages would
    otherwise stay counted in the process until the state is let go."""
    base = arr.base
    while isinstance(base, np.ndarray):
        base = base.base
    mapped = base.obj if isinstance(base, memoryview) else base
    if not isinstance(mapped, mmap.mmap) or arr.ndim != 1 or (len(arr) > 1 and arr.strides[0] != arr.itemsize):
        return
    b = len(arr) if b is None else min(b, len(arr))
    if b <= a:
        return
    try:
        origin = np.frombuffer(mapped, dtype=np.uint8, count=1).ctypes.data
    except (ValueError, TypeError):  # closed, or empty
        return
    lo = arr.ctypes.data + a * arr.itemsize - origin
    hand_back(mapped, lo, lo + (b - a) * arr.itemsize)


def _identity(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


# files being checked ahead of their use, by path: a finished check and its result
_prefetched: dict[str, tuple[threading.Event, list]] = {}
_prefetch_lock = threading.Lock()


def prefetch(paths: Iterable[Path]) -> None:
    """Check these cache files in a thread while the caller goes on (loading the cached reports, which
    holds the interpreter lock: CRC-32 leaves it). :func:`read_blob` takes a file's checked arrays when the
    file is still the one checked (same inode, size and times), and checks it itself otherwise."""
    todo = []
    with _prefetch_lock:
        for path in paths:
            name = os.fspath(path)
            old = _prefetched.get(name)
            if old is None or old[0].is_set():  # a check no read took (a run that stopped early) is replaced
                slot: tuple[threading.Event, list] = (threading.Event(), [])
                _prefetched[name] = slot
                todo.append((path, slot))
    if not todo:
        return

    def work() -> None:
        for path, (done, out) in todo:
            try:
                out.append(_checked(path))
            except Exception:  # never a crash in a helper thread: the file is checked again when read
                out.append(None)
            finally:
                done.set()

    threading.Thread(target=work, name="shenyue-cache-prefetch", daemon=True).start()


def drop_prefetched() -> None:
    """Forget the checks no read took (their files stay mapped, and kept on disk, while they are held)."""
    with _prefetch_lock:
        _prefetched.clear()


def _take_prefetched(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], tuple] | None:
    with _prefetch_lock:
        slot = _prefetched.pop(os.fspath(path), None)
    if slot is None:
        return None
    done, out = slot
    done.wait()
    got = out[0] if out else None
    if got is None:
        return None
    try:
        if _identity(os.stat(path)) != got[2]:
            return None  # rewritten since (another run): read again
    except OSError:
        return None
    return got


CRC_BLOCK = 1 << 24


def remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
