"""Border titles cut with the glyph set's ellipsis.

Textual cuts a border title that does not fit with "…" (``textual._border``), which ``--ascii`` must not
draw. A widget declaring ``border_title = FittedLabel()`` (and ``border_subtitle``) keeps the full label
and, in ASCII mode, stores one already cut to the border's width with the ASCII ellipsis, again on every
resize (call :func:`refit` from ``on_resize``). In Unicode mode nothing changes.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget, _BorderTitle  # noqa: PLC2701 — Textual's own descriptor, extended

from shenyue.tui.glyphs import ASCII, glyphs

LABELS = ("_border_title", "_border_subtitle")


class FittedLabel(_BorderTitle):
    def __set__(self, obj: Widget, title: Any) -> None:
        super().__set__(obj, title)
        setattr(obj, "_full" + self._internal_name, getattr(obj, self._internal_name, None))
        _fit(obj, self._internal_name)


def _fit(widget: Widget, name: str) -> None:
    full: Content | None = getattr(widget, "_full" + name, None)
    if full is None or glyphs() is not ASCII:
        return
    room = widget.outer_size.width - 6  # the edge less its corners, two corners and a space each side (textual)
    label = full
    if room > 1 and full.cell_length > room:
        label = full.truncate(room - len(glyphs().ellipsis)) + Content(glyphs().ellipsis)
    setattr(widget, name, label)


def refit(widget: Widget) -> None:
    for name in LABELS:
        _fit(widget, name)
