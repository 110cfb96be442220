"""What every extractor returns, and how it says a file cannot be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shenyue.model.report import Span


@dataclass(slots=True)
class Extracted:
    text: str
    encoding: str  # the text encoding for text files; the container format ("docx", "pdf") otherwise
    chrome: list[Span] = field(default_factory=list)  # spans that are page furniture, not report text
    tables: list[Span] = field(default_factory=list)  # table regions, rows rendered one per line


class ReadError(Exception):
    """A file cannot be read; ``reason_key`` names a catalogue entry under ``unreadable.``."""

    def __init__(self, reason_key: str, **params: Any):
        super().__init__(reason_key)
        self.reason_key = reason_key
        self.params = params
