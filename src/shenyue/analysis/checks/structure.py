"""The structure checks of annual-report-rules.md §8.4 (missing, extra, out of
order, empty sections, non-standard titles) are computed by the foundation's
:func:`shenyue.analysis.structure.structure_findings`; registered here so that
``shenyue checks`` and ``--only`` know them."""

from __future__ import annotations

from shenyue.analysis.checks.base import Context, check


@check(
    "section_missing",
    "error",
    more=[
        ("section_order", "warning"),
        ("section_extra", "warning"),
        ("section_title_nonstandard", "info"),
        ("section_empty", "error"),
        ("no_sections", "warning"),
    ],
)
def sections(ctx: Context):
    """Sections of the national format: missing, extra, out of order, empty, or with a non-standard title."""
    from shenyue.analysis.structure import structure_findings

    return structure_findings(ctx.report)
