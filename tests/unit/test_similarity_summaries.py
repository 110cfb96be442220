"""The copy summaries of a folder's last run are reused by the next one, and only those a change
touches are made again; whatever is reused says exactly what a summary made afresh says."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from shenyue.analysis.scan import analyse_copies, scan_folder
from shenyue.analysis.similarity import cache as disk
from shenyue.analysis.similarity import engine, summaries
from shenyue.analysis.similarity.result import CopySummary, SimilarityResult


@pytest.fixture
def folder(samples_copy: Path) -> Path:
    """The samples and two copies of one of them, so that reports name sources (and source sections)."""
    text = (samples_copy / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    (samples_copy / "copy-east.txt").write_text(text.replace("西区", "东区"), encoding="utf-8")
    (samples_copy / "copy-north.txt").write_text(text.replace("西区", "北区")[: len(text) // 2], encoding="utf-8")
    return samples_copy


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """The reports whose summary was made from the result (not reused)."""
    calls: list[str] = []
    real = SimilarityResult.summary

    def spy(self, rel, *args, **kwargs):
        calls.append(rel)
        return real(self, rel, *args, **kwargs)

    monkeypatch.setattr(SimilarityResult, "summary", spy)
    return calls


def analysed(folder: Path, *, cache: bool = True, sections=None) -> dict[str, CopySummary]:
    result = scan_folder(folder, cache=cache)
    for r in result.reports:
        if sections is not None and r.rel in sections:
            r.sections = sections[r.rel](r.sections)
    analyse_copies(result.reports, folder=folder, cache=cache)
    engine.wait_for_writes()
    return {r.rel: r.copy for r in result.reports}


def same(got: dict[str, CopySummary], want: dict[str, CopySummary]) -> None:
    assert got.keys() == want.keys()
    for rel in want:
        assert got[rel] is not None and got[rel].to_json() == want[rel].to_json(), rel
        assert got[rel] == want[rel], rel  # the spans too, made from the result when asked for


def summaries_file(folder: Path) -> Path:
    return summaries.summaries_path(disk.cache_root(), disk.folder_key(folder))


def test_a_run_with_nothing_changed_reuses_every_summary(folder, made):
    first = analysed(folder)
    assert len(made) == len(first) == 7
    assert any(s.sources for s in first.values())
    made.clear()
    again = analysed(folder)
    assert made == []
    assert all(s.n_spans == first[rel].n_spans for rel, s in again.items())
    same(again, analysed(folder, cache=False))


def test_after_an_edit_only_the_summaries_it_touches_are_made_again(folder, made):
    analysed(folder)
    made.clear()
    with open(folder / "copy-north.txt", "a", encoding="utf-8") as handle:
        handle.write("\n本报告由本单位自行编写，如有疑问请联系本单位办公室。\n")
    got = analysed(folder)
    assert "copy-north.txt" in made
    assert 0 < len(made) < len(got)
    made.clear()
    same(got, analysed(folder, cache=False))


def test_summaries_written_for_another_run_are_not_used(folder, made):
    analysed(folder)
    before = summaries_file(folder).read_bytes()
    (folder / "copy-north.txt").unlink()
    analysed(folder)  # another run: its own summaries
    summaries_file(folder).write_bytes(before)  # the file of the run before it, as a killed run could leave
    made.clear()
    got = analysed(folder)
    assert sorted(made) == sorted(got)
    same(got, analysed(folder, cache=False))


def test_a_damaged_summaries_file_is_not_used(folder, made):
    analysed(folder)
    path = summaries_file(folder)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    made.clear()
    got = analysed(folder)
    assert sorted(made) == sorted(got)
    same(got, analysed(folder, cache=False))


def test_a_source_whose_sections_changed_makes_the_summaries_naming_it_again(folder, made):
    first = analysed(folder)
    namers = {rel for rel, s in first.items() for sec in s.sections.values() for x in sec.sources
              if x.path == "zhongshan-xiqu-2024.txt" and x.section}  # fmt: skip
    assert namers
    made.clear()

    def moved(sections):  # the source's first section ends a little earlier (as another parse would say)
        return [replace(sections[0], end=sections[0].end - 10), *sections[1:]]

    got = analysed(folder, sections={"zhongshan-xiqu-2024.txt": moved})
    assert {"zhongshan-xiqu-2024.txt"} | namers <= set(made)
    assert len(made) < len(got)
    made.clear()
    same(got, analysed(folder, cache=False, sections={"zhongshan-xiqu-2024.txt": moved}))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_summaries_of_reports_whose_spans_an_edit_changed_are_made_again(tmp_path, made, seed):
    # reports sharing sentences with an edited one change even when they do not name it as a source
    # (a sentence held by one unit more becomes common wording): theirs must not be reused
    from tests.unit.test_similarity_incremental import Folder

    generated = Folder(seed)
    root = tmp_path / "generated"
    root.mkdir()
    for rel, (text, _unit, _year) in generated.reports.items():
        (root / rel).write_text(text, encoding="utf-8")
    before = analysed(root)
    changed = reused = 0
    for rel in list(generated.reports)[:6]:
        generated.edit(rel, "replace")
        (root / rel).write_text(generated.reports[rel][0], encoding="utf-8")
        made.clear()
        got = analysed(root)
        reused += len(got) - len(made)
        changed += sum(1 for r in got if r != rel and got[r].to_json() != before[r].to_json())
        same(got, analysed(root, cache=False))
        before = got
    assert changed  # the edits did change other reports' summaries
    assert reused  # and some summaries were reused


def test_a_file_written_over_the_last_ones_rows_says_what_one_written_whole_says(folder, made):
    """After an edit, a run that did not make the summaries still holding (scan_light) copies their rows
    from the last file; the next run reuses every one, and they say what summaries made afresh say."""
    analysed(folder)
    first = summaries_file(folder).read_bytes()
    with open(folder / "copy-north.txt", "a", encoding="utf-8") as handle:
        handle.write("\n本报告由本单位自行编写，如有疑问请联系本单位办公室。\n")
    result = scan_folder(folder)
    match = analyse_copies(result.reports, folder=folder)
    engine.wait_for_writes()
    summaries_file(folder).write_bytes(first)  # the last run's file, as this run found it
    entries = {e.rel: e for e in match.entries}
    digests = {r.rel: summaries.digest(entries[r.rel].length, entries[r.rel].outside, r.sections)
               for r in result.reports}  # fmt: skip
    last = summaries.last_run(match, dict(digests))
    assert last is not None and 0 < len(last.holding) < len(result.reports)
    made_now = {r.rel: r.copy for r in result.reports if r.rel not in last.holding}
    assert "copy-north.txt" in made_now
    summaries.save_over(match, last, made_now, digests)
    made.clear()
    got = analysed(folder)  # nothing changed since: every summary is reused from the file just written
    assert made == []
    same(got, analysed(folder, cache=False))
