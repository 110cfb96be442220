"""The similarity cache: reused when nothing changed, refreshed per file, rebuilt when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_similarity import OWN, PARA, PARA_COPY, body, make_report  # noqa: E402  (same folder)

from shenyue.analysis.similarity import engine, find_copies
from shenyue.analysis.similarity.cache import cache_root
from shenyue.cli import main


def write_folder(folder: Path) -> dict[str, str]:
    texts = {
        "a.txt": body(OWN[0], PARA, OWN[1]),
        "b.txt": body(OWN[2], PARA_COPY, OWN[3]),
        "c.txt": body(OWN[4], OWN[5]),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return texts


def reports_of(folder: Path):
    return [make_report(p.name, p.read_text(encoding="utf-8"), folder=folder) for p in sorted(folder.glob("*.txt"))]


def spans(result):
    return [s.to_json() for s in result.spans()]


def test_unchanged_folder_reuses_the_cache(tmp_path, counted):
    folder = tmp_path / "reports"
    write_folder(folder)
    first = find_copies(reports_of(folder))
    assert len(counted) == 3
    engine.wait_for_writes()  # the index's state is written on after the run returns
    files = sorted(p.name for p in cache_root().iterdir())
    assert [f.split("-")[0] for f in files] == ["prints", "result", "shared"]
    counted.clear()
    again = find_copies(reports_of(folder))
    assert counted == []
    assert spans(again) == spans(first) and len(first) == 2
    # without the stored result, the stored fingerprints still spare all per-file work
    for p in cache_root().glob("result-*"):
        p.unlink()
    third = find_copies(reports_of(folder))
    assert counted == [] and spans(third) == spans(first)


def test_editing_one_file_refingerprints_only_that_file(tmp_path, counted):
    folder = tmp_path / "reports"
    texts = write_folder(folder)
    find_copies(reports_of(folder))
    counted.clear()
    edited = body(OWN[4], PARA, OWN[5])  # c.txt now copies the paragraph as well
    (folder / "c.txt").write_text(edited, encoding="utf-8")
    result = find_copies(reports_of(folder))
    assert counted == [edited]
    assert {s.n_reports for s in result.spans()} == {3}
    assert len(result.spans_of("c.txt")) == 1
    # an added file costs its own share too
    counted.clear()
    (folder / "d.txt").write_text(texts["a.txt"].replace(OWN[0], OWN[3]), encoding="utf-8")
    result = find_copies(reports_of(folder))
    assert len(counted) == 1 and "d.txt" in result.rels


@pytest.mark.parametrize("victim", ["prints-", "result-", "shared-"])
@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip"])
def test_damaged_cache_is_rebuilt_not_trusted(tmp_path, counted, victim, damage):
    folder = tmp_path / "reports"
    write_folder(folder)
    fresh = spans(find_copies(reports_of(folder), cache=False))
    find_copies(reports_of(folder))
    engine.wait_for_writes()
    (path,) = [p for p in cache_root().iterdir() if p.name.startswith(victim)]
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"not a cache file at all")
    else:  # one byte of the payload changed: the checksum catches it
        pos = len(data) - 5
        path.write_bytes(data[:pos] + bytes([data[pos] ^ 0xFF]) + data[pos + 1 :])
    for p in cache_root().iterdir():  # the result must not hide a damaged store or state
        if victim != "result-" and p.name.startswith("result-"):
            p.unlink()
    counted.clear()
    assert spans(find_copies(reports_of(folder))) == fresh
    engine.wait_for_writes()
    # a damaged store means every file is fingerprinted again; a damaged result is redone from the store
    assert len(counted) == (3 if victim == "prints-" else 0)
    rebuilt = path.read_bytes()
    assert rebuilt != (data[: len(data) // 2] if damage == "truncate" else b"") and len(rebuilt) == len(data)
    counted.clear()
    assert spans(find_copies(reports_of(folder))) == fresh
    assert counted == []  # and the rebuilt cache is good again


def test_other_settings_do_not_reuse_the_cache(tmp_path, counted):
    from shenyue.analysis.similarity import Settings

    folder = tmp_path / "reports"
    write_folder(folder)
    find_copies(reports_of(folder))
    counted.clear()
    find_copies(reports_of(folder), settings=Settings(k=12))
    assert len(counted) == 3


def test_a_new_engine_version_or_statutory_list_does_not_reuse_the_cache(tmp_path, counted, monkeypatch):
    """What gets masked or fingerprinted changed: every stored fingerprint is stale."""
    from shenyue.analysis.similarity import settings as settings_module

    folder = tmp_path / "reports"
    write_folder(folder)
    first = find_copies(reports_of(folder))
    counted.clear()
    monkeypatch.setattr(settings_module, "ENGINE_VERSION", settings_module.ENGINE_VERSION + 1)
    assert spans(find_copies(reports_of(folder))) == spans(first)
    assert len(counted) == 3
    counted.clear()
    (folder / "statutory.toml").write_text('phrases = ["街道把老旧小区改造作为年度重点"]\n', encoding="utf-8")
    find_copies(reports_of(folder))
    assert len(counted) == 3


def test_cli_json_spans(samples_copy, capsys):
    code = main(["similar", str(samples_copy), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out and all(
        set(d)
        == {
            "report",
            "start",
            "end",
            "other_report",
            "other_start",
            "other_end",
            "kind",
            "n_reports",
            "n_units",
            "similarity",
            "holders",
        }
        for d in out
    )
    texts = {p.name: p.read_text(encoding="utf-8") for p in samples_copy.iterdir()}
    pairs = {(d["report"], d["other_report"]) for d in out}
    assert ("zhongshan-xiqu-2024.txt", "zhongshan-city-2021.txt") in pairs
    for d in out:
        assert 0 <= d["start"] < d["end"] <= len(texts[d["report"]])
        assert 0 <= d["other_start"] < d["other_end"] <= len(texts[d["other_report"]])
        assert d["kind"] in ("peer", "same_unit", "reused_later") and d["n_reports"] >= 2 and 0 < d["similarity"] <= 1
    # the 2021 report is where the clause stood first: the 2024 report copied it, never the other way round
    kinds = {(d["report"], d["other_report"]): d["kind"] for d in out}
    assert kinds[("zhongshan-xiqu-2024.txt", "zhongshan-city-2021.txt")] == "peer"
    assert kinds[("zhongshan-city-2021.txt", "zhongshan-xiqu-2024.txt")] == "reused_later"
    xiqu = next(d for d in out if d["report"] == "zhongshan-xiqu-2024.txt")
    assert texts[xiqu["report"]][xiqu["start"] : xiqu["end"]] == "认真落实国家和省关于政务公开工作的决策部署,"
    # the warm rerun prints the same
    assert main(["similar", str(samples_copy), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == out


def test_cli_summary_and_bad_folder(samples_copy, tmp_path, capsys):
    assert main(["similar", str(samples_copy), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "5 reports" in out and "zhongshan-xiqu-2024.txt" in out and "zhongshan-city-2021.txt" in out
    assert main(["similar", str(tmp_path / "missing")]) == 2
    assert "missing" in capsys.readouterr().err


def test_cli_reports_a_broken_statutory_file_and_goes_on(samples_copy, capsys):
    (samples_copy / "statutory.toml").write_text("lines = [", encoding="utf-8")
    assert main(["similar", str(samples_copy), "--json", "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert "statutory.toml" in captured.err and "ignored" in captured.err
    assert json.loads(captured.out)


def test_cli_warm_run_with_an_unreadable_file_uses_the_stored_result(samples_copy, capsys, monkeypatch):
    (samples_copy / "broken.docx").write_bytes(b"this is not a word document" * 10)
    assert main(["similar", str(samples_copy), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    calls = []
    real_match = engine.match
    monkeypatch.setattr(engine, "match", lambda *a, **k: calls.append(1) or real_match(*a, **k))
    assert main(["similar", str(samples_copy), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "1 files were empty, too large or unreadable" in out
    assert main(["similar", str(samples_copy), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert calls == []  # answered from the cache although one file cannot be read
    assert all(d["report"] != "broken.docx" for d in first)


def _die(job):  # a worker that dies (killed, out of memory)
    import os

    os._exit(1)


PIDS_FILE = ""
REAL_FP_CHUNK = engine._fp_chunk


def _record(job):
    import os

    with open(PIDS_FILE, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    return REAL_FP_CHUNK(job)


@pytest.mark.parametrize("worker", ["works", "dies"])
def test_fingerprinting_in_worker_processes_gives_the_same_spans(tmp_path, monkeypatch, worker):
    import os

    folder = tmp_path / "reports"
    write_folder(folder)
    serial = spans(find_copies(reports_of(folder), cache=False))
    monkeypatch.setattr(engine, "PARALLEL_CHARS", 0)
    monkeypatch.setattr(engine, "FP_CHUNK", 1)
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 2)
    pids = tmp_path / "pids.txt"
    import sys

    monkeypatch.setattr(sys.modules[__name__], "PIDS_FILE", str(pids))
    monkeypatch.setattr(engine, "_fp_chunk", _die if worker == "dies" else _record)
    assert spans(find_copies(reports_of(folder), cache=False)) == serial and len(serial) == 2
    if worker == "works":  # three one-report jobs, run by worker processes, not this one
        ran = pids.read_text(encoding="utf-8").split()
        assert len(ran) == 3 and str(os.getpid()) not in ran


def _share_rows(text: str) -> dict[str, tuple[str, str, str]]:
    rows = {}
    for line in text.splitlines():
        cells = line.split()
        if len(cells) >= 4 and cells[1].endswith("%") and cells[2].endswith("%") and cells[3].endswith("%"):
            rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


def test_similar_prints_the_shares_scan_gives_cold_and_warm(samples_copy, capsys):
    """One rule for shares (of the prose, tables and chrome left out): `similar` cold, `similar` warm
    (texts not read again) and `scan --json` agree, on a report with full statistics tables."""
    text = (samples_copy / "xinzhou-changzhengjie-2024.txt").read_text(encoding="utf-8")
    (samples_copy / "peer-copy.txt").write_text(text.replace("长征街", "新华街"), encoding="utf-8")
    assert main(["scan", str(samples_copy), "--json"]) == 0
    scanned = {r["path"]: r["copy"] for r in json.loads(capsys.readouterr().out)["reports"]}
    assert main(["similar", str(samples_copy), "--lang", "en"]) == 0
    cold = _share_rows(capsys.readouterr().out)
    assert main(["similar", str(samples_copy), "--lang", "en"]) == 0
    warm = _share_rows(capsys.readouterr().out)
    assert cold == warm and "peer-copy.txt" in cold
    assert scanned["peer-copy.txt"]["peer_share"] > 0.8  # nearly all of its prose; its tables are not counted
    for rel, row in cold.items():
        c = scanned[rel]
        assert row == tuple(f"{round(100 * c[k])}%" for k in ("peer_share", "same_unit_share", "common_share")), rel


def test_the_code_stamp_follows_the_table_parser_too(tmp_path, monkeypatch):
    """The table regions decide what is compared; a change in model/tables/ must not reuse old results."""
    import shutil

    import shenyue
    from shenyue.analysis.similarity import cache as disk

    pkg = tmp_path / "shenyue"
    shutil.copytree(Path(shenyue.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(shenyue, "__file__", str(pkg / "__init__.py"))
    before = disk.code_stamp.__wrapped__()  # lru_cache: the undecorated function computes afresh
    with open(pkg / "model" / "tables" / "digits.py", "a", encoding="utf-8") as f:
        f.write("\n# changed\n")
    after = disk.code_stamp.__wrapped__()
    assert before != after


def test_the_same_content_under_two_names_is_stored_once_and_read_back_right(tmp_path, counted):
    folder = tmp_path / "reports"
    texts = write_folder(folder)
    (folder / "a-copy.txt").write_text(texts["a.txt"], encoding="utf-8")  # one content, two names
    find_copies(reports_of(folder))
    assert len(counted) == 3  # fingerprinted once per content
    for p in cache_root().glob("result-*"):
        p.unlink()  # the next run matches again from the stored fingerprints alone
    counted.clear()
    (folder / "c.txt").write_text(texts["c.txt"] + "\n" + OWN[1], encoding="utf-8")
    second = find_copies(reports_of(folder))
    assert len(counted) == 1
    fresh = find_copies(reports_of(folder), cache=False)
    assert spans(second) == spans(fresh)
    assert {s.other_report for s in second.spans_of("a-copy.txt")} >= {"a.txt"}


def test_a_report_whose_text_cannot_be_read_back_is_left_out_not_fatal(tmp_path):
    from shenyue.analysis.similarity.result import Entry

    def lost() -> str:
        raise OSError("the report cache entry could not be read back")

    text = body(OWN[0], PARA, OWN[1])
    entries = [
        Entry(rel="a.txt", sha="a", unit="甲", year=2024, text=text),
        Entry(rel="b.txt", sha="b", unit="乙", year=2024, text=body(OWN[2], PARA_COPY)),
        Entry(rel="c.txt", sha="c", unit="丙", year=2024, read=lambda: text, length=len(text)),
        Entry(rel="lost.txt", sha="d", unit="丁", year=2024, read=lost, length=500),
    ]
    result = engine.run(entries, folder=tmp_path, use_cache=False)
    assert sorted(e.rel for e in result.entries) == ["a.txt", "b.txt", "c.txt"]
    assert {"a.txt", "c.txt"} <= {result.entries[i].rel for i in result.arrays.report.tolist()}  # c was read
