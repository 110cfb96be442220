"""The report list's rows: finding counts follow the report's findings as the folder stage changes them."""

from __future__ import annotations

from shenyue.analysis.findings import Finding
from shenyue.analysis.scan import scan_folder
from shenyue.tui.workspace import Row


def test_a_rows_counts_follow_its_findings_when_they_are_replaced_or_added_to(samples_copy):
    report = next(r for r in scan_folder(samples_copy).reports if r.rel == "zhongshan-xiqu-2024.txt")
    row = Row(0, report.rel, report)
    first = row.counts()
    assert first["error"] == row.errors == sum(f.severity == "error" for f in report.findings) > 0
    first["error"] = 99  # the caller's copy: the row's counts stay its own
    assert row.counts()["error"] == row.errors != 99
    errors = row.errors
    report.findings = report.findings + [Finding("year_mismatch", "error")]  # a new list (the folder stage)
    assert row.errors == errors + 1
    report.findings.append(Finding("t3_row_total", "error"))  # added to in place
    assert row.errors == errors + 2
    report.findings = [f for f in report.findings if f.severity != "error"]
    assert row.errors == 0 and row.counts()["warning"] == first["warning"]
