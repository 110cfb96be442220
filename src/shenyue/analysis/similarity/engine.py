"""Running the detector over a folder's reports, with the disk cache."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from shenyue.analysis.similarity import cache as disk
from shenyue.analysis.similarity.fingerprint import Prints, fingerprint_texts
from shenyue.analysis.similarity.index import SpanArrays, match
from shenyue.analysis.similarity.result import Entry, SimilarityResult
from shenyue.analysis.similarity.settings import DEFAULT, Settings
from shenyue.analysis.similarity.statutory import Statutory, load_statutory

if TYPE_CHECKING:
    from shenyue.model.units import UnitMap

# progress(done, total, name)
Progress = Callable[[int, int, str], None]
# loader(entries): fills text, unit and year of entries the cache does not know; returns those it could read
Loader = Callable[[list[Entry]], list[Entry]]

PRINT_FIELDS = ("hashes", "vpos", "ostart", "oend", "back", "ahead")
PRINT_DTYPES = (np.uint64, np.int32, np.int32, np.int32, np.int8, np.uint8)
FP_CHUNK = 200  # reports fingerprinted between two progress reports


@dataclass(slots=True)
class _Stored:
    unit: str | None
    year: int | None
    length: int
    start: int
    count: int


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
    if statutory is None:
        statutory = load_statutory(folder, simplify=settings.simplify)
    key = engine_key(settings, statutory)
    result_key = key + "-" + (units.digest if units is not None else "")
    fkey = disk.folder_key(folder) if folder is not None else "default"
    root = disk.cache_root()
    result_path = root / f"result-{fkey}.bin"
    store_path = root / f"prints-{fkey}.bin"

    all_entries = list(entries)
    if use_cache:
        cached = _load_result(result_path, result_key, entries, settings)
        if cached is not None:
            _apply_units(cached.entries, units)
            return cached

    stored: dict[str, _Stored] = {}
    arrays: dict[str, np.ndarray] = {}
    if use_cache:
        got = disk.read_blob(store_path, {"kind": "prints", "key": key})
        if got is not None:
            header, arrays = got
            try:
                pos = 0
                for sha, unit, year, length, count in header["entries"]:
                    stored[sha] = _Stored(unit, year, int(length), pos, int(count))
                    pos += int(count)
                if pos != len(arrays["hashes"]) or any(len(arrays[f]) != pos for f in PRINT_FIELDS):
                    raise ValueError("inconsistent store")
            except (KeyError, TypeError, ValueError):
                stored, arrays = {}, {}

    for e in entries:
        known = stored.get(e.sha)
        if known is not None:
            e.unit, e.year, e.length = known.unit, known.year, known.length
    missing = [e for e in entries if e.sha not in stored]
    need_text = [e for e in missing if e.text is None]
    unreadable: list[Entry] = []
    if need_text:
        if loader is None:
            raise ValueError("reports without text and no loader")
        loaded = {id(e) for e in loader(need_text)}
        unreadable = [e for e in need_text if id(e) not in loaded or e.text is None]
        entries = [e for e in entries if e.sha in stored or e.text is not None]
        missing = [e for e in missing if e.text is not None]

    for e in missing:
        e.length = len(e.text or "")
    fresh: dict[str, Prints] = {}
    todo = list({e.sha: e for e in missing}.values())
    total = len(todo)
    for i in range(0, total, FP_CHUNK):
        chunk = todo[i : i + FP_CHUNK]
        masks = [e.mask for e in chunk]
        for e, pr in zip(chunk, fingerprint_texts([e.text or "" for e in chunk], statutory, settings, masks)):
            fresh[e.sha] = pr
            e.text = None
            e.mask = []  # not needed any more; a large folder's texts should not stay in memory
        if progress:
            progress(min(total, i + FP_CHUNK), total, chunk[-1].rel)

    _apply_units(entries, units)
    ordered, unit_ids = _order(entries)
    prints: list[Prints] = []
    for e in ordered:
        pr = fresh.get(e.sha)
        if pr is None:
            st = stored[e.sha]
            a, b = st.start, st.start + st.count
            pr = Prints(*(arrays[f][a:b] for f in PRINT_FIELDS))
        prints.append(pr)
    years = np.fromiter((e.year or 0 for e in ordered), dtype=np.int64, count=len(ordered))
    spans = match(prints, unit_ids, settings, years=years)
    result = SimilarityResult(ordered, spans, settings)

    if use_cache:
        try:
            _save_store(store_path, key, ordered, prints)
            _save_result(result_path, result_key, result, all_entries, unreadable)
        except OSError:
            pass  # a read-only or full cache folder must not stop the work
    return result


def _save_store(path: Path, key: str, ordered: list[Entry], prints: list[Prints]) -> None:
    seen: set[str] = set()
    header_entries = []
    parts: list[Prints] = []
    for e, pr in zip(ordered, prints):
        if e.sha in seen:
            continue
        seen.add(e.sha)
        header_entries.append([e.sha, e.unit, e.year, e.length, len(pr)])
        parts.append(pr)
    arrays = {
        f: np.concatenate([getattr(p, f) for p in parts]) if parts else np.zeros(0, dt)
        for f, dt in zip(PRINT_FIELDS, PRINT_DTYPES)
    }
    disk.write_blob(path, {"kind": "prints", "key": key, "entries": header_entries}, arrays)


def _save_result(path: Path, key: str, result: SimilarityResult, all_entries: list[Entry], unreadable: list[Entry]) -> None:
    header = {
        "kind": "result",
        "key": key,
        "signature": _signature(key, all_entries),
        "entries": [[e.rel, e.sha, e.unit, e.year, e.length] for e in result.entries],
        "unreadable": [[e.rel, e.sha] for e in unreadable],  # same files, same content: still unreadable
    }
    arrays = {name: getattr(result.arrays, name) for name in SpanArrays.FIELDS}
    disk.write_blob(path, header, arrays)


def _load_result(path: Path, key: str, entries: list[Entry], settings: Settings) -> SimilarityResult | None:
    got = disk.read_blob(path, {"kind": "result", "key": key, "signature": _signature(key, entries)})
    if got is None:
        return None
    header, arrays = got
    try:
        by_rel = {e.rel: e for e in entries}
        ordered = []
        for rel, sha, unit, year, length in header["entries"]:
            e = by_rel[rel]
            if e.sha != sha:
                return None
            e.unit, e.year, e.length = unit, year, int(length)
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
    return SimilarityResult(ordered, spans, settings)
