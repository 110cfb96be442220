"""What kind of document a report is: an annual report, a work summary, a blank template, or not a report.

:func:`document_kind` reads the title and the headings found; :func:`is_unfilled_template` tells
a published blank template (placeholders, no figures) from a filled report.
"""

from __future__ import annotations

import re

from shenyue.model.headings import Heading
from shenyue.model.normalize import to_simplified
from shenyue.model.report import SECTION_KEYS, Section, Span
from shenyue.model.text import fold, has_han

# ---------------------------------------------------------------- document kind

ANNUAL_TITLE = re.compile(r"(政府信息公开|信息公开).{0,6}(年度报告|年报)")


SUMMARY_TITLE = re.compile(r"工作总结|工作思路|总结和|总结$|要点落实情况|落实情况$|工作情况报告|开展情况的?报告")


# Titles of documents that are about reports but are none: a notice, a plan, a list of work points.
NOT_REPORT_TITLE = re.compile(r"通知$|的通知|实施方案$|工作方案$|工作要点$|(?:报告)?格式$|编制说明$")


_BRACKETED = re.compile(r"[(（【\[][^()（）【】\[\]\n]{0,80}[)）】\]]")


_TEMPLATE_TITLE = re.compile(r"模板|模版|格式|范本|样本")


_NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")


_NOT_LETTER = re.compile(r"[^A-Za-z]+")


def document_kind(
    text: str,
    title: Span | None,
    sections: list[Section],
    headings: list[Heading],
    parts: list[Heading],
    year: int | None,
    tables,
    table_regions: list[Span],
    chrome: list[Span],
) -> str:
    """What the document is (:data:`shenyue.model.report.KINDS`).

    ``annual-2021``/``annual-2019``: an annual report of a national format,
    however it is laid out (one line or many). ``annual-legacy``: an annual
    report in the pre-2019 format (一、概述 … 依申请公开办理情况 …, no 第二十条
    tables). ``template``: the blank format itself (headings, 文字描述
    placeholders, empty tables). ``summary``: a work summary (政务公开工作总结,
    工作要点落实情况) or another text about disclosure work in numbered parts.
    ``unknown``: not a report (a note, a README).
    ``tables`` is the parsed :class:`shenyue.model.tables.Tables`.
    """
    han = _disclosure_han(text)
    if han is None:
        return "unknown"
    title_text = to_simplified(fold(text[title.start : title.end])) if title else ""
    annual_title = bool(ANNUAL_TITLE.search(title_text))
    fmt = getattr(tables, "version", None)
    if title_text and SUMMARY_TITLE.search(title_text) and not annual_title:
        return "summary"
    canonical = {s.key for s in sections if s.canonical}
    if title_text and NOT_REPORT_TITLE.search(title_text.strip()) and len(canonical) < 3:
        return "unknown"
    if len(canonical) >= 3 or annual_title or fmt is not None:
        if len(canonical) >= 3 and is_unfilled_template(text, sections, tables, table_regions, chrome, title_text):
            return "template"
        legacy = len({h.numeral for h in [*headings, *parts] if h.legacy})
        # pre-2019 headings, or a report year before 2019 without the six sections of the later formats
        if fmt is None and (legacy >= 2 or (year is not None and year < 2019 and len(canonical) < len(SECTION_KEYS))):
            return "annual-legacy"
        if fmt == "2019":
            return "annual-2019"
        if fmt == "2021":
            return "annual-2021"
        if year is not None and year < 2021:
            return "annual-2019"
        return "annual-2021"
    numbered = [h for h in headings if h.level in ("numbered", "markdown") and not h.inline]
    if (len(parts) >= 2 or len(numbered) >= 2) and han >= 100:
        return "summary"
    return "unknown"


def _disclosure_han(text: str) -> int | None:
    """The Han characters of Chinese prose about disclosure work (Han characters dominate letters, and it
    speaks of 公开), or None for another text (judged on the first 4,000 characters: enough to tell, cheap
    on long texts)."""
    text = text[:4000]
    han = len(_NOT_HAN.sub("", text))
    return han if han >= 2 * len(_NOT_LETTER.sub("", text)) and _TOPIC.search(text) else None


_TOPIC = re.compile(r"公[开開]")


def is_unfilled_template(
    text: str, sections: list[Section], tables, table_regions: list[Span], chrome: list[Span], title: str = ""
) -> bool:
    """The blank format: every section of the national format holds nothing but
    bracketed instructions (（文字描述）), no table holds a number, and it says it
    is a template (an instruction, or 模板/格式 in its title). A report whose
    sections are merely empty (text lost in extraction) is not a template."""
    for t in tables.all() if tables is not None else []:
        if any(c.value is not None for c in t.cells.values()):
            return False
    canonical = [s for s in sections if s.canonical]
    if not canonical:
        return False
    instructions = bool(_TEMPLATE_TITLE.search(title))
    for s in canonical:
        body = text[s.body_start : s.end]
        # blank out tables and chrome, then the instructions in brackets
        for span in [*table_regions, *chrome]:
            if span.start < s.end and span.end > s.body_start:
                a, b = max(span.start, s.body_start) - s.body_start, min(span.end, s.end) - s.body_start
                body = body[:a] + " " * (b - a) + body[b:]
        if "|" in body:
            body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(("|", "｜")))
        if has_han(_BRACKETED.sub(" ", body), 10):
            return False
        instructions = instructions or any(has_han(m.group(), 2) for m in _BRACKETED.finditer(body))
    return instructions
