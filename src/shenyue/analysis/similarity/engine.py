"""Running the detector over a folder's reports, with the disk cache."""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from shenyue.analysis.similarity import cache as disk
from shenyue.analysis.similarity import incremental, index, summaries
from shenyue.analysis.similarity.fingerprint import Prints, fingerprint_texts
from shenyue.analysis.similarity.index import Shared, SpanArrays, match, spans_of_shared
from shenyue.analysis.similarity.partition import FileArrays, Spool, SpooledShared, spill_folder
from shenyue.analysis.similarity.result import Entry, Lineage, SimilarityResult
from shenyue.analysis.similarity.settings import DEFAULT, Settings
from shenyue.analysis.similarity.statutory import Statutory, load_statutory
from shenyue.gcpause import gc_paused, process_pool

if TYPE_CHECKING:
    from shenyue.model.units import UnitMap

# progress(done, total, name)
Progress = Callable[[int, int, str], None]
# loader(entries): fills text, unit and year of entries the cache does not know; returns those it could read
Loader = Callable[[list[Entry]], list[Entry]]

PRINT_FIELDS = ("hashes", "vpos", "ostart", "oend", "back", "ahead")
PRINT_DTYPES = (np.uint64, np.int32, np.int32, np.int32, np.int8, np.uint8)
FP_CHUNK = 200  # reports fingerprinted between two progress reports (and per worker job)
PARALLEL_CHARS = 2_000_000  # with less text than this, worker processes cost more than they save
MAX_WORKERS = 4
MIN_JOB = 50  # reports per worker job at least
# With more text than this to fingerprint, the fingerprints go to the spill folder as they are made (partition.py)
SPILL_CHARS = 20_000_000
RELEASE_EVERY = 4_000_000  # fingerprints copied into a table in files between two releases of its pages


@dataclass(slots=True)
class _Stored:
    unit: str | None
    year: int | None
    length: int
    start: int
    count: int
    outside: list[tuple[int, int]]
    part: int = 0  # 0: the store, 1: its additions


ADDED_SHARE = 0.1  # new contents go to the additions file while they (and the stale ones) stay below this share


@dataclass(slots=True)
class _Store:
    """The fingerprint store as read: what it holds by content hash, its arrays (the store's, then its
    additions'), and what the decision to rewrite it needs."""

    stored: dict[str, _Stored]
    parts: list[dict[str, np.ndarray]]
    checksum: str | None = None  # the store file's (its additions file names it)
    base: frozenset[str] = frozenset()  # the contents the store file holds
    added: frozenset[str] = frozenset()  # the contents the additions file holds


def _read_part(header: dict, arrays: dict[str, np.ndarray], part: int) -> dict[str, _Stored] | None:
    try:
        got: dict[str, _Stored] = {}
        pos = 0
        for sha, unit, year, length, count, outside in header["entries"]:
            got[sha] = _Stored(unit, year, int(length), pos, int(count), _spans_of(outside), part)
            pos += int(count)
        if pos != len(arrays["hashes"]) or any(len(arrays[f]) != pos for f in PRINT_FIELDS):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    return got


def _read_store(path: Path, added_path: Path, key: str) -> _Store:
    """The fingerprint store and its additions (written after a few reports changed: the store itself is
    rewritten only when they, or the contents no report has any more, grow beyond :data:`ADDED_SHARE`)."""
    got = disk.read_blob(path, {"kind": "prints", "key": key})
    if got is None:
        return _Store({}, [])
    header, arrays = got
    stored = _read_part(header, arrays, 0)
    if stored is None:
        return _Store({}, [])
    store = _Store(stored, [arrays], header.get("checksum"), frozenset(stored))
    more = disk.read_blob(added_path, {"kind": "prints-added", "key": key, "base": store.checksum})
    if more is not None:
        added = _read_part(more[0], more[1], 1)
        if added is not None:
            stored.update(added)
            store.parts.append(more[1])
            store.added = frozenset(added)
    return store


def engine_key(settings: Settings, statutory: Statutory) -> str:
    return settings.key(statutory.digest) + "-" + disk.code_stamp()


