"""The per-report analysis cache: a warm scan reads only what changed, and never trusts a bad entry."""

from __future__ import annotations

import os

import pytest

from shenyue.analysis import report_cache, scan
from shenyue.analysis.scan import analyse_copies, scan_folder
from shenyue.cli import main
from shenyue.cli.scan import scan_json


@pytest.fixture
def reads(monkeypatch):
    """The files the scan really read (a cache hit reads none)."""
    seen: list[str] = []
    real = scan.read_document

    def counting(path, *args, **kwargs):
        seen.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(scan, "read_document", counting)
    return seen


def full_scan(folder, **kwargs):
    result = scan_folder(folder, **kwargs)
    analyse_copies(result.reports, folder=folder, cache=kwargs.get("cache", True))
    return result


def snapshot(result):
    """Everything a user sees of a scan: the JSON (sections, findings, copy shares) and the typed model."""
    model = [
        (r.doc, r.kind, r.sections, r.preamble, r.chrome, r.table_spans, r.tables, r.findings, r.title, r.unit_key)
        for r in result.reports
    ]
    return scan_json(result), model, [r.copy.to_json() for r in result.reports]


def entries():
    return sorted(p for p in report_cache.cache_root().rglob("*.bin"))


def test_a_warm_scan_reads_nothing_and_equals_the_cold_scan_exactly(samples_copy, reads):
    cold = full_scan(samples_copy)
    n = len(cold.reports)
    assert n >= 5 and len(reads) == n and len(entries()) == n
    reads.clear()
    warm = full_scan(samples_copy)
    assert reads == []
    assert snapshot(warm) == snapshot(cold)
    uncached = full_scan(samples_copy, cache=False)
    assert snapshot(uncached) == snapshot(cold)


def test_a_changed_file_is_read_again_and_only_it(samples_copy, reads):
    full_scan(samples_copy)
    target = samples_copy / "zhongshan-city-2021.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n本年度未发生其他需要报告的事项。XX\n", encoding="utf-8")
    reads.clear()
    warm = full_scan(samples_copy)
    assert reads == [target.name]
    fresh = full_scan(samples_copy, cache=False)
    assert snapshot(warm) == snapshot(fresh)
    assert warm.report(target.name).text.endswith("XX\n")


def test_the_same_content_under_another_name_is_a_hit_with_its_own_name(samples_copy, reads):
    full_scan(samples_copy)
    (samples_copy / "zhongshan-city-2021.txt").rename(samples_copy / "renamed-2021.txt")
    reads.clear()
    warm = scan_folder(samples_copy)
    assert reads == []
    moved = warm.report("renamed-2021.txt")
    assert moved is not None and moved.path == samples_copy / "renamed-2021.txt"


def test_a_changed_setting_reads_everything_again(samples_copy, reads):
    scan_folder(samples_copy)
    n = len(reads)
    reads.clear()
    scan_folder(samples_copy, deadlines={"government": "02-28"})
    assert len(reads) == n
    reads.clear()
    scan_folder(samples_copy, max_pages=7)
    assert len(reads) == n
    reads.clear()
    scan_folder(samples_copy, checks=False)
    assert len(reads) == n
    reads.clear()
    scan_folder(samples_copy)  # the first settings again: their entries are still there
    assert reads == []


def test_changed_analysis_code_reads_everything_again(samples_copy, reads, monkeypatch):
    scan_folder(samples_copy)
    n = len(reads)
    reads.clear()
    monkeypatch.setattr(report_cache, "analysis_stamp", lambda: "another-version")
    scan_folder(samples_copy)
    assert len(reads) == n


def test_truncated_corrupt_and_foreign_entries_are_ignored_and_rebuilt(samples_copy, reads):
    cold = full_scan(samples_copy)
    paths = entries()
    truncated, flipped, garbage = paths[0], paths[1], paths[2]
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])  # a run killed while the disk had half of it
    data = bytearray(flipped.read_bytes())
    data[-10] ^= 0xFF
    flipped.write_bytes(bytes(data))
    garbage.write_bytes(b"not a cache entry at all")
    reads.clear()
    warm = full_scan(samples_copy)
    assert len(reads) == 3
    assert snapshot(warm) == snapshot(cold)
    # rebuilt: the next scan reads nothing
    reads.clear()
    scan_folder(samples_copy)
    assert reads == []


def test_an_entry_made_with_another_secret_is_not_trusted(samples_copy, reads, monkeypatch, tmp_path):
    scan_folder(samples_copy)
    n = len(reads)
    reads.clear()
    # another machine's (or user's) cache copied in: same names, a MAC made with another key
    monkeypatch.setenv("SHENYUE_DATA_DIR", str(tmp_path / "other-data"))
    scan_folder(samples_copy)
    assert len(reads) == n


def test_an_entry_moved_to_another_name_is_not_trusted(samples_copy, reads):
    scan_folder(samples_copy)
    a, b = entries()[:2]
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)  # each payload is genuine, but under the other file's name
    b.write_bytes(data_a)
    reads.clear()
    scan_folder(samples_copy)
    assert len(reads) == 2


def test_a_killed_write_leaves_only_a_temporary_file_that_is_never_read(samples_copy, monkeypatch):
    def killed(src, dst):
        raise KeyboardInterrupt  # the process dies between writing and renaming

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(report_cache.os, "replace", killed)
        scan_folder(samples_copy)
    assert entries() == []
    temps = list(report_cache.cache_root().rglob("*.tmp"))
    assert temps  # the half-done write is there, under a name no lookup uses
    old = os.stat(temps[0]).st_mtime - 2 * report_cache.STALE_TEMP
    for p in temps:
        os.utime(p, (old, old))
    report_cache.prune()
    assert list(report_cache.cache_root().rglob("*.tmp")) == []


def test_a_cache_folder_others_can_write_to_is_not_used(samples_copy, reads):
    scan_folder(samples_copy)
    n = len(reads)
    report_cache.cache_root().chmod(0o777)
    reads.clear()
    result = scan_folder(samples_copy)
    assert len(reads) == n and len(result.reports) == n  # the scan works, without the cache


def test_the_cache_is_bounded_and_the_oldest_entries_go_first(samples_copy):
    scan_folder(samples_copy)
    paths = entries()
    for age, p in enumerate(paths):  # entries[0] oldest
        stamp = 1_000_000 + age * 100
        os.utime(p, (stamp, stamp))
    sizes = [p.stat().st_size for p in paths]
    report_cache.prune(max_bytes=sum(sizes) - 1)
    left = entries()
    assert paths[0] not in left and paths[-1] in left
    assert sum(p.stat().st_size for p in left) <= (sum(sizes) - 1)


def test_an_unusable_cache_folder_does_not_stop_the_scan(samples_copy, reads):
    root = report_cache.cache_root()
    root.parent.mkdir(parents=True)
    root.write_text("a file where the folder should be")
    result = scan_folder(samples_copy)
    assert len(result.reports) == len(reads) >= 5


def test_the_cache_command_shows_and_clears_the_cache(samples_copy, capsys):
    assert main(["scan", str(samples_copy), "--json"]) == 0
    capsys.readouterr()
    assert entries()
    assert main(["cache"]) == 0
    shown = capsys.readouterr().out
    assert str(report_cache.cache_root().parent) in shown
    assert main(["cache", "--clear"]) == 0
    assert entries() == [] and not report_cache.cache_root().exists()


def test_scan_no_cache_neither_reads_nor_writes_the_cache(samples_copy, capsys):
    assert main(["scan", str(samples_copy), "--json", "--no-cache"]) == 0
    assert not report_cache.cache_root().exists() or entries() == []
