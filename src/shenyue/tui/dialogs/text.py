"""A dialog showing a longer plain text that scrolls (the full reasons behind a total)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from shenyue.tui.dialogs.basic import Dialog, _plain
from shenyue.tui.keys import B


class TextDialog(Dialog):
    """A title and a plain text; Enter, Esc or the key that opened it closes it."""

    BINDINGS = [
        B("enter,i", "cancel", "tui.key.close", "text_dialog.close", show=False),
        B("j,down", "scroll(1)", "tui.key.down", "text_dialog.down", show=False),
        B("k,up", "scroll(-1)", "tui.key.up", "text_dialog.up", show=False),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog text-dialog"):
            yield Static(Content(_plain(self.title_text)), classes="dialog-title")
            yield Static(Content(_plain(self.text)), classes="dialog-body", id="text-body")

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step, animate=False)
