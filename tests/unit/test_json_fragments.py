"""Each report's JSON kept from the last `shenyue scan --json`: after an edit, the reports it did not touch
print the text they printed, the output is what a fresh scan prints, and a damaged or partial file of
fragments is never used."""

from __future__ import annotations

import os

import pytest

from shenyue.analysis.similarity.result import CopySummary
from shenyue.cli import json_fragments, main, output_memo
from shenyue.cli import scan as scan_cli
from shenyue.paths import data_dir


@pytest.fixture
def made(monkeypatch):
    """The reports whose JSON was made (not taken from the fragments), and how many copy summaries were
    encoded."""
    log: dict[str, list] = {"reports": [], "copies": []}
    real_report, real_copy = scan_cli.report_json, CopySummary.to_json

    def report_json(report, lang=None):
        log["reports"].append(report.rel)
        return real_report(report, lang)

    def copy_json(self):
        log["copies"].append(self)
        return real_copy(self)

    monkeypatch.setattr(scan_cli, "report_json", report_json)
    monkeypatch.setattr(CopySummary, "to_json", copy_json)
    return log


def run(capsys, *argv) -> str:
    assert main(["scan", *map(str, argv)]) == 0
    return capsys.readouterr().out


def fresh(capsys, folder) -> str:
    return run(capsys, folder, "--json", "--no-cache")


def drop_memos() -> None:
    """The memo gone, the fragments kept: the next scan runs and prints from the fragments."""
    for memo in output_memo.memo_root().glob("*.memo"):
        memo.unlink()


def fragments_file():
    (path,) = output_memo.memo_root().glob("*" + json_fragments.SUFFIX)
    return path


def edit(folder, sentence="本单位在年度内对公开栏目进行了一次例行巡检。") -> str:
    victim = folder / "xinzhou-changzhengjie-2024.txt"
    victim.write_text(victim.read_text(encoding="utf-8") + "\n" + sentence + "\n", encoding="utf-8")
    return victim.name


def test_an_unchanged_folder_without_its_memo_prints_every_report_from_the_fragments(samples_copy, capsys, made):
    first = run(capsys, samples_copy, "--json")
    assert len(made["reports"]) == 5
    made["reports"].clear()
    made["copies"].clear()
    drop_memos()
    assert run(capsys, samples_copy, "--json") == first
    assert made["reports"] == [] and made["copies"] == []  # nothing made again: every report's text kept
    assert first == fresh(capsys, samples_copy)


def test_after_an_edit_the_edited_report_is_made_again_and_the_output_is_a_fresh_scans(samples_copy, capsys, made):
    run(capsys, samples_copy, "--json")
    edited = edit(samples_copy)
    made["reports"].clear()
    made["copies"].clear()
    out = run(capsys, samples_copy, "--json")
    assert edited in made["reports"]
    assert len(made["reports"]) < 5  # the reports the edit did not touch print their kept text
    assert len(made["copies"]) < 5  # and so do the copy summaries kept from the last run
    assert "例行巡检" not in out  # a sentence is text, not a finding: the report's findings stand
    assert out == fresh(capsys, samples_copy)
    # a change that moves findings and copies is printed as a fresh scan prints it, too
    victim = samples_copy / "zhongshan-xiqu-2024.txt"
    victim.write_text(victim.read_text(encoding="utf-8").replace("西区街道", "东区街道"), encoding="utf-8")
    out = run(capsys, samples_copy, "--json")
    assert "东区街道" in out and out == fresh(capsys, samples_copy)


def test_another_language_makes_every_report_again(samples_copy, capsys, made):
    run(capsys, samples_copy, "--json", "--lang", "zh")
    made["reports"].clear()
    english = run(capsys, samples_copy, "--json", "--lang", "en")
    assert len(made["reports"]) == 5
    assert english == run(capsys, samples_copy, "--json", "--no-cache", "--lang", "en")


def damage(kind: str) -> None:
    path = fragments_file()
    data = bytearray(path.read_bytes())
    if kind == "changed text":  # a message altered, same length: only the MAC tells
        at = data.index("字段".encode()) if "字段".encode() in data else data.index(b'"message": "') + 12
        data[at] ^= 0x01
    elif kind == "truncated":
        del data[-7:]
    elif kind == "other base":
        data[len(json_fragments.MAGIC) + json_fragments.MAC_SIZE] ^= 0x01
    else:  # written with another user's secret: its MAC does not check out
        (data_dir() / "cache-secret").write_bytes(os.urandom(32))
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["changed text", "truncated", "other base", "other secret"])
def test_a_damaged_file_of_fragments_is_never_used(samples_copy, capsys, made, kind):
    first = run(capsys, samples_copy, "--json")
    damage(kind)
    drop_memos()
    made["reports"].clear()
    assert run(capsys, samples_copy, "--json") == first
    assert len(made["reports"]) == 5  # every report made again
    drop_memos()
    made["reports"].clear()
    assert run(capsys, samples_copy, "--json") == first  # written again, and used
    assert made["reports"] == []


