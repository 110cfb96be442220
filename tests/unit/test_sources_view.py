"""The sources panel's and the pairs view's data, without an app: every report a report shares text with
(ranked, kinds, shares, who came first), the comparison's "source i of n", and the folder's most similar pairs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from shenyue.analysis.similarity.kinds import COMMON, PEER, REUSED_LATER, SAME_UNIT
from shenyue.analysis.similarity.pairs import top_pairs
from shenyue.analysis.similarity.result import CopySpan, CopySummary, shares
from shenyue.model.report import Document, Report, Section
from shenyue.tui.copies import CopyData
from shenyue.tui.screens.pairs_model import folder_pairs, pair_rows
from shenyue.tui.screens.review.sources import (
    FIRST_OTHER,
    FIRST_THIS,
    FIRST_UNKNOWN,
    section_sharing_most,
    source_share,
    sources_view,
)
from shenyue.tui.screens.review.viewmodel import ReviewModel


def make_report(rel: str, body: str, *, unit: str, year: int, published: date | None = None) -> Report:
    """A report of two sections: the first half of ``body`` and the rest."""
    half = len(body) // 2
    sections = [Section("one", "一", 0, half, 0), Section("two", "二", half, len(body), half)]
    data = body.encode("utf-8")
    doc = Document(path=Path("/r") / rel, rel=rel, text=body, encoding="utf-8",
                   sha256=hashlib.sha256(data).hexdigest(), size=len(data), source_format="txt")  # fmt: skip
    return Report(doc=doc, sections=sections, unit=unit, year=year, published=published)


def cs(me: str, start: int, end: int, other: str, kind: str) -> CopySpan:
    return CopySpan(me, start, end, other, start, end, kind, 2, 1.0)


@dataclass
class Row:
    rel: str
    report: Report


class FakeWorkspace:
    def __init__(self, reports: list[Report], copies: dict[str, CopySummary]) -> None:
        self.rows = [Row(r.rel, r) for r in reports]
        self.by_rel = {r.rel: r for r in reports}
        self.copy = CopyData(copies)

    def report(self, rel: str) -> Report | None:
        return self.by_rel.get(rel)


def summary(rel: str, length: int, spans: list[CopySpan], outside=()) -> CopySummary:
    whole = shares(spans, 0, length, outside=outside)
    return CopySummary(whole.peer_share, whole.same_unit_share, whole.common_share, whole.sources,
                       spans=sorted(spans, key=lambda s: s.start), length=length, outside=list(outside))  # fmt: skip


def folder():
    """me.txt (1,000 characters, 100 of them a table) shares text with five reports:
    200 with peer p1, 50 with peer p2, 120 with its own 2022 report, 30 reused by a later report,
    80 of common wording."""
    text = "字" * 1000
    me = make_report("me.txt", text, unit="甲局", year=2023, published=date(2024, 1, 20))
    p1 = make_report("p1.txt", text, unit="乙局", year=2023, published=date(2024, 1, 10))
    p2 = make_report("p2.txt", text, unit="丙局", year=2023, published=date(2024, 1, 25))
    old = make_report("old.txt", text, unit="甲局", year=2022)
    later = make_report("later.txt", text, unit="丁局", year=2024)
    spans = [
        cs("me.txt", 0, 150, "p1.txt", PEER),
        cs("me.txt", 150, 270, "old.txt", SAME_UNIT),
        cs("me.txt", 300, 350, "p1.txt", PEER),
        cs("me.txt", 400, 450, "p2.txt", PEER),
        cs("me.txt", 500, 580, "p2.txt", COMMON),  # common wording: names no source
        cs("me.txt", 600, 630, "later.txt", REUSED_LATER),
    ]
    copies = {
        "me.txt": summary("me.txt", 1000, spans, outside=[(900, 1000)]),
        "p1.txt": summary(
            "p1.txt", 1000, [cs("p1.txt", 0, 150, "me.txt", PEER), cs("p1.txt", 300, 350, "me.txt", PEER)]
        ),
        "p2.txt": summary("p2.txt", 1000, [cs("p2.txt", 400, 450, "me.txt", PEER)]),
        "old.txt": summary("old.txt", 1000, [cs("old.txt", 150, 270, "me.txt", REUSED_LATER)]),
        "later.txt": summary("later.txt", 1000, [cs("later.txt", 600, 630, "me.txt", PEER)]),
    }
    reports = [me, p1, p2, old, later]
    return reports, FakeWorkspace(reports, copies)


def test_the_panel_lists_every_report_shared_with_ranked_by_characters_with_kind_share_and_who_came_first():
    reports, ws = folder()
    view = sources_view(ws, "me.txt", current="p2.txt")
    assert view is not None
    assert [(r.rank, r.rel, r.source.kind, r.source.chars) for r in view.rows] == [
        (1, "p1.txt", PEER, 200),
        (2, "old.txt", SAME_UNIT, 120),
        (3, "p2.txt", PEER, 50),
        (4, "later.txt", REUSED_LATER, 30),
    ]
    # shares are of the prose (the 100-character table left out), as the report's own shares
    assert [r.source.share for r in view.rows] == [round(200 / 900, 4), round(120 / 900, 4), round(50 / 900, 4),
                                                   round(30 / 900, 4)]  # fmt: skip
    copies = ws.copy.get("me.txt")
    copied = sum(r.source.share for r in view.rows if r.source.kind in (PEER, SAME_UNIT))
    assert abs(copied - copies.share) < 1e-3
    # common wording is apart, never a source
    assert view.common_share == copies.common_share == round(80 / 900, 4)
    assert "p2.txt" in {r.rel for r in view.rows} and all(r.source.kind != COMMON for r in view.rows)
    # who came first: publication dates, else the year's deadline (31 January of the next year)
    first = {r.rel: r.first for r in view.rows}
    assert first == {"p1.txt": FIRST_OTHER, "p2.txt": FIRST_THIS, "old.txt": FIRST_OTHER, "later.txt": FIRST_THIS}
    assert [r.rel for r in view.rows if r.current] == ["p2.txt"]
    assert view.rows[0].published == date(2024, 1, 10) and view.rows[0].unit == "乙局"
    assert view.index_of("old.txt") == 1 and view.index_of("none") is None


def test_no_panel_before_similarity_and_unknown_order_without_dates():
    reports, ws = folder()
    ws.copy = CopyData({})
    assert sources_view(ws, "me.txt") is None
    a = make_report("a.txt", "字", unit="甲", year=2023)
    b = make_report("b.txt", "字", unit="乙", year=2023)  # same year, no dates: the same deadline
    from shenyue.tui.screens.review.sources import who_first

    assert who_first(a, b) == FIRST_UNKNOWN
    b.year = None
    assert who_first(a, b) == FIRST_UNKNOWN


def test_a_sources_share_of_a_section_and_the_section_sharing_the_most():
    reports, ws = folder()
    copies = ws.copy.get("me.txt")
    me = reports[0]
    one, two = me.sections
    got = source_share(copies, "p1.txt", one)  # 0..500: 200 characters of p1
    assert (got.chars, got.kind, got.share) == (200, PEER, 0.4)
    assert source_share(copies, "p1.txt", two) is None
    assert source_share(copies, "later.txt").chars == 30
    assert section_sharing_most(copies, me.sections, "later.txt") == "two"
    assert section_sharing_most(copies, me.sections, "nobody.txt") is None


def test_c_cycles_every_source_section_first_and_the_title_counts_them():
    reports, ws = folder()
    m = ReviewModel(ws)
    m.load(reports[0])
    m.section = m.find_section("two")  # 500..1000: only the later report's reuse
    # the section's copied sources first (none here), then the whole report's, reused-later last
    assert m.comparison_sources() == ["p1.txt", "old.txt", "p2.txt", "later.txt"]
    m.choose_comparison()
    assert m.comparison.rel == "p1.txt"  # a later report repeating this one is never chosen by itself
    assert m.source_position() == (1, 4)
    seen = [m.comparison.rel]
    for _ in range(4):
        m.pin_comparison(m.step_source(1))
        seen.append(m.comparison.rel)
    assert seen == ["p1.txt", "old.txt", "p2.txt", "later.txt", "p1.txt"]
    m.pin_comparison("later.txt")
    assert m.source_position() == (4, 4)
    m.section = m.find_section("one")
    assert m.comparison_sources()[:3] == ["p1.txt", "old.txt", "p2.txt"]


def test_pairs_of_the_folder_are_ranked_counted_once_with_the_copying_sides_kind():
    reports, ws = folder()
    pairs = top_pairs(ws.copy.by_rel)
    got = [(p.report, p.source, p.kind, p.chars) for p in pairs]
    assert got == [
        ("me.txt", "p1.txt", PEER, 200),  # both sides call it copied: counted once
        ("me.txt", "old.txt", SAME_UNIT, 120),  # old.txt's side says REUSED_LATER
        ("me.txt", "p2.txt", PEER, 50),
        ("later.txt", "me.txt", PEER, 30),  # me.txt's side says REUSED_LATER, later.txt's that it copied a peer
    ]
    p = pairs[0]
    assert (p.share, p.source_share) == (round(200 / 900, 4), 0.2)
    assert top_pairs(ws.copy.by_rel, limit=2) == pairs[:2]
    # only common wording between two reports: no pair
    only_common = {"x.txt": summary("x.txt", 100, [cs("x.txt", 0, 50, "y.txt", COMMON)])}
    assert top_pairs(only_common) == []


def test_pair_rows_open_the_later_report_and_are_computed_once_per_results():
    reports, ws = folder()
    rows, total = pair_rows(ws)
    assert total == 4
    assert [(r.rank, r.later.rel, r.earlier.rel) for r in rows] == [
        (1, "me.txt", "p1.txt"),  # published 2024-01-20, after p1's 2024-01-10
        (2, "me.txt", "old.txt"),
        (3, "p2.txt", "me.txt"),  # me.txt copied it, but p2 was published later (2024-01-25)
        (4, "later.txt", "me.txt"),
    ]
    assert rows[2].later_share == 0.05 and rows[2].earlier_share == round(50 / 900, 4)
    assert folder_pairs(ws.copy) is folder_pairs(ws.copy)
    assert len(pair_rows(ws, limit=1)[0]) == 1


def test_the_panel_lists_more_than_the_five_main_sources():
    text = "字" * 1000
    me = make_report("me.txt", text, unit="甲局", year=2023)
    peers = [make_report(f"p{i}.txt", text, unit=f"乙{i}", year=2023) for i in range(8)]
    spans = [cs("me.txt", 100 * i, 100 * i + 90 - i, f"p{i}.txt", PEER) for i in range(8)]
    ws = FakeWorkspace([me, *peers], {"me.txt": summary("me.txt", 1000, spans)})
    assert len(ws.copy.get("me.txt").sources) == 5  # the report's main sources
    view = sources_view(ws, "me.txt")
    assert [r.rel for r in view.rows] == [f"p{i}.txt" for i in range(8)]
    assert [r.source.chars for r in view.rows] == [90 - i for i in range(8)]


@pytest.mark.parametrize("seed", range(8))
def test_section_shares_count_every_span_that_touches_the_section(seed):
    """The summary looks only at the spans near each section; its shares are those of all spans, whether
    the spans come by position or not (a span snapped back to its clause may start before the previous one)."""
    import random

    from shenyue.analysis.similarity.index import SpanArrays
    from shenyue.analysis.similarity.result import Entry, SimilarityResult
    from shenyue.analysis.similarity.settings import DEFAULT

    rng = random.Random(seed)
    length = 2000
    spans = []
    for _ in range(rng.randint(0, 40)):
        a = rng.randrange(0, length - 1)
        b = min(length, a + rng.randint(1, 300))
        spans.append(cs("me.txt", a, b, rng.choice(["x.txt", "y.txt"]), rng.choice([PEER, SAME_UNIT, COMMON])))
    spans.sort(key=lambda s: (s.start, s.end))
    if seed % 2:  # not by position
        rng.shuffle(spans)

    @dataclass
    class Part:
        key: str
        start: int
        end: int

    cuts = sorted(rng.sample(range(1, length), 5))
    sections = [Part(f"s{i}", a, b) for i, (a, b) in enumerate(zip([0, *cuts], [*cuts, length]))]
    result = SimilarityResult([Entry("me.txt", "0", length=length)], SpanArrays.empty(), DEFAULT)
    result.spans_of = lambda rel: list(spans)
    got = result.summary("me.txt", sections)
    for sec in sections:
        touching = [s for s in spans if s.end > sec.start and s.start < sec.end]
        assert got.sections[sec.key] == shares(touching, sec.start, sec.end)
