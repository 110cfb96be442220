"""Component styles for line-API widgets.

Textual's "partial" component style keeps only what the CSS rule sets (so
styles can be layered), but drops the alpha blending of colours such as
``$error 25%``; the full style blends colours but also sets everything the
rule leaves out. :func:`layer_style` takes the flags from the first and the
colours (blended) from the second, for exactly the properties the rule sets.
"""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def layer_style(widget: Widget, name: str) -> Style:
    partial = widget.get_component_rich_style(name, partial=True)
    full = widget.get_component_rich_style(name)
    color = full.color if partial.color is not None else None
    bgcolor = full.bgcolor if partial.bgcolor is not None else None
    flags = Style(
        bold=partial.bold,
        dim=partial.dim,
        italic=partial.italic,
        underline=partial.underline,
        underline2=partial.underline2,
        overline=partial.overline,
        reverse=partial.reverse,
        strike=partial.strike,
    )
    return Style(color=color, bgcolor=bgcolor) + flags
