"""Search on the review screen (``/``, ``n``/``N``): the box, the hits in both panes, stepping
through them. The hits themselves come from :meth:`ReviewModel.search`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shenyue.i18n import t
from shenyue.tui.highlight import SEARCH

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen


class SearchPart:
    """Search of the review screen."""

    def action_search(self: ReviewScreen) -> None:
        box = self.search_box
        box.display = True
        box.value = self.model.search_text
        box.focus()

    def search_typed(self: ReviewScreen, text: str) -> None:
        self.model.search_text = text
        self._apply_search()

    def search_submitted(self: ReviewScreen) -> None:
        """Enter in the box: back to the text, at the first hit."""
        self.search_box.display = False
        self.left.focus()
        if self.model.search_hits:
            self.model.search_index = -1
            self.action_search_hit(1)
        elif self.model.search_text:
            self.notify(t("tui.review.search_none", text=self.model.search_text), timeout=2)

    def close_search(self: ReviewScreen) -> bool:
        """Escape with the box open: the search ends (True); else nothing happens (False)."""
        box = self.search_box
        if not box.display:
            return False
        box.display = False
        self.model.search_text = ""
        self._apply_search()
        self.left.focus()
        return True

    def _apply_search(self: ReviewScreen) -> None:
        mine, theirs = self.model.search()
        self.left.set_overlay(SEARCH, mine)
        self.right.set_overlay(SEARCH, theirs)

    def action_search_hit(self: ReviewScreen, step: int) -> None:
        hit = self.model.step_hit(step)
        if hit is not None:
            self.left.scroll_to_offset(hit[0])
            self._flash(*hit)
