"""The copy index of a large folder, a part of the hash space at a time, each part's results on disk.

:func:`~.index._shared` sorts every fingerprint of the folder at once; its
temporaries (a dozen arrays as long as the folder's fingerprints) and its
results (36 bytes a shared fingerprint) are most of a large folder's peak
memory. A fingerprint's results depend only on its group (the fingerprints
whose hashes agree above the low bits the fingerprint number takes), so the
folder can be cut by group: part ``p`` holds the groups whose key is ``p``
modulo the number of parts. Each part is matched alone with the same bit
split as the whole (:func:`shared_subset`) and its results, in fingerprint
order, are written to a file of a spill folder in the cache folder
(:class:`SharedParts`). The spans are then made a few reports at a time: the
rows of those reports are read from every part's file and merged in
fingerprint order, which gives exactly the rows the one-sort version holds
for them (tests compare the arrays and the spans). Memory is the fingerprint
table, a part's temporaries and a chunk of rows, whatever the folder's size.

The rows are also appended, chunk by chunk, to one file per array
(:class:`SpooledShared`), from which the index's state for the next update is
written without ever being whole in memory.

The same cut splits the index across machines: part ``p`` of every report's
fingerprints goes to worker ``p``, which returns its shared fingerprints in
fingerprint order; the span step reads them back by report range.
"""

from __future__ import annotations

import mmap
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from shenyue.analysis.similarity.cache import Spilled
from shenyue.analysis.similarity.index import (
    PEER_HOLDERS,
    SPAN_THREADS,
    Shared,
    SpanArrays,
    _cuts,
    _in_order,
    _shared,
    _spans,
    group_bits,
)
from shenyue.analysis.similarity.settings import Settings
from shenyue.fsutil import CAN_HAND_BACK, hand_back

NH = 1 + PEER_HOLDERS
BLOCK = 1 << 22  # hashes given a part number at a time
PARALLEL_PARTS_UP_TO = 32_000_000  # fingerprints (about 30,000 reports): up to this, two parts are matched at once
STALE_SPILL_SECONDS = 24 * 3600  # where a spill folder's process cannot be asked about, its age decides


@dataclass(slots=True)
class _Hashes:
    """What the shared step reads of a report's fingerprints: the hashes."""

    hashes: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


def shared_subset(
    hashes: np.ndarray, bounds: np.ndarray, unit_ids: np.ndarray, bits: int, pick: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`~.index._shared`'s arrays for the fingerprints ``pick`` (a mask over the folder's
    fingerprints ``hashes``, in report order) with the folder's fingerprint numbers. Exact for every
    group ``pick`` holds whole: a group's results depend on the group alone."""
    number = np.flatnonzero(pick)
    return shared_of(hashes[number], number, bounds, unit_ids, bits)


