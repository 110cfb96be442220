"""Kept for imports written before the review screen became a package: see :mod:`shenyue.tui.screens.review`."""

from shenyue.tui.screens.review import ReviewScreen

__all__ = ["ReviewScreen"]
