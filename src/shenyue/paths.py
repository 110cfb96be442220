"""Where shenyue keeps its files.

Every location can be overridden by an environment variable so tests (and
users with unusual setups) never touch the real home directory:

    SHENYUE_CONFIG_DIR   config.toml, user rubric, keymap, user stylesheet
    SHENYUE_CACHE_DIR    similarity index, extracted text
    SHENYUE_DATA_DIR     anything the app keeps outside the reports folder
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "shenyue"

# Folders inside a reports folder that belong to the app and are never read
# as reports.
APP_FOLDERS = frozenset({"reviews", ".shenyue", "__pycache__", ".git"})


def _dir(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser() if value else default


def config_dir() -> Path:
    return _dir("SHENYUE_CONFIG_DIR", platformdirs.user_config_path(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    return _dir("SHENYUE_CACHE_DIR", platformdirs.user_cache_path(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _dir("SHENYUE_DATA_DIR", platformdirs.user_data_path(APP_NAME, appauthor=False))


def config_file() -> Path:
    override = os.environ.get("SHENYUE_CONFIG")
    return Path(override).expanduser() if override else config_dir() / "config.toml"


# ---------------------------------------------------------------- showing names

import re as _re  # noqa: E402

# Lone surrogates: bytes of a file name that are not UTF-8 (Python keeps them
# as U+DC80..U+DCFF with the surrogateescape handler).
_SURROGATES = _re.compile("[\ud800-\udfff]")
# Characters that would move the cursor, colour the terminal or reorder the
# text around them (bidi overrides and isolates such as U+202E).
_UNSAFE_FOR_DISPLAY = _re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def recover_text(text: str) -> str:
    """``text`` without lone surrogates: a file name or argument whose bytes
    were not UTF-8 is decoded as GB18030 (GBK names from Windows zips, the
    common case) when that works, else the bad bytes become U+FFFD."""
    if not _SURROGATES.search(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def display_text(text: object) -> str:
    """Any name, path or untrusted text made safe to print or show: no lone
    surrogates (see :func:`recover_text`), and terminal controls and bidi
    overrides shown as ``<U+202E>`` instead of acting. Tabs stay; other
    line breaks show as their code."""
    value = recover_text(os.fspath(text) if isinstance(text, os.PathLike) else str(text))
    if not _UNSAFE_FOR_DISPLAY.search(value):
        return value
    return _UNSAFE_FOR_DISPLAY.sub(lambda m: f"<U+{ord(m.group()):04X}>", value)


def display_path(path: object) -> str:
    """A path as it is shown to the user: see :func:`display_text`."""
    return display_text(path)
