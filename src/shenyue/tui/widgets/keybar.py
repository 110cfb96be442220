"""The key bar at the bottom: the keys that matter on the current screen.

Like Textual's Footer (same data: the screen's active bindings with
``show=True``, the user's keymap applied, descriptions in the interface
language through :func:`~shenyue.tui.keys.describe`), but drawn as one line instead of
a widget per key, so focus changes and screen switches cost a repaint, not
a recompose. Keys that do not fit are left out rather than cut in half
(help and quit are kept); clicking a key presses it.
"""

from __future__ import annotations

from rich.segment import Segment
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from shenyue.tui.keys import describe
from shenyue.tui.textutil import cell_width
from shenyue.tui.widgets.style import layer_style

ALWAYS_SHOWN = frozenset({"help", "app.help", "quit", "app.quit"})


class KeyBar(Widget):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    KeyBar > .key-bar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyBar > .key-bar--description { color: $footer-description-foreground; }
    KeyBar > .key-bar--disabled { color: $text-disabled; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.compact = False
        self.show_palette = True
        self.items: list[tuple[str, str, str, bool, str]] = []  # (key, key display, description, enabled, action)
        self.palette: tuple[str, str, str] | None = None
        self._spans: list[tuple[int, int, str]] = []  # x ranges of the drawn keys

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        app = self.app
        items: list[tuple[str, str, str, bool, str]] = []
        seen: set[str] = set()
        palette = None
        for key, (_node, binding, enabled, _tooltip) in screen.active_bindings.items():
            if key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = (key, app.get_key_display(binding), describe(binding))
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append((key, app.get_key_display(binding), describe(binding), enabled, binding.action))
        self.items = items
        self.palette = palette
        self.refresh()

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self.show_palette = not compact
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        key_style = base + layer_style(self, "key-bar--key")
        desc_style = base + layer_style(self, "key-bar--description")
        off_style = base + layer_style(self, "key-bar--disabled")
        gap = 1 if self.compact else 2
        right: list[Segment] = []
        right_width = 0
        if self.palette is not None and self.show_palette:
            key, display, desc = self.palette
            right = [Segment(f" {display} ", key_style), Segment(f"{desc} ", desc_style)]
            right_width = cell_width(display) + 2 + cell_width(desc) + 1
        segments: list[Segment] = [Segment(" ", base)]
        used = 1
        spans: list[tuple[int, int, str]] = []
        items = list(self.items)

        def needed(entries) -> int:
            return sum(cell_width(d) + 1 + cell_width(s) + gap for _k, d, s, _e, _a in entries)

        if right and 1 + needed(items) - gap > width - right_width - 1:
            right, right_width = [], 0  # the keys matter more than the palette hint (Ctrl+P still works)
        room = width - right_width - 1

        while items and 1 + needed(items) - gap > room:
            # drop the last key that is not help or quit
            drop = next((i for i in range(len(items) - 1, -1, -1) if items[i][4] not in ALWAYS_SHOWN), None)
            if drop is None:
                break
            items.pop(drop)
        for key, display, desc, enabled, _action in items:
            text_w = cell_width(display) + 1 + cell_width(desc)
            if used + text_w > room:
                break
            spans.append((used, used + text_w, key))
            segments.append(Segment(display, key_style if enabled else off_style))
            segments.append(Segment(" " + desc, desc_style if enabled else off_style))
            used += text_w
            if used + gap <= room:
                segments.append(Segment(" " * gap, base))
                used += gap
        if right:
            pad = width - used - right_width
            if pad > 0:
                segments.append(Segment(" " * pad, base))
                spans.append((used + pad, width, self.palette[0]))
                used += pad
                segments.extend(right)
                used += right_width
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        self._spans = spans
        return Strip(segments).crop(0, width)

    def on_click(self, event: events.Click) -> None:
        for a, b, key in self._spans:
            if a <= event.x < b:
                self.app.simulate_key(key)
                return
