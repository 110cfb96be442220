"""The list's finding filter: all, unfilled templates, arithmetic errors, copying above a share."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from shenyue.i18n import t
from shenyue.tui.dialogs.basic import Dialog
from shenyue.tui.keys import B
from shenyue.tui.workspace import ListFilter

CHOICES = ("all", "template", "arithmetic", "copy")


class FilterDialog(Dialog):
    """Returns a new :class:`ListFilter` (text filter kept), or None."""

    BINDINGS = [
        B("j", "move(1)", "tui.key.down", "filter.down", show=False),
        B("k", "move(-1)", "tui.key.up", "filter.up", show=False),
    ]

    def __init__(self, current: ListFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="filter-dialog"):
            yield Static(Content(t("tui.filter.title")), classes="dialog-title")
            yield OptionList(
                *[Option(Content(t(f"tui.filter.choice_{c}")), id=c) for c in CHOICES],
                id="filter-choice",
            )
            with Horizontal(id="filter-share-row"):
                yield Label(Content(t("tui.filter.share_label")))
                yield Input(str(round(self.current.copy_min * 100)), id="filter-share", type="integer", max_length=3)
                yield Label("%")
            yield Static("", classes="dialog-error", id="filter-error")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = CHOICES.index(self.current.finding)
        options.focus()

    def action_move(self, n: int) -> None:
        options = self.query_one(OptionList)
        if options.has_focus:
            options.action_cursor_down() if n > 0 else options.action_cursor_up()

    def _share(self) -> float | None:
        raw = self.query_one("#filter-share", Input).value.strip()
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if not 0 <= value <= 100:
            self.query_one("#filter-error", Static).update(Content(t("tui.filter.bad_share")))
            return None
        return value / 100

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        share = self._share()
        if share is None:
            self.query_one("#filter-share", Input).focus()
            return
        self.dismiss(ListFilter(self.current.text, event.option.id or "all", share))

    @on(Input.Submitted, "#filter-share")
    def _share_entered(self) -> None:
        share = self._share()
        if share is not None:
            self.dismiss(ListFilter(self.current.text, "copy", share))
