"""The user's config file (``config.toml`` in the config directory).

Known keys (all optional)::

    reviewer = "张三"
    lang = "zh"              # or "en"
    max_file_mb = 20         # larger files are reported as unreadable
    max_pdf_pages = 200      # PDFs with more pages are reported as unreadable
    max_text_chars = 2000000 # a file giving more text than this is reported as unreadable
    read_timeout_s = 60      # a file not read in this time is abandoned (unreadable)
    read_memory_mb = 2048    # a file needing more memory to read is abandoned (unreadable)
    ascii_borders = false
    [keymap]                 # binding id -> keys, e.g. "review.next_section" = "right_square_bracket,ctrl+down"
    [deadlines]              # unit type -> "MM-DD", e.g. "government" = "03-31"

A config file that cannot be read is reported with its path and reason and
treated as empty; it is never overwritten by a partial save. A number out of
its sane range (``max_file_mb = 1e308``, ``nan``) is reported in
``problems`` and the default is used.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from shenyue import paths
from shenyue.fsutil import atomic_write_bytes, parse_toml, read_regular_bytes

DEFAULT_MAX_FILE_MB = 20
DEFAULT_MAX_PDF_PAGES = 200
DEFAULT_MAX_TEXT_CHARS = 2_000_000  # a 200-page report is about 400,000 characters
DEFAULT_READ_TIMEOUT_S = 60
DEFAULT_READ_MEMORY_MB = 2048

# Sane bounds for every number read from the config file or the command line.
# name: (lowest, highest, integer only)
LIMITS: dict[str, tuple[float, float, bool]] = {
    "max_file_mb": (0.001, 2048.0, False),
    "max_pdf_pages": (1, 100_000, True),
    "max_text_chars": (10_000, 100_000_000, True),
    "read_timeout_s": (1.0, 3600.0, False),
    "read_memory_mb": (256, 65_536, True),
}


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """The bounds on reading one file (see README, "What shenyue guarantees and refuses")."""

    max_bytes: int = DEFAULT_MAX_FILE_MB * 1024 * 1024
    max_pages: int = DEFAULT_MAX_PDF_PAGES
    max_chars: int = DEFAULT_MAX_TEXT_CHARS
    timeout_s: float = DEFAULT_READ_TIMEOUT_S
    memory_mb: int = DEFAULT_READ_MEMORY_MB


class NumberError(ValueError):
    """A number from the config file or the command line is refused; the
    message names the setting, the value and the allowed range."""

    def __init__(self, name: str, value: Any, label: str | None = None):
        from shenyue.i18n import t  # noqa: PLC0415

        low, high, integer = LIMITS[name]
        kind = t("config.expect_integer") if integer else t("config.expect_number")
        super().__init__(
            t(
                "config.bad_number",
                name=label or name,
                value=_show_value(value),
                low=_fmt(low),
                high=_fmt(high),
                kind=kind,
            )
        )
        self.name = name
        self.value = value


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _show_value(value: Any) -> str:
    text = repr(value) if isinstance(value, (str, bool)) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def check_number(name: str, value: Any, label: str | None = None) -> float | int:
    """``value`` if it is a finite number within the bounds of ``name`` (see
    LIMITS), else NumberError. The one validation of numbers read from TOML
    and from the command line."""
    low, high, integer = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NumberError(name, value, label)
    if integer and not isinstance(value, int):
        raise NumberError(name, value, label)
    if isinstance(value, float) and not math.isfinite(value):
        raise NumberError(name, value, label)
    if not low <= value <= high:
        raise NumberError(name, value, label)
    return value


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
    def problems(self) -> list[str]:
        """Plain messages for values that are refused (the default is used instead)."""
        out = []
        for name in LIMITS:
            if name in self.data:
                try:
                    check_number(name, self.data[name])
                except NumberError as exc:
                    out.append(str(exc))
        return out

    def _number(self, name: str, default: float | int) -> float | int:
        try:
            return check_number(name, self.data.get(name, default))
        except NumberError:
            return default

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
        return int(self._number("max_file_mb", DEFAULT_MAX_FILE_MB) * 1024 * 1024)

    @property
    def max_pdf_pages(self) -> int:
        return int(self._number("max_pdf_pages", DEFAULT_MAX_PDF_PAGES))

    @property
    def read_limits(self) -> ReadLimits:
        return ReadLimits(
            max_bytes=self.max_file_bytes,
            max_pages=self.max_pdf_pages,
            max_chars=int(self._number("max_text_chars", DEFAULT_MAX_TEXT_CHARS)),
            timeout_s=float(self._number("read_timeout_s", DEFAULT_READ_TIMEOUT_S)),
            memory_mb=int(self._number("read_memory_mb", DEFAULT_READ_MEMORY_MB)),
        )

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
    try:  # a regular file of a sane size, TOML without absurd nesting
        return Config(path, parse_toml(read_regular_bytes(path).decode("utf-8").removeprefix("\ufeff")))
    except OSError as exc:
        return Config(path, {}, ConfigError(path, exc.strerror or str(exc)))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Config(path, {}, ConfigError(path, str(exc)))
