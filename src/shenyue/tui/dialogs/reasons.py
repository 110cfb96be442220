"""Pick one of a criterion's preset deduction reasons (from the rubric)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shenyue.tui.dialogs.basic import Dialog, _plain
from shenyue.tui.keys import B
from shenyue.tui.textutil import one_line


class ReasonDialog(Dialog):
    """The reasons as a list: j/k or arrows move, Enter (or the reason's number) picks; returns the reason or None."""

    BINDINGS = [
        B("j", "move(1)", "tui.key.down", "reasons.down", show=False),
        B("k", "move(-1)", "tui.key.up", "reasons.up", show=False),
    ]

    def __init__(self, title: str, reasons: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reason-dialog"):
            yield Static(Content(_plain(self.title_text)), classes="dialog-title")
            yield OptionList(
                *[
                    Option(Content((f"{i}. " if i < 10 else "   ") + one_line(r)))
                    for i, r in enumerate(self.reasons, 1)
                ],
                id="reasons",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < len(self.reasons):
                event.stop()
                self.dismiss(self.reasons[index])

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.reasons[event.option_index])
