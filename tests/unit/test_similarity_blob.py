"""A cache file written from arrays in memory, from spilled files and from arrays made a piece at a time
reads back the same; a stream that gives the wrong count of items leaves no file, and the file it would
have replaced stays."""

from __future__ import annotations

import numpy as np
import pytest

from shenyue.analysis.similarity import cache as disk


def pieces_of(array: np.ndarray, size: int):
    return lambda: (array[a : a + size] for a in range(0, len(array), size))


def test_arrays_in_memory_spilled_and_streamed_read_back_the_same(tmp_path):
    rng = np.random.default_rng(3)
    whole = rng.integers(-5, 1 << 30, size=10_007, dtype=np.int64)
    small = rng.integers(0, 100, size=333, dtype=np.int32)
    spilled = tmp_path / "spill.raw"
    spilled.write_bytes(small.tobytes())
    path = tmp_path / "state.bin"
    disk.write_blob(
        path,
        {"kind": "shared", "key": "k", "reports": [["甲.txt", "0" * 64, None, 2024]]},
        {
            "bounds": np.arange(5, dtype=np.int64),
            "order": disk.Streamed(np.dtype(np.int64), len(whole), pieces_of(whole, 1000)),
            "nrp": disk.Spilled(np.dtype(np.int32), [spilled]),
            "empty": disk.Streamed(np.dtype(np.int32), 0, lambda: iter(())),
            # pieces of another width are written in the stream's
            "hrep": disk.Streamed(np.dtype(np.int32), len(small), pieces_of(small.astype(np.int64), 100)),
        },
    )
    header, arrays = disk.read_blob(path, {"kind": "shared", "key": "k"})
    assert header["reports"] == [["甲.txt", "0" * 64, None, 2024]]
    assert np.array_equal(arrays["bounds"], np.arange(5))
    assert np.array_equal(arrays["order"], whole) and arrays["order"].dtype == np.int64
    assert np.array_equal(arrays["nrp"], small)
    assert len(arrays["empty"]) == 0
    assert np.array_equal(arrays["hrep"], small) and arrays["hrep"].dtype == np.int32


@pytest.mark.parametrize("made", [9, 11])
def test_a_stream_of_the_wrong_length_writes_nothing(tmp_path, made):
    path = tmp_path / "state.bin"
    disk.write_blob(path, {"kind": "shared", "key": "k"}, {"a": np.arange(3)})
    before = path.read_bytes()
    stream = disk.Streamed(np.dtype(np.int64), 10, lambda: iter([np.arange(made)]))
    with pytest.raises(ValueError):
        disk.write_blob(path, {"kind": "shared", "key": "k"}, {"a": stream})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.bin"]  # no temporary file left
