"""Export the score sheets (every reviewer's review files), or the HTML evidence report, from inside the app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, RadioSet, Static

from shenyue.i18n import t
from shenyue.review.errors import OutputExistsError, ReviewLayerError
from shenyue.review.export import EXPORT_FORMATS, default_output
from shenyue.tui.dialogs.basic import ConfirmDialog, Dialog
from shenyue.tui.keys import B
from shenyue.tui.widgets.radio import Radio

# write(path, fmt, force) -> files written; raises the review layer's errors
Writer = Callable[[Path, str, bool], list[Path]]
# what the dialog offers: format name -> file suffix (labels: tui.export.format_<name>)
Choices = dict[str, str]


class FormatChoice(RadioSet):
    """The export formats: arrows (or j/k) choose the format at once, Enter exports."""

    BINDINGS = [
        B("down,right,j", "step(1)", "tui.key.down", "export.format_next", show=False),
        B("up,left,k", "step(-1)", "tui.key.up", "export.format_previous", show=False),
        B("enter", "submit", "tui.key.export_now", "export.submit", show=False),
    ]

    class Submitted(Message):
        pass

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)

    def action_step(self, n: int) -> None:
        self.action_next_button() if n > 0 else self.action_previous_button()
        self.action_toggle_button()

    def action_submit(self) -> None:
        self.post_message(self.Submitted())


class ExportDialog(Dialog):
    """Returns the list of files written, or None when cancelled."""

    BINDINGS = [B("ctrl+s", "export", "tui.key.export_now", "export.run", priority=True)]

    def __init__(
        self,
        writer: Writer,
        *,
        folder: Path | None = None,
        default_dir: Path | None = None,
        choices: Choices | None = None,
    ) -> None:
        super().__init__()
        self.writer = writer
        self.folder = folder
        self.default_dir = default_dir or Path.cwd()
        self.choices = choices or {name: fmt.suffix for name, fmt in EXPORT_FORMATS.items()}
        from shenyue.tui.state import load_export_format

        self.fmt = load_export_format(self.choices) or next(iter(self.choices), "csv")
        self._auto_path = str(default_output("csv", self.default_dir).with_suffix(self.choices.get(self.fmt, ".csv")))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Static(Content(t("tui.export.title")), classes="dialog-title")
            yield Static(Content(t("tui.export.explain")), classes="dialog-body")
            with FormatChoice(id="export-format"):
                for fmt in self.choices:
                    yield Radio(Content(t(f"tui.export.format_{fmt}")), value=(fmt == self.fmt), name=fmt)
            yield Input(self._auto_path, id="export-path", select_on_focus=False)
            yield Static("", classes="dialog-error", id="export-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.button.export"), id="export", variant="primary")
                yield Button(t("tui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(FormatChoice).focus()  # arrows choose the format at once; Tab goes on to the path

    @on(RadioSet.Changed)
    def _format(self, event: RadioSet.Changed) -> None:
        self.fmt = list(self.choices)[event.index]
        box = self.query_one("#export-path", Input)
        if box.value.strip() == self._auto_path or not box.value.strip():
            path = Path(box.value.strip() or self._auto_path)
            self._auto_path = str(path.with_suffix(self.choices[self.fmt]))
            box.value = self._auto_path

    @on(Input.Submitted, "#export-path")
    @on(FormatChoice.Submitted)
    def _submitted(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#export")
    def _pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Content(message))

    def _remember(self) -> None:
        from shenyue.tui.state import save_export_format

        save_export_format(self.fmt)

    def action_export(self, force: bool = False) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error(t("tui.export.no_path"))
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.default_dir / path
        try:
            written = self.writer(path, self.fmt, force)
        except OutputExistsError as exc:

            def answer(yes: bool | None) -> None:
                if yes:
                    self.action_export(force=True)

            self.app.push_screen(
                ConfirmDialog(
                    t("tui.export.overwrite", path=str(exc.path)),
                    yes=t("tui.button.overwrite"),
                    no=t("tui.button.cancel"),
                    default_yes=True,  # a score sheet is made from the review files: writing it again loses nothing
                ),
                answer,
            )
            return
        except ReviewLayerError as exc:
            self._error(str(exc))
            return
        self._remember()
        self.dismiss(written)
