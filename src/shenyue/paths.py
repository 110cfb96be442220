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