def test_an_output_cut_short_keeps_the_last_good_fragments(samples_copy, capsys, monkeypatch):
    first = run(capsys, samples_copy, "--json")
    kept = fragments_file().read_bytes()
    edit(samples_copy)
    real = scan_cli.report_json_text
    calls = []

    def cut(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise BrokenPipeError  # the reader went away after two reports
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_cli, "report_json_text", cut)
    main(["scan", str(samples_copy), "--json"])
    capsys.readouterr()
    monkeypatch.setattr(scan_cli, "report_json_text", real)
    assert fragments_file().read_bytes() == kept
    assert not [p for p in output_memo.memo_root().iterdir() if p.name.endswith(".tmp")]
    assert run(capsys, samples_copy, "--json") == fresh(capsys, samples_copy) != first


def test_fragments_go_with_their_memo(samples_copy, capsys, monkeypatch):
    monkeypatch.setattr(output_memo, "MAX_MEMOS", 1)
    run(capsys, samples_copy, "--json")
    run(capsys, samples_copy, "--json", "--no-similar")  # the first memo goes, and its fragments
    root = output_memo.memo_root()
    memos = {p.stem for p in root.glob("*.memo")}
    assert len(memos) == 1
    assert {p.stem for p in root.glob("*" + json_fragments.SUFFIX)} == memos
    assert main(["cache", "--clear"]) == 0
    capsys.readouterr()
    assert list(root.glob("*")) == [] if root.exists() else True


def test_fragments_read_back_whole_when_the_pages_read_go_back_to_the_file_cache(tmp_path, monkeypatch):
    """A large file's pages are handed back as its fragments are read; every fragment still reads whole,
    in the order written or any other, with any characters (a file name's undecodable bytes too)."""
    from shenyue.cli.json_fragments import Fragments

    monkeypatch.setattr(json_fragments, "RELEASE", 4096)
    monkeypatch.setattr(json_fragments, "FLUSH", 5000)  # written by the writer thread in many pieces
    path, secret, base = tmp_path / "x.frags", os.urandom(32), os.urandom(32)
    texts = {f"k{i}": f"{i}号报告 \udcff " + "公开" * (300 + i) for i in range(200)}
    writer = Fragments.open(path, secret, base)
    for name, text in texts.items():
        writer.put(writer.key(name), text)
    writer.commit()
    reader = Fragments.open(path, secret, base, background=True)  # checked in a thread, waited for
    assert [reader.get(reader.key(name)) for name in texts] == list(texts.values())
    assert reader._released > 0  # pages were handed back on the way
    reader.discard()
    backwards = Fragments.open(path, secret, base)
    assert [backwards.get(backwards.key(name)) for name in reversed(texts)] == list(reversed(texts.values()))
    assert Fragments.open(path, secret, os.urandom(32)).get(writer.key("k0")) is None  # another base


@pytest.mark.parametrize("fails", ["open", "write"])
def test_a_file_of_fragments_that_cannot_be_written_leaves_the_last_one(tmp_path, monkeypatch, fails):
    """A full disk while the writer thread writes: the run goes on, the last file stays, nothing is left."""
    import builtins

    from shenyue.cli.json_fragments import Fragments

    monkeypatch.setattr(json_fragments, "FLUSH", 1000)
    path, secret, base = tmp_path / "x.frags", os.urandom(32), os.urandom(32)
    first = Fragments.open(path, secret, base)
    first.put(first.key("a"), "甲" * 100)
    first.commit()
    kept = path.read_bytes()
    real_open = builtins.open

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

    def failing_open(file, mode="r", *args, **kwargs):
        if str(file).endswith(".tmp") and "x" in mode:
            if fails == "open":
                raise OSError(28, "No space left on device")
            return Full(real_open(file, mode, *args, **kwargs))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    second = Fragments.open(path, secret, base)
    for i in range(50):
        second.put(second.key(f"k{i}"), "乙" * 200)
    second.commit()
    monkeypatch.setattr(builtins, "open", real_open)
    assert path.read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.frags"]
    assert Fragments.open(path, secret, base).get(first.key("a")) == "甲" * 100
