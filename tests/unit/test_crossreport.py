"""内容雷同 across a folder: copied from the unit's previous year or from another unit,
and table 三 carry-over against last year's report."""

from __future__ import annotations

import re

from shenyue.analysis.scan import analyse_copies, scan_folder


def by_check(report, check):
    return [f for f in report.findings if f.check == check]


def folder_scan(path):
    result = scan_folder(path)
    analyse_copies(result.reports, folder=path, cache=False)
    return {r.rel: r for r in result.reports}


def test_a_report_that_repeats_last_year_is_flagged_with_the_year_and_file(tmp_path, sample_text):
    text = sample_text("xiqu")
    (tmp_path / "xiqu-2024.txt").write_text(text, encoding="utf-8")
    (tmp_path / "xiqu-2023.txt").write_text(text.replace("2024", "2023"), encoding="utf-8")
    reports = folder_scan(tmp_path)
    this_year = reports["xiqu-2024.txt"]
    assert (this_year.unit, this_year.year) == ("西区街道", 2024)
    (finding,) = by_check(this_year, "similar_to_prior_year")
    assert finding.severity == "error" and finding.params["other"] == "xiqu-2023.txt"
    assert finding.params["share"] >= 90
    assert "2023" in finding.message("zh") and "xiqu-2023.txt" in finding.message("en")
    (problems,) = by_check(this_year, "problems_same_as_prior_year")
    assert this_year.text[problems.start : problems.end] == "五、存在的主要问题"
    # the earlier report has no previous year in the folder, and copying is never a peer's here
    assert by_check(reports["xiqu-2023.txt"], "similar_to_prior_year") == []
    assert by_check(this_year, "similar_to_peer") == []


def test_another_unit_copying_a_report_is_flagged_with_the_pair(tmp_path, sample_text):
    text = sample_text("xiqu")
    (tmp_path / "xiqu.txt").write_text(text, encoding="utf-8")
    (tmp_path / "dongqu.txt").write_text(text.replace("西区", "东区"), encoding="utf-8")
    (tmp_path / "zhongshan.txt").write_text(sample_text("zhongshan"), encoding="utf-8")
    reports = folder_scan(tmp_path)
    (finding,) = by_check(reports["dongqu.txt"], "similar_to_peer")
    assert finding.severity == "error" and finding.params["other"] == "xiqu.txt"
    # an unrelated report shares one stock clause with them: far below any threshold
    assert by_check(reports["zhongshan.txt"], "similar_to_peer") == []
    assert by_check(reports["zhongshan.txt"], "similar_to_prior_year") == []


def test_carry_over_that_differs_from_last_years_report_names_the_column(tmp_path, sample_text):
    text = sample_text("changzheng")
    (tmp_path / "cz-2024.txt").write_text(text, encoding="utf-8")
    # last year's report carried 2 natural-person requests (and 2 in total) into 2024
    last = text.replace("2024", "2023")
    label = last.index("四、结转下年度继续办理")
    values = list(re.finditer(r"(?m)^[ \xa0]*(0)[ \xa0]*$", last[label:]))[:7]  # cells like "0\xa0 "
    for i in (6, 0):  # total first from the end, so earlier offsets stay valid
        m = values[i]
        last = last[: label + m.start(1)] + "2" + last[label + m.end(1) :]
    (tmp_path / "cz-2023.txt").write_text(last, encoding="utf-8")
    reports = folder_scan(tmp_path)
    assert reports["cz-2023.txt"].tables.value("t3.carried_out.np") == 2
    found = by_check(reports["cz-2024.txt"], "carryover_mismatch")
    assert [f.params["column"] for f in found] == ["自然人", "总计"]
    cell = reports["cz-2024.txt"].tables.cell("t3.carried_in.np")
    assert (found[0].start, found[0].end) == (cell.start, cell.end)
    assert found[0].message("zh") == "三、上年结转(自然人) 0 ≠ 2023 年报告（cz-2023.txt）结转下年度 2"


def test_without_the_folder_stage_the_cross_report_checks_stay_quiet(tmp_path, sample_text):
    text = sample_text("xiqu")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("2024", "2023"), encoding="utf-8")
    result = scan_folder(tmp_path)
    cross = {"similar_to_prior_year", "similar_to_peer", "problems_same_as_prior_year", "carryover_mismatch"}
    assert not any(f.check in cross for r in result.reports for f in r.findings)


def test_two_spellings_of_one_unit_are_its_previous_year(tmp_path, sample_text):
    text = sample_text("xiqu")
    (tmp_path / "xiqu-2024.txt").write_text(text.replace("西区街道", "中山市西区街道"), encoding="utf-8")
    (tmp_path / "xiqu-2023.txt").write_text(text.replace("2024", "2023"), encoding="utf-8")
    reports = folder_scan(tmp_path)
    this_year = reports["xiqu-2024.txt"]
    assert this_year.unit != reports["xiqu-2023.txt"].unit and this_year.unit_key == reports["xiqu-2023.txt"].unit_key
    (finding,) = by_check(this_year, "similar_to_prior_year")
    assert finding.params["other"] == "xiqu-2023.txt"
    assert by_check(this_year, "similar_to_peer") == []
