"""Plain text and Markdown files: decoded, otherwise untouched."""

from __future__ import annotations

from pathlib import Path

from shenyue.reading.base import Extracted
from shenyue.reading.decode import decode_bytes


def extract(data: bytes, path: Path, *, max_pages: int | None = None) -> Extracted:
    text, encoding = decode_bytes(data)
    return Extracted(text=text, encoding=encoding)
