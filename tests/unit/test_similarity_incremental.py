"""After a few reports changed, the copy index is updated from the last match: exactly the spans of a
whole match, for edits, added and removed reports, a changed unit or year, and when the state file is
damaged or does not fit."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest

from shenyue.analysis.similarity import cache as disk
from shenyue.analysis.similarity import engine, incremental, index
from shenyue.analysis.similarity.index import SpanArrays
from shenyue.analysis.similarity.result import Entry

HAN = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动"


def sentences(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(HAN) for _ in range(rng.randint(25, 60))) + "。" for _ in range(n)]


class Folder:
    """Reports of a dozen units over three years, built from a pool of sentences: some sentences in most
    units (common wording), some in a few (copies), and every report some of its own."""

    def __init__(self, seed: int, n: int = 36) -> None:
        self.rng = random.Random(seed)
        self.common = sentences(self.rng, 6)
        self.pool = sentences(self.rng, 30)
        self.reports: dict[str, tuple[str, str, int]] = {}  # rel -> text, unit, year
        for i in range(n):
            self.reports[f"r{i:03d}.txt"] = (self.text(), f"单位{i % 12:02d}", 2022 + i % 3)

    def text(self) -> str:
        rng = self.rng
        parts = rng.sample(self.common, rng.randint(3, 6)) + rng.sample(self.pool, rng.randint(1, 5))
        parts += sentences(rng, rng.randint(2, 5))
        rng.shuffle(parts)
        return "\n".join(parts) + "\n"

    def entries(self) -> list[Entry]:
        out = []
        for rel, (text, unit, year) in self.reports.items():
            sha = hashlib.sha256(text.encode()).hexdigest()
            out.append(Entry(rel=rel, sha=sha, unit=unit, year=year, text=text, length=len(text)))
        return out

    def edit(self, rel: str, how: str) -> None:
        text, unit, year = self.reports[rel]
        lines = text.splitlines()
        if how == "append":
            lines.append("本报告由本单位自行编写。")
        elif how == "replace":
            lines[0] = self.rng.choice(self.pool)
        elif how == "delete":
            del lines[len(lines) // 2]
        elif how == "rewrite":
            lines = self.text().splitlines()
        self.reports[rel] = ("\n".join(lines) + "\n", unit, year)


class Hashes:
    """What the shared step reads of a report's fingerprints."""

    def __init__(self, hashes: np.ndarray) -> None:
        self.hashes = hashes

    def __len__(self) -> int:
        return len(self.hashes)


def run(folder_path, entries, *, cache=True):
    result = engine.run(entries, folder=folder_path, use_cache=cache)
    engine.wait_for_writes()  # the state file is written on after the run returns
    return result


