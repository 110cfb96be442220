"""What the review screen shows, without Textual: one report's sections, the
section on screen, the comparison report and its section, the matched pairs,
the search and the findings of a section.

The screen asks this model and draws the answer; everything here is plain
Python over the workspace (``report(rel)``, ``copy.get(rel)``, ``rows``), so
it is tested without an app (``tests/unit/test_review_viewmodel.py``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from shenyue.analysis.findings import Finding
from shenyue.analysis.similarity.kinds import REUSED_LATER
from shenyue.analysis.similarity.result import CopySummary, shares
from shenyue.i18n import t
from shenyue.model.report import Report, Section
from shenyue.tui.copies import Pair

PREAMBLE = "_preamble"  # the text before the first heading
WHOLE = "_whole"  # the whole text, when no section was recognised
PSEUDO = (PREAMBLE, WHOLE)
SEARCH_LIMIT = 1000  # hits highlighted per pane at most


@dataclass(slots=True)
class Comparison:
    """The report shown on the right: which one, whether the reviewer chose it, its section and the matched pairs."""

    rel: str | None = None
    pinned: bool = False
    section: Section | None = None
    pairs: list[Pair] | None = None


# ---------------------------------------------------------------- sections


def sections_of(report: Report) -> list[Section]:
    """The report's sections, with the text before the first heading as a
    pseudo-section when it holds anything, or the whole text when no
    section was recognised."""
    out: list[Section] = []
    if report.sections:
        first = report.sections[0].start
        if report.text[:first].strip():
            out.append(Section(PREAMBLE, t("tui.review.preamble"), 0, first, 0))
        out.extend(report.sections)
    else:
        out.append(Section(WHOLE, t("tui.review.whole_text"), 0, len(report.text), 0))
    return out


def heading(section: Section) -> Section | None:
    """The section when it has a heading to style (not the preamble or the whole text)."""
    return section if section.key not in PSEUDO else None


def nav_label(section: Section) -> str:
    if section.key in PSEUDO:
        return section.title
    return section.title or t(f"tui.section.{section.key}")


def section_share(copies: CopySummary, section: Section) -> float:
    """The copied share of a section (common wording left out), as the similarity layer counts it."""
    got = copies.sections.get(section.key)
    if got is None:  # the preamble or the whole text: the same function on its spans
        got = shares(copies.spans_in(section.start, section.end), section.start, section.end, outside=copies.outside)
    return got.share


def findings_in_section(report: Report, section: Section | None, findings: list[Finding]) -> list[Finding]:
    """Findings placed in the section, or (without a place) naming its key."""
    if section is None:
        return []
    out = []
    for f in findings:
        if f.start is not None:
            if section.start <= f.start < section.end:
                out.append(f)
        elif f.section == section.key:
            out.append(f)
    return out


def find_all(text: str, start: int, end: int, needle: str, limit: int = SEARCH_LIMIT) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text[start:end]``, as offsets into ``text`` (non-overlapping, at most ``limit``)."""
    hits: list[tuple[int, int]] = []
    if not needle:
        return hits
    body = text[start:end]
    pos = body.find(needle)
    while pos >= 0 and len(hits) < limit:
        hits.append((start + pos, start + pos + len(needle)))
        pos = body.find(needle, pos + len(needle))
    return hits


def same_unit(a: Report, b: Report) -> bool:
    """One unit, by key (two spellings of one body, units.toml applied)."""
    from shenyue.model.units import unit_key

    key = a.unit_key or unit_key(a.unit)
    return key is not None and key == (b.unit_key or unit_key(b.unit))


def step_index(index: int, step: int, n: int) -> int:
    """The next index of ``n`` items cycling by ``step``; from nothing (-1), forward starts at the first, backward at the last."""
    if index >= 0:
        return (index + step) % n
    return 0 if step > 0 else n - 1


# ---------------------------------------------------------------- the model


