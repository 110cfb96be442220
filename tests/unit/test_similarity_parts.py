"""The copy index found a part of the hash space at a time gives exactly the spans of the one-sort index."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from shenyue.analysis.scan import scan_folder
from shenyue.analysis.similarity import engine, find_copies, incremental, index, partition
from shenyue.analysis.similarity.cache import cache_root
from shenyue.analysis.similarity.fingerprint import Prints
from shenyue.analysis.similarity.partition import shared_to_parts


def random_prints(rng, reports: int) -> tuple[list[Prints], np.ndarray]:
    """Fingerprints drawn from a small pool of hashes (big groups, many units), some differing only in
    their lowest bits (one group: those bits give way to the fingerprint number), units of one to three
    reports, as neighbours."""
    pool = rng.integers(0, 2**63, size=200, dtype=np.uint64)
    pool = np.concatenate([pool, pool[:100] ^ rng.integers(1, 2**11, size=100, dtype=np.uint64)])
    prints = []
    for _ in range(reports):
        n = int(rng.integers(0, 120))
        z = np.zeros(n, np.int32)
        prints.append(Prints(rng.choice(pool, size=n), z, z, z, z.astype(np.int8), z.astype(np.uint8)))
    units = np.sort(rng.integers(0, reports // 2 + 1, size=reports)).astype(np.int64)
    return prints, units


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("parts", [1, 2, 3, 7])
@pytest.mark.parametrize("at_once", [2, 1])
def test_the_shared_fingerprints_are_the_same_whatever_the_parts(tmp_path, monkeypatch, seed, parts, at_once):
    if seed == 5:  # a system without positioned reads (Windows): the part files are read under a lock
        monkeypatch.delattr(partition.os, "pread")
    # parts matched two at a time (a folder up to PARALLEL_PARTS_UP_TO fingerprints) or one after the other
    monkeypatch.setattr(partition, "SPAN_THREADS", at_once)
    rng = np.random.default_rng(seed)
    prints, units = random_prints(rng, 60)
    bounds = np.zeros(len(prints) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in prints], out=bounds[1:])
    whole = index._shared(prints, bounds, units)
    hashes = np.concatenate([p.hashes for p in prints])
    split = shared_to_parts(hashes, bounds, units, 3, parts, tmp_path)
    try:
        assert len(list(tmp_path.glob("part-*.bin"))) == len(split.parts) == parts  # the parts are files
        assert whole[0].size > 0 and len(split) == whole[0].size
        assert np.array_equal(split.report_rows(), np.searchsorted(whole[0], bounds))
        # read back a range of reports at a time, as the span step does, and all at once
        cuts = sorted({0, len(prints), *rng.integers(0, len(prints), size=5).tolist()})
        pieces = [split.take(a, b) for a, b in zip(cuts[:-1], cuts[1:])]
        for got in ([np.concatenate(arrays, axis=-1) for arrays in zip(*pieces)], split.take(0, len(prints))):
            for a, b in zip(whole, got):
                assert a.dtype == b.dtype and a.shape == b.shape
                assert np.array_equal(a, b)
    finally:
        split.close()


def copies_folder(samples_copy):
    """The samples and copies of one under other names: shared text across units and years."""
    text = (samples_copy / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    (samples_copy / "copy-a.txt").write_text(text.replace("西区", "东区"), encoding="utf-8")
    (samples_copy / "copy-b.txt").write_text(text[: len(text) // 2], encoding="utf-8")
    return scan_folder(samples_copy, cache=False).reports


def spill_folders() -> list:
    root = cache_root()
    return sorted(root.glob("parts-*")) if root.is_dir() else []


@pytest.mark.parametrize("cache", [False, True])
@pytest.mark.parametrize("chunk", [300, index.CHUNK])
def test_a_folder_matched_in_parts_gives_the_same_spans(samples_copy, monkeypatch, cache, chunk):
    reports = copies_folder(samples_copy)
    monkeypatch.setattr(index, "PART_FINGERPRINTS", None)
    whole = find_copies(reports, folder=samples_copy, cache=False)
    calls = []
    real = index._shared

    def spy(*args, **kwargs):
        calls.append(kwargs.get("bits"))
        return real(*args, **kwargs)

    monkeypatch.setattr("shenyue.analysis.similarity.partition._shared", spy)
    monkeypatch.setattr(index, "PART_FINGERPRINTS", 500)
    monkeypatch.setattr(index, "CHUNK", chunk)  # spans made from rows of every part merged, a few reports at a time
    monkeypatch.setattr(engine, "SPILL_CHARS", 0)  # the fingerprints and the table in files too
    monkeypatch.setattr(partition, "GATHER_WINDOW", 256)  # the source places read in many windows
    gathered = []
    real_gather = partition.MappedFields.gather
    monkeypatch.setattr(partition.MappedFields, "gather", lambda self, *a: gathered.append(1) or real_gather(self, *a))
    mapped = []
    real_init = partition.FileArrays.__init__
    monkeypatch.setattr(
        partition.FileArrays,
        "__init__",
        lambda self, paths, *a, **k: mapped.extend(paths) or real_init(self, paths, *a, **k),
    )
    split = find_copies(reports, folder=samples_copy, cache=cache)
    engine.wait_for_writes()
    assert len(calls) > 2 and all(bits is not None for bits in calls)  # really matched in parts
    assert mapped and all(name in mapped for name in engine.PRINT_FIELDS)  # the table and fresh prints were files
    assert gathered  # the span step read the source places from the mapped table a window at a time
    assert len(whole) > 0
    for name in index.SpanArrays.FIELDS:
        assert np.array_equal(getattr(split.arrays, name), getattr(whole.arrays, name)), name
    assert split.to_json_text() == whole.to_json_text()
    assert spill_folders() == []  # the part files went with the run


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("case", ["append", "added", "removed", "several"])
def test_the_state_written_from_parts_updates_the_index_like_a_whole_match(tmp_path, monkeypatch, seed, case):
    from tests.unit.test_similarity_incremental import Folder, change, run, same

    monkeypatch.setattr(index, "group_bits", lambda n: 20)
    monkeypatch.setattr(incremental, "group_bits", lambda n: 20)
    monkeypatch.setattr(partition, "group_bits", lambda n: 20)
    monkeypatch.setattr(index, "PART_FINGERPRINTS", 300)
    monkeypatch.setattr(engine, "SPILL_CHARS", 0)
    updates = []
    real = incremental.update
    monkeypatch.setattr(incremental, "update", lambda *a: updates.append(real(*a)) or updates[-1])
    parts = []
    real_add = partition.SharedParts.add
    monkeypatch.setattr(partition.SharedParts, "add", lambda self, arrays: parts.append(1) or real_add(self, arrays))
    folder = Folder(seed)
    first = run(tmp_path, folder.entries())
    assert len(first.arrays) > 0 and updates == [] and len(parts) > 2  # matched in parts
    # the state on disk is the shared fingerprints of a match in memory, though never whole in memory here
    split_state = load_state(first)
    monkeypatch.setenv("SHENYUE_CACHE_DIR", str(tmp_path / "whole-cache"))
    monkeypatch.setattr(index, "PART_FINGERPRINTS", None)
    whole_state = load_state(run(tmp_path, folder.entries()))
    for name in ("order", "hold", "hrep", "nrp", "nup", "bits", "threshold"):
        a, b = getattr(split_state.shared, name), getattr(whole_state.shared, name)
        assert np.array_equal(a, b) and np.asarray(a).dtype == np.asarray(b).dtype, name
    assert np.array_equal(split_state.bounds, whole_state.bounds)
    # and the next run, after a change, updates the index from it
    monkeypatch.setenv("SHENYUE_CACHE_DIR", str(tmp_path.parent / (tmp_path.name + "-split")))
    monkeypatch.setattr(index, "PART_FINGERPRINTS", 300)
    run(tmp_path, folder.entries())
    change(folder, case)
    updated = run(tmp_path, folder.entries())
    assert len(updates) == 1 and updates[0] is not None, "the index was matched whole, not updated"
    same(updated, run(tmp_path, folder.entries(), cache=False))


def load_state(result):
    root = cache_root()
    state = incremental.load_state(next(root.glob("shared-*.bin")), next(root.glob("result-*.bin")), result.lineage.key)
    assert state is not None
    return state


def test_the_spill_folders_of_killed_runs_are_removed(tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"parts-{int(gone.stdout)}-abc"
    mine = tmp_path / f"parts-{os.getpid()}-abc"
    for folder in (dead, mine):
        folder.mkdir()
        (folder / "part-0.bin").write_bytes(b"x" * 100)
    with partition.spill_folder(tmp_path) as spill:
        assert spill is not None and spill.is_dir() and spill.parent == tmp_path
        assert not dead.exists() and mine.exists()  # another run of this process may still use its folder
    assert not spill.exists()


def test_without_a_spill_folder_the_index_is_matched_in_memory(samples_copy, monkeypatch):
    reports = copies_folder(samples_copy)
    whole = find_copies(reports, folder=samples_copy, cache=False)

    def refuse(*args, **kwargs):
        raise PermissionError("read-only cache folder")

    monkeypatch.setattr(partition.tempfile, "mkdtemp", refuse)
    monkeypatch.setattr(index, "PART_FINGERPRINTS", 500)
    split = find_copies(reports, folder=samples_copy, cache=True)
    assert split.to_json_text() == whole.to_json_text() and len(whole) > 0


@pytest.mark.parametrize("threads", [1, 2])
def test_spans_made_chunk_by_chunk_in_threads_are_the_spans_of_one_chunk(samples_copy, monkeypatch, threads):
    text = (samples_copy / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    for i in range(4):  # several reports sharing text: several chunks of shared fingerprints
        (samples_copy / f"copy-{i}.txt").write_text(text.replace("西区", "东南西北"[i] + "区"), encoding="utf-8")
    reports = scan_folder(samples_copy, cache=False).reports
    whole = find_copies(reports, folder=samples_copy, cache=False)
    chunks = []
    real = index._spans

    def spy(order, *args):
        chunks.append(len(order))
        return real(order, *args)

    monkeypatch.setattr(index, "_spans", spy)
    monkeypatch.setattr(index, "CHUNK", 300)
    monkeypatch.setattr(index, "SPAN_THREADS", threads)
    split = find_copies(reports, folder=samples_copy, cache=False)
    assert len(chunks) > 3 and len(whole) > 0
    for name in index.SpanArrays.FIELDS:
        assert np.array_equal(getattr(split.arrays, name), getattr(whole.arrays, name)), name
    assert split.to_json_text() == whole.to_json_text()


@pytest.mark.parametrize("fails", ["fingerprints", "table", "parts"])
def test_a_full_disk_in_the_spill_folder_costs_memory_not_the_run(samples_copy, monkeypatch, fails):
    reports = copies_folder(samples_copy)
    whole = find_copies(reports, folder=samples_copy, cache=False)
    monkeypatch.setattr(index, "PART_FINGERPRINTS", 500)
    monkeypatch.setattr(engine, "SPILL_CHARS", 0)
    monkeypatch.setattr(engine, "FP_CHUNK", 2)  # several chunks: the disk fills after the first
    writes = []

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if fails == "fingerprints":
        real_write = partition.Spool.write
        monkeypatch.setattr(
            partition.Spool,
            "write",
            lambda self, *a: (writes.append(1), full() if len(writes) > 6 else real_write(self, *a))[1],
        )
    elif fails == "table":
        monkeypatch.setattr(partition.FileArrays, "create", classmethod(lambda cls, *a: full()))
    else:
        monkeypatch.setattr(partition.SharedParts, "add", lambda self, arrays: full())
    split = find_copies(reports, folder=samples_copy, cache=True)
    engine.wait_for_writes()
    assert split.to_json_text() == whole.to_json_text() and len(whole) > 0
    assert spill_folders() == []
    if fails == "fingerprints":
        assert len(writes) > 6  # the disk filled during the fingerprints, after some were written


@pytest.mark.parametrize("window", [8, 100, 1 << 20])
def test_places_gathered_from_mapped_files_a_window_at_a_time_are_those_indexed(tmp_path, monkeypatch, window):
    monkeypatch.setattr(partition, "GATHER_WINDOW", window)
    rng = np.random.default_rng(7)
    n = 5000
    files = partition.FileArrays.create(tmp_path, "t", n, [("a", np.int32), ("b", np.int8), ("c", np.int64)])
    for name in ("a", "b", "c"):
        files.arrays[name][:] = rng.integers(-100, 100, n)
    for places in (rng.integers(0, n, 3000), np.array([0, n - 1, n - 1, 0, 17]), np.array([4], np.int64)):
        got = files.arrays.gather(("a", "b", "c"), places)
        for name, array in zip(("a", "b", "c"), got):
            assert array.dtype == files.arrays[name].dtype
            assert np.array_equal(array, files.arrays[name][places]), name
    files.remove()
