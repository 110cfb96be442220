"""Split a report into sections (:func:`build_sections`), from the headings found.

The job is split over four modules: section_titles.py (the standard titles and matching a line's
words to them), headings.py (where sections start), this one (sections built from the headings,
table regions clipped at a heading) and document_kind.py (annual report, work summary, blank
template or not a report). The names other code uses are importable from here.

Annual reports (2021 national format and the 2019 trial format) have six
top-level sections with fixed titles; each gets a canonical key. A numbered
top-level heading that matches none becomes ``extra-N``. Work summaries
(政务公开工作总结) and pre-2019 reports get their own numbered parts as ``part-N``.

A heading is recognised by its title wherever it stands: at a line start, in
the middle of a page flattened into one line, glued to the digits of a table's
last cell (``…行政事业性收费0三、收到和处理…``) or to a table row label with the
same numeral (``四、结转下年度继续办理0000000四、政府信息公开行政复议…``), wrapped
onto the next line by a PDF. Tolerated: full/half-width punctuation and spaces,
Markdown ``#`` headings, numbering deviations, lengthened, shortened and
variant titles, typos (fuzzy matching, threshold measured by
``benchmarks/heading_titles.py``). Table row labels (一、本年新收… 四、结转下年度…)
are never headings; a table region that runs over a heading ends there.
"""

from __future__ import annotations

from shenyue.model.document_kind import ANNUAL_TITLE, SUMMARY_TITLE, document_kind, is_unfilled_template
from shenyue.model.headings import (
    _MAX_HEADING_LINE,
    _MAX_TITLE_MATCHES,
    _PAREN,
    Heading,
    find_headings,
    find_inline_parts,
    find_midline_headings,
)
from shenyue.model.report import Section, Span
from shenyue.model.section_titles import (
    EXPECTED_NUMERAL,
    FUZZY_ACCEPT,
    KEY_PATTERNS,
    STANDARD_TITLES,
    TitleMatch,
    _compact_folded,
    _is_standard,
    compact,
    fuzzy_best,
    is_legacy_title,
    match_key,
    match_title,
)
from shenyue.model.text import fold, has_han, strip_span

# Public names, defined here or in the modules split from this one (imported from here).
__all__ = [
    "ANNUAL_TITLE",
    "EXPECTED_NUMERAL",
    "FUZZY_ACCEPT",
    "Heading",
    "KEY_PATTERNS",
    "NARRATIVE_KEYS",
    "STANDARD_TITLES",
    "SUMMARY_TITLE",
    "TitleMatch",
    "build_sections",
    "clip_table_regions",
    "compact",
    "document_kind",
    "find_headings",
    "find_inline_parts",
    "find_midline_headings",
    "fuzzy_best",
    "is_legacy_title",
    "is_unfilled_template",
    "match_key",
    "match_title",
]


_MAX_SECTIONS = 500


NARRATIVE_KEYS = ("overview", "problems", "other")  # sections of text, without a table of the format


def clip_table_regions(text: str, tables: list[Span], headings: list[Heading]) -> list[Span]:
    """Table regions with the canonical section headings that they run over cut out.

    A section title after a table's last row ends that table. What follows the
    title stays table when the section is one of the format's tables (二, 三, 四:
    the region may hold the table the heading introduces); after the title of a
    narrative section (一, 五, 六) the region is cut up to the next heading.
    """
    canon = sorted((h for h in headings if h.key), key=lambda h: h.start)
    cuts = []
    for i, h in enumerate(canon):
        end = h.end
        if h.key in NARRATIVE_KEYS:
            end = canon[i + 1].start if i + 1 < len(canon) else len(text)
        cuts.append((h.start, end))
    out: list[Span] = []
    for t in tables:
        pieces = [(t.start, t.end)]
        for a, b in cuts:
            nxt = []
            for s, e in pieces:
                if s < a < e:  # the region runs over this heading
                    nxt.append((s, a))
                    if b < e:
                        nxt.append((b, e))
                else:
                    nxt.append((s, e))
            pieces = nxt
        if pieces == [(t.start, t.end)]:
            out.append(t)
            continue
        for s, e in pieces:
            s, e = strip_span(text, s, e)
            if e > s:
                out.append(Span(s, e, t.kind))
    return out


