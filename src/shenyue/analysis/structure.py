"""Structure findings of annual-report-rules.md §8.4: missing, extra, out of
order, empty sections and non-standard titles. Each points at the heading
(or, for a missing section, at nothing)."""

from __future__ import annotations

from shenyue.analysis.findings import Finding
from shenyue.model.report import SECTION_KEYS, Report
from shenyue.model.sections import EXPECTED_NUMERAL, STANDARD_TITLES

# Check id -> severity, for the checks this module produces.
STRUCTURE_CHECKS = {
    "section_missing": "error",
    "section_order": "warning",
    "section_extra": "warning",
    "section_title_nonstandard": "info",
    "section_empty": "error",
    "no_sections": "warning",
}

SECTION_NUMBER = dict(zip(SECTION_KEYS, "一二三四五六"))


def structure_findings(report: Report) -> list[Finding]:
    findings: list[Finding] = []
    annual = report.kind.startswith("annual")
    present = {s.key: s for s in report.sections if s.canonical}
    if report.kind != "unknown" or report.sections or report.text.strip():
        for key in SECTION_KEYS:
            if key not in present:
                findings.append(
                    Finding(
                        "section_missing",
                        "error",
                        params={"number": SECTION_NUMBER[key], "title": STANDARD_TITLES[key]},
                    )
                )
    # Order: canonical sections in document order must follow 一…六, numbered as such.
    order = [s for s in report.sections if s.canonical]
    last = -1
    for s in order:
        idx = SECTION_KEYS.index(s.key)
        expected = EXPECTED_NUMERAL[s.key]
        if idx < last:
            findings.append(
                Finding("section_order", "warning", s.start, s.start + len(s.title), {"title": s.title}, "section_order_sequence", s.key)
            )
        elif s.numeral and s.numeral != expected:
            findings.append(
                Finding(
                    "section_order",
                    "warning",
                    s.start,
                    s.start + len(s.title),
                    {"title": s.title, "numeral": s.numeral, "expected": expected},
                    "section_order_numeral",
                    s.key,
                )
            )
        last = max(last, idx)
    for s in report.sections:
        span = (s.start, s.start + len(s.title))
        if annual and s.key.startswith("extra-"):
            findings.append(Finding("section_extra", "warning", *span, {"title": s.title}, section=s.key))
        if s.canonical and not s.standard_title:
            findings.append(
                Finding(
                    "section_title_nonstandard",
                    "info",
                    *span,
                    {"title": s.title, "standard": f"{SECTION_NUMBER[s.key]}、{STANDARD_TITLES[s.key]}"},
                    section=s.key,
                )
            )
        if s.empty and (s.canonical or s.key.startswith("part-")):
            findings.append(Finding("section_empty", "error", *span, {"title": s.title}, section=s.key))
    if not report.sections:
        findings.append(Finding("no_sections", "warning"))
    return findings
