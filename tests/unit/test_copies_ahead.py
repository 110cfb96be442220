"""A scan after a few files changed matches the copy index while it loads the cached reports: what it prints
is what a scan without any cache prints, whether the match used the copy index's store alone, waited for a
report the store did not know, or was left unused (a cached report read again, too many changes)."""

from __future__ import annotations

import pytest

from shenyue.analysis import copies_ahead
from shenyue.analysis import report_cache as report_cache_module
from shenyue.analysis.similarity import cache as disk
from shenyue.cli import main


@pytest.fixture
def ahead_runs(monkeypatch):
    """Per scan: whether the match ran ahead, and whether its result was used."""
    runs = []
    real = copies_ahead.CopiesAhead.result_of

    def spy(self, pairs, fetch, progress=None):
        got = real(self, pairs, fetch, progress)
        runs.append((self._thread is not None, got is not None))
        return got

    monkeypatch.setattr(copies_ahead.CopiesAhead, "result_of", spy)
    return runs


def scan(folder, capsys, *extra) -> str:
    assert main(["scan", str(folder), "--json", *extra]) == 0
    return capsys.readouterr().out


def copy_of_a_sample(folder, suffix: str = "", source: str = "zhongshan-xiqu-2024.txt") -> None:
    text = (folder / source).read_text(encoding="utf-8")
    (folder / "copy-east.txt").write_text(text.replace("西区", "东区") + suffix, encoding="utf-8")


def scan_after_an_edit(folder, capsys, ahead_runs) -> str:
    """A scan, an edit of one report, and the scan after it (its output)."""
    copy_of_a_sample(folder)
    scan(folder, capsys)
    copy_of_a_sample(folder, "\n本报告由本单位自行编写。\n")
    ahead_runs.clear()
    return scan(folder, capsys)


def test_after_an_edit_the_match_runs_ahead_and_says_what_a_scan_without_cache_says(samples_copy, capsys, ahead_runs):
    edited = scan_after_an_edit(samples_copy, capsys, ahead_runs)
    assert ahead_runs == [(True, True)]
    assert '"copy-east.txt"' in edited and '"copy"' in edited
    assert edited == scan(samples_copy, capsys, "--no-cache")


def test_a_content_the_copy_index_does_not_know_waits_for_its_report(samples_copy, capsys, ahead_runs):
    source = "xinzhou-changzhengjie-2024.txt"  # a crawled page: its header is left out of the shares
    copy_of_a_sample(samples_copy, source=source)
    scan(samples_copy, capsys)
    for path in disk.cache_root().glob("*.bin"):  # the reports stay cached, the copy index's files go
        path.unlink()
    copy_of_a_sample(samples_copy, "\n本报告由本单位自行编写。\n", source=source)
    ahead_runs.clear()
    edited = scan(samples_copy, capsys)
    # used by the scan (twice: the index matched whole is not the one the last output was printed under,
    # so every report is loaded, see scan_light)
    assert ahead_runs and set(ahead_runs) == {(True, True)}
    assert edited == scan(samples_copy, capsys, "--no-cache")


def test_a_cached_report_read_again_is_used_as_read_now(samples_copy, capsys, ahead_runs, monkeypatch):
    """A cached report fails its check and is read again: this time its file cannot be read (a time limit),
    so the match made ahead, which counted it, is not used."""
    from shenyue.analysis import scan as scan_module
    from shenyue.model.report import Unreadable

    copy_of_a_sample(samples_copy)
    scan(samples_copy, capsys)
    copy_of_a_sample(samples_copy, "\n本报告由本单位自行编写。\n")
    victim = "zhongshan-city-2021.txt"
    load, read = report_cache_module.ReportCache.load, scan_module.read_document

    def failing_load(self, path, rel, sha256):
        return None if path.name == victim else load(self, path, rel, sha256)

    def failing_read(path, folder, *args, **kwargs):
        if path.name == victim:
            return Unreadable(path, victim, "empty")
        return read(path, folder, *args, **kwargs)

    monkeypatch.setattr(report_cache_module.ReportCache, "load", failing_load)
    monkeypatch.setattr(scan_module, "read_document", failing_read)
    ahead_runs.clear()
    edited = scan(samples_copy, capsys)
    assert ahead_runs[-1] == (True, False)  # the scan's last word
    assert f'"path": "{victim}"' in edited.split('"unreadable"')[1]
    (samples_copy / victim).unlink()  # a scan without cache and without that file says the same of the others
    assert edited.split('"unreadable"')[0] == scan(samples_copy, capsys, "--no-cache").split('"unreadable"')[0]


def test_many_changed_files_are_matched_after_the_scan(samples_copy, capsys, ahead_runs, monkeypatch):
    monkeypatch.setattr(copies_ahead, "MIN_FRESH", 0)
    edited = scan_after_an_edit(samples_copy, capsys, ahead_runs)
    assert ahead_runs == [(False, False)]
    assert edited == scan(samples_copy, capsys, "--no-cache")


def test_a_scan_process_after_an_edit_leaves_the_copy_index_whole_for_the_next_one(samples_copy, tmp_path):
    """The match made ahead runs in a daemon thread; the cache files it writes are still written whole
    before the process ends, so the next edit updates the index instead of matching the folder whole."""
    import os
    import subprocess
    import sys

    from shenyue.analysis.similarity import incremental
    from shenyue.analysis.similarity.engine import engine_key
    from shenyue.analysis.similarity.settings import DEFAULT
    from shenyue.analysis.similarity.statutory import load_statutory
    from shenyue.model.units import load_units

    # the index's state is written slowly, as a large folder's is: after the rest of the run is done
    slow = (
        "import sys, time\n"
        "from shenyue.analysis.similarity import incremental\n"
        "real = incremental.save_state\n"
        "incremental.save_state = lambda *a, **k: (time.sleep(1), real(*a, **k))\n"
        "from shenyue.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )

    def scan_process() -> None:
        done = subprocess.run([sys.executable, "-c", slow, "scan", str(samples_copy), "--json"],
                              env=dict(os.environ), capture_output=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr.decode(errors="replace")

    copy_of_a_sample(samples_copy)
    scan_process()
    copy_of_a_sample(samples_copy, "\n本报告由本单位自行编写。\n")
    scan_process()
    root, fkey = disk.cache_root(), disk.folder_key(samples_copy)
    assert not [p.name for p in root.iterdir() if p.name.endswith(".tmp")]
    key = engine_key(DEFAULT, load_statutory(samples_copy, simplify=DEFAULT.simplify))
    result_key = key + "-" + load_units(samples_copy).digest
    state = incremental.load_state(incremental.state_path(root, fkey), root / f"result-{fkey}.bin", result_key)
    assert state is not None and "copy-east.txt" in state.rels
