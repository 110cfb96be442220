"""The review screen's two-line header."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class ReviewHeader(Static):
    """Unit, year, kind, file; reviewer, total with gates, status, saved time."""

    def show(self, line1: Content, line2: Content) -> None:
        self.update(line1 + Content("\n") + line2, layout=False)  # always two lines
