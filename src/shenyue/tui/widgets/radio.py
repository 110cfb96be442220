"""A radio button drawn in ASCII when the app draws only ASCII (``--ascii``).

Textual draws radio buttons with half blocks and a bullet, which are ambiguous
width in East Asian fonts; this subclass sets its own glyphs per instance,
so no Textual class is changed.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import RadioButton

from shenyue.tui.glyphs import ASCII, glyphs


class Radio(RadioButton):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if glyphs() is ASCII:
            self.BUTTON_LEFT, self.BUTTON_INNER, self.BUTTON_RIGHT = "(", "*", ")"
