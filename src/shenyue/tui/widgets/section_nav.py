"""The review screen's section navigator: every section of the report with its markers."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from shenyue.tui.glyphs import glyphs
from shenyue.tui.keys import B
from shenyue.tui.textutil import one_line


@dataclass(slots=True)
class NavItem:
    key: str
    label: str
    empty: bool
    findings: int
    share: float | None  # copied share of the section, None when not known
    commented: bool = False  # the reviewer wrote a comment on it


class SectionNav(OptionList):
    """The sections of the report, with markers; moving the cursor shows the section."""

    BINDINGS = [
        B("j", "cursor_down", "tui.key.down", "nav.down", show=False),
        B("k", "cursor_up", "tui.key.up", "nav.up", show=False),
        B("g", "first", "tui.key.top", "nav.top", show=False),
        B("G", "last", "tui.key.bottom", "nav.bottom", show=False),
    ]

    class Chosen(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: list[str] = []

    def set_items(self, items: list[NavItem], current: str | None) -> None:
        g = glyphs()
        self.clear_options()
        self.keys = [i.key for i in items]
        options = []
        for item in items:
            marks = Content.styled(g.empty, "$text-muted") if item.empty else Content(" ")
            marks += Content.styled(g.finding, "bold $text-error") if item.findings else Content(" ")
            if item.share is not None and item.share >= 0.05:
                marks += Content.styled(f"{round(item.share * 100):>3d}%", "bold $text-warning")
            else:
                marks += Content("    ")
            # the comment mark takes the space before the label (the column stays as wide)
            marks += Content.styled(g.comment, "bold $accent") if item.commented else Content(" ")
            options.append(Option(marks + Content(one_line(item.label)), id=item.key))
        self.add_options(options)
        if current in self.keys:
            self.highlighted = self.keys.index(current)

    def select_key(self, key: str) -> None:
        """Show ``key`` as the current section (no Chosen message)."""
        if key in self.keys:
            self.highlighted = self.keys.index(key)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Highlight messages arrive late and also follow programmatic changes;
        # the reviewer's moves are reported by the actions below instead.
        event.stop()

    def _chosen(self) -> None:
        if self.highlighted is not None and 0 <= self.highlighted < len(self.keys):
            self.post_message(self.Chosen(self.keys[self.highlighted]))

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._chosen()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._chosen()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._chosen()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._chosen()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def action_first(self) -> None:
        if self.option_count:
            self.highlighted = 0
            self._chosen()

    def action_last(self) -> None:
        if self.option_count:
            self.highlighted = self.option_count - 1
            self._chosen()
