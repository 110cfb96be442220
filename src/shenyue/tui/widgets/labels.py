"""Border titles cut with the glyph set's ellipsis.

Textual cuts a border title that does not fit with "…", which ``--ascii`` must not draw. A widget with
:class:`FittedLabels` sets ``pane_title`` / ``pane_subtitle`` instead of ``border_title`` /
``border_subtitle``: the full label is kept, and in ASCII mode the border gets one already cut to the
border's width with the ASCII ellipsis, again on every resize (call :meth:`FittedLabels.refit` from
``on_resize``). In Unicode mode the label is passed on unchanged. Public Textual API only.
"""

from __future__ import annotations

from textual.content import Content

from shenyue.tui.glyphs import ASCII, glyphs


def fit_label(full: Content | None, width: int) -> Content | None:
    """``full`` cut to a border of ``width`` cells with the glyph set's ellipsis (ASCII mode only)."""
    if full is None or glyphs() is not ASCII:
        return full
    room = width - 6  # the edge less its corners, two corners and a space each side (as Textual draws it)
    if room > 1 and full.cell_length > room:
        return full.truncate(room - len(glyphs().ellipsis)) + Content(glyphs().ellipsis)
    return full


class FittedLabels:
    """Mixin for a Widget: ``pane_title`` and ``pane_subtitle`` fitted to the border."""

    _pane_title: Content | None = None
    _pane_subtitle: Content | None = None

    @property
    def pane_title(self) -> Content | None:
        return self._pane_title

    @pane_title.setter
    def pane_title(self, value: Content | None) -> None:
        self._pane_title = value
        self.border_title = fit_label(value, self.outer_size.width)

    @property
    def pane_subtitle(self) -> Content | None:
        return self._pane_subtitle

    @pane_subtitle.setter
    def pane_subtitle(self, value: Content | None) -> None:
        self._pane_subtitle = value
        self.border_subtitle = fit_label(value, self.outer_size.width)

    def refit(self) -> None:
        width = self.outer_size.width
        self.border_title = fit_label(self._pane_title, width)
        self.border_subtitle = fit_label(self._pane_subtitle, width)
