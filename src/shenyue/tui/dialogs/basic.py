"""Small dialogs: an error message, a yes/no question, one line of text."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from shenyue.i18n import t
from shenyue.paths import display_text
from shenyue.tui.keys import B


def _plain(text: str) -> str:
    """Dialog text is shown as plain Content; names in it are made printable
    (undecodable bytes, bidi controls) while line breaks stay."""
    return "\n".join(display_text(line) for line in str(text).split("\n"))


class Dialog(ModalScreen):
    """Base: Esc closes."""

    BINDINGS = [B("escape", "cancel", "tui.key.cancel", "dialog.cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)


class ErrorDialog(Dialog):
    """A problem in plain words; Enter or Esc closes it."""

    BINDINGS = [B("enter", "cancel", "tui.key.close", "dialog.close", show=False)]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog"):
            yield Static(Content(_plain(self.title_text)), classes="dialog-title")
            yield Static(Content(_plain(self.message)), classes="dialog-body", id="error-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.button.ok"), id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Dialog):
    """A yes/no question; returns True for yes."""

    BINDINGS = [
        B("y", "answer(True)", "tui.key.yes", "dialog.yes"),
        B("n", "answer(False)", "tui.key.no", "dialog.no"),
    ]

    def __init__(
        self, question: str, *, yes: str | None = None, no: str | None = None, default_yes: bool = False
    ) -> None:
        super().__init__()
        self.default_yes = default_yes
        self.question = question
        self.yes = yes or t("tui.button.yes")
        self.no = no or t("tui.button.no")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(_plain(self.question)), classes="dialog-body", id="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="warning")
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default_yes else "#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class InputDialog(Dialog):
    """One line of text; returns the text, or None when cancelled."""

    def __init__(self, title: str, *, value: str = "", placeholder: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(_plain(self.title_text)), classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="value", select_on_focus=False)
            if self.hint:
                yield Label(Content(_plain(self.hint)), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)
