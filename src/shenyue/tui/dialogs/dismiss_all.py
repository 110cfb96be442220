"""Dismiss one false-positive finding across every report of the folder, with one reason.

The reviewer chooses the scope (every finding of the check, or only those with this message) and gives
the reason; the dialog returns ``(message, reason)`` (message empty: the whole check), or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, RadioSet, Static

from shenyue.i18n import t
from shenyue.tui.dialogs.basic import Dialog
from shenyue.tui.textutil import one_line
from shenyue.tui.widgets.radio import Radio


class DismissAllDialog(Dialog):
    def __init__(self, check: str, check_label: str, message: str, count: int) -> None:
        super().__init__()
        self.check = check
        self.check_label = check_label
        self.message = message
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="dismiss-all-dialog"):
            yield Static(Content(t("tui.dismiss_all.title")), classes="dialog-title")
            yield Label(Content(t("tui.dismiss_all.explain", check=self.check, label=one_line(self.check_label),
                                  n=self.count)), classes="dialog-hint")  # fmt: skip
            with RadioSet(id="dismiss-scope"):
                yield Radio(Content(t("tui.dismiss_all.scope_check", check=self.check)), value=True, name="check")
                yield Radio(Content(t("tui.dismiss_all.scope_message", message=one_line(self.message)[:60])),
                            name="message")  # fmt: skip
            yield Input(placeholder=t("tui.findings.dismiss_placeholder"), id="dismiss-reason", select_on_focus=False)
            yield Static("", classes="dialog-error", id="dismiss-error")

    def on_mount(self) -> None:
        self.query_one("#dismiss-reason", Input).focus()

    @on(Input.Submitted, "#dismiss-reason")
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:  # one reason for all reports: it is what the score sheets show
            self.query_one("#dismiss-error", Static).update(Content(t("tui.dismiss_all.need_reason")))
            return
        only_message = self.query_one(RadioSet).pressed_index == 1
        self.dismiss((self.message if only_message else "", reason))
