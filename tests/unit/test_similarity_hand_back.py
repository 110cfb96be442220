"""The copy index maps its cache files (the store, the last state) and reads them once: the pages read go
back to the file cache (hand_back_rows), so that they do not stay counted in the process (an update at
10,000 reports peaked at 752 MB, 386 MB with them handed back), and the arrays still read the same."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from shenyue.analysis.similarity import cache as disk
from shenyue.fsutil import CAN_HAND_BACK


def resident_kb(path) -> int:
    """This process's resident pages of the file ``path`` mapped (Linux: /proc/self/smaps)."""
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as smaps:
        for line in smaps:
            head = line.split()
            if len(head) >= 5 and "-" in head[0] and ":" not in head[0]:
                inside = line.rstrip("\n").endswith(str(path))
            elif inside and line.startswith("Rss:"):
                total += int(head[1])
    return total


LINUX = pytest.mark.skipif(
    not (CAN_HAND_BACK and sys.platform.startswith("linux")), reason="page residency is read from Linux's /proc"
)


@pytest.fixture()
def blob(tmp_path):
    path = tmp_path / "state.bin"
    values = np.arange(2_000_000, dtype=np.int64)
    holders = np.arange(3 * 500_000, dtype=np.int32)
    disk.write_blob(path, {"kind": "test"}, {"values": values, "hold": holders})
    header, arrays = disk.read_blob(path, {"kind": "test"})
    return path, values, holders, arrays


@LINUX
def test_the_pages_of_rows_read_go_back_and_the_rows_read_the_same(blob):
    path, values, _, arrays = blob
    got = arrays["values"]
    assert int(got.sum()) == int(values.sum())  # every page read
    before = resident_kb(path)
    assert before >= 15_000  # 16 MB of values
    disk.hand_back_rows(got, 0, len(got) // 2)
    after = resident_kb(path)
    assert after <= before - 7_000  # the first half's pages went back
    assert np.array_equal(got, values)  # read again from the file cache, the same
    disk.hand_back_rows(got)
    assert resident_kb(path) <= 200


@LINUX
def test_a_row_of_a_table_of_holders_goes_back(blob):
    path, _, holders, arrays = blob
    hold = arrays["hold"].reshape(3, 500_000)
    assert int(hold.sum()) == int(holders.sum())
    before = resident_kb(path)
    disk.hand_back_rows(hold[1], 0, 500_000)  # one row: 2 MB (the system may drop a neighbour's pages with them)
    assert resident_kb(path) <= before - 1_800
    assert np.array_equal(hold.ravel(), holders)


def test_arrays_in_memory_and_empty_ranges_are_left_alone():
    values = np.arange(1000, dtype=np.int64)
    disk.hand_back_rows(values, 0, 500)
    disk.hand_back_rows(values[::2], 0, 10)  # not contiguous
    disk.hand_back_rows(values, 10, 5)
    assert np.array_equal(values, np.arange(1000))