def same(a, b) -> None:
    assert [e.rel for e in a.entries] == [e.rel for e in b.entries]
    for name in SpanArrays.FIELDS:
        x, y = getattr(a.arrays, name), getattr(b.arrays, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name


@pytest.fixture
def fixed_bits(monkeypatch):
    """One fingerprint-number width whatever the folder's size, so that small folders' groups stay the same
    across an edit (a real folder's width changes only when its fingerprints double or halve)."""
    monkeypatch.setattr(index, "group_bits", lambda n: 20)
    monkeypatch.setattr(incremental, "group_bits", lambda n: 20)


@pytest.fixture
def whole_matches(monkeypatch):
    calls = []
    real = engine.match
    monkeypatch.setattr(engine, "match", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def matched_whole(tmp_path, folder: Folder, whole_matches: list) -> None:
    """The next run matches the folder whole (no update) and gives the spans of a run without the cache."""
    whole_matches.clear()
    updated = run(tmp_path, folder.entries())
    assert whole_matches == [1], "the index was updated, not matched whole"
    same(updated, run(tmp_path, folder.entries(), cache=False))


def change(folder: Folder, case: str) -> None:
    rels = list(folder.reports)
    if case in ("append", "replace", "delete", "rewrite"):
        folder.edit(rels[5], case)
    elif case == "first-unit":  # the first unit's report: the source of most common wording
        folder.edit(rels[0], "replace")
    elif case == "added":
        folder.reports["new.txt"] = (folder.text(), "单位03", 2024)
    elif case == "added-copy":  # the same file under another name (its unit and year are read from its text)
        folder.reports["copy.txt"] = folder.reports[rels[7]]
    elif case == "removed":
        del folder.reports[rels[9]]
    elif case == "year":
        text, unit, year = folder.reports[rels[4]]
        folder.reports[rels[4]] = (text + "补记一行。\n", unit, 2021)
    elif case == "unit":
        text, unit, year = folder.reports[rels[4]]
        folder.reports[rels[4]] = (text + "补记一行。\n", "单位11", year)
    elif case == "renamed":
        folder.reports["renamed.txt"] = folder.reports.pop(rels[3])
    elif case == "emptied":  # a report saved over with nothing of its text left
        text, unit, year = folder.reports[rels[8]]
        folder.reports[rels[8]] = ("\n", unit, year)
    elif case == "several":
        folder.edit(rels[1], "append")
        folder.edit(rels[2], "delete")
        del folder.reports[rels[6]]
        folder.reports["new.txt"] = (folder.text(), "单位01", 2023)


CASES = ["append", "replace", "delete", "rewrite", "first-unit", "added", "added-copy", "removed", "year", "unit",
         "renamed", "emptied", "several"]  # fmt: skip


@pytest.fixture
def updates(monkeypatch):
    """The updates made, with the folder's fingerprint hashes and bounds they were made for."""
    got = []
    real = incremental.update

    def spy(state, ordered, bounds, hashes, unit_ids, old_hashes):
        out = real(state, ordered, bounds, hashes, unit_ids, old_hashes)
        got.append((out, bounds.copy(), hashes.copy(), np.asarray(unit_ids).copy()))
        return out

    monkeypatch.setattr(incremental, "update", spy)
    return got


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("reading", ["whole", "chunks"])
def test_an_updated_index_gives_the_spans_of_a_whole_match(
    tmp_path, fixed_bits, whole_matches, updates, case, seed, reading, monkeypatch
):
    if reading == "chunks":  # the old index read in many chunks, edited reports' rows looked up (a large folder)
        monkeypatch.setattr(incremental, "_CHUNK", 61)
        monkeypatch.setattr(incremental, "_FEW_EDITED", 0)
    folder = Folder(seed)
    first = run(tmp_path, folder.entries())
    assert len(first.arrays) > 0
    whole_matches.clear()
    change(folder, case)
    updated = run(tmp_path, folder.entries())
    assert whole_matches == [], "the index was matched whole, not updated"
    same(updated, run(tmp_path, folder.entries(), cache=False))
    # the shared fingerprints it keeps for the next update are the whole computation's too
    (update, bounds, hashes, unit_ids), *_ = updates
    whole = index._shared([Hashes(hashes[a:b]) for a, b in zip(bounds[:-1], bounds[1:])], bounds, unit_ids)
    merged = update.shared.whole()
    for name, array in zip(("order", "hold", "hrep", "nrp", "nup"), whole):
        assert np.array_equal(getattr(merged, name), array), name
    # a few reports' rows read alone are the same rows
    rows = np.sort(np.random.default_rng(seed).choice(len(merged), size=min(50, len(merged)), replace=False))
    alone = update.shared.take(rows)
    for name in ("order", "nrp", "nup"):
        assert np.array_equal(getattr(alone, name), getattr(merged, name)[rows]), name
    for name in ("hold", "hrep"):
        assert np.array_equal(getattr(alone, name), getattr(merged, name)[:, rows]), name
    # and once more from the updated state
    change(folder, "append")
    same(run(tmp_path, folder.entries()), run(tmp_path, folder.entries(), cache=False))


def test_the_folder_has_copies_and_common_wording(tmp_path):
    from shenyue.analysis.similarity.kinds import KIND_CODE

    result = run(tmp_path, Folder(0).entries(), cache=False)
    kinds = set(result.arrays.kind.tolist())
    assert {KIND_CODE["common"], KIND_CODE["peer"]} <= kinds


def test_a_damaged_or_foreign_state_is_not_used(tmp_path, fixed_bits, whole_matches):
    folder = Folder(1)
    run(tmp_path, folder.entries())
    path = next(disk.cache_root().glob("shared-*.bin"))
    data = bytearray(path.read_bytes())
    data[-7] ^= 0xFF  # a flipped byte in the arrays: the checksum no longer matches
    path.write_bytes(bytes(data))
    change(folder, "append")
    matched_whole(tmp_path, folder, whole_matches)


def test_a_state_is_used_only_with_the_result_written_with_it(tmp_path, fixed_bits, whole_matches):
    folder = Folder(1)
    run(tmp_path, folder.entries())
    root = disk.cache_root()
    state, result = next(root.glob("shared-*.bin")), next(root.glob("result-*.bin"))
    assert incremental.load_state(state, result, "another key") is None
    old_result = result.read_bytes()
    change(folder, "append")
    run(tmp_path, folder.entries())
    # a run killed after writing its state but before its result leaves the last run's result beside it
    result.write_bytes(old_result)
    change(folder, "delete")
    matched_whole(tmp_path, folder, whole_matches)


def test_too_many_changes_match_the_whole_folder(tmp_path, fixed_bits, whole_matches):
    folder = Folder(2, n=60)
    run(tmp_path, folder.entries())
    for rel in list(folder.reports)[: incremental.MIN_CHANGED + 1]:
        folder.edit(rel, "append")
    matched_whole(tmp_path, folder, whole_matches)


def test_a_new_group_width_matches_the_whole_folder(tmp_path, monkeypatch, whole_matches):
    folder = Folder(0)
    run(tmp_path, folder.entries())
    monkeypatch.setattr(index, "group_bits", lambda n: 21)  # as if the folder's fingerprints had doubled
    monkeypatch.setattr(incremental, "group_bits", lambda n: 21)
    change(folder, "append")
    matched_whole(tmp_path, folder, whole_matches)


def test_a_texts_fingerprints_do_not_depend_on_the_texts_counted_with_it():
    # a report counted alone (edited since the last run) must get the fingerprints it got in a batch
    from shenyue.analysis.similarity.fingerprint import fingerprint_texts
    from shenyue.analysis.similarity.settings import DEFAULT
    from shenyue.analysis.similarity.statutory import load_statutory

    texts = [text for text, _, _ in Folder(3, n=8).reports.values()] + ["", "短句。", "一二三四五六七八九十一二三四"]
    statutory = load_statutory(None, simplify=DEFAULT.simplify)
    together = fingerprint_texts(texts, statutory, DEFAULT)
    assert sum(len(p) for p in together) > 500
    for text, batch in zip(texts, together):
        alone = fingerprint_texts([text], statutory, DEFAULT)[0]
        for name in ("hashes", "vpos", "ostart", "oend", "back", "ahead"):
            assert np.array_equal(getattr(alone, name), getattr(batch, name)), name


def test_scan_after_an_edit_says_what_a_scan_without_the_cache_says(samples_copy, capsys):
    import json

    from shenyue.cli import main

    text = (samples_copy / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    (samples_copy / "copy-east.txt").write_text(text.replace("西区", "东区"), encoding="utf-8")
    assert main(["scan", str(samples_copy), "--json"]) == 0
    capsys.readouterr()
    (samples_copy / "copy-east.txt").write_text(text.replace("西区", "东区") + "\n本报告由本单位自行编写。\n", "utf-8")
    assert main(["scan", str(samples_copy), "--json"]) == 0
    updated = json.loads(capsys.readouterr().out)
    assert main(["scan", str(samples_copy), "--json", "--no-cache"]) == 0
    assert updated == json.loads(capsys.readouterr().out)
    assert any(r["copy"]["peer_share"] > 0.3 for r in updated["reports"] if r["path"] == "copy-east.txt")


def test_a_few_changes_go_to_the_stores_additions_and_the_store_stays(tmp_path, counted):
    folder = Folder(4, n=40)
    run(tmp_path, folder.entries())
    root = disk.cache_root()
    store = next(root.glob("prints-*.bin"))
    before = store.read_bytes()
    change(folder, "append")
    counted.clear()
    run(tmp_path, folder.entries())
    assert len(counted) == 1  # the edited report alone
    assert store.read_bytes() == before and len(list(root.glob("added-*.bin"))) == 1
    # the next run reads the store and its additions: nothing is counted again
    for p in root.glob("result-*.bin"):
        p.unlink()
    counted.clear()
    again = run(tmp_path, folder.entries())
    assert counted == []
    same(again, run(tmp_path, folder.entries(), cache=False))
    # a damaged additions file is not trusted: what it held is counted again
    added = next(root.glob("added-*.bin"))
    added.write_bytes(added.read_bytes()[:-3])
    for p in root.glob("result-*.bin"):
        p.unlink()
    counted.clear()
    updated = run(tmp_path, folder.entries())
    assert len(counted) == 1  # the edited report
    same(updated, run(tmp_path, folder.entries(), cache=False))
    # many changes: the store is written again whole, and the additions go
    for rel in list(folder.reports)[:8]:
        folder.edit(rel, "delete")
    run(tmp_path, folder.entries())
    assert store.read_bytes() != before and list(root.glob("added-*.bin")) == []
