"""Run the similarity layer and turn its result into the app's :class:`CopyData`.

Spans the similarity layer counts as common wording (套话,
:func:`shenyue.analysis.similarity.common_threshold`) are shown dimmer,
apart from copying.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from shenyue.model.report import Report
from shenyue.tui.copies import BOILERPLATE, CopyData, CopySpan, ReportCopies

def compute_copies(reports: Sequence[Report], *, progress: Callable[..., None] | None = None, cache: bool = True) -> CopyData:
    """Find shared text between ``reports`` (raises ImportError when the
    similarity layer is not installed)."""
    from shenyue.analysis.scan import analyse_copies

    # also sets report.extra["copy"] (read by the score sheets) and the cross-report findings
    result = analyse_copies(list(reports), progress=progress, cache=cache)
    return copy_data_from(reports, result)


def copy_data_from(reports: Sequence[Report], result: Any) -> CopyData:
    from shenyue.analysis.similarity import common_threshold

    threshold = common_threshold(len(reports))
    by_rel: dict[str, ReportCopies] = {}
    for r in reports:
        spans = []
        kinds: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        covered = 0
        last = 0
        for s in result.spans_of(r.rel):
            kind = BOILERPLATE if s.n_reports >= threshold else s.kind
            spans.append(CopySpan(s.start, s.end, kind, s.other_report, s.other_start, s.other_end, s.n_reports))
            a, b = max(s.start, last), s.end
            if b > a:
                covered += b - a
                kinds[kind] += b - a
                last = b
            sources[s.other_report] += s.end - s.start
        spans.sort(key=lambda c: (c.start, c.end))
        length = max(1, len(r.text))
        section_shares = {}
        for sec in r.sections:
            size = sec.end - sec.start
            if size <= 0:
                continue
            got = 0
            pos = sec.start
            for c in spans:
                a, b = max(c.start, pos), min(c.end, sec.end)
                if b > a:
                    got += b - a
                    pos = b
            section_shares[sec.key] = got / size
        by_rel[r.rel] = ReportCopies(
            spans=spans,
            share=covered / length,
            shares={k: v / length for k, v in kinds.items()},
            sources=sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
            section_shares=section_shares,
        )
    return CopyData(by_rel, backend=result)
