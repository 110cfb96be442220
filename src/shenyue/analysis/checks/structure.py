"""The structure checks of annual-report-rules.md §8.4 (missing, extra, out of
order, empty sections, non-standard titles, title typos) and the unfilled
template, computed by :mod:`shenyue.analysis.structure`; registered here with
the document kinds they judge, so that ``shenyue checks`` and ``--only`` know
them."""

from __future__ import annotations

from shenyue.analysis.checks.base import FORMAT_KINDS, REPORT_KINDS, Context, check


@check(
    "section_missing",
    "error",
    kinds=FORMAT_KINDS,
    more=[
        ("section_order", "warning"),
        ("section_extra", "warning"),
        ("section_title_nonstandard", "info"),
        ("section_title_typo", "warning"),
    ],
)
def sections(ctx: Context):
    """Sections of the national format: missing, extra, out of order, or with a non-standard or misspelt title."""
    from shenyue.analysis.structure import structure_findings

    return structure_findings(ctx.report)


@check("section_empty", "error", kinds=REPORT_KINDS, more=[("no_sections", "warning")])
def section_empty(ctx: Context):
    """A section (or a work summary's part) with nothing in it, or a document without any."""
    from shenyue.analysis.structure import emptiness_findings

    return emptiness_findings(ctx.report)


@check("template_unfilled", "error", kinds=("template",), template=True)
def template_unfilled(ctx: Context):
    """The blank format itself: headings, （文字描述） instructions and empty tables, nothing filled in."""
    from shenyue.analysis.structure import template_findings

    return template_findings(ctx.report)
