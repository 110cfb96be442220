"""The user's config file (``config.toml`` in the config directory).

Known keys (all optional)::

    reviewer = "张三"
    lang = "zh"              # or "en"
    max_file_mb = 20         # larger files are reported as unreadable
    max_pdf_pages = 200      # PDFs with more pages are reported as unreadable
    ascii_borders = false
    [keymap]                 # binding id -> keys, e.g. "review.next_section" = "n,right"
    [deadlines]              # unit type -> "MM-DD", e.g. "government" = "03-31"

A config file that cannot be read is reported with its path and reason and
treated as empty; it is never overwritten by a partial save.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from shenyue import paths
from shenyue.fsutil import atomic_write_bytes

DEFAULT_MAX_FILE_MB = 20
DEFAULT_MAX_PDF_PAGES = 200


class ConfigError(Exception):
    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class Config:
    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    error: ConfigError | None = None

    @property
    def reviewer(self) -> str | None:
        value = self.data.get("reviewer")
        return value.strip() or None if isinstance(value, str) else None

    @property
    def lang(self) -> str | None:
        value = self.data.get("lang")
        return value if value in ("zh", "en") else None

    @property
    def max_file_bytes(self) -> int:
        value = self.data.get("max_file_mb", DEFAULT_MAX_FILE_MB)
        if not isinstance(value, (int, float)) or value <= 0:
            value = DEFAULT_MAX_FILE_MB
        return int(value * 1024 * 1024)

    @property
    def max_pdf_pages(self) -> int:
        value = self.data.get("max_pdf_pages", DEFAULT_MAX_PDF_PAGES)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            value = DEFAULT_MAX_PDF_PAGES
        return value

    @property
    def keymap(self) -> dict[str, str]:
        value = self.data.get("keymap", {})
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    @property
    def ascii_borders(self) -> bool:
        return bool(self.data.get("ascii_borders", False))

    @property
    def deadlines(self) -> dict[str, str]:
        value = self.data.get("deadlines", {})
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def set(self, key: str, value: Any) -> None:
        """Set one top-level key and save the file at once (refused if the file was unreadable)."""
        if self.error is not None:
            raise self.error
        self.data[key] = value
        atomic_write_bytes(self.path, tomli_w.dumps(self.data).encode("utf-8"))


def load_config(path: Path | None = None) -> Config:
    path = Path(path) if path else paths.config_file()
    if not path.exists():
        return Config(path)
    try:
        with open(path, "rb") as handle:
            return Config(path, tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Config(path, {}, ConfigError(path, str(exc)))
