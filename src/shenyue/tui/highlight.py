"""Highlight classes as bit masks, and the runs a text pane draws.

A *run* is ``(start, end, mask)`` relative to the shown text; runs never
overlap and cover only highlighted stretches. Several classes can apply to
one character (a placeholder inside copied text); the pane combines their
styles in the order of the bits (later bits win).
"""

from __future__ import annotations

from collections.abc import Iterable

from shenyue.analysis.findings import Finding
from shenyue.model.report import Report, Section
from shenyue.tui.copies import COMMON, PEER, REUSED_LATER, SAME_UNIT, CopySpan, Pair

CHROME = 1
BOILER = 2
SAME = 4
PEER_BIT = 8
FINDING = 16
SEARCH = 32
MATCH = 64
FLASH = 128
HEADING = 256
DIFF = 512  # characters that differ inside the current match

# (bit, component class suffix) in drawing order
CLASSES = (
    (HEADING, "heading"),
    (CHROME, "chrome"),
    (BOILER, "boilerplate"),
    (SAME, "same-unit"),
    (PEER_BIT, "peer"),
    (FINDING, "finding"),
    (SEARCH, "search"),
    (MATCH, "match"),
    (DIFF, "diff"),
    (FLASH, "flash"),
)

# common wording is drawn dim; text the same unit's later year repeats in the same unit's colour
KIND_BIT = {PEER: PEER_BIT, SAME_UNIT: SAME, COMMON: BOILER, REUSED_LATER: SAME}

# Strongest first, for the overview strip's one-cell summary of a stretch.
OVERVIEW_ORDER = (FINDING, PEER_BIT, SAME, BOILER, CHROME)


def build_runs(intervals: Iterable[tuple[int, int, int]], length: int) -> list[tuple[int, int, int]]:
    """Non-overlapping runs from possibly overlapping ``(start, end, bit)`` intervals."""
    events: dict[int, list[int]] = {}
    for start, end, bit in intervals:
        start = max(0, start)
        end = min(length, end)
        if end <= start or not bit:
            continue
        events.setdefault(start, []).append(bit)
        events.setdefault(end, []).append(-bit)
    if not events:
        return []
    counts: dict[int, int] = {}
    runs: list[tuple[int, int, int]] = []
    points = sorted(events)
    mask = 0
    for i, pos in enumerate(points):
        for bit in events[pos]:
            if bit > 0:
                counts[bit] = counts.get(bit, 0) + 1
            else:
                counts[-bit] = counts.get(-bit, 0) - 1
        mask = 0
        for bit, n in counts.items():
            if n > 0:
                mask |= bit
        if mask and i + 1 < len(points):
            nxt = points[i + 1]
            if runs and runs[-1][1] == pos and runs[-1][2] == mask:
                runs[-1] = (runs[-1][0], nxt, mask)
            else:
                runs.append((pos, nxt, mask))
    return runs


def report_intervals(
    report: Report,
    start: int,
    end: int,
    spans: Iterable[CopySpan] = (),
    findings: Iterable[Finding] = (),
    heading: Section | None = None,
) -> list[tuple[int, int, int]]:
    """Intervals (relative to ``start``) of one stretch of a report."""
    out: list[tuple[int, int, int]] = []
    for c in report.chrome:
        if c.start < end and c.end > start:
            out.append((c.start - start, c.end - start, CHROME))
    for s in spans:
        if s.start < end and s.end > start:
            out.append((s.start - start, s.end - start, KIND_BIT.get(s.kind, PEER_BIT)))
    for f in findings:
        if f.start is not None and f.end is not None and f.start < end and f.end > start:
            out.append((f.start - start, max(f.end, f.start + 1) - start, FINDING))
    if heading is not None and heading.body_start > heading.start:
        out.append((heading.start - start, heading.body_start - start, HEADING))
    return out


def pair_intervals(pairs: Iterable[Pair], start: int, other: bool) -> list[tuple[int, int, int]]:
    """Intervals of the shared stretches on one side of the panes."""
    out = []
    for p in pairs:
        a, b = (p.other_start, p.other_end) if other else (p.start, p.end)
        out.append((a - start, b - start, KIND_BIT.get(p.kind, PEER_BIT)))
    return out


def overview_cells(length: int, intervals: Iterable[tuple[int, int, int]], cells: int) -> list[int]:
    """For an overview strip of ``cells`` rows over a text of ``length``:
    the strongest class present in each row's stretch (0 for none)."""
    if cells <= 0:
        return []
    masks = [0] * cells
    if length <= 0:
        return masks
    for start, end, bit in intervals:
        if end <= start:
            continue
        a = min(cells - 1, start * cells // length)
        b = min(cells - 1, max(a, (end - 1) * cells // length))
        for i in range(a, b + 1):
            masks[i] |= bit
    out = []
    for m in masks:
        for bit in OVERVIEW_ORDER:
            if m & bit:
                out.append(bit)
                break
        else:
            out.append(0)
    return out
