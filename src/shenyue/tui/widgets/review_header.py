"""The review screen's two-line header, fitted to its width.

Line 1 names the report (unit, year, kind, file) and is cut at the right edge.
Line 2 is made of parts, each with a rank: when they do not fit, the parts of
the highest rank number go first, so the total, the deciding gate and the
status stay on screen at any width (see :func:`fit_parts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from shenyue.tui.glyphs import glyphs


@dataclass(frozen=True, slots=True)
class HeaderField:
    """One field of the second line; ``rank`` 0 is never dropped, higher ranks go first."""

    content: Content
    rank: int = 0
    shrink: bool = False  # may be cut (with an ellipsis) rather than dropped when rank-0 parts do not fit


def fit_parts(parts: list[HeaderField], width: int, sep: str) -> Content:
    """The parts joined by ``sep`` within ``width`` cells: dropping parts of the
    highest rank first, then cutting the parts that may shrink."""
    kept = list(parts)

    def length(items: list[HeaderField]) -> int:
        return sum(p.content.cell_length for p in items) + len(sep) * max(0, len(items) - 1)

    while length(kept) > width and any(p.rank > 0 for p in kept):
        worst = max(p.rank for p in kept)
        drop = max(i for i, p in enumerate(kept) if p.rank == worst)  # the last of the worst rank
        del kept[drop]
    over = length(kept) - width
    if over > 0:
        out = []
        for p in kept:
            if over > 0 and p.shrink and p.content.cell_length > 4:
                room = max(4, p.content.cell_length - over)
                over -= p.content.cell_length - room
                out.append(HeaderField(p.content.truncate(room, ellipsis=True), p.rank))
            else:
                out.append(p)
        kept = out
    line = Content(sep).join([p.content for p in kept])
    return line.truncate(width, ellipsis=True) if line.cell_length > width else line


class ReviewHeader(Static):
    """Unit, year, kind, file; reviewer, total with the deciding gate, status, flag, saved time."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.line1 = Content("")
        self.parts: list[HeaderField] = []

    def show(self, line1: Content, parts: list[HeaderField] | Content) -> None:
        self.line1 = line1
        self.parts = parts if isinstance(parts, list) else [HeaderField(parts)]
        self._draw()

    def _width(self) -> int:
        width = self.content_region.width or self.size.width
        if width <= 0 and self.is_attached:
            width = self.app.size.width - 2
        return max(20, width)

    def _draw(self) -> None:
        width = self._width()
        sep = f" {glyphs().dot} "
        line1 = self.line1.truncate(width, ellipsis=True) if self.line1.cell_length > width else self.line1
        line2 = fit_parts(self.parts, width, sep)
        self.update(line1 + Content("\n") + line2, layout=False)  # always two lines

    @property
    def text(self) -> str:
        """The header as shown, plain (for tests and the screen reader of a test)."""
        return str(self.render())

    def on_resize(self) -> None:
        self._draw()
