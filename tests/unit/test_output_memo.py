"""The output memo of `shenyue scan`: an unchanged folder prints what it printed, without scanning; anything
the output depends on that changes makes it scan again; a damaged or partial memo is never printed."""

from __future__ import annotations

import json
import os

import pytest

from shenyue.analysis import scan
from shenyue.cli import main, output_memo
from shenyue.paths import config_file, data_dir


@pytest.fixture
def scans(monkeypatch):
    """How many times a scan really ran (a memoised output runs none)."""
    runs: list[int] = []
    real = scan.scan_folder

    def counting(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan, "scan_folder", counting)
    return runs


def run(capsys, *argv):
    assert main(["scan", *map(str, argv)]) == 0
    return capsys.readouterr().out


def fresh(capsys, folder, *options):
    """The output of a scan that uses no cache and no memo."""
    return run(capsys, folder, "--no-cache", *options)


def memos():
    root = output_memo.memo_root()
    return sorted(root.glob("*.memo")) if root.exists() else []


def test_an_unchanged_folder_prints_the_same_output_without_scanning(samples_copy, capsys, scans):
    for options in (["--json"], [], ["--json", "--only", "section_empty"]):
        first = run(capsys, samples_copy, *options)
        ran = len(scans)
        again = run(capsys, samples_copy, *options)
        assert again == first == fresh(capsys, samples_copy, *options)
        assert len(scans) == ran + 1  # only the run without the cache scanned
    assert len(memos()) == 3  # one per set of options


@pytest.mark.parametrize("stream", ["utf-8", "gb18030", "text only"])
def test_a_memo_prints_the_same_characters_on_any_stream(samples_copy, capsys, scans, monkeypatch, stream):
    """A UTF-8 stream gets the memo's bytes as they are; any other gets its text, encoded as it encodes."""
    import io
    import sys

    first = run(capsys, samples_copy, "--json")
    out = io.StringIO() if stream == "text only" else io.TextIOWrapper(io.BytesIO(), encoding=stream)
    monkeypatch.setattr(sys, "stdout", out)
    ran = len(scans)
    assert main(["scan", str(samples_copy), "--json"]) == 0
    assert len(scans) == ran  # replayed
    out.flush()
    got = out.getvalue() if stream == "text only" else out.buffer.getvalue().decode(stream)
    assert got == first


def test_a_changed_file_is_scanned_again_and_printed_as_a_fresh_scan_would(samples_copy, capsys, scans):
    run(capsys, samples_copy, "--json")
    victim = samples_copy / "zhongshan-xiqu-2024.txt"
    victim.write_text(victim.read_text(encoding="utf-8").replace("西区街道", "东区街道"), encoding="utf-8")
    ran = len(scans)
    out = run(capsys, samples_copy, "--json")
    assert len(scans) == ran + 1
    assert out == fresh(capsys, samples_copy, "--json")
    assert "东区街道" in out


@pytest.mark.parametrize("change", ["add", "remove", "rename", "units", "other type", "statutory", "my statutory"])
def test_a_file_added_removed_renamed_or_a_changed_units_or_statutory_file_scans_again(
    samples_copy, capsys, scans, change
):
    run(capsys, samples_copy, "--json")
    if change == "add":
        (samples_copy / "copy.txt").write_bytes((samples_copy / "zhongshan-xiqu-2024.txt").read_bytes())
    elif change == "remove":
        (samples_copy / "zhongshan-xiqu-2024.txt").unlink()
    elif change == "rename":
        (samples_copy / "zhongshan-xiqu-2024.txt").rename(samples_copy / "xiqu.txt")
    elif change in ("statutory", "my statutory"):  # common wording is never counted as copied
        place = samples_copy if change == "statutory" else config_file().parent
        place.mkdir(parents=True, exist_ok=True)
        common = (samples_copy / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8").splitlines()
        lines = [line for line in common if len(line) > 20][:20]
        (place / "statutory.toml").write_text("phrases = " + json.dumps(lines, ensure_ascii=False), encoding="utf-8")
    elif change == "units":
        (samples_copy / "units.toml").write_text('[names]\n"西区街道" = "中山市人民政府"\n', encoding="utf-8")
    else:
        (samples_copy / "notes.xyz").write_text("not a report", encoding="utf-8")
    ran = len(scans)
    out = run(capsys, samples_copy, "--json")
    assert len(scans) == ran + 1
    assert out == fresh(capsys, samples_copy, "--json")


def test_a_changed_setting_or_language_scans_again(samples_copy, capsys, scans):
    run(capsys, samples_copy, "--json", "--lang", "zh")
    ran = len(scans)
    english = run(capsys, samples_copy, "--json", "--lang", "en")
    assert len(scans) == ran + 1
    assert english == fresh(capsys, samples_copy, "--json", "--lang", "en")
    config = config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[deadlines]\ngovernment = "01-10"\n', encoding="utf-8")
    ran = len(scans)
    out = run(capsys, samples_copy, "--json", "--lang", "en")
    assert len(scans) == ran + 1
    assert out == fresh(capsys, samples_copy, "--json", "--lang", "en")
    ran = len(scans)
    run(capsys, samples_copy, "--json", "--lang", "en", "--max-size", "5")
    assert len(scans) == ran + 1


def test_changed_code_scans_again(samples_copy, capsys, scans, monkeypatch):
    run(capsys, samples_copy, "--json")
    from shenyue.analysis import stamps

    real = stamps.tree_stamp
    monkeypatch.setattr(stamps, "tree_stamp", lambda *a, **k: real(*a, **k) + "-edited")
    ran = len(scans)
    run(capsys, samples_copy, "--json")
    assert len(scans) == ran + 1


def damage(kind: str) -> None:
    (memo,) = memos()
    data = bytearray(memo.read_bytes())
    if kind == "flipped byte":
        data[-10] ^= 0x01
    elif kind == "truncated":
        del data[-100:]
    elif kind == "other key":
        data[len(output_memo.MAGIC)] ^= 0x01
    else:  # a memo made with another user's secret: its MAC does not check out
        (data_dir() / "cache-secret").write_bytes(os.urandom(32))
    memo.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["flipped byte", "truncated", "other key", "other secret"])
