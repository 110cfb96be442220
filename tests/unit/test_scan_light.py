"""After a few edits a JSON scan loads only the reports whose JSON may differ from the last run's
(cli/scan_light.py): what it prints is what a scan without any cache prints, whatever the edit, and when
it cannot tell (no ledger, another units.toml) it loads every report."""

from __future__ import annotations

import pytest

from shenyue.cli import json_fragments, main, output_memo, scan_light
from shenyue.model.units import UNITS_FILE


@pytest.fixture
def light_runs(monkeypatch):
    """Per scan that could go light: the paths of the reports it loaded, or None when it loaded them all."""
    runs = []
    real = scan_light.settle

    def spy(result, ahead, fragments, progress=None):
        order = real(result, ahead, fragments, progress)
        runs.append(None if order is None else sorted(x.rel for x in order if not isinstance(x, scan_light.Unchanged)))
        return order

    monkeypatch.setattr(scan_light, "settle", spy)
    return runs


def scan(folder, capsys, *extra) -> str:
    assert main(["scan", str(folder), "--json", *extra]) == 0
    return capsys.readouterr().out


def append(path, text: str = "\n本报告由本单位自行编写。\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture
def folder(samples_copy):
    """The samples, a copy of one under another unit's name, and the same unit's year before."""
    xiqu = (samples_copy / "zhongshan-xiqu-2024.txt").read_text(encoding="utf-8")
    (samples_copy / "copy-east.txt").write_text(xiqu.replace("西区", "东区"), encoding="utf-8")
    (samples_copy / "zhongshan-xiqu-2023.txt").write_text(xiqu.replace("2024", "2023"), encoding="utf-8")
    return samples_copy


def test_an_edit_loads_what_it_touches_and_prints_what_a_scan_without_cache_prints(folder, capsys, light_runs):
    scan(folder, capsys)
    append(folder / "street-2020-summary-traditional.txt")
    edited = scan(folder, capsys)
    loaded = light_runs[-1]
    assert loaded is not None and "street-2020-summary-traditional.txt" in loaded
    assert "zhongshan-city-2021.txt" not in loaded  # printed as last time, never loaded
    assert edited == scan(folder, capsys, "--no-cache")
    # and again: the ledger this run kept serves the next one
    append(folder / "street-2020-summary-traditional.txt", "\n二〇二一年一月\n")
    assert light_runs[-1] is not None
    edited = scan(folder, capsys)
    assert light_runs[-1] is not None and "zhongshan-city-2021.txt" not in light_runs[-1]
    assert edited == scan(folder, capsys, "--no-cache")


def test_the_next_year_of_an_edited_report_is_loaded(folder, capsys, light_runs):
    """The 2024 report links to the edited 2023 one (its carry-over is checked against it)."""
    scan(folder, capsys)
    append(folder / "zhongshan-xiqu-2023.txt")
    edited = scan(folder, capsys)
    loaded = light_runs[-1]
    assert loaded is not None and {"zhongshan-xiqu-2023.txt", "zhongshan-xiqu-2024.txt"} <= set(loaded)
    assert edited == scan(folder, capsys, "--no-cache")


def test_a_report_whose_prior_year_changed_is_loaded_though_its_copies_did_not(samples_copy, capsys, light_runs):
    """Another text named the same unit (units.toml) for the year before: the two share no text, so the
    2024 report's copy summary holds after the 2023 one is edited, but its carry-over is checked against
    the edited report now."""
    text = (samples_copy / "zhongshan-city-2021.txt").read_text(encoding="utf-8")
    (samples_copy / "city-2023.txt").write_text(text.replace("2021", "2023"), encoding="utf-8")
    units = '[files]\n"city-2023.txt" = "忻府区长征街街道办事处"\n'
    (samples_copy / UNITS_FILE).write_text(units, encoding="utf-8")
    scan(samples_copy, capsys)
    append(samples_copy / "city-2023.txt")
    edited = scan(samples_copy, capsys)
    assert {"city-2023.txt", "xinzhou-changzhengjie-2024.txt"} <= set(light_runs[-1])
    assert edited == scan(samples_copy, capsys, "--no-cache")


@pytest.mark.parametrize("change", ["removed", "renamed", "added", "year"])
def test_files_removed_renamed_added_or_moved_to_another_year(folder, capsys, light_runs, change):
    scan(folder, capsys)
    if change == "removed":
        (folder / "zhongshan-xiqu-2023.txt").unlink()
    elif change == "renamed":
        (folder / "zhongshan-city-2021.txt").rename(folder / "city-2021.txt")
    elif change == "added":
        text = (folder / "zhongshan-city-2021.txt").read_text(encoding="utf-8")
        (folder / "city-2022.txt").write_text(text.replace("2021", "2022"), encoding="utf-8")
    else:
        path = folder / "zhongshan-xiqu-2023.txt"
        path.write_text(path.read_text(encoding="utf-8").replace("2023", "2022"), encoding="utf-8")
    light_runs.clear()
    edited = scan(folder, capsys)
    assert light_runs and light_runs[-1] is not None
    assert edited == scan(folder, capsys, "--no-cache")


def test_another_units_file_loads_every_report(folder, capsys, light_runs):
    scan(folder, capsys)
    (folder / UNITS_FILE).write_text('[files]\n"copy-east.txt" = "中山市西区街道"\n', encoding="utf-8")
    append(folder / "street-2020-summary-traditional.txt")
    edited = scan(folder, capsys)
    assert light_runs[-1] is None
    assert '"unit": "中山市西区街道"' in edited
    assert edited == scan(folder, capsys, "--no-cache")


def test_without_the_last_fragments_every_report_is_loaded(folder, capsys, light_runs):
    scan(folder, capsys)
    for path in output_memo.memo_root().glob("*" + json_fragments.SUFFIX):
        path.unlink()
    append(folder / "street-2020-summary-traditional.txt")
    edited = scan(folder, capsys)
    assert light_runs[-1] is None
    assert edited == scan(folder, capsys, "--no-cache")
    append(folder / "street-2020-summary-traditional.txt", "\n二〇二一年一月\n")
    assert scan(folder, capsys) == scan(folder, capsys, "--no-cache")
    assert light_runs[-1] is not None  # the run without fragments kept a ledger


def test_a_ledger_is_kept_only_beside_a_whole_output(folder, capsys, light_runs):
    """The ledger is a fragment: it goes to the next run with the fragments file, which a cut output never
    replaces (test_json_fragments.py); one of another units.toml or copy-index run is not used."""
    scan(folder, capsys)
    memo = next(output_memo.memo_root().glob("*" + json_fragments.SUFFIX))
    fragments = json_fragments.Fragments.open(memo, _secret(), _base(memo))
    ledger = scan_light.read_ledger(fragments)
    fragments.close_old()
    assert ledger is not None and ledger.run
    assert set(ledger.reports) == {p.name for p in folder.iterdir() if p.suffix == ".txt"}
    assert ledger.reports["zhongshan-xiqu-2024.txt"].prior[0] == "zhongshan-xiqu-2023.txt"
    assert ledger.reports["zhongshan-xiqu-2023.txt"].prior is None


def _secret() -> bytes:
    from shenyue.analysis.report_cache import _secret

    return _secret()


def _base(path) -> bytes:
    data = path.read_bytes()
    return data[len(json_fragments.MAGIC) + json_fragments.MAC_SIZE : json_fragments.HEAD]


def test_the_cached_reports_printed_without_loading_stay_recently_used(folder, capsys, light_runs):
    """Their segment is touched as if loaded, so that the cache's bound prunes other segments first."""
    import os

    from shenyue.analysis import report_cache

    scan(folder, capsys)
    (segment,) = report_cache.cache_root().glob("seg-*.idx")
    os.utime(segment, (1_000_000, 1_000_000))
    append(folder / "street-2020-summary-traditional.txt")
    scan(folder, capsys)
    assert light_runs[-1] is not None and "zhongshan-city-2021.txt" not in light_runs[-1]
    assert segment.stat().st_mtime > 1_000_000
