"""First run: ask the reviewer's name (stored in the config file by the app)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from shenyue.i18n import t
from shenyue.review import ReviewerNameError, sanitize_reviewer
from shenyue.tui.dialogs.basic import Dialog


class ReviewerDialog(Dialog):
    """Returns the name as typed (stripped). Esc quits the app: nothing can be
    saved without a reviewer name."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reviewer-dialog"):
            yield Static(Content(t("tui.reviewer.title")), classes="dialog-title")
            yield Static(Content(t("tui.reviewer.explain")), classes="dialog-body")
            yield Input(placeholder=t("tui.reviewer.placeholder"), id="reviewer-name")
            yield Static("", classes="dialog-error", id="reviewer-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_cancel(self) -> None:
        self.app.exit()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        try:
            sanitize_reviewer(name)
        except ReviewerNameError as exc:
            self.query_one("#reviewer-error", Static).update(Content(str(exc)))
            return
        self.dismiss(name)
