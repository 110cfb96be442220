"""The review screen, as a package: one module per part.

- :mod:`.screen`: :class:`ReviewScreen` composes the panes and routes their messages.
- :mod:`.viewmodel`: what is shown (sections, comparison choice, matched pairs, search,
  findings per section), without Textual, unit-tested.
- :mod:`.comparison`, :mod:`.scoring`, :mod:`.header`: the comparison pane, the review
  session and scores, the header and pane titles.

A new pane is a widget module in ``shenyue/tui/widgets/`` yielded in
:meth:`ReviewScreen.compose` (and listed in :attr:`ReviewScreen.HELP_NODES` when it has
keys); its messages are routed in ``screen.py``.
"""

from shenyue.tui.screens.review.screen import ReviewScreen

__all__ = ["ReviewScreen"]