class ReviewModel:
    """One report on the review screen and what goes beside it."""

    def __init__(self, workspace: Any) -> None:
        self.workspace = workspace
        self.rel = ""
        self.report: Report = None  # type: ignore[assignment]
        self.sections: list[Section] = []
        self.section: Section | None = None
        self.comparison = Comparison()
        self.pair_index = -1
        self.search_text = ""
        self.search_hits: list[tuple[int, int]] = []
        self.search_index = -1

    # ------------------------------------------------------------ report and sections
    def load(self, report: Report) -> None:
        """A new report: its sections, no comparison, no search."""
        self.rel = report.rel
        self.report = report
        self.sections = sections_of(report)
        self.section = None
        self.comparison = Comparison()
        self.pair_index = -1
        self.search_text = ""
        self.search_hits = []
        self.search_index = -1

    def refresh(self, report: Report) -> str:
        """The same report read again (copies arrived, a rescan): the key of the section to show."""
        keep = self.section.key if self.section is not None else None
        self.report = report
        self.sections = sections_of(report)
        keys = self.keys()
        return keep if keep in keys else keys[0]

    def keys(self) -> list[str]:
        return [s.key for s in self.sections]

    def first_key(self, wanted: str | None = None) -> str:
        """``wanted`` when the report has it, else the first real section (the title and opening stay one key away)."""
        keys = self.keys()
        if wanted in keys:
            return wanted  # type: ignore[return-value]
        return next((k for k in keys if k != PREAMBLE), keys[0])

    def find_section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def section_at(self, offset: int) -> Section | None:
        return next((s for s in self.sections if s.start <= offset < s.end), None)

    def step_section(self, step: int) -> str | None:
        """The key ``step`` sections away (stopping at either end), or None when that is the current one."""
        if not self.sections or self.section is None:
            return None
        keys = self.keys()
        i = keys.index(self.section.key)
        j = max(0, min(len(keys) - 1, i + step))
        return keys[j] if j != i else None

    def place_key(self) -> str | None:
        """The section to remember for this report (None for the preamble or whole text)."""
        if self.section is None or self.section.key in PSEUDO:
            return None
        return self.section.key

    def copies(self, rel: str | None = None) -> CopySummary | None:
        return self.workspace.copy.get(rel or self.rel)

    # ------------------------------------------------------------ comparison
    def comparison_sources(self, copied_only: bool = False) -> list[str]:
        """Other reports sharing text with this section, most shared first; then
        every other report the whole report shares text with (the sources panel's
        order), reports that only repeat this text later last (left out with ``copied_only``)."""
        copies = self.copies()
        section = self.section
        if copies is None or section is None:
            return []
        weights: Counter[str] = Counter()
        for s in copies.spans_in(section.start, section.end):
            if s.copied:  # common wording (or a later year's reuse) never makes a report the source
                weights[s.other_report] += min(s.end, section.end) - max(s.start, section.start)
        order = [rel for rel, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))]
        later: list[str] = []
        seen = {self.rel, *order}
        for src in [*copies.sources, *copies.shared_with()]:
            if src.path not in seen:
                seen.add(src.path)
                (later if src.kind == REUSED_LATER else order).append(src.path)
        if not copied_only:
            order += later
        return [rel for rel in order if self.workspace.report(rel) is not None]

    def choose_comparison(self) -> None:
        """The most shared source, unless the reviewer pinned one."""
        if self.comparison.pinned and self.comparison.rel:
            return
        sources = self.comparison_sources(copied_only=True)
        self.comparison.rel = sources[0] if sources else None

    def source_position(self) -> tuple[int, int]:
        """Where the comparison report stands among :meth:`comparison_sources`: (1-based position or 0, count)."""
        sources = self.comparison_sources()
        rel = self.comparison.rel
        return (sources.index(rel) + 1 if rel in sources else 0), len(sources)

    def pin_comparison(self, rel: str | None, pinned: bool = True) -> None:
        self.comparison = Comparison(rel, pinned and rel is not None)

    def other_report(self) -> Report | None:
        rel = self.comparison.rel
        return self.workspace.report(rel) if rel else None

    def matching_section(self, other: Report) -> Section:
        """The section of ``other`` holding most of the text this section shares with it."""
        sections = sections_of(other)
        section = self.section
        assert section is not None
        weights: Counter[str] = Counter()
        mine = self.copies()
        if mine is not None:
            for s in mine.spans_in(section.start, section.end):
                if s.other_report == other.rel:
                    hit = other.section_at(s.other_start)
                    if hit is not None:
                        weights[hit.key] += s.end - s.start
        theirs = self.copies(other.rel)
        if theirs is not None:
            for s in theirs.spans:
                if s.other_report == self.rel and section.start <= s.other_start < section.end:
                    hit = other.section_at(s.start)
                    if hit is not None:
                        weights[hit.key] += s.end - s.start
        if weights:
            key = weights.most_common(1)[0][0]
            found = next((s for s in sections if s.key == key), None)
            if found is not None:
                return found
        same = next((s for s in sections if s.key == section.key), None)
        return same or sections[0]

    def compare(self, other: Report) -> Section:
        """Set the comparison to ``other``'s matching section and the pairs of text the two share."""
        comp = self.comparison
        section = self.section
        assert section is not None
        other_section = self.matching_section(other)
        comp.section = other_section
        comp.pairs = self.workspace.copy.pairs(
            self.rel, section.start, section.end, other.rel, other_section.start, other_section.end
        )
        self.pair_index = -1
        return other_section

    def step_source(self, step: int) -> str | None:
        """The next comparison source cycling by ``step`` (None when there is none)."""
        sources = self.comparison_sources()
        if not sources:
            return None
        current = self.comparison.rel
        i = sources.index(current) if current in sources else -1
        return sources[(i + step) % len(sources)]

    def previous_year(self) -> str | None:
        """The same unit's latest report of an earlier year."""
        r = self.report
        if not r.unit or not r.year:
            return None
        candidates = [
            row.report
            for row in self.workspace.rows
            if row.report is not None and same_unit(row.report, r) and row.report.year and row.report.year < r.year
        ]
        if not candidates:
            return None
        return max(candidates, key=lambda x: (x.year, x.rel)).rel

    # ------------------------------------------------------------ matched pairs
    @property
    def pairs(self) -> list[Pair]:
        return self.comparison.pairs or []

    def current_pair(self) -> Pair | None:
        pairs = self.pairs
        return pairs[self.pair_index] if 0 <= self.pair_index < len(pairs) else None

    def step_pair(self, step: int) -> Pair | None:
        pairs = self.pairs
        if not pairs:
            return None
        self.pair_index = step_index(self.pair_index, step, len(pairs))
        return pairs[self.pair_index]

    def pair_at(self, offset: int, *, other: bool) -> int | None:
        """The index of the pair covering ``offset`` in this report (or in the comparison with ``other``)."""
        for i, p in enumerate(self.pairs):
            a, b = (p.other_start, p.other_end) if other else (p.start, p.end)
            if a <= offset < b:
                return i
        return None

    # ------------------------------------------------------------ search
    def search(self, text: str | None = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Search this section (and the comparison's) for ``text`` (default: the current search): both panes' hits."""
        if text is not None:
            self.search_text = text
        needle = self.search_text
        section = self.section
        mine = find_all(self.report.text, section.start, section.end, needle) if section is not None else []
        self.search_hits = mine
        self.search_index = -1
        comp = self.comparison
        other = self.other_report()
        theirs = []
        if other is not None and comp.section is not None:
            theirs = find_all(other.text, comp.section.start, comp.section.end, needle)
        return mine, theirs

    def step_hit(self, step: int) -> tuple[int, int] | None:
        if not self.search_hits:
            return None
        self.search_index = (self.search_index + step) % len(self.search_hits)
        return self.search_hits[self.search_index]

    # ------------------------------------------------------------ findings
    def findings_split(self) -> tuple[list[Finding], list[Finding]]:
        """This section's findings, and those of the whole report (no place, no section shown here)."""
        section = self.section
        keys = set(self.keys())
        findings = self.report.findings
        whole = [f for f in findings if f.start is None and (not f.section or section is None or f.section not in keys)]
        mine = findings_in_section(self.report, section, findings) if section else []
        return [f for f in mine if f not in whole], whole

    def finding_section(self, f: Finding) -> str | None:
        """The section to show for a finding, when it is not the current one."""
        current = self.section.key if self.section is not None else None
        if f.start is None:
            if f.section and f.section in set(self.keys()) and current is not None and f.section != current:
                return f.section
            return None
        target = self.section_at(f.start)
        if target is not None and target.key != current:
            return target.key
        return None