def shared_of(
    picked: np.ndarray, number: np.ndarray, bounds: np.ndarray, unit_ids: np.ndarray, bits: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`shared_subset` for the fingerprints numbered ``number`` (ascending) whose hashes are ``picked``."""
    sub_bounds = np.searchsorted(number, bounds).astype(np.int64)
    sub = [_Hashes(picked[a:b]) for a, b in zip(sub_bounds[:-1], sub_bounds[1:])]
    order, hold, hrep, nrp, nup = _shared(sub, sub_bounds, unit_ids, bits=bits)
    del sub, picked
    itype = np.int32 if int(bounds[-1]) < 2**31 else np.int64
    hold = np.where(hold >= 0, number[np.maximum(hold, 0)], -1).astype(itype)
    return number[order].astype(itype), hold, hrep, nrp, nup


@dataclass(slots=True)
class _Part:
    fd: int  # the part's file, open for reading
    m: int  # its rows (shared fingerprints)
    pos: np.ndarray  # its rows before each report bound (int64, reports + 1)


class SharedParts:
    """A folder's shared fingerprints (:class:`~.index.Shared`'s arrays), one file per part of the hash
    space in ``folder``, each in fingerprint order; :meth:`take` gives the rows of a range of reports."""

    def __init__(self, folder: Path, bounds: np.ndarray, bits: int, threshold: int) -> None:
        self.folder, self.bounds, self.bits, self.threshold = folder, bounds, bits, threshold
        self.itype = np.dtype(np.int32 if int(bounds[-1]) < 2**31 else np.int64)
        self.parts: list[_Part] = []

    def add(self, arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> None:
        """Write one part's arrays (:func:`shared_subset`'s) to its file."""
        order, hold, hrep, nrp, nup = arrays
        path = self.folder / f"part-{len(self.parts)}.bin"
        with open(path, "wb") as handle:
            for arr, dt in (
                (order, self.itype),
                (hold, self.itype),
                (hrep, np.int32),
                (nrp, np.int32),
                (nup, np.int32),
            ):
                np.ascontiguousarray(arr, dtype=dt).tofile(handle)  # (holders, m): row by row
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self.parts.append(_Part(fd, len(order), np.searchsorted(order, self.bounds).astype(np.int64)))

    def __len__(self) -> int:
        return sum(p.m for p in self.parts)

    def report_rows(self) -> np.ndarray:
        """Every part's rows before each report bound, added up (like ``searchsorted(order, bounds)``)."""
        total = np.zeros(len(self.bounds), dtype=np.int64)
        for p in self.parts:
            total += p.pos
        return total

    def take(self, ra: int, rb: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The rows of reports ``ra`` to ``rb`` (excluded) of every part, merged in fingerprint order."""
        got = [self._read(p, int(p.pos[ra]), int(p.pos[rb])) for p in self.parts if p.pos[rb] > p.pos[ra]]
        if not got:
            z = np.zeros(0, np.int32)
            return np.zeros(0, self.itype), np.zeros((NH, 0), self.itype), np.zeros((NH, 0), np.int32), z, z
        order = np.concatenate([g[0] for g in got])
        sort = np.argsort(order, kind="stable")
        return (
            order[sort],
            np.concatenate([g[1] for g in got], axis=1)[:, sort],
            np.concatenate([g[2] for g in got], axis=1)[:, sort],
            np.concatenate([g[3] for g in got])[sort],
            np.concatenate([g[4] for g in got])[sort],
        )

    def _read(self, p: _Part, a: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n, m, isz = b - a, p.m, self.itemsize

        def read(offset: int, dtype) -> np.ndarray:
            nbytes = n * np.dtype(dtype).itemsize
            data = _pread(p.fd, nbytes, offset)
            if len(data) != nbytes:
                raise OSError(f"part file of the copy index cut short in {self.folder}")
            return np.frombuffer(data, dtype=dtype)

        hold_at, hrep_at = m * isz, m * isz * (1 + NH)
        nrp_at = hrep_at + NH * m * 4
        order = read(a * isz, self.itype)
        hold = np.stack([read(hold_at + (c * m + a) * isz, self.itype) for c in range(NH)])
        hrep = np.stack([read(hrep_at + (c * m + a) * 4, np.int32) for c in range(NH)])
        return order, hold, hrep, read(nrp_at + a * 4, np.int32), read(nrp_at + m * 4 + a * 4, np.int32)

    @property
    def itemsize(self) -> int:
        return self.itype.itemsize

    def close(self) -> None:
        for p in self.parts:
            try:
                os.close(p.fd)
            except OSError:
                pass
        self.parts.clear()


_seek_lock = threading.Lock()


def _pread(fd: int, size: int, offset: int) -> bytes:
    """``size`` bytes at ``offset`` of ``fd``; safe from several threads (positioned reads, or a lock where the
    system has none)."""
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    with _seek_lock:  # Windows
        os.lseek(fd, offset, os.SEEK_SET)
        chunks = []
        while size > 0:
            got = os.read(fd, size)
            if not got:
                break
            chunks.append(got)
            size -= len(got)
        return b"".join(chunks)


def shared_to_parts(
    hashes: np.ndarray,
    bounds: np.ndarray,
    unit_ids: np.ndarray,
    threshold: int,
    parts: int,
    folder: Path,
    release: Callable[[], None] | None = None,
) -> SharedParts:
    """The folder's shared fingerprints matched ``parts`` parts of the hash space at a time, into ``folder``.

    One pass over the fingerprints writes each part's hashes and fingerprint numbers to a file of its own
    (a block at a time); each part is then read back and matched alone. ``release`` is called after each
    block (the hashes may be a file mapped into memory)."""
    F = int(bounds[-1])
    bits = group_bits(F)  # the whole folder's split, so that the groups are the whole folder's
    shift = np.uint64(bits)
    n = max(1, min(parts, 65535))
    record = np.dtype([("hash", np.uint64), ("number", np.int32 if F < 2**31 else np.int64)])
    paths = [folder / f"hashes-{p}.bin" for p in range(n)]
    for path in paths:  # appended to below: nothing of another call's
        path.unlink(missing_ok=True)
    for a in range(0, F, BLOCK):
        block = np.asarray(hashes[a : a + BLOCK])
        part_of = ((block >> shift) % np.uint64(n)).astype(np.uint16)
        by_part = np.argsort(part_of, kind="stable")  # fingerprint order kept inside each part
        cut = np.searchsorted(part_of[by_part], np.arange(n + 1))
        for p in np.flatnonzero(np.diff(cut)):
            rows = by_part[cut[p] : cut[p + 1]]
            out = np.empty(len(rows), dtype=record)
            out["hash"], out["number"] = block[rows], rows + a
            with open(paths[p], "ab") as handle:  # opened per block: any number of parts, few files open
                out.tofile(handle)
        del block, part_of, by_part
        if release is not None:  # the hashes' pages read so far
            release()
    shared = SharedParts(folder, bounds, bits, threshold)

    def matched(p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        got = np.fromfile(paths[p], dtype=record)
        paths[p].unlink()  # read: its disk space goes
        return shared_of(got["hash"], got["number"], bounds, unit_ids, bits)

    # two parts at a time keep both cores busy (numpy sorts and compares without the GIL), while that
    # costs little memory; a large folder's parts go one at a time (its peak is theirs)
    threads = SPAN_THREADS if F <= PARALLEL_PARTS_UP_TO else 1
    try:
        for arrays in _in_order(matched, [p for p in range(n) if paths[p].exists()], threads):
            shared.add(arrays)
            del arrays
    except BaseException:
        shared.close()
        raise
    return shared


class SpooledShared:
    """:class:`~.index.Shared` written to files, one per array (holder rows apart) in fingerprint order,
    chunk by chunk; :func:`~.incremental.save_state` streams the state file from them."""

    def __init__(self, folder: Path, itype: np.dtype, bits: int, threshold: int) -> None:
        self.itype, self.bits, self.threshold = np.dtype(itype), bits, threshold
        fields = [("order", self.itype), *((f"hold{c}", self.itype) for c in range(NH))]
        fields += [*((f"hrep{c}", np.int32) for c in range(NH)), ("nrp", np.int32), ("nup", np.int32)]
        self._spool = Spool(folder, "spool", fields)

    def append(self, order, hold, hrep, nrp, nup) -> None:
        self._spool.append([order, *hold, *hrep, nrp, nup])

    def close(self) -> None:
        self._spool.close()

    def arrays(self) -> dict[str, Spilled]:
        """The state file's arrays (``hold``/``hrep`` row after row), as files."""
        paths, int32 = self._spool.paths, np.dtype(np.int32)
        return {
            "order": Spilled(self.itype, [paths["order"]]),
            "nrp": Spilled(int32, [paths["nrp"]]),
            "nup": Spilled(int32, [paths["nup"]]),
            "hold": Spilled(self.itype, [paths[f"hold{c}"] for c in range(NH)]),
            "hrep": Spilled(int32, [paths[f"hrep{c}"] for c in range(NH)]),
        }


def match_in_parts(
    hashes: np.ndarray,
    bounds: np.ndarray,
    fields: dict[str, np.ndarray],
    unit_ids: np.ndarray,
    years: np.ndarray,
    s: Settings,
    threshold: int,
    parts: int,
    folder: Path,
    shared_ready: Callable[[Shared | SpooledShared], None] | None,
    release: Callable[[], None] | None = None,
) -> SpanArrays:
    """:func:`~.index.match`'s spans, the groups matched ``parts`` parts at a time into ``folder``.
    ``shared_ready`` is given the shared fingerprints as files once the spans are made."""
    from shenyue.analysis.similarity import index

    shared = shared_to_parts(hashes, bounds, unit_ids, threshold, parts, folder, release)
    spool = SpooledShared(folder, shared.itype, shared.bits, threshold) if shared_ready is not None else None
    try:
        report_pos = shared.report_rows()

        def rows_of(cut: tuple[int, int]) -> tuple:
            ra = int(np.searchsorted(report_pos, cut[0], side="left"))
            rb = int(np.searchsorted(report_pos, cut[1], side="left"))
            return shared.take(ra, rb)

        def spans_of(cut: tuple[int, int]) -> tuple[tuple, SpanArrays]:
            rows = rows_of(cut)
            return rows, _spans(*rows, bounds, fields, unit_ids, years, s, threshold)

        out = []
        for rows, spans in _in_order(spans_of, _cuts(report_pos), index.SPAN_THREADS):
            if spool is not None:
                spool.append(*rows)
            out.append(spans)
            del rows
            if release is not None:
                release()
    finally:
        shared.close()
        if spool is not None:
            spool.close()
    if spool is not None:
        shared_ready(spool)
    if not out:
        return SpanArrays.empty()
    return SpanArrays(*(np.concatenate([getattr(p, f) for p in out]) for f in SpanArrays.FIELDS))


class FileArrays:
    """Arrays kept in files of the spill folder and mapped into memory, one file per field: the system keeps
    their pages in its file cache, and :meth:`release` hands back those this process touched, so that a
    step going through a large folder's fingerprints does not hold them all in its own memory.

    :meth:`create` makes zeroed arrays to be filled (their disk space taken at once where the system
    allows, so that a full disk is an error here and not a crash when a page is written); :class:`Spool`
    appends arrays chunk by chunk and :meth:`Spool.mapped` maps what was written (read-only)."""

    def __init__(self, paths: dict[str, Path], dtypes: dict[str, np.dtype], writable: bool) -> None:
        self.paths, self.dtypes = paths, dtypes
        self.arrays: dict[str, np.ndarray] = MappedFields()
        self.arrays.maps = {}
        self._maps: list[mmap.mmap] = []
        for name, path in paths.items():
            dt = np.dtype(dtypes[name])
            with open(path, "r+b" if writable else "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size == 0:
                    self.arrays[name] = np.zeros(0, dt)
                    continue
                access = mmap.ACCESS_WRITE if writable else mmap.ACCESS_READ
                mapped = mmap.mmap(handle.fileno(), size, access=access)
            self._maps.append(mapped)
            self.arrays.maps[name] = mapped
            self.arrays[name] = np.frombuffer(mapped, dtype=dt, count=size // dt.itemsize)

    @classmethod
    def create(cls, folder: Path, name: str, n: int, fields: Sequence[tuple[str, object]]) -> "FileArrays":
        paths, dtypes = {}, {}
        try:
            for field, dt in fields:
                paths[field] = folder / f"{name}-{field}.bin"
                dtypes[field] = np.dtype(dt)
                with open(paths[field], "wb") as handle:
                    size = n * dtypes[field].itemsize
                    if size and hasattr(os, "posix_fallocate"):
                        os.posix_fallocate(handle.fileno(), 0, size)
                    else:
                        handle.truncate(size)
            return cls(paths, dtypes, writable=True)
        except OSError:
            for path in paths.values():
                path.unlink(missing_ok=True)
            raise

    def release(self) -> None:
        """Drop this process's pages of the arrays (their contents stay in the files and the file cache)."""
        for mapped in self._maps:
            hand_back(mapped)

    def remove(self) -> None:
        """Remove the files (their disk space goes once no array maps them; where a mapped file cannot be
        removed, as on Windows, it goes with the spill folder)."""
        for path in self.paths.values():
            try:
                path.unlink()
            except OSError:
                pass

    def spilled(self, field: str) -> Spilled:
        """A field as :func:`~.cache.write_blob` streams it from its file."""
        return Spilled(self.dtypes[field], [self.paths[field]])


GATHER_WINDOW = 32 << 20  # bytes of a mapped field read between two hand-backs of its pages by gather()


class MappedFields(dict):
    """The arrays of a :class:`FileArrays` by name, with :meth:`gather`: values at scattered places read a
    window of the file at a time, each window's pages handed back once read.

    The span step reads each shared fingerprint's source places (``fields[name][places]``): a million places
    all over a table of 150 million fingerprints touch every page of it, 2 GB at 100,000 reports, which the
    process then holds until the chunk ends. Read in order of place, a window at a time, it holds one
    window's pages."""

    maps: dict[str, mmap.mmap]

    def gather(self, names: Sequence[str], places: np.ndarray) -> list[np.ndarray]:
        """``[self[name][places] for name in names]``, in windows of the files where pages can be handed back."""
        if not CAN_HAND_BACK or len(places) < 2:
            return [self[name][places] for name in names]
        by = np.argsort(places, kind="stable")
        ordered = places[by]
        out = [np.empty(len(places), self[name].dtype) for name in names]
        for name, dest in zip(names, out):
            array, mapped = self[name], self.maps.get(name)
            if mapped is None:
                dest[:] = array[places]
                continue
            step = max(GATHER_WINDOW // array.itemsize, 1)
            cuts = np.searchsorted(ordered, np.arange(0, len(array) + step, step))
            for w in range(len(cuts) - 1):
                a, b = int(cuts[w]), int(cuts[w + 1])
                if a == b:
                    continue
                dest[by[a:b]] = array[ordered[a:b]]
                hand_back(mapped, w * step * array.itemsize, (w + 1) * step * array.itemsize)
        return out


class Spool:
    """Chunks of arrays appended to one file per field; :meth:`mapped` maps them once written."""

    def __init__(self, folder: Path, name: str, fields: Sequence[tuple[str, object]]) -> None:
        self.paths = {f: folder / f"{name}-{f}.bin" for f, _dt in fields}
        self.dtypes = {f: np.dtype(dt) for f, dt in fields}
        self._files: dict[str, Any] = {}
        try:
            for f, path in self.paths.items():
                self._files[f] = open(path, "wb")
        except OSError:
            self.close()
            raise
        self.count = 0
        self.writable = True  # False once an append failed (a full disk): what it holds stays readable

    def append(self, arrays: Sequence[np.ndarray]) -> int:
        """Append one chunk (an array per field, in the fields' order, of one length); returns its start.
        When it fails the files are cut back to where the chunk began."""
        start = self.count
        try:
            for field, arr in zip(self._files, arrays):
                self.write(field, arr)
        except OSError:
            for field, handle in self._files.items():
                try:
                    handle.flush()
                except OSError:
                    pass
                try:
                    handle.truncate(start * self.dtypes[field].itemsize)
                    handle.seek(0, os.SEEK_END)
                except OSError:
                    pass
            raise
        self.count += len(arrays[0]) if len(arrays) else 0
        return start

    def write(self, field: str, arr: np.ndarray) -> None:
        """Append to one field's file alone."""
        np.ascontiguousarray(arr, dtype=self.dtypes[field]).tofile(self._files[field])

    def close(self) -> None:
        for handle in self._files.values():
            try:
                handle.close()
            except OSError:  # what a full disk kept from being written is not used
                pass

    def mapped(self) -> FileArrays:
        self.close()
        return FileArrays(self.paths, self.dtypes, writable=False)


@contextmanager
def spill_folder(root: Path) -> Iterator[Path | None]:
    """A folder of this run's part files in ``root`` (the cache folder), removed afterwards; None when it
    cannot be made (the index is then matched in memory). Folders that killed runs left are removed."""
    remove_stale(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"parts-{os.getpid()}-", dir=root))
    except OSError:
        yield None
        return
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale(root: Path) -> int:
    """Remove the spill folders of runs that are gone (killed); returns how many."""
    removed = 0
    try:
        found = [p for p in root.iterdir() if p.name.startswith("parts-") and p.is_dir()]
    except OSError:
        return 0
    for path in found:
        if _alive(path):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _alive(path: Path) -> bool:
    """Whether the process that made a spill folder may still use it."""
    try:
        pid = int(path.name.split("-")[1])
    except (IndexError, ValueError):
        pid = None
    if pid is not None and os.name == "posix":
        if pid == os.getpid():
            return True
        try:
            os.kill(pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return False
        except OSError:
            return True  # it exists (another user's)
        return True
    try:  # elsewhere asking would be killing (Windows): a day-old folder is taken as left behind
        return time.time() - path.stat().st_mtime < STALE_SPILL_SECONDS
    except OSError:
        return True
