"""The per-report analysis cache: a warm scan reads only what changed, and never trusts a bad entry."""

from __future__ import annotations

import json
import os
from functools import partial

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
    """Every indexed entry: (index file, its JSON document, entry name, offset in the segment, length of the
    report, length of its text, which follows it)."""
    out = []
    for idx in sorted(report_cache.cache_root().glob("seg-*.idx")):
        doc = json.loads(idx.read_bytes()[len(report_cache.IDX_MAGIC) + report_cache.MAC_SIZE :])
        out += [(idx, doc, name, offset, length, text) for name, offset, length, text in doc["entries"]]
    return out


def rewrite_index(idx, doc):
    """An index rewritten with a valid MAC (as only someone holding the user's secret could)."""
    cache = report_cache.ReportCache(report_cache.cache_root(), report_cache._secret(), doc["prefix"])
    body = json.dumps(doc).encode()
    idx.write_bytes(report_cache.IDX_MAGIC + cache._mac(idx.name.encode(), body) + body)


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


def test_truncated_and_corrupt_entries_are_ignored_and_rebuilt(samples_copy, reads):
    cold = full_scan(samples_copy)
    listed = sorted(entries(), key=lambda e: e[3])
    idx, doc = listed[0][:2]
    segment = idx.with_suffix(".pack")
    data = bytearray(segment.read_bytes())
    data[listed[1][3] + report_cache.MAC_SIZE + 40] ^= 0xFF  # one flipped byte in the second entry
    cut = listed[-1][3] + report_cache.MAC_SIZE + listed[-1][4] // 2
    segment.write_bytes(bytes(data[:cut]))  # and the disk kept only half of the last one
    reads.clear()
    warm = full_scan(samples_copy)
    assert len(reads) == 2
    assert snapshot(warm) == snapshot(cold)
    # rebuilt: the next scan reads nothing
    reads.clear()
    scan_folder(samples_copy)
    assert reads == []


def test_a_damaged_index_hides_its_whole_segment(samples_copy, reads):
    scan_folder(samples_copy)
    n = len(reads)
    idx = entries()[0][0]
    data = bytearray(idx.read_bytes())
    data[-3] ^= 0x01
    idx.write_bytes(bytes(data))
    reads.clear()
    scan_folder(samples_copy)
    assert len(reads) == n


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
    idx, doc = entries()[0][:2]
    (a, *ra), (b, *rb) = doc["entries"][:2]
    doc["entries"][:2] = [[a, *rb], [b, *ra]]  # each record is genuine, but named as the other file's
    rewrite_index(idx, doc)
    reads.clear()
    scan_folder(samples_copy)
    assert len(reads) == 2


def test_a_killed_run_leaves_a_segment_that_is_never_read(samples_copy, reads, monkeypatch):
    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(report_cache.ReportCache, "close", lambda self: (_ for _ in ()).throw(KeyboardInterrupt))
        scan_folder(samples_copy)  # killed after the segment was written, before its index
    n = len(reads)
    assert entries() == [] and list(report_cache.cache_root().glob("seg-*.pack"))
    reads.clear()
    scan_folder(samples_copy)
    assert len(reads) == n  # nothing of the killed run was trusted
    orphans = [p for p in report_cache.cache_root().glob("seg-*.pack") if not p.with_suffix(".idx").exists()]
    assert len(orphans) == 1
    old = orphans[0].stat().st_mtime - 2 * report_cache.STALE_TEMP
    os.utime(orphans[0], (old, old))
    report_cache.prune()
    assert not orphans[0].exists() and entries()  # the orphan goes, the good segment stays


def test_a_cache_folder_others_can_write_to_is_not_used(samples_copy, reads):
    scan_folder(samples_copy)
    n = len(reads)
    report_cache.cache_root().chmod(0o777)
    reads.clear()
    result = scan_folder(samples_copy)
    assert len(reads) == n and len(result.reports) == n  # the scan works, without the cache


def test_the_cache_is_bounded_and_the_least_recently_used_segments_go_first(samples_copy, sample_text):
    scan_folder(samples_copy)
    (samples_copy / "new-2024.txt").write_text(sample_text("xiqu") + "\n补充说明。\n", encoding="utf-8")
    scan_folder(samples_copy)  # a second segment, with the one new report
    first, second = sorted(report_cache.cache_root().glob("seg-*.idx"), key=lambda p: len(p.read_bytes()))[::-1]
    os.utime(first, (1_000_000, 1_000_000))  # the big one was used long ago
    total = sum(p.stat().st_size for p in report_cache.cache_root().glob("seg-*"))
    report_cache.prune(max_bytes=total - 1)
    assert not first.exists() and not first.with_suffix(".pack").exists()
    assert second.exists() and second.with_suffix(".pack").exists()


