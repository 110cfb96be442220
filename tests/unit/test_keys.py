"""Key names a user's keymap may use, and binding descriptions in the interface language."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from shenyue.i18n import set_language
from shenyue.tui.keys import bad_keys, character_key, describe


@pytest.mark.parametrize(
    "char, name",
    [
        ("a", "a"),
        ("Z", "Z"),
        ("7", "7"),
        ("]", "right_square_bracket"),
        ("[", "left_square_bracket"),
        ("?", "question_mark"),
        ("/", "slash"),
        ("\\", "backslash"),
        ("-", "minus"),
        ("+", "plus"),
        ("_", "underscore"),
        ("@", "at"),
        (",", "comma"),
        ("!", "exclamation_mark"),
    ],
)
def test_a_character_has_the_key_name_textual_gives_it(char, name):
    assert character_key(char) == name


@pytest.mark.parametrize(
    "spec", ["n,right_square_bracket", "slash", "ctrl+minus", "question_mark", "f12", "ctrl+p", "下"]
)
def test_keys_a_terminal_sends_are_accepted(spec):
    assert bad_keys(spec) == []


@pytest.mark.parametrize("spec", ["notakey", "solidus", "hyphen_minus", "ctrl+ctrl+a", "ctrl+", "", "n,,m"])
def test_names_that_are_not_keys_are_refused(spec):
    assert bad_keys(spec)


def test_descriptions_are_shown_in_the_interface_language():
    ours = Binding("n", "next_section", "tui.key.next_section", id="review.next_section")
    inherited = Binding("down", "cursor_down", "Cursor down", show=False)  # one of Textual's own
    other = Binding("x", "thing", "Plain words")
    try:
        set_language("en")
        assert (describe(ours), describe(inherited), describe(other)) == ("Next section", "Down", "Plain words")
        set_language("zh")
        assert (describe(ours), describe(inherited), describe(other)) == ("下一节", "下移", "Plain words")
    finally:
        set_language("zh")
