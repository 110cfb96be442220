"""A read-only pane for one section of report text, with highlights.

Uses Textual's line API: the text is wrapped once per width (CJK-aware, see
:func:`shenyue.tui.textutil.wrap_offsets`) and only the visible lines are
drawn, so a very long section costs no more than a short one. Report text
is drawn as plain text (segments, never markup), with control characters
already replaced one for one.

The pane scrolls itself and draws its own one-column scroll bar (colour
only, no block characters), so showing another section repaints this pane
alone instead of relaying out the whole screen.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from shenyue.tui.highlight import CLASSES, build_runs
from shenyue.tui.keys import B
from shenyue.tui.textutil import HIDDEN, cell_width, display_text, line_of, reflow, wrap_offsets
from shenyue.tui.widgets.labels import FittedLabels
from shenyue.tui.widgets.line_scroll import LineScroller
from shenyue.tui.widgets.style import layer_style


class TextPane(FittedLabels, LineScroller, Widget, can_focus=True):
    COMPONENT_CLASSES = {f"text-pane--{name}" for _, name in CLASSES} | {
        "text-pane--message",
        "text-pane--scrollbar",
        "text-pane--thumb",
    }

    BINDINGS = [
        B("j,down", "scroll_lines(1)", "tui.key.scroll_down", "pane.down", show=False),
        B("k,up", "scroll_lines(-1)", "tui.key.scroll_up", "pane.up", show=False),
        B("pagedown,space", "page(1)", "tui.key.page_down", "pane.page_down", show=False),
        B("pageup,b", "page(-1)", "tui.key.page_up", "pane.page_up", show=False),
        B("g,home", "edge(0)", "tui.key.top", "pane.top", show=False),
        B("G,end", "edge(1)", "tui.key.bottom", "pane.bottom", show=False),
    ]

    DEFAULT_CSS = """
    TextPane > .text-pane--scrollbar { background: $panel; }
    TextPane > .text-pane--thumb { background: $primary 60%; }
    TextPane:focus > .text-pane--thumb { background: $primary; }
    """

    class Scrolled(Message):
        def __init__(self, pane: "TextPane") -> None:
            super().__init__()
            self.pane = pane

    class Clicked(Message):
        def __init__(self, pane: "TextPane", offset: int) -> None:
            super().__init__()
            self.pane = pane
            self.offset = offset

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = ""
        self._hidden = False  # the text holds joined line breaks (drawn as nothing)
        self._base = 0
        self._static: list[tuple[int, int, int]] = []
        self._overlay: dict[int, list[tuple[int, int]]] = {}
        self._runs: list[tuple[int, int, int]] = []
        self._run_starts: list[int] = []
        self._lines: list[tuple[int, int]] = []
        self._wrap_width = 0
        self._message: str | None = None
        self._styles: dict[int, Style] = {}
        self._cache: LRUCache[tuple[int, int, int], Strip] = LRUCache(1024)
        self._version = 0
        self._top = 0  # first visible line

    # ------------------------------------------------------------ content
    def set_text(
        self,
        text: str,
        base: int,
        intervals: list[tuple[int, int, int]],
        joins: Iterable[tuple[int, int]] = (),
    ) -> None:
        """Show ``text`` (a slice of a report starting at offset ``base``) with
        highlight ``intervals`` relative to the slice; ``joins`` (relative spans: a wrapped
        line's break with the white space around it) are drawn as nothing, so a hard-wrapped
        paragraph flows as one (:func:`shenyue.tui.textutil.reflow`; offsets do not change)."""
        self._message = None
        self._text = reflow(display_text(text), joins)
        self._hidden = HIDDEN in self._text
        self._base = base
        self._static = list(intervals)
        self._overlay = {}
        self._rebuild_runs()
        self._top = 0
        self._wrap(force=True)

    def set_message(self, message: str) -> None:
        """Show a note instead of report text (e.g. "no comparison report")."""
        self._message = message
        self._text = message
        self._hidden = False
        self._base = 0
        self._static = []
        self._overlay = {}
        self._rebuild_runs()
        self._top = 0
        self._wrap(force=True)

    @property
    def text(self) -> str:
        return "" if self._message is not None else self._text

    @property
    def base(self) -> int:
        return self._base

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def set_overlay(self, bit: int, spans: list[tuple[int, int]]) -> None:
        """Replace the spans (absolute report offsets) of an overlay class
        (current match, flash, search hits)."""
        rel = [(a - self._base, b - self._base) for a, b in spans]
        if self._overlay.get(bit, []) == rel:
            return
        if rel:
            self._overlay[bit] = rel
        else:
            self._overlay.pop(bit, None)
        self._rebuild_runs()
        self._invalidate()

    def overlay(self, bit: int) -> list[tuple[int, int]]:
        return [(a + self._base, b + self._base) for a, b in self._overlay.get(bit, [])]

    def runs(self) -> list[tuple[int, int, int]]:
        """Highlight runs (absolute offsets), for tests and the overview."""
        return [(a + self._base, b + self._base, m) for a, b, m in self._runs]

    def _rebuild_runs(self) -> None:
        intervals = list(self._static)
        for bit, spans in self._overlay.items():
            intervals.extend((a, b, bit) for a, b in spans)
        self._runs = build_runs(intervals, len(self._text))
        self._run_starts = [r[0] for r in self._runs]

    # ------------------------------------------------------------ scrolling
    @property
    def text_width(self) -> int:
        """Cells available for text (one column is the scroll bar)."""
        return max(0, self.size.width - 1)

    @property
    def top(self) -> int:
        return self._top

    @property
    def max_top(self) -> int:
        return max(0, len(self._lines) - max(1, self.size.height))

    def scroll_to_line(self, line: int) -> None:
        top = max(0, min(self.max_top, line))
        if top != self._top:
            self._top = top
            self.refresh()
            self.post_message(self.Scrolled(self))

    def scroll_to_offset(self, offset: int, *, center: bool = True) -> None:
        """Scroll so the character at absolute ``offset`` is in view."""
        if not self._lines:
            return
        line = line_of(self._lines, offset - self._base)
        height = max(1, self.size.height)
        if center:
            self.scroll_to_line(line - height // 3)
        elif line < self._top:
            self.scroll_to_line(line)
        elif line >= self._top + height:
            self.scroll_to_line(line - height + 1)

    def visible_range(self) -> tuple[int, int]:
        """Absolute offsets of the first and last visible characters."""
        if not self._lines:
            return (self._base, self._base)
        top = min(len(self._lines) - 1, self._top)
        bottom = min(len(self._lines) - 1, top + max(1, self.size.height) - 1)
        return (self._lines[top][0] + self._base, self._lines[bottom][1] + self._base)

    # ------------------------------------------------------------ layout
    def on_resize(self, event: events.Resize) -> None:
        self._wrap()
        self.refit()

    def _wrap(self, force: bool = False) -> None:
        width = self.text_width
        if width <= 0:
            self._lines = []
            self._wrap_width = 0
            return
        if not force and width == self._wrap_width:
            self._invalidate()
            return
        first = self._lines[self._top][0] if self._lines and self._top < len(self._lines) else 0
        self._wrap_width = width
        self._lines = wrap_offsets(self._text, width)
        self._top = min(self.max_top, line_of(self._lines, first)) if first else 0
        self._invalidate()

    def _invalidate(self) -> None:
        self._version += 1
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._cache.clear()

    # ------------------------------------------------------------ drawing
    def _style(self, mask: int) -> Style:
        style = self._styles.get(mask)
        if style is None:
            style = self.rich_style
            if mask < 0:
                style += layer_style(self, "text-pane--message")
            else:
                for bit, name in CLASSES:
                    if mask & bit:
                        style += layer_style(self, f"text-pane--{name}")
            self._styles[mask] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.text_width
        index = self._top + y
        key = (index, width, self._version)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_index(index, width)
            self._cache[key] = strip
        return Strip.join([strip, self._scrollbar_cell(y)])

    def _scrollbar_cell(self, y: int) -> Strip:
        name = self.scrollbar_part(y, len(self._lines))
        style = self._styles.get(-2 if name == "thumb" else -3)
        if style is None:
            style = self.rich_style + layer_style(self, f"text-pane--{name}")
            self._styles[-2 if name == "thumb" else -3] = style
        return Strip([Segment(" ", style)], 1)

    def _render_index(self, index: int, width: int) -> Strip:
        base = self._style(0)
        if index >= len(self._lines) or width <= 0:
            return Strip([Segment(" " * max(0, width), base)], max(0, width))
        start, end = self._lines[index]
        text = self._text
        segments: list[Segment] = []
        if self._message is not None:
            segments.append(Segment(text[start:end], self._style(-1)))
        else:
            runs = self._runs
            i = max(0, bisect_right(self._run_starts, start) - 1)
            pos = start
            while pos < end:
                while i < len(runs) and runs[i][1] <= pos:
                    i += 1
                if i < len(runs) and runs[i][0] <= pos:
                    stop = min(end, runs[i][1])
                    segments.append(Segment(text[pos:stop], self._style(runs[i][2])))
                else:
                    stop = min(end, runs[i][0]) if i < len(runs) else end
                    segments.append(Segment(text[pos:stop], base))
                pos = stop
        if self._hidden:
            segments = [Segment(seg.text.replace(HIDDEN, ""), seg.style) for seg in segments]
        strip = Strip(segments)
        return strip.extend_cell_length(width, base).crop(0, width)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.x >= self.text_width:  # the scroll bar: jump there
            height = max(1, self.size.height)
            self.scroll_to_line(len(self._lines) * offset.y // height - height // 2)
            return
        index = self._top + offset.y
        if 0 <= index < len(self._lines) and self._message is None:
            start, end = self._lines[index]
            col = 0
            pos = start
            while pos < end and col + cell_width(self._text[pos]) <= offset.x:
                col += cell_width(self._text[pos])
                pos += 1
            self.post_message(self.Clicked(self, pos + self._base))
