"""Scrolling by lines for widgets that render only their visible lines (the text pane, the table grid).

The widget keeps its first visible line in ``_top``, says how far it can go in ``max_top`` and moves with
``scroll_to_line``; this mixin gives it the keys' actions and the mouse wheel."""

from __future__ import annotations

from textual import events

WHEEL_LINES = 3


class LineScroller:
    _top: int  # with max_top and scroll_to_line, defined by the widget

    def action_scroll_lines(self, n: int) -> None:
        self.scroll_to_line(self._top + n)

    def action_page(self, n: int) -> None:
        self.scroll_to_line(self._top + n * max(1, self.size.height - 1))  # type: ignore[attr-defined]

    def action_edge(self, end: int) -> None:
        self.scroll_to_line(self.max_top if end else 0)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_to_line(self._top + WHEEL_LINES)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_to_line(self._top - WHEEL_LINES)

    def scrollbar_part(self, y: int, total: int) -> str:
        """``"thumb"`` or ``"scrollbar"``: what the one-cell scrollbar shows on visible row ``y`` of ``total`` lines."""
        height = max(1, self.size.height)  # type: ignore[attr-defined]
        if total > height:
            thumb = max(1, height * height // total)
            start = (height - thumb) * self._top // max(1, total - height)
            if start <= y < start + thumb:
                return "thumb"
        return "scrollbar"
