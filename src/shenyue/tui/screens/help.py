"""The help screen: every key of the screen it was opened from, as remapped by the user."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from shenyue.i18n import t
from shenyue.tui.keys import B, KeyHelp
from shenyue.tui.textutil import cell_width


class HelpScreen(ModalScreen):
    BINDINGS = [
        B("escape,question_mark,q", "close", "tui.key.close", "help.close"),
        B("j,down", "scroll(1)", "tui.key.down", "help.down", show=False),
        B("k,up", "scroll(-1)", "tui.key.up", "help.up", show=False),
    ]

    def __init__(self, title: str, items: list[KeyHelp], notes: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.items = items
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content(self.title_text), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self._table(), id="help-table")
            yield Static(Content(t("tui.help.footer")), classes="dialog-hint")

    def _table(self) -> Content:
        width = max((cell_width(", ".join(i.keys)) for i in self.items), default=6) + 2
        parts: list[Content] = []
        group = None
        for item in self.items:
            if item.group != group:
                group = item.group
                if parts:
                    parts.append(Content("\n"))
                parts.append(Content.styled(group, "bold $accent"))
                parts.append(Content("\n"))
            keys = ", ".join(item.keys)
            parts.append(Content.styled(keys + " " * (width - cell_width(keys)), "bold $text-primary"))
            parts.append(Content(item.description))
            if item.ids:  # the ids a keymap in the config file names (README: keymap)
                parts.append(Content.styled(f"  [{', '.join(item.ids)}]", "$text-muted"))
            parts.append(Content("\n"))
        if self.notes:
            parts.append(Content("\n"))
            parts.append(Content.styled(self.notes, "$text-muted"))
        return Content("").join(parts) if parts else Content("")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, n: int) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_relative(y=n, animate=False)
