"""The review screen's legend: what each highlight means, drawn in the highlight styles."""

from __future__ import annotations

from rich.style import Style
from textual.content import Content
from textual.widget import Widget

from shenyue.i18n import t
from shenyue.tui.widgets.style import layer_style

LEGEND_CLASSES = ("peer", "same-unit", "boilerplate", "finding", "chrome", "match", "diff")


class Legend(Widget):
    """What each highlight means, drawn with the highlight styles themselves.

    Each swatch takes its style from a text pane of the screen when there is one: colours with alpha
    (``$error 25%``) are blended over the background they are drawn on, so only the pane's own style
    gives the same colour as the text (and the same colour once a 256-colour terminal rounds it).
    Without a pane the stylesheet's ``Legend > .text-pane--peer`` rules are used. When the labels do not
    fit the width, short labels are used (and then the title is left out), so the legend stays one line."""

    COMPONENT_CLASSES = {f"text-pane--{name}" for name in LEGEND_CLASSES}

    def _styles(self) -> dict[str, Style]:
        from shenyue.tui.widgets.text_pane import TextPane

        panes = list(self.screen.query(TextPane)) if self.is_attached else []
        source = panes[0] if panes else self
        return {name: layer_style(source, f"text-pane--{name}") for name in LEGEND_CLASSES}

    def render(self) -> Content:
        styles = self._styles()
        width = self.size.width or 10**6
        for short, title in ((False, True), (True, True), (True, False)):
            parts = [Content.styled(t("tui.legend.title"), "bold")] if title else []
            for name in LEGEND_CLASSES:
                label = t(f"tui.legend_short.{name}" if short else f"tui.legend.{name}")
                if parts:
                    parts.append(Content(" "))
                parts.append(Content.from_rich_text(_rich_sample(label, styles[name])))
            content = Content("").join(parts)
            if content.cell_length <= width:
                break
        return content

    def show(self) -> None:
        self.refresh()


def _rich_sample(text: str, style: Style):
    from rich.text import Text

    return Text(f" {text} ", style=style)
