"""The review header's short forms: the total, the gate that decides it, and the full text behind ``i``."""

from __future__ import annotations

from shenyue.analysis.findings import Finding
from shenyue.i18n import set_language
from shenyue.review import load_rubric
from shenyue.tui.screens.review.header import deciding_gate, gate_short, total_short


def _total(findings, scores):
    rubric = load_rubric()
    return rubric.compute_total(scores, rubric.gate_hits(findings))


def test_a_void_total_names_the_gate_that_voids_it_first():
    set_language("zh")
    findings = [Finding("spam_injection", "error"), Finding("doc_not_annual_report", "error")]
    total = _total(findings, {"timeliness": 10})
    gate = deciding_gate(total)
    assert gate is not None and gate.id == "source_integrity"  # not the cap listed before it
    assert total_short(total) == "总分 不可评"
    assert gate_short(gate) == "不可评：疑似镜像站篡改副本"  # the note up to its first clause


def test_a_cap_decides_only_when_it_lowers_the_total():
    set_language("en")
    findings = [Finding("doc_not_annual_report", "error")]
    low = _total(findings, {"timeliness": 10})
    assert deciding_gate(low) is None and total_short(low) == "total 10/100"
    high = _total(findings, {"timeliness": 10, "structure": 12, "tables_complete": 15})
    gate = deciding_gate(high)
    assert gate is not None and gate.id == "doc_not_annual_report"
    assert total_short(high) == "total 30/100" and gate_short(gate) == "cap 30 Not an annual report"
    assert total_short(_total([], {})) == "total —/100"