def _signature(key: str, entries: Sequence[Entry]) -> str:
    h = hashlib.blake2b(key.encode(), digest_size=16)
    for e in sorted(entries, key=lambda e: e.rel):
        h.update(f"\x1e{e.rel}\x1f{e.sha}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _apply_units(entries: Sequence[Entry], units: "UnitMap | None") -> None:
    """Each entry's unit key, from its unit name and the folder's units.toml."""
    from shenyue.model.units import unit_key

    for e in entries:
        e.unit_key = units.key(e.rel, e.unit) if units is not None else unit_key(e.unit)


def _order(entries: list[Entry]) -> tuple[list[Entry], np.ndarray]:
    """Reports ordered by (unit key, year, path), and a unit number per report (unique when unknown)."""
    ordered = sorted(entries, key=lambda e: (e.unit_key is None, e.unit_key or "", e.year or 0, e.rel))
    ids: dict[str, int] = {}
    unit_ids = np.empty(len(ordered), dtype=np.int64)
    for i, e in enumerate(ordered):
        if e.unit_key:
            unit_ids[i] = ids.setdefault(e.unit_key, len(ids))
        else:
            unit_ids[i] = -1 - i
    return ordered, unit_ids


_pending: list[threading.Thread] = []  # state files still being written after their run returned
_pending_lock = threading.Lock()


def write_later(write: Callable[..., None], *args) -> None:
    """Write a cache file from a thread, while the caller goes on; the next run and the process's exit
    wait for it (:func:`wait_for_writes`)."""
    writer = _Writer(write, *args)
    with _pending_lock:
        _pending.append(writer)


def wait_for_writes() -> None:
    """Wait until the cache files finished runs still write are written."""
    with _pending_lock:
        pending = list(_pending)
        _pending.clear()
    for writer in pending:
        writer.join()


@gc_paused()
def run(
    entries: list[Entry],
    *,
    folder: Path | None = None,
    settings: Settings = DEFAULT,
    statutory: Statutory | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    loader: Loader | None = None,
    units: "UnitMap | None" = None,
) -> SimilarityResult:
    """Find shared text between ``entries``; reuse and refresh the cache when ``use_cache``.

    ``units`` (the folder's units.toml, :mod:`shenyue.model.units`) decides which
    reports are one unit; without it the unit names' keys do.
    """
    wait_for_writes()  # a run reads what the last one wrote
    if statutory is None:
        statutory = load_statutory(folder, simplify=settings.simplify)
    key = engine_key(settings, statutory)
    result_key = key + "-" + (units.digest if units is not None else "")
    fkey = disk.folder_key(folder) if folder is not None else "default"
    root = disk.cache_root()
    result_path = root / f"result-{fkey}.bin"
    store_path = root / f"prints-{fkey}.bin"
    added_path = root / f"added-{fkey}.bin"
    state_path = incremental.state_path(root, fkey)

    summaries_path = summaries.summaries_path(root, fkey)

    def lineage(run: str, base: str | None, fresh: np.ndarray | None) -> Lineage | None:
        return Lineage(result_key, run, base, fresh, summaries_path) if use_cache else None

    all_entries = list(entries)
    if use_cache:
        cached = _load_result(result_path, result_key, entries, settings)
        if cached is not None:
            result, run = cached
            _apply_units(result.entries, units)
            if run:
                result.lineage = lineage(run, run, np.zeros(len(result.entries), dtype=bool))
            return result

    # a large folder's fingerprints and shared fingerprints go to a spill folder in the cache folder
    # (partition.py): it goes once the files written from it are
    with spill_folder(root) as spill:
        store = _read_store(store_path, added_path, key) if use_cache else _Store({}, [])
        stored = store.stored

        for e in entries:
            known = stored.get(e.sha)
            if known is not None:
                e.unit, e.year, e.length = known.unit, known.year, known.length
                e.outside = e.outside or known.outside
        missing = [e for e in entries if e.sha not in stored]
        need_text = [e for e in missing if e.text is None and e.read is None]
        unreadable: list[Entry] = []
        if need_text:
            if loader is None:
                raise ValueError("reports without text and no loader")
            loaded = {id(e) for e in loader(need_text)}
            unreadable = [e for e in need_text if id(e) not in loaded or e.text is None]
            entries = [e for e in entries if e.sha in stored or e.text is not None or e.read is not None]
            missing = [e for e in missing if e.text is not None or e.read is not None]

        for e in missing:
            if e.text is not None:
                e.length = len(e.text)
        _apply_units(entries, units)
        # fingerprinted in the order the table holds them, so that each chunk's arrays go once copied there
        todo = list({e.sha: e for e in _order(missing)[0]}.values())
        fresh, fresh_files = _fingerprint_all(todo, statutory, settings, progress, spill=spill)
        del todo
        lost = [e for e in missing if e.sha not in fresh]  # a text that could not be read back
        if lost:
            unreadable += lost
            entries = [e for e in entries if e.sha in stored or e.sha in fresh]
        fresh_count = len(fresh)

        ordered, unit_ids = _order(entries)
        # every report's fingerprints in one set of arrays, in report order: the index reads them and the
        # store is written from them, and the per-report arrays (and the old store) go before the match
        counts = [len(fresh[e.sha]) if e.sha in fresh else stored[e.sha].count for e in ordered]
        bounds = np.zeros(len(ordered) + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        before = incremental.state_reports(state_path, result_key) if use_cache else None
        old_hashes: dict[str, np.ndarray] = {}
        if before:  # the old fingerprints of the reports changed since the last match
            now = {(e.rel, e.sha) for e in ordered}
            for rel, sha in before:
                known = stored.get(sha)
                if (rel, sha) not in now and known is not None and sha not in old_hashes:
                    old_hashes[sha] = store.parts[known.part]["hashes"][known.start : known.start + known.count].copy()
        table_files = None
        if spill is not None and index.PART_FINGERPRINTS and int(bounds[-1]) > index.PART_FINGERPRINTS:
            try:
                table_files = FileArrays.create(spill, "table", int(bounds[-1]), list(zip(PRINT_FIELDS, PRINT_DTYPES)))
            except OSError:  # no room for it (a full disk): the table is made in memory
                table_files = None

        def release() -> None:  # this process's pages of the files the table and its sources are mapped from
            for files in (table_files, fresh_files):
                if files is not None:
                    files.release()

        table = _table(ordered, bounds, fresh, stored, store.parts, table_files, release)
        del fresh
        if fresh_files is not None:  # copied: the files and their mapping go
            fresh_files.remove()
            fresh_files = None
        store.parts.clear()
        # the last match's state is read once the old store has gone (both are large)
        state = incremental.load_state(state_path, result_path, result_key) if before else None
        years = np.fromiter((e.year or 0 for e in ordered), dtype=np.int64, count=len(ordered))
        # the cache files are written by threads while the index is built (numpy, hashing and file writes
        # release the GIL): the fingerprint store from now on, the shared fingerprints once they are known
        writers: list[_Writer] = []
        if use_cache:
            current = {e.sha for e in ordered}
            new, stale = current - store.base, store.base - current
            if store.checksum and len(new) + len(stale) <= ADDED_SHARE * max(len(current), 1):
                if new != store.added:  # the store stays; what it lacks goes to its additions
                    writers.append(
                        _Writer(_save_store, added_path, key, ordered, table, bounds, new, store.checksum, table_files)
                    )
            elif fresh_count or store.base != current or store.added:
                writers.append(_Writer(_save_store, store_path, key, ordered, table, bounds, None, None, table_files))
                disk.remove(added_path)
            del current, new, stale
        run_id = secrets.token_hex(8)  # ties the state file to the result file written with it

        def shared_ready(shared: Shared | SpooledShared, *, on: bool = False) -> None:
            if not use_cache:
                return
            args = (incremental.save_state, state_path, result_key, run_id, ordered, bounds, shared)
            if on:  # written on while the caller makes the reports' summaries and output
                write_later(*args)
            else:  # after a whole match the run waits: its arrays would raise the peak
                writers.append(_Writer(*args))

        origin = lineage(run_id, None, None)  # a whole match's
        try:
            update = None
            if state is not None:
                update = incremental.update(state, ordered, bounds, table["hashes"], unit_ids, old_hashes)
                if update is not None:
                    origin = lineage(run_id, state.run, update.redo)
            del state, old_hashes
            if update is not None:
                shared_ready(update.shared, on=True)  # an update's peak is behind it
                rows = incremental.rows_of(update.shared, bounds, update.redo)
                redone = spans_of_shared(update.shared.take(rows), bounds, table, unit_ids, years, settings)
                del rows
                spans = incremental.combine(update.kept, redone)
                del update, redone
                release()  # the table's pages the update went through (its hashes whole)
            else:  # every report's fingerprints as views into the table
                prints = [Prints(*(table[f][a:b] for f in PRINT_FIELDS)) for a, b in zip(bounds[:-1], bounds[1:])]
                spans = match(
                    prints,
                    unit_ids,
                    settings,
                    years=years,
                    fields=table,
                    shared_ready=shared_ready if use_cache else None,
                    spill=spill,
                    release=release,
                )
                del prints
        finally:
            for writer in writers:
                writer.join()
            writers.clear()
    result = SimilarityResult(ordered, spans, settings, origin)

    if use_cache:
        try:
            _save_result(result_path, result_key, result, all_entries, unreadable, run_id)
        except OSError:
            pass  # a read-only or full cache folder must not stop the work
    return result


class _Writer(threading.Thread):
    """Writes a cache file from a thread, started at once; a failure to write is not an error (the cache
    is optional)."""

    def __init__(self, write: Callable[..., None], *args) -> None:
        # never a daemon, even when started by one (the app's and the scan's match made ahead): the process
        # waits for the file at its exit, or the next run would find none
        super().__init__(name="shenyue-similarity-cache", daemon=False)
        self.write, self.args_ = write, args
        self.start()

    def run(self) -> None:
        try:
            self.write(*self.args_)
        except (OSError, ValueError, MemoryError):
            pass  # a read-only or full cache folder must not stop the work
        finally:
            self.args_ = ()  # what it wrote is not kept alive by a finished thread


Packed = tuple[list[np.ndarray], np.ndarray]  # one array per field of a chunk's reports, and their bounds


def _pack(prints: list[Prints]) -> Packed:
    """A chunk's fingerprints as one array per field (they travel from a worker as such: a view would be
    pickled as a copy of its own)."""
    bounds = np.zeros(len(prints) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in prints], out=bounds[1:])
    whole = [
        np.concatenate([getattr(p, f) for p in prints]) if prints else np.zeros(0, dt)
        for f, dt in zip(PRINT_FIELDS, PRINT_DTYPES)
    ]
    return whole, bounds


def _unpack(packed: Packed) -> list[Prints]:
    """Views into a chunk's arrays: large blocks that go back to the system as soon as the table has copied
    them (thousands of small arrays would stay in the heap)."""
    whole, bounds = packed
    return [Prints(*(w[a:b] for w in whole)) for a, b in zip(bounds[:-1], bounds[1:])]


def _fp_chunk(job: tuple[list[str], list[list[tuple[int, int]]], Statutory, Settings]) -> Packed:
    texts, masks, statutory, settings = job
    return _pack(fingerprint_texts(texts, statutory, settings, masks))


def _fingerprint_all(
    todo: list[Entry],
    statutory: Statutory,
    settings: Settings,
    progress: Progress | None,
    spill: Path | None = None,
) -> tuple[dict[str, Prints], FileArrays | None]:
    """Fingerprints of ``todo`` by content hash; in worker processes when there is enough text.

    A text still in the report cache (``Entry.read``) is read when its chunk goes to be fingerprinted, and
    only a few chunks are in flight: a large folder's texts are never all in memory. An entry whose text
    cannot be read back is left out of the result. With a ``spill`` folder and more than :data:`SPILL_CHARS`
    characters the fingerprints are written there chunk by chunk and given as views of the files mapped
    (returned too, to release their pages)."""
    fresh: dict[str, Prints] = {}
    total = len(todo)
    chars = sum(len(e.text) if e.text is not None else e.length for e in todo)
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    # several jobs per worker, so that the workers finish together
    size = (
        FP_CHUNK if workers < 2 or chars < PARALLEL_CHARS else min(FP_CHUNK, max(MIN_JOB, -(-total // (4 * workers))))
    )
    chunks = [todo[i : i + size] for i in range(0, total, size)]
    lost: set[int] = set()  # ids of the entries whose text could not be read

    def job(c: list[Entry]) -> tuple[list[str], list[list[tuple[int, int]]], Statutory, Settings]:
        texts = []
        for e in c:
            if e.text is None and e.read is not None:
                try:
                    texts.append(e.read())
                    continue
                except (OSError, ValueError):
                    lost.add(id(e))
            texts.append(e.text or "")
        return texts, [e.mask for e in c], statutory, settings

    def here(c: list[Entry]) -> Packed:
        texts, masks, *_ = job(c)
        return _pack(fingerprint_texts(texts, statutory, settings, masks))

    def results() -> Iterator[Packed]:
        pool = None
        if workers > 1 and len(chunks) > 1 and chars >= PARALLEL_CHARS:
            try:
                pool = process_pool(workers)
            except (OSError, ValueError, RuntimeError):  # no processes here (a sandbox): do it in this one
                pool = None
        if pool is None:
            for c in chunks:
                yield here(c)
            return
        got = 0
        waiting: deque = deque()
        try:
            try:
                for c in chunks:  # a few chunks in flight, their texts read as they are sent
                    waiting.append(pool.submit(_fp_chunk, job(c)))
                    if len(waiting) > 2 * workers:
                        yield waiting.popleft().result()
                        got += 1
                while waiting:
                    yield waiting.popleft().result()
                    got += 1
            except (BrokenProcessPool, OSError, RuntimeError):  # a worker died (killed, out of memory): finish here
                waiting.clear()
                for c in chunks[got:]:
                    yield here(c)
        finally:
            pool.shutdown(cancel_futures=True)

    spool = None
    if spill is not None and chars > SPILL_CHARS:
        try:
            spool = Spool(spill, "fresh", list(zip(PRINT_FIELDS, PRINT_DTYPES)))
        except OSError:
            spool = None
    spooled: dict[str, tuple[int, int]] = {}  # content hash -> start and count in the spool
    done = 0
    for chunk, packed in zip(chunks, results()):
        at = None
        if spool is not None and spool.writable:
            try:
                at = spool.append(packed[0])
            except OSError:  # the disk is full: this chunk and the next ones stay in memory
                spool.writable = False
        if at is not None:
            bounds = packed[1]
            for i, e in enumerate(chunk):
                if id(e) not in lost:
                    spooled[e.sha] = (at + int(bounds[i]), int(bounds[i + 1] - bounds[i]))
        else:
            for e, pr in zip(chunk, _unpack(packed)):
                if id(e) not in lost:
                    fresh[e.sha] = pr
        del packed
        for e in chunk:
            e.text = None
            e.mask = []  # not needed any more; a large folder's texts should not stay in memory
        done += len(chunk)
        if progress:
            progress(done, total, chunk[-1].rel)
    if spool is None or not spooled:
        if spool is not None:
            spool.close()
        return fresh, None
    files = spool.mapped()
    arrays = [files.arrays[f] for f in PRINT_FIELDS]
    for sha, (a, n) in spooled.items():
        fresh[sha] = Prints(*(arr[a : a + n] for arr in arrays))
    return fresh, files


def _spans_of(rows) -> list[tuple[int, int]]:
    """Spans read back from a cache header (a damaged one raises ValueError/TypeError: the cache is rebuilt)."""
    return [(int(a), int(b)) for a, b in rows]


def _table(
    ordered: list[Entry],
    bounds: np.ndarray,
    fresh: dict[str, Prints],
    stored: dict[str, _Stored],
    parts: list[dict[str, np.ndarray]],
    files: FileArrays | None = None,
    release: Callable[[], None] | None = None,
) -> dict[str, np.ndarray]:
    """Every report's fingerprints (fresh, or from the store) copied once into one array per field.

    Reports that lie one after the other in the store (it is written in this order) are copied as one
    run: after a few edits, a handful of copies instead of one per report and field. A fresh report's
    fingerprints leave ``fresh`` once copied (the chunk arrays they are views of go with the last of them:
    fingerprinted in this order, about one chunk is held at a time besides the table); a content held
    twice is copied from the table.

    With ``files`` the table is theirs (a large folder's, mapped from the spill folder), and ``release``
    is called every few million fingerprints copied, so that the pages copied do not stay this process's.
    """
    if files is not None:
        table = files.arrays
    else:
        table = {f: np.empty(int(bounds[-1]), dtype=dt) for f, dt in zip(PRINT_FIELDS, PRINT_DTYPES)}
    copied = [0]

    def copy(a: int, n: int, source: Callable[[str], np.ndarray]) -> None:
        for f in PRINT_FIELDS:
            table[f][a : a + n] = source(f)
        copied[0] += n
        if release is not None and copied[0] >= RELEASE_EVERY:
            release()
            copied[0] = 0

    run: list = []  # [table start, part, store start, length] of the stored run being gathered
    placed: dict[str, int] = {}  # where the fresh contents went in the table

    def flush() -> None:
        if run:
            a, part, start, n = run
            # a block at a time (after a few edits a run is most of the store): the store file's pages
            # go back once copied, and the table's as ``copy`` says, so that neither stays the process's
            for at in range(0, n, RELEASE_EVERY):
                m = min(RELEASE_EVERY, n - at)
                copy(a + at, m, lambda f: parts[part][f][start + at : start + at + m])  # noqa: B023 (used at once)
                for f in PRINT_FIELDS:
                    disk.hand_back_rows(parts[part][f], start + at, start + at + m)
            run.clear()

    for i, e in enumerate(ordered):
        a, b = int(bounds[i]), int(bounds[i + 1])
        if a == b:
            continue
        pr = fresh.pop(e.sha, None)
        if pr is not None:
            flush()
            copy(a, b - a, partial(getattr, pr))
            placed[e.sha] = a
            del pr
            continue
        if e.sha in placed:  # the same content again
            flush()
            at = placed[e.sha]
            copy(a, b - a, lambda f: table[f][at : at + b - a])  # noqa: B023 (used at once)
            continue
        known = stored[e.sha]
        if run and run[1] == known.part and run[0] + run[3] == a and run[2] + run[3] == known.start:
            run[3] += b - a
        else:
            flush()
            run.extend((a, known.part, known.start, b - a))
    flush()
    if release is not None:
        release()
    return table


def _save_store(
    path: Path,
    key: str,
    ordered: list[Entry],
    table: dict[str, np.ndarray],
    bounds: np.ndarray,
    only: set[str] | None = None,
    base: str | None = None,
    files: FileArrays | None = None,
) -> None:
    """Write the store of every report's fingerprints, or (``only``) the additions file of those contents,
    naming the store it adds to by its checksum ``base``. A table in ``files`` is streamed from them."""
    seen: set[str] = set()
    header_entries = []
    keep: list[tuple[int, int]] = []  # fingerprint ranges of the reports stored (one per content)
    for i, e in enumerate(ordered):
        if e.sha in seen or (only is not None and e.sha not in only):
            continue
        seen.add(e.sha)
        a, b = int(bounds[i]), int(bounds[i + 1])
        header_entries.append([e.sha, e.unit, e.year, e.length, b - a, [list(x) for x in e.outside]])
        keep.append((a, b))
    arrays: dict[str, np.ndarray | disk.Spilled]
    if len(keep) == len(ordered):  # no content twice: the table is the store as it is
        arrays = {f: files.spilled(f) for f in PRINT_FIELDS} if files is not None else dict(table)
    else:
        pick = np.concatenate([np.arange(a, b, dtype=np.int64) for a, b in keep]) if keep else np.zeros(0, np.int64)
        arrays = {f: table[f][pick] for f in PRINT_FIELDS}
    header = {"kind": "prints", "key": key, "entries": header_entries}
    if only is not None:
        header.update({"kind": "prints-added", "base": base})
    disk.write_blob(path, header, arrays)


def _save_result(
    path: Path, key: str, result: SimilarityResult, all_entries: list[Entry], unreadable: list[Entry], run_id: str
) -> None:
    header = {
        "kind": "result",
        "key": key,
        "run": run_id,
        "signature": _signature(key, all_entries),
        "entries": [[e.rel, e.sha, e.unit, e.year, e.length, [list(x) for x in e.outside]] for e in result.entries],
        "unreadable": [[e.rel, e.sha] for e in unreadable],  # same files, same content: still unreadable
    }
    arrays = {name: getattr(result.arrays, name) for name in SpanArrays.FIELDS}
    disk.write_blob(path, header, arrays)


def _load_result(
    path: Path, key: str, entries: list[Entry], settings: Settings
) -> tuple[SimilarityResult, str | None] | None:
    """The cached result for exactly these reports, and its run id."""
    got = disk.read_blob(path, {"kind": "result", "key": key, "signature": _signature(key, entries)})
    if got is None:
        return None
    header, arrays = got
    try:
        by_rel = {e.rel: e for e in entries}
        ordered = []
        for rel, sha, unit, year, length, outside in header["entries"]:
            e = by_rel[rel]
            if e.sha != sha:
                return None
            e.unit, e.year, e.length = unit, year, int(length)
            e.outside = e.outside or _spans_of(outside)
            ordered.append(e)
        skipped = {rel: sha for rel, sha in header.get("unreadable", [])}
        if len(ordered) + len(skipped) != len(entries):
            return None
        if any(by_rel.get(rel) is None or by_rel[rel].sha != sha for rel, sha in skipped.items()):
            return None
        spans = SpanArrays(*(arrays[name] for name in SpanArrays.FIELDS))
        n = len(spans.report)
        if any(len(arrays[name]) != n for name in SpanArrays.FIELDS):
            return None
        if n and (spans.report.max() >= len(ordered) or spans.other.max() >= len(ordered)):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    run = header.get("run")
    return SimilarityResult(ordered, spans, settings), run if isinstance(run, str) else None
