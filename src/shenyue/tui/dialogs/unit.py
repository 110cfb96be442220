"""The unit dialog: which body published a report, as the reviewer corrects it.

Shows the file, the unit read from its text and the unit used now; the
reviewer types the unit's name (empty: go back to what the text says). The
caller writes it to the folder's ``units.toml`` (:func:`shenyue.model.units.set_file_unit`)
and recomputes the copy kinds at once.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from shenyue.i18n import t
from shenyue.tui.dialogs.basic import Dialog
from shenyue.tui.glyphs import glyphs
from shenyue.tui.textutil import one_line


class UnitDialog(Dialog):
    """Returns the unit name typed ("" to forget the correction), or None when cancelled."""

    def __init__(self, rel: str, current: str | None, read: str | None) -> None:
        super().__init__()
        self.rel = rel
        self.current = current or ""
        self.read = read

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="unit-dialog"):
            yield Static(Content(t("tui.unit.title", path=one_line(self.rel))), classes="dialog-title")
            if self.read is not None and self.read != self.current:
                yield Label(
                    Content(t("tui.unit.read", unit=one_line(self.read or glyphs().missing))), classes="dialog-hint"
                )
            yield Input(self.current, placeholder=t("tui.unit.placeholder"), id="unit-value", select_on_focus=False)
            yield Label(Content(t("tui.unit.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#unit-value", Input).focus()

    @on(Input.Submitted, "#unit-value")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())
