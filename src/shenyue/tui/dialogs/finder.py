"""A fuzzy finder over the reports of the folder (e.g. to pick a comparison report)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from shenyue.tui.dialogs.basic import Dialog
from shenyue.tui.keys import B
from shenyue.tui.textutil import fuzzy_score, one_line

MAX_SHOWN = 200


class FinderDialog(Dialog):
    """Returns the chosen rel path, or None. ``items`` are (rel, label, search texts)."""

    BINDINGS = [
        B("down", "move(1)", "tui.key.down", "finder.down", show=False),
        B("up", "move(-1)", "tui.key.up", "finder.up", show=False),
    ]

    def __init__(self, title: str, items: list[tuple[str, str, tuple[str, ...]]]) -> None:
        super().__init__()
        self.title_text = title
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="finder-dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(id="finder-query", select_on_focus=False)
            yield OptionList(id="finder-results")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        results = self.query_one(OptionList)
        results.clear_options()
        scored = [(fuzzy_score(query, *texts), n, rel, label) for n, (rel, label, texts) in enumerate(self.items)]
        scored = [s for s in scored if s[0] > 0]
        scored.sort(key=lambda s: (-s[0], s[1]))
        results.add_options([Option(Content(one_line(label)), id=rel) for _, _, rel, label in scored[:MAX_SHOWN]])
        if scored:
            results.highlighted = 0

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, n: int) -> None:
        results = self.query_one(OptionList)
        results.action_cursor_down() if n > 0 else results.action_cursor_up()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and results.option_count:
            self.dismiss(results.get_option_at_index(results.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
