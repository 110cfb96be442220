"""The report model: decoded text plus everything found in it, as spans.

Offsets everywhere are Python string indices into ``Report.text``, the text
exactly as decoded (end exclusive). Nothing here ever rewrites the text;
normalised copies for matching live in :mod:`shenyue.model.normalize`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The reading layer's products; re-exported here so the model reads as one vocabulary.
from shenyue.pickled import by_constructor
from shenyue.reading.base import Document, Span, Unreadable  # noqa: F401

if TYPE_CHECKING:
    from shenyue.analysis.findings import Finding
    from shenyue.analysis.similarity.result import CopySummary

# Canonical section keys of the 2021 (and 2019 trial) national format, in order.
SECTION_KEYS = ("overview", "proactive", "requests", "appeals", "problems", "other")

KINDS = ("annual-2021", "annual-2019", "annual-legacy", "template", "summary", "unknown")
# Kinds read as the six sections (and three tables) of a national format; the others have their own parts.
FORMAT_KINDS = ("annual-2021", "annual-2019")


@by_constructor
@dataclass(slots=True)
class Section:
    """One section: ``start``..``end`` covers its heading and body."""

    key: str  # one of SECTION_KEYS, "part-N" (summary parts) or "extra-N" (non-standard headings)
    title: str  # the heading as written, stripped of surrounding space
    start: int  # start of the heading
    end: int  # end of the body (start of the next heading or end of text)
    body_start: int  # first index after the heading line
    numeral: str | None = None  # the heading's numbering, e.g. "七" or "3"
    empty: bool = False
    standard_title: bool = True  # the title is the verbatim national title (after normalising)
    title_score: float = 100.0  # fuzzy match score of the title against its key's standard title

    @property
    def canonical(self) -> bool:
        return self.key in SECTION_KEYS

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "start": self.start, "end": self.end, "empty": self.empty}


@by_constructor
@dataclass(slots=True)
class Report:
    doc: Document
    kind: str = "unknown"
    sections: list[Section] = field(default_factory=list)
    preamble: Span | None = None
    chrome: list[Span] = field(default_factory=list)  # web-page chrome lines (dimmed, never deleted)
    table_spans: list[Span] = field(default_factory=list)  # detected statistics-table regions
    unit: str | None = None
    year: int | None = None
    published: date | None = None
    date_candidates: list[tuple[date, str, int]] = field(default_factory=list)  # (date, source, offset)
    title: Span | None = None  # the report's title line, when there is one
    tables: Any = None  # parsed statistics tables (filled by the table parser)
    findings: list["Finding"] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # per-layer additions (e.g. "prior_year")
    # the folder stage's additions: which unit this is (shenyue.model.units.unit_key, units.toml
    # applied) and the text it shares with other reports (None until the similarity layer ran)
    unit_key: str | None = None
    copy: "CopySummary | None" = None

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def rel(self) -> str:
        return self.doc.rel

    @property
    def path(self) -> Path:
        return self.doc.path

    def section(self, key: str) -> Section | None:
        for s in self.sections:
            if s.key == key:
                return s
        return None

    def section_text(self, key: str) -> str:
        s = self.section(key)
        return self.text[s.start : s.end] if s else ""

    def section_at(self, offset: int) -> Section | None:
        for s in self.sections:
            if s.start <= offset < s.end:
                return s
        return None

    def in_chrome(self, offset: int) -> bool:
        return any(c.start <= offset < c.end for c in self.chrome)
