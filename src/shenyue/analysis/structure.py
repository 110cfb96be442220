"""Structure findings of annual-report-rules.md §8.4: missing, extra, out of
order, empty sections, non-standard titles and titles with a typo. Each points
at the heading (or, for a missing section, at nothing). Which documents they
apply to is declared where the checks are registered
(:mod:`shenyue.analysis.checks.structure`)."""

from __future__ import annotations

import re

from shenyue.analysis.findings import Finding
from shenyue.model.report import SECTION_KEYS, Report
from shenyue.model.sections import EXPECTED_NUMERAL, STANDARD_TITLES

SECTION_NUMBER = dict(zip(SECTION_KEYS, "一二三四五六"))


def structure_findings(report: Report) -> list[Finding]:
    """The six sections of the national format: missing, out of order, extra, title variants and typos."""
    findings: list[Finding] = []
    present = {s.key: s for s in report.sections if s.canonical}
    if report.sections or report.text.strip():
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
                Finding(
                    "section_order",
                    "warning",
                    s.start,
                    s.start + len(s.title),
                    {"title": s.title},
                    "section_order_sequence",
                    s.key,
                )
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
        if s.key.startswith("extra-"):
            findings.append(Finding("section_extra", "warning", *span, {"title": s.title}, section=s.key))
        if s.canonical and not s.standard_title:
            params = {"title": s.title, "standard": f"{SECTION_NUMBER[s.key]}、{STANDARD_TITLES[s.key]}"}
            if s.title_score < 100:  # matched only fuzzily: a typo in the title
                findings.append(Finding("section_title_typo", "warning", *span, params, section=s.key))
            else:  # an accepted variant wording
                findings.append(Finding("section_title_nonstandard", "info", *span, params, section=s.key))
    return findings


def emptiness_findings(report: Report) -> list[Finding]:
    """Sections (or a summary's parts) with nothing in them, and a document without any."""
    findings: list[Finding] = []
    for s in report.sections:
        if s.empty and (s.canonical or s.key.startswith("part-")):
            span = (s.start, s.start + len(s.title))
            findings.append(Finding("section_empty", "error", *span, {"title": s.title}, section=s.key))
    if not report.sections:
        findings.append(Finding("no_sections", "warning"))
    return findings


_INSTRUCTION = re.compile(r"[（(]\s*(?:文字描述|文字说明|请填写|填写)[^）)]{0,60}[）)]")


def template_findings(report: Report) -> list[Finding]:
    """The unfilled template of the format: one finding, at its first instruction (or its title)."""
    m = _INSTRUCTION.search(report.text)
    if m:
        start, end = m.start(), m.end()
    elif report.title is not None:
        start, end = report.title.start, report.title.end
    else:
        start = end = None
    sections = sum(1 for s in report.sections if s.canonical)
    return [Finding("template_unfilled", "error", start, end, {"sections": sections})]
