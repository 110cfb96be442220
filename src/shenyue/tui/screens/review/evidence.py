"""Evidence for a comment, without Textual: the passage the reviewer points at
(the current match, search hit, flashed finding or the line at the top of the
pane) quoted with where it is: section, offsets into the decoded text and,
for a match, the comparison report and its passage."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from shenyue.i18n import t
from shenyue.model.report import Report, Section

QUOTE_CHARS = 300  # a quote is cut to this many characters (with an ellipsis)


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of one report: ``start``..``end`` are offsets into its decoded text."""

    report: Report
    section: Section | None
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.report.text[self.start : self.end]


def quote_text(text: str, limit: int = QUOTE_CHARS) -> str:
    """Report text as one line for a comment: whitespace runs (line breaks too) become one space,
    control characters go, at most ``limit`` characters."""
    clean = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    clean = " ".join(clean.split())
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def line_at(text: str, offset: int, start: int, end: int) -> tuple[int, int]:
    """The line of ``text`` holding ``offset``, within ``start``..``end``, without its line break."""
    offset = max(start, min(offset, max(start, end - 1)))
    a = text.rfind("\n", start, offset) + 1 if offset > start else start
    a = max(a, start)
    b = text.find("\n", offset, end)
    b = end if b < 0 else b
    if not text[a:b].strip() and b < end:  # an empty line: the next line with text
        nxt = b + 1
        c = text.find("\n", nxt, end)
        a, b = nxt, end if c < 0 else c
    return a, b


def _section_name(section: Section | None) -> str:
    if section is None:
        return t("tui.evidence.no_section")
    return " ".join((section.title or t(f"tui.section.{section.key}")).split())


def evidence(here: Passage, source: Passage | None = None) -> str:
    """The comment line(s) quoting ``here`` (and the comparison's ``source``) with their places."""
    line = t(
        "tui.evidence.here",
        quote=quote_text(here.text),
        section=_section_name(here.section),
        start=here.start,
        end=here.end,
    )
    if source is not None:
        line += "\n" + t(
            "tui.evidence.source",
            report=source.report.rel,
            quote=quote_text(source.text),
            section=_section_name(source.section),
            start=source.start,
            end=source.end,
        )
    return line
