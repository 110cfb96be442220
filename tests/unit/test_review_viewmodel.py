"""The review screen's view model, without an app: sections, comparison choice, matched pairs, search, findings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from shenyue.analysis.findings import Finding
from shenyue.analysis.similarity import PEER
from shenyue.analysis.similarity.result import CopySpan, CopySummary, SourceShare
from shenyue.model.report import Document, Report, Section
from shenyue.tui.copies import CopyData
from shenyue.tui.screens.review.viewmodel import (
    PREAMBLE,
    WHOLE,
    ReviewModel,
    find_all,
    findings_in_section,
    sections_of,
    step_index,
)


def make_report(rel: str, parts: list[tuple[str, str]], *, preamble: str = "", unit: str | None = None,
                year: int | None = None) -> Report:  # fmt: skip
    """A report whose sections are ``(key, text)`` in order, each starting with a one-line heading."""
    text = preamble
    sections = []
    for key, body in parts:
        start = len(text)
        heading = f"标题{key}\n"
        text += heading + body + "\n"
        sections.append(Section(key, heading.strip(), start, len(text), start + len(heading)))
    data = text.encode("utf-8")
    doc = Document(path=Path("/r") / rel, rel=rel, text=text, encoding="utf-8",
                   sha256=hashlib.sha256(data).hexdigest(), size=len(data), source_format="txt")  # fmt: skip
    return Report(doc=doc, sections=sections, unit=unit, year=year)


def span(a: Report, needle: str, b: Report, *, kind: str = PEER) -> CopySpan:
    """``needle`` copied from ``b`` into ``a``."""
    start, other = a.text.index(needle), b.text.index(needle)
    return CopySpan(a.rel, start, start + len(needle), b.rel, other, other + len(needle), kind, 2, 1.0)


@dataclass
class Row:
    rel: str
    report: Report | None


class FakeWorkspace:
    """What the model reads of a workspace: reports by name, rows and copy data."""

    def __init__(self, reports: list[Report], copies: dict[str, CopySummary] | None = None) -> None:
        self.rows = [Row(r.rel, r) for r in reports]
        self.by_rel = {r.rel: r for r in reports}
        self.copy = CopyData(copies or {})

    def report(self, rel: str) -> Report | None:
        return self.by_rel.get(rel)


COPIED = "各部门要按照规定及时主动公开政府信息"
OTHER = "本机关全年共收到政府信息公开申请十二件"


def three_reports():
    a = make_report(
        "a.txt", [("one", "甲的开头"), ("two", "第二节" + COPIED + "。")], preamble="报告标题\n", unit="甲局", year=2023
    )
    b = make_report("b.txt", [("one", "乙" + COPIED), ("two", "乙的第二节")], unit="乙局", year=2023)
    c = make_report("c.txt", [("one", "丙"), ("two", "丙" + COPIED[:8] + OTHER)], unit="丙局", year=2023)
    return a, b, c


def model_of(reports, copies=None) -> ReviewModel:
    m = ReviewModel(FakeWorkspace(list(reports), copies))
    m.load(reports[0])
    return m


def test_sections_have_a_preamble_when_text_comes_before_the_first_heading_and_the_whole_text_without_sections():
    a, b, _ = three_reports()
    assert [s.key for s in sections_of(a)] == [PREAMBLE, "one", "two"]
    assert [s.key for s in sections_of(b)] == ["one", "two"]
    bare = make_report("bare.txt", [])
    bare.doc.text = "没有标题的全文"  # no sections at all
    (whole,) = sections_of(bare)
    assert (whole.key, whole.start, whole.end) == (WHOLE, 0, len(bare.text))


def test_opening_a_report_starts_at_its_first_real_section_or_the_one_asked_for():
    a, b, c = three_reports()
    m = model_of([a, b, c])
    assert m.first_key() == "one"  # the preamble stays one key away
    assert m.first_key("two") == "two"
    assert m.first_key("no-such") == "one"


def test_stepping_through_sections_stops_at_either_end():
    a, b, c = three_reports()
    m = model_of([a, b, c])
    m.section = m.find_section("one")
    assert m.step_section(1) == "two"
    assert m.step_section(-1) == PREAMBLE
    m.section = m.find_section("two")
    assert m.step_section(1) is None
    assert m.step_section(5) is None


def test_comparison_is_the_report_sharing_most_of_this_section_and_its_matching_section():
    a, b, c = three_reports()
    copies = {
        "a.txt": CopySummary(
            spans=[span(a, COPIED, b), span(a, COPIED[:8], c)], sources=[SourceShare("c.txt", 8, PEER)]
        ),
    }
    m = model_of([a, b, c], copies)
    m.section = m.find_section("two")
    assert m.comparison_sources() == ["b.txt", "c.txt"]  # most shared first
    m.choose_comparison()
    assert m.comparison.rel == "b.txt"
    other_section = m.compare(b)
    assert other_section.key == "one"  # where b holds the text, not b's section of the same key
    (pair,) = m.pairs
    assert a.text[pair.start : pair.end] == b.text[pair.other_start : pair.other_end] == COPIED


def test_a_pinned_comparison_stays_when_the_section_changes():
    a, b, c = three_reports()
    copies = {"a.txt": CopySummary(spans=[span(a, COPIED, b)])}
    m = model_of([a, b, c], copies)
    m.section = m.find_section("two")
    m.pin_comparison("c.txt")
    m.choose_comparison()
    assert m.comparison.rel == "c.txt"
    m.pin_comparison(None)
    assert not m.comparison.pinned
    m.choose_comparison()
    assert m.comparison.rel == "b.txt"


def test_next_source_cycles_and_there_is_none_without_copy_data():
    a, b, c = three_reports()
    copies = {"a.txt": CopySummary(spans=[span(a, COPIED, b), span(a, COPIED[:8], c)])}
    m = model_of([a, b, c], copies)
    m.section = m.find_section("two")
    m.choose_comparison()
    assert m.step_source(1) == "c.txt"
    assert m.step_source(-1) == "c.txt"  # two sources: both directions reach the other
    bare = model_of([a, b, c])
    bare.section = bare.find_section("two")
    assert bare.step_source(1) is None


def test_matched_pairs_cycle_from_either_end_and_a_click_finds_the_pair():
    assert [step_index(-1, 1, 3), step_index(-1, -1, 3), step_index(2, 1, 3), step_index(0, -1, 3)] == [0, 2, 0, 2]
    a, b, c = three_reports()
    m = model_of([a, b, c], {"a.txt": CopySummary(spans=[span(a, COPIED, b)])})
    m.section = m.find_section("two")
    assert m.step_pair(1) is None  # nothing compared yet
    m.choose_comparison()
    m.compare(b)
    p = m.step_pair(1)
    assert p is not None and m.current_pair() is p
    assert m.pair_at(a.text.index(COPIED) + 2, other=False) == 0
    assert m.pair_at(b.text.index(COPIED) + 2, other=True) == 0
    assert m.pair_at(0, other=False) is None


def test_search_finds_every_occurrence_in_this_section_and_the_comparisons():
    text = "公开公开，再公开"
    assert find_all(text, 0, len(text), "公开") == [(0, 2), (2, 4), (6, 8)]
    assert find_all(text, 3, len(text), "公开") == [(6, 8)]  # offsets stay those of the whole text
    assert find_all(text, 0, len(text), "") == []
    assert len(find_all("字" * 50, 0, 50, "字", limit=7)) == 7
    a, b, c = three_reports()
    m = model_of([a, b, c], {"a.txt": CopySummary(spans=[span(a, COPIED, b)])})
    m.section = m.find_section("two")
    m.choose_comparison()
    m.compare(b)
    mine, theirs = m.search("政府信息")
    assert [a.text[x:y] for x, y in mine] == ["政府信息"]
    assert [b.text[x:y] for x, y in theirs] == ["政府信息"]
    assert m.step_hit(1) == mine[0] and m.step_hit(1) == mine[0]  # one hit: cycling stays on it
    m.search("没有的词")
    assert m.step_hit(1) is None


def test_findings_per_section_and_of_the_whole_report():
    a, b, c = three_reports()
    two = a.section("two")
    placed = Finding("x", "warning", two.body_start, two.body_start + 2)
    by_key = Finding("y", "info", section="one")
    whole = Finding("z", "error")
    elsewhere = Finding("w", "info", section="no-such-section")
    a.findings = [placed, by_key, whole, elsewhere]
    assert findings_in_section(a, two, a.findings) == [placed]
    m = model_of([a, b, c])
    m.section = m.find_section("one")
    assert m.findings_split() == ([by_key], [whole, elsewhere])
    assert m.finding_section(placed) == "two"
    assert m.finding_section(by_key) is None  # already shown
    m.section = two
    assert m.finding_section(by_key) == "one"


def test_previous_year_is_the_same_units_latest_earlier_report():
    a, b, c = three_reports()
    old = make_report("a-2021.txt", [("one", "旧")], unit="甲局", year=2021)
    older = make_report("a-2020.txt", [("one", "更旧")], unit="甲局", year=2020)
    m = model_of([a, b, c, old, older])
    assert m.previous_year() == "a-2021.txt"
    m2 = model_of([b, a, c])
    assert m2.previous_year() is None