def test_a_run_never_prunes_what_it_used_or_wrote(samples_copy, reads, monkeypatch):
    # a folder whose one segment is near the bound (100,000 reports make about 2 GB): a scan after a change
    # of settings writes a second one, and pruning must not take both and leave the next scan nothing
    scan_folder(samples_copy)
    size = sum(p.stat().st_size for p in report_cache.cache_root().glob("seg-*"))
    monkeypatch.setattr(report_cache, "MAX_BYTES", int(size * 1.05))
    monkeypatch.setattr(report_cache, "prune", partial(report_cache.prune, int(size * 1.05)))
    scan_folder(samples_copy, max_pages=7)  # other settings: every report read again, a second segment
    segments = list(report_cache.cache_root().glob("seg-*.idx"))
    assert len(segments) == 1  # the old one went, this run's stayed
    reads.clear()
    result = scan_folder(samples_copy, max_pages=7)
    assert reads == [] and result.reports  # and the next scan loads every report from it


def test_many_small_segments_are_merged_into_one(samples_copy, reads, monkeypatch):
    monkeypatch.setattr(report_cache, "MERGE_AT", 3)
    target = samples_copy / "zhongshan-city-2021.txt"
    original = target.read_text(encoding="utf-8")
    for i in range(2):  # the first scan's segment, then one of one entry per edit
        scan_folder(samples_copy)
        target.write_text(original + f"\n第{i}次修改。\n", encoding="utf-8")
    scan_folder(samples_copy)
    assert len(list(report_cache.cache_root().glob("seg-*.idx"))) == 1
    assert len(list(report_cache.cache_root().glob("seg-*.pack"))) == 1
    for text in [original] + [original + f"\n第{i}次修改。\n" for i in range(2)]:
        target.write_text(text, encoding="utf-8")
        reads.clear()
        scan_folder(samples_copy)
        assert reads == []  # every version is still there


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


def test_a_changed_units_file_applies_to_cached_reports_without_reading_them(samples_copy, reads):
    cold = full_scan(samples_copy)
    (samples_copy / "units.toml").write_text(
        '[files]\n"zhongshan-city-2021.txt" = "西区街道办事处"\n', encoding="utf-8"
    )
    reads.clear()
    warm = full_scan(samples_copy)
    assert reads == []  # units.toml is a folder step: the reports themselves are unchanged
    assert warm.report("zhongshan-city-2021.txt").unit == "西区街道办事处"
    assert warm.report("zhongshan-city-2021.txt").unit != cold.report("zhongshan-city-2021.txt").unit
    assert snapshot(warm) == snapshot(full_scan(samples_copy, cache=False))


@pytest.fixture
def hashed(monkeypatch):
    """The files whose bytes were hashed (an unchanged stat needs none); files count as old enough."""
    seen: list[str] = []
    real = report_cache.file_sha256

    def counting(path, max_bytes):
        seen.append(os.path.basename(path))
        return real(path, max_bytes)

    monkeypatch.setattr(report_cache, "file_sha256", counting)
    monkeypatch.setattr(report_cache, "RACY_NS", 0)
    return seen


def test_unchanged_files_are_not_hashed_again(samples_copy, hashed):
    cold = full_scan(samples_copy)
    assert len(hashed) == len(cold.reports)
    hashed.clear()
    warm = full_scan(samples_copy)
    assert hashed == []
    assert snapshot(warm) == snapshot(cold)


def test_a_rewrite_that_keeps_size_and_mtime_is_still_seen(samples_copy, hashed, reads):
    target = samples_copy / "zhongshan-city-2021.txt"
    old_text = full_scan(samples_copy).report(target.name).text
    before = target.stat()
    data = bytearray(target.read_bytes())
    i = data.index("信息".encode())
    data[i : i + 6] = "公开".encode()  # same length
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # a copy tool restoring the old time
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    hashed.clear()
    reads.clear()
    warm = full_scan(samples_copy)
    assert hashed == [target.name] and reads == [target.name]
    new_text = warm.report(target.name).text
    assert new_text != old_text and new_text.count("公开") == old_text.count("公开") + 1


