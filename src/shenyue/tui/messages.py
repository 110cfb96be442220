"""Messages the app's thread workers post back to the UI thread.

Progress messages replace each other in the queue (``can_replace``), so a
fast worker never floods the UI.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message


class FilesListed(Message):
    """The report files of the folder, before any is read."""

    def __init__(self, rels: list[str]) -> None:
        super().__init__()
        self.rels = rels


class Progress(Message):
    """Progress of a stage: ``stage`` is "scan" or "copy"."""

    def __init__(self, stage: str, done: int, total: int, name: str = "") -> None:
        super().__init__()
        self.stage = stage
        self.done = done
        self.total = total
        self.name = name

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Progress) and message.stage == self.stage


class ScanFinished(Message):
    """The scan's reports and unreadable files; ``ahead``, the copy-index match the scan started while it
    loaded the cached reports (a :class:`~shenyue.analysis.copies_ahead.CopiesAhead`), or None."""

    def __init__(self, reports: list[Any], unreadable: list[Any], ahead: Any = None) -> None:
        super().__init__()
        self.reports = reports
        self.unreadable = unreadable
        self.ahead = ahead


class CopyFinished(Message):
    """Similarity results (a ``CopyData``), or ``problem`` in plain words."""

    def __init__(self, data: Any = None, problem: str | None = None) -> None:
        super().__init__()
        self.data = data
        self.problem = problem


class ReviewsLoaded(Message):
    pass


class WorkspaceChanged(Message):
    """Sent to screens when a stage of the workspace changed: "files",
    "scan", "copy", "reviews" or "review" (one report's review, ``rel``)."""

    def __init__(self, what: str, rel: str | None = None) -> None:
        super().__init__()
        self.what = what
        self.rel = rel


# ---------------------------------------------------------------- requests screens send the app
# A screen posts these (they bubble to the app, which handles them); screens never call the app's navigation.


class OpenReport(Message):
    """Show report ``rel`` (at ``section``) on the review screen, compared with report ``compare`` when given."""

    def __init__(self, rel: str, section: str | None = None, compare: str | None = None) -> None:
        super().__init__()
        self.rel = rel
        self.section = section
        self.compare = compare


class StepReport(Message):
    """Show the report ``step`` places after ``rel`` in the list as sorted and filtered."""

    def __init__(self, rel: str, step: int) -> None:
        super().__init__()
        self.rel = rel
        self.step = step


class BackToList(Message):
    """Leave the review screen for the list, with ``rel`` selected."""

    def __init__(self, rel: str | None = None) -> None:
        super().__init__()
        self.rel = rel


class ReviewChanged(Message):
    """A change to the review of ``rel`` was saved: its list row and every screen follow."""

    def __init__(self, rel: str) -> None:
        super().__init__()
        self.rel = rel