def build_sections(
    text: str,
    headings: list[Heading],
    *,
    summary: bool,
    table_regions: list[Span],
    chrome: list[Span],
    parts: list[Heading] | None = None,
) -> tuple[list[Section], Span | None]:
    """Turn top-level headings into sections; returns ``(sections, preamble)``.

    ``summary``: the document's own numbered parts become ``part-N`` (a work
    summary, a pre-2019 report); ``parts`` are the parts found inside lines
    (:func:`find_inline_parts`), used when the lines hold fewer than two.
    """
    if summary:
        top = _summary_level(headings, parts or [])
    else:
        top = [h for h in headings if h.level in ("numbered", "markdown", "plain") and (h.key or h.level == "numbered")]
        if len({h.key for h in top if h.key}) < 3:
            paren = _paren_sections(text, headings)
            if len({h.key for h in paren}) > len({h.key for h in top if h.key}):
                top = paren  # the six sections numbered （一）…（六）
        if not any(h.key for h in top):
            top = _summary_level(headings, parts or [])
            summary = True
    top.sort(key=lambda h: h.start)
    del top[_MAX_SECTIONS:]  # hostile input: the last section runs to the end
    sections: list[Section] = []
    used: set[str] = set()
    extra = 0
    end_of_text = _content_end(text, chrome)
    for i, h in enumerate(top):
        end = top[i + 1].start if i + 1 < len(top) else max(end_of_text, h.end)
        if summary:
            key, standard, score = f"part-{i + 1}", True, 100.0
        elif h.key and h.key not in used:
            key, standard, score = h.key, h.standard, h.score
            used.add(h.key)
        else:
            extra += 1
            key, standard, score = f"extra-{extra}", False, h.score
        body_start = min(end, h.end)
        section = Section(
            key=key,
            title=h.title,
            start=h.start,
            end=end,
            body_start=body_start,
            numeral=h.numeral,
            empty=_is_empty(text, body_start, end, table_regions, chrome),
            standard_title=standard,
            title_score=score,
        )
        sections.append(section)
    preamble = None
    first = sections[0].start if sections else len(text)
    s, e = strip_span(text, 0, first)
    if e > s:
        preamble = Span(s, e, "preamble")
    return sections, preamble


def _paren_sections(text: str, headings: list[Heading]) -> list[Heading]:
    """Headings numbered （一）（二）… that name sections of the format (some reports
    number their six sections so); matched only when the numbered ones do not."""
    out = []
    for h in [h for h in headings if h.level == "paren"][:_MAX_TITLE_MATCHES]:
        t0 = h.start + len(_PAREN.match(fold(text[h.start : h.end])).group(0))
        match = match_title(fold(text[t0 : h.end]))
        if match.key is not None:
            t1 = t0 + match.length if h.end - h.start > _MAX_HEADING_LINE else h.end
            standard = match.score == 100 and _is_standard(_compact_folded(fold(text[t0:t1])), match.key)
            out.append(
                Heading(
                    h.start,
                    t1,
                    text[h.start : t1].strip(),
                    h.numeral,
                    "paren",
                    match.key,
                    match.score,
                    standard,
                    h.line_end,
                )
            )
    return out


def _summary_level(headings: list[Heading], parts: list[Heading]) -> list[Heading]:
    """The top level of a document in its own parts: numbered lines, else numbered
    parts inside lines, else Markdown headings, else （一） lines or parts inside lines."""
    numbered = [h for h in headings if h.level == "numbered" and not h.inline]
    numbered_parts = [h for h in parts if h.level == "numbered"]
    if len(numbered) >= 2 or (numbered and len(numbered_parts) < 2):
        return numbered
    if len(numbered_parts) >= 2:
        return numbered_parts
    for chosen in ([h for h in headings if h.level == "markdown"], [h for h in headings if h.level == "paren"], parts):
        if len(chosen) >= 2:
            return chosen
    return []


def _content_end(text: str, chrome: list[Span]) -> int:
    """End of the text without trailing chrome lines (关闭本页 …) and white space."""
    end = len(text)
    changed = True
    while changed:
        changed = False
        end = strip_span(text, 0, end)[1]
        for c in chrome:
            if c.start < end <= c.end or (c.start < end and not text[c.end : end].strip()):
                if c.start < end:
                    end = c.start
                    changed = True
    return end


def _is_empty(text: str, start: int, end: int, tables: list[Span], chrome: list[Span]) -> bool:
    if any(t.start < end and t.end > start for t in tables):
        return False
    body = text[start:end]
    for c in chrome:
        if c.start < end and c.end > start:
            a, b = max(c.start, start) - start, min(c.end, end) - start
            body = body[:a] + " " * (b - a) + body[b:]
    return not has_han(body, 10)