def test_a_file_younger_than_the_clock_tick_is_hashed_again(samples_copy, hashed, monkeypatch):
    monkeypatch.setattr(report_cache, "RACY_NS", 3600 * 10**9)  # every file is "just written"
    full_scan(samples_copy)
    hashed.clear()
    cold = full_scan(samples_copy)
    assert len(hashed) == len(cold.reports)


def test_a_tampered_stat_memo_is_ignored(samples_copy, hashed, reads):
    cold = full_scan(samples_copy)
    memo = report_cache.cache_root() / report_cache.STATS_NAME
    data = bytearray(memo.read_bytes())
    body = json.loads(bytes(data[len(report_cache.STATS_MAGIC) + report_cache.MAC_SIZE :]))
    name = next(k for k in body if k.endswith("zhongshan-city-2021.txt"))
    body[name][5] = body[next(k for k in body if k != name)][5]  # point it at another file's content
    head = bytes(data[: len(report_cache.STATS_MAGIC) + report_cache.MAC_SIZE])
    memo.write_bytes(head + json.dumps(body).encode())
    hashed.clear()
    reads.clear()
    warm = full_scan(samples_copy)
    assert len(hashed) == len(cold.reports) and reads == []
    assert snapshot(warm) == snapshot(cold)


def test_a_warm_scan_leaves_every_text_in_the_cache_until_it_is_read(samples_copy, reads):
    cold = full_scan(samples_copy)
    texts = {r.rel: r.text for r in cold.reports}
    reads.clear()
    warm = full_scan(samples_copy)
    scan_json(warm)  # the copy index, the cross-report checks and the JSON need no text
    assert not any(r.doc.text_loaded for r in warm.reports)
    assert {r.rel: r.text for r in warm.reports} == texts  # each read back when asked for
    assert reads == []


def damage_every_text():
    for idx, _doc, _name, offset, length, text_length in entries():
        segment = idx.with_suffix(".pack")
        data = bytearray(segment.read_bytes())
        data[offset + 2 * report_cache.MAC_SIZE + length + text_length // 2] ^= 0xFF
        segment.write_bytes(bytes(data))


def test_a_damaged_text_is_read_again_from_its_file(samples_copy, monkeypatch):
    import shenyue.reading
    from shenyue.reading.base import TextLost

    cold = full_scan(samples_copy)
    texts = {r.rel: r.text for r in cold.reports}
    warm = scan_folder(samples_copy)  # loaded before the damage: the texts are read later
    damage_every_text()
    reads = []
    real = shenyue.reading.read_document
    monkeypatch.setattr(
        shenyue.reading, "read_document", lambda path, *a, **k: reads.append(path) or real(path, *a, **k)
    )
    assert {r.rel: r.text for r in warm.reports[1:]} == {rel: texts[rel] for rel in list(texts)[1:]}
    assert len(reads) == len(texts) - 1
    changed = warm.reports[0]
    changed.path.write_text("另一份报告。\n", encoding="utf-8")  # and the file is not what was scanned any more
    with pytest.raises(TextLost, match="scan the folder again"):
        changed.text  # noqa: B018


def test_texts_stay_readable_when_the_cache_is_cleared_meanwhile(samples_copy):
    cold = full_scan(samples_copy)
    warm = scan_folder(samples_copy)
    report_cache.clear()  # another process pruned or cleared the cache while this one still has reports
    assert [r.text for r in warm.reports] == [r.text for r in cold.reports]


@pytest.mark.parametrize("workers", ["one process", "worker processes"])
def test_a_cold_scan_keeps_no_text_in_memory_and_says_what_a_scan_without_the_cache_says(
    samples_copy, monkeypatch, workers
):
    if workers == "worker processes":
        monkeypatch.setattr(scan, "PARALLEL_THRESHOLD", 1)
    plain = full_scan(samples_copy, cache=False)
    cold = full_scan(samples_copy)  # every report read, written to the cache, fingerprinted, checked
    # a large folder's texts would not fit: each is read back from the cache when needed, and not kept
    assert cold.reports and not any(r.doc.text_loaded for r in cold.reports)
    assert {r.rel: r.text for r in cold.reports} == {r.rel: r.text for r in plain.reports}
    assert snapshot(cold) == snapshot(plain)
