"""The app's text helpers: safe display text, CJK wrapping, fuzzy matching, shared-text pairs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from shenyue.tui.copies import CopyData, CopySpan, CopySummary
from shenyue.tui.highlight import build_runs
from shenyue.tui.textutil import display_text, fuzzy_score, line_of, wrap_offsets

TEXT = st.text(alphabet=st.sampled_from(list("政府信息公开，。、（）ab c1\n\t\x1b\x07“”")), max_size=200)


@given(TEXT)
def test_display_text_keeps_every_offset_and_drops_controls(text):
    shown = display_text(text)
    assert len(shown) == len(text)
    assert not any(ch in shown for ch in "\x1b\x07\t")
    assert [i for i, ch in enumerate(text) if ch == "\n"] == [i for i, ch in enumerate(shown) if ch == "\n"]


@given(TEXT, st.integers(min_value=2, max_value=30))
def test_wrapped_lines_fit_and_cover_the_text(text, width):
    text = display_text(text)
    lines = wrap_offsets(text, width)
    for a, b in lines:
        assert cell_len(text[a:b]) <= width
        assert "\n" not in text[a:b]
    # every character except newlines and spaces dropped at a break is on a line
    covered = set()
    for a, b in lines:
        covered.update(range(a, b))
    missing = [text[i] for i in range(len(text)) if i not in covered]
    assert set(missing) <= {"\n", " "}
    assert [a for a, _ in lines] == sorted(a for a, _ in lines)


def test_wrapping_keeps_closing_punctuation_off_the_line_start():
    text = "一二三四五六七八九，十"
    lines = wrap_offsets(text, 18)  # nine wide characters fit, the comma would start line 2
    assert [text[a:b] for a, b in lines] == ["一二三四五六七八", "九，十"]


def test_wrapping_keeps_short_ascii_words_whole():
    assert [("hello world foo")[a:b] for a, b in wrap_offsets("hello world foo", 8)] == ["hello", "world", "foo"]


def test_line_of_finds_the_line_holding_an_offset():
    lines = wrap_offsets("一二三四\n五六", 4)
    assert line_of(lines, 0) == 0 and line_of(lines, 2) == 1 and line_of(lines, 5) == 2


def test_fuzzy_matching_finds_units_by_some_of_their_characters():
    assert fuzzy_score("长征", "忻府区长征街街道") > fuzzy_score("长街", "忻府区长征街街道") > 0
    assert fuzzy_score("xq24", "", "zhongshan-xiqu-2024.txt") > 0
    assert fuzzy_score("北京", "忻府区长征街街道") == 0


def test_runs_combine_overlapping_highlights():
    runs = build_runs([(0, 10, 1), (5, 15, 2), (20, 25, 4)], 30)
    assert runs == [(0, 5, 1), (5, 10, 3), (10, 15, 2), (20, 25, 4)]


def test_pairs_are_clipped_to_both_sections_by_the_same_amount():
    data = CopyData(
        {
            "a": CopySummary(spans=[CopySpan("a", 100, 200, "b", 1000, 1100, "peer", 2, 1.0)]),
            "b": CopySummary(spans=[]),
        }
    )
    # this section starts inside the span: the source side is cut by as much
    pairs = data.pairs("a", 150, 400, "b", 0, 5000)
    assert [(p.start, p.end, p.other_start, p.other_end) for p in pairs] == [(150, 200, 1050, 1100)]
    # the comparison section ends inside the source stretch
    pairs = data.pairs("a", 0, 400, "b", 900, 1080)
    assert [(p.start, p.end, p.other_start, p.other_end) for p in pairs] == [(100, 180, 1000, 1080)]
    # spans the other report holds towards this one count too
    data.by_rel["b"].spans.append(CopySpan("b", 2000, 2050, "a", 300, 350, "same_unit", 2, 1.0))
    pairs = data.pairs("a", 0, 400, "b", 0, 5000)
    assert (300, 350, 2000, 2050) in [(p.start, p.end, p.other_start, p.other_end) for p in pairs]