def test_a_damaged_memo_is_never_printed(samples_copy, capsys, scans, kind):
    first = run(capsys, samples_copy, "--json")
    damage(kind)
    ran = len(scans)
    assert run(capsys, samples_copy, "--json") == first
    assert len(scans) == ran + 1
    ran = len(scans)
    assert run(capsys, samples_copy, "--json") == first  # written again, and used
    assert len(scans) == ran


def test_an_output_cut_short_leaves_no_memo(samples_copy, capsys, scans, monkeypatch):
    from shenyue.cli import scan as scan_cli

    def broken(result, out, batch=200, fragments=None, order=None):
        out.write('{"folder": ')
        raise BrokenPipeError

    monkeypatch.setattr(scan_cli, "write_scan_json", broken)
    main(["scan", str(samples_copy), "--json"])  # a reader that went away: exit 0, as `head` expects
    assert capsys.readouterr().out == '{"folder": '
    assert memos() == []
    assert list(output_memo.memo_root().iterdir()) == []  # nor its temporary file
    monkeypatch.undo()


def test_a_folder_with_an_unreadable_report_is_not_memoised(samples_copy, capsys, scans):
    (samples_copy / "broken.docx").write_bytes(b"not a zip at all")
    out = run(capsys, samples_copy, "--json")
    assert json.loads(out)["unreadable"]
    ran = len(scans)
    assert run(capsys, samples_copy, "--json") == out
    assert len(scans) == ran + 1  # the file is tried again: a limit that stopped it may not hold next time
    assert memos() == []


def test_no_cache_neither_reads_nor_writes_a_memo(samples_copy, capsys, scans):
    fresh(capsys, samples_copy, "--json")
    assert memos() == []


def test_memos_are_bounded_and_the_least_recently_used_go_first(samples_copy, capsys, monkeypatch):
    monkeypatch.setattr(output_memo, "MAX_MEMOS", 2)
    run(capsys, samples_copy, "--json")
    (json_memo,) = memos()
    run(capsys, samples_copy)
    (table_memo,) = set(memos()) - {json_memo}
    os.utime(table_memo, (1, 1))
    os.utime(json_memo, (1, 1))
    run(capsys, samples_copy, "--json")  # used again: now the most recently used
    run(capsys, samples_copy, "--json", "--no-similar")  # a third: the table's memo goes
    left = memos()
    assert len(left) == 2 and json_memo in left and table_memo not in left


def test_a_memo_folder_others_can_write_to_is_not_used(samples_copy, capsys, scans):
    first = run(capsys, samples_copy, "--json")
    output_memo.memo_root().chmod(0o777)
    ran = len(scans)
    assert run(capsys, samples_copy, "--json") == first
    # where files have owners, a memo others could have written is not printed; elsewhere it is
    assert len(scans) == ran + (1 if hasattr(os, "getuid") else 0)


def test_clearing_the_cache_removes_the_memos_too(samples_copy, capsys, scans):
    first = run(capsys, samples_copy, "--json")
    assert memos()
    assert main(["cache", "--clear"]) == 0
    capsys.readouterr()
    assert memos() == []
    ran = len(scans)
    assert run(capsys, samples_copy, "--json") == first
    assert len(scans) == ran + 1
