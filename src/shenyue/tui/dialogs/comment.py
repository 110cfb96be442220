"""The comment editor: multi-line text for a criterion, a section or the whole report."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, RadioSet, Static, TextArea

from shenyue.i18n import t
from shenyue.tui.dialogs.basic import ConfirmDialog, Dialog
from shenyue.tui.keys import B
from shenyue.tui.widgets.radio import Radio


@dataclass(slots=True)
class CommentTarget:
    target: str  # what the review layer takes: a criterion id, a section key or "overall"
    label: str  # shown to the reviewer
    text: str  # the comment as saved


class CommentDialog(Dialog):
    """Edit comments; returns {target: new text} for the targets changed, or None."""

    BINDINGS = [
        B("ctrl+s", "save", "tui.key.save", "comment.save", priority=True),
        B("ctrl+t", "next_target", "tui.key.next_target", "comment.next_target", priority=True),
    ]

    def __init__(self, targets: list[CommentTarget], selected: int = 0) -> None:
        super().__init__()
        self.targets = targets
        self.selected = max(0, min(selected, len(targets) - 1))
        self.buffers = [tg.text for tg in targets]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="comment-dialog"):
            yield Static(Content(t("tui.comment.title")), classes="dialog-title")
            with RadioSet(id="comment-target"):
                for i, tg in enumerate(self.targets):
                    yield Radio(Content(tg.label), value=(i == self.selected))
            yield TextArea(self.buffers[self.selected], id="comment-text", soft_wrap=True, tab_behavior="focus")
            yield Static(Content(t("tui.comment.hint")), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.button.save"), id="save", variant="primary")
                yield Button(t("tui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def area(self) -> TextArea:
        return self.query_one("#comment-text", TextArea)

    def _switch(self, index: int) -> None:
        if index == self.selected:
            return
        self.buffers[self.selected] = self.area.text
        self.selected = index
        self.area.load_text(self.buffers[index])
        self.area.move_cursor(self.area.document.end)

    @on(RadioSet.Changed)
    def _target_changed(self, event: RadioSet.Changed) -> None:
        self._switch(event.index)

    def action_next_target(self) -> None:
        index = (self.selected + 1) % len(self.targets)
        buttons = list(self.query(Radio))
        buttons[index].value = True
        self._switch(index)

    def changes(self) -> dict[str, str]:
        self.buffers[self.selected] = self.area.text
        return {tg.target: buf for tg, buf in zip(self.targets, self.buffers) if buf != tg.text}

    def action_save(self) -> None:
        self.dismiss(self.changes())

    def action_cancel(self) -> None:
        if not self.changes():
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(t("tui.comment.discard"), yes=t("tui.button.discard"), no=t("tui.button.keep_editing")),
            answer,
        )

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
