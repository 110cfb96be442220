"""Run the similarity layer and hand its per-report summaries to the app as :class:`CopyData`.

The kinds (peer, same unit, common wording) are decided by the similarity
layer (:mod:`shenyue.analysis.similarity.kinds`); the app only colours them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from shenyue.model.report import Report
from shenyue.tui.copies import CopyData


def compute_copies(
    reports: Sequence[Report], *, progress: Callable[..., None] | None = None, cache: bool = True, ahead: Any = None
) -> CopyData:
    """Find shared text between ``reports`` (raises ImportError when the
    similarity layer is not installed); ``ahead``: the match the scan started (see :func:`analyse_copies
    <shenyue.analysis.scan.analyse_copies>`)."""
    from shenyue.analysis.scan import analyse_copies

    # applies units.toml, sets report.copy (read by the score sheets) and the cross-report findings
    result = analyse_copies(list(reports), progress=progress, cache=cache, ahead=ahead)
    return copy_data_from(reports, result)


def copy_data_from(reports: Sequence[Report], result: Any) -> CopyData:
    """The reports' copy summaries (``report.copy``, computed from ``result`` when missing)."""
    by_rel = {}
    sections = {r.rel: r.sections for r in reports}
    for r in reports:
        if r.copy is None and result.entry(r.rel) is not None:
            r.copy = result.summary(r.rel, r.sections, sections)
        if r.copy is not None:
            by_rel[r.rel] = r.copy
    return CopyData(by_rel, backend=result)
