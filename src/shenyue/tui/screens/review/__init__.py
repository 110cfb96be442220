"""The review screen, as a package: one module per part.

- :mod:`.screen`: :class:`ReviewScreen` composes the panes and routes their messages.
- :mod:`.viewmodel`: what is shown (sections, comparison choice, matched pairs, search,
  findings per section), without Textual, unit-tested.
- :mod:`.comparison`, :mod:`.scoring`, :mod:`.header`, :mod:`.search`, :mod:`.view`: the
  comparison pane, the review session and scores, the header and pane titles, search, layout
  and focus. Each is a part (a mixin) of :class:`ReviewScreen`.

A new pane is a widget module in ``shenyue/tui/widgets/`` yielded in
:meth:`ReviewScreen.compose` (and listed in :attr:`ReviewScreen.HELP_PANES` when it has
keys); its messages are routed in ``screen.py``.

``ReviewScreen`` is imported on first use, so importing the view model never loads Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen

__all__ = ["ReviewScreen"]


def __getattr__(name: str) -> Any:
    if name == "ReviewScreen":
        from shenyue.tui.screens.review.screen import ReviewScreen

        return ReviewScreen
    raise AttributeError(name)
