"""The copy index found a part of the hash space at a time gives exactly the spans of the one-sort index."""

from __future__ import annotations

import numpy as np
import pytest

from shenyue.analysis.scan import scan_folder
from shenyue.analysis.similarity import find_copies, index
from shenyue.analysis.similarity.fingerprint import Prints
from shenyue.analysis.similarity.partition import shared_in_parts


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
def test_the_shared_fingerprints_are_the_same_whatever_the_parts(seed, parts):
    rng = np.random.default_rng(seed)
    prints, units = random_prints(rng, 60)
    bounds = np.zeros(len(prints) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in prints], out=bounds[1:])
    whole = index._shared(prints, bounds, units)
    split = shared_in_parts(prints, bounds, units, parts)
    assert whole[0].size > 0
    for a, b in zip(whole, split):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b)


def test_a_folder_matched_in_parts_gives_the_same_spans(samples_copy, monkeypatch):
    # a copy of a sample under other names: shared text across units and years
    text = (samples_copy / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    (samples_copy / "copy-a.txt").write_text(text.replace("西区", "东区"), encoding="utf-8")
    (samples_copy / "copy-b.txt").write_text(text[: len(text) // 2], encoding="utf-8")
    reports = scan_folder(samples_copy, cache=False).reports
    whole = find_copies(reports, folder=samples_copy, cache=False)
    calls = []
    real = index._shared

    def spy(*args, **kwargs):
        calls.append(kwargs.get("bits"))
        return real(*args, **kwargs)

    monkeypatch.setattr(index, "_shared", spy)
    monkeypatch.setattr("shenyue.analysis.similarity.partition._shared", spy)
    monkeypatch.setattr(index, "PART_FINGERPRINTS", 500)
    split = find_copies(reports, folder=samples_copy, cache=False)
    assert len(calls) > 2 and all(bits is not None for bits in calls)  # really matched in parts
    assert len(whole) > 0
    for name in index.SpanArrays.FIELDS:
        assert np.array_equal(getattr(split.arrays, name), getattr(whole.arrays, name)), name
    assert split.to_json_text() == whole.to_json_text()


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
