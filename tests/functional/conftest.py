"""Fixtures for the app's functional tests; helpers live in tui_helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import build_copies


@pytest.fixture
def copy_folder(samples_copy: Path) -> Path:
    """The sample reports plus two built from them that copy text (see tui_helpers)."""
    build_copies(samples_copy)
    return samples_copy
