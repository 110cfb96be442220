"""The review screen's legend: what each highlight means, drawn in the highlight styles."""

from __future__ import annotations

from rich.style import Style
from textual.content import Content
from textual.widget import Widget

from shenyue.i18n import t
from shenyue.tui.widgets.style import layer_style

LEGEND_CLASSES = ("peer", "same-unit", "boilerplate", "finding", "chrome", "match", "diff")


class Legend(Widget):
    """What each highlight means, drawn with the highlight styles themselves
    (the stylesheet styles ``Legend > .text-pane--peer`` like the panes)."""

    COMPONENT_CLASSES = {f"text-pane--{name}" for name in LEGEND_CLASSES}

    def render(self) -> Content:
        parts = [Content.styled(t("tui.legend.title"), "bold")]
        for name in LEGEND_CLASSES:
            parts.append(Content(" "))
            parts.append(
                Content.from_rich_text(_rich_sample(t(f"tui.legend.{name}"), layer_style(self, f"text-pane--{name}")))
            )
        return Content("").join(parts)

    def show(self) -> None:
        self.refresh()


def _rich_sample(text: str, style: Style):
    from rich.text import Text

    return Text(f" {text} ", style=style)
