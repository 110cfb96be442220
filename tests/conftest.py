"""Shared fixtures. Every test runs with its own config, cache and data folders,
so nothing ever reads or writes the real home directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tests.helpers import SAMPLE, SAMPLES  # noqa: F401  (re-exported for tests)


@pytest.fixture(scope="session", autouse=True)
def isolated_session_dirs(tmp_path_factory):
    """Module-scoped fixtures (a sample folder scanned once) run before a test's own folders
    exist: they get folders of their own too, never the real cache (scans write to it)."""
    base = tmp_path_factory.mktemp("shenyue-session-home")
    patch = pytest.MonkeyPatch()
    for var, sub in (("SHENYUE_CONFIG_DIR", "config"), ("SHENYUE_CACHE_DIR", "cache"), ("SHENYUE_DATA_DIR", "data")):
        patch.setenv(var, str(base / sub))
    patch.setenv("HOME", str(base / "home"))
    yield base
    patch.undo()


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory, monkeypatch):
    base = tmp_path_factory.mktemp("shenyue-home")
    for var, sub in (
        ("SHENYUE_CONFIG_DIR", "config"),
        ("SHENYUE_CACHE_DIR", "cache"),
        ("SHENYUE_DATA_DIR", "data"),
    ):
        monkeypatch.setenv(var, str(base / sub))
    monkeypatch.delenv("SHENYUE_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(base / "home"))
    from shenyue.i18n import set_language

    set_language("zh")
    yield base
    from shenyue.tui.glyphs import use_ascii

    use_ascii(False)  # an app started with --ascii leaves the glyph set (and the catalogue's filter) behind


@pytest.fixture
def samples_copy(tmp_path) -> Path:
    """A writable copy of sample_reports/ in a temporary folder."""
    dest = tmp_path / "reports"
    shutil.copytree(SAMPLES, dest)
    for p in dest.iterdir():
        p.chmod(0o644)
    return dest


@pytest.fixture
def sample_text():
    def read(name: str) -> str:
        return SAMPLE[name].read_text(encoding="utf-8")

    return read


# Fuzz tests explore new inputs on developers' machines; CI replays a fixed
# sequence so a run is reproducible.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


@pytest.fixture
def counted(monkeypatch):
    """The texts the copy index fingerprints (the heavy per-file work its store spares)."""
    from shenyue.analysis.similarity import engine
    from shenyue.analysis.similarity.fingerprint import fingerprint_texts

    calls: list[str] = []

    def spy(texts, statutory, settings, masks=None):
        calls.extend(texts)
        return fingerprint_texts(texts, statutory, settings, masks)

    monkeypatch.setattr(engine, "fingerprint_texts", spy)
    return calls
