"""The copy index's cache files checked in a thread while the reports load: a file read after its check is
the checked one only when it is still the same file; rewritten or damaged since, it is read and checked
again."""

from __future__ import annotations

import numpy as np
import pytest

from shenyue.analysis.similarity import cache as disk


def write(path, value: int, kind: str = "prints") -> None:
    disk.write_blob(path, {"kind": kind, "key": "k"}, {"a": np.full(100_000, value, dtype=np.int64)})


@pytest.fixture
def checks(monkeypatch):
    """How many times a file's checksum was computed."""
    calls = []
    real = disk._checked

    def counting(path):
        calls.append(path.name)
        return real(path)

    monkeypatch.setattr(disk, "_checked", counting)
    return calls


def test_a_prefetched_file_is_checked_once_and_read_as_it_is(tmp_path, checks):
    path = tmp_path / "prints-x.bin"
    write(path, 7)
    disk.prefetch([path])
    header, arrays = disk.read_blob(path, {"kind": "prints", "key": "k"})
    assert header["kind"] == "prints" and int(arrays["a"].sum()) == 700_000
    assert checks == ["prints-x.bin"]


def test_a_read_expecting_another_kind_leaves_the_check_for_the_next_read(tmp_path, checks):
    path = tmp_path / "result-x.bin"
    write(path, 1, kind="result")
    disk.prefetch([path])
    assert disk.read_blob(path, {"kind": "result", "key": "other"}) is None
    assert disk.read_blob(path, {"kind": "result", "key": "k"}) is not None
    assert checks == ["result-x.bin"]


def test_a_read_expecting_another_file_does_not_wait_for_the_check(tmp_path, monkeypatch):
    """After an edit the last match's result is not the one wanted: its header says so at once, while the
    thread is still checking the files before it (at 100,000 reports, 10 s of checksums)."""
    import threading

    path = tmp_path / "result-x.bin"
    write(path, 1, kind="result")
    release = threading.Event()
    finished = []
    real = disk._checked

    def slow(path):
        release.wait(10)
        finished.append(path.name)
        return real(path)

    monkeypatch.setattr(disk, "_checked", slow)
    disk.prefetch([path])
    try:
        assert disk.read_blob(path, {"kind": "result", "key": "other"}) is None
        assert finished == []  # answered before the check ended
    finally:
        release.set()
    assert disk.read_blob(path, {"kind": "result", "key": "k"}) is not None  # the check is still used


def test_a_file_rewritten_after_its_check_is_read_again(tmp_path, checks):
    path = tmp_path / "shared-x.bin"
    write(path, 1)
    disk.prefetch([path])
    disk._prefetched[str(path)][0].wait()  # checked
    write(path, 2)  # another run wrote it since
    _, arrays = disk.read_blob(path, {"kind": "prints"})
    assert int(arrays["a"][0]) == 2
    assert len(checks) == 2


def test_a_file_damaged_after_its_check_is_not_trusted(tmp_path):
    path = tmp_path / "shared-x.bin"
    write(path, 1)
    disk.prefetch([path])
    disk._prefetched[str(path)][0].wait()
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x40
    path.write_bytes(bytes(data))
    assert disk.read_blob(path, {"kind": "prints"}) is None


def test_a_missing_or_foreign_file_is_none_as_without_the_prefetch(tmp_path):
    missing, foreign = tmp_path / "prints-a.bin", tmp_path / "prints-b.bin"
    foreign.write_bytes(b"not ours at all")
    disk.prefetch([missing, foreign])
    assert disk.read_blob(missing, {}) is None
    assert disk.read_blob(foreign, {}) is None


def test_checks_no_read_took_are_let_go_after_the_copy_summaries(samples_copy, capsys):
    """A scan checks its cache files ahead; the ones it did not read are not held after it (a file kept
    mapped keeps its disk space, and a long-running app scans again)."""
    from shenyue.cli import main, output_memo

    assert main(["scan", str(samples_copy), "--json"]) == 0
    for memo in output_memo.memo_root().glob("*.memo"):
        memo.unlink()
    # nothing changed: the last result is read whole, and the fingerprint store and the state are not
    assert main(["scan", str(samples_copy), "--json"]) == 0
    capsys.readouterr()
    assert disk._prefetched == {}
