"""strip_span shrinks a span past white space of any kind (and zero-width spaces and BOMs), as str.isspace says."""

from __future__ import annotations

import random

from shenyue.model.text import WHITE_SPACE, strip_span


def test_the_white_space_list_is_every_character_python_calls_white_space():
    assert set(WHITE_SPACE) == {ch for ch in map(chr, range(0x110000)) if ch.isspace()}


def reference(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "\u200b\ufeff"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\u200b\ufeff"):
        end -= 1
    return start, end


def test_strip_span_skips_every_kind_of_white_space():
    rng = random.Random(7)
    alphabet = [*WHITE_SPACE, "\u200b", "\ufeff", "一", "a", "、", "\u200c", "|"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert strip_span(text, a, b) == reference(text, a, b)
    assert strip_span("\u3000\u3000一、总体情况\u200b\r", 0, 10) == (2, 8)


def test_a_long_text_folds_as_a_short_one_does():
    from shenyue.model.text import _FOLD_CHARS, _TABLE_FROM, _TO_FOLD, fold

    rng = random.Random(3)
    alphabet = [*_FOLD_CHARS, *"一二abc，。 \n\u3000", "\ud800", "\udc00", "\U0001f600", "\uffff", "\x00"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(_TABLE_FROM, 2 * _TABLE_FROM)))
        folded = fold(text)
        assert folded == _TO_FOLD.sub(lambda m: _FOLD_CHARS[m.group()], text) and len(folded) == len(text)
    assert fold("（一）" * _TABLE_FROM) == "(一)" * _TABLE_FROM
