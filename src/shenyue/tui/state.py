"""Where the reviewer left off, per reports folder and reviewer.

Kept in ``<data dir>/resume.toml`` (see :mod:`shenyue.paths`)::

    [[place]]
    folder = "/home/me/reports-2024"
    reviewer = "张三"
    report = "sub/a.txt"
    section = "problems"

    [export]
    format = "xlsx"      # the format last chosen in the export dialog

A file that cannot be read is ignored (and replaced at the next save); the
place is a convenience, never a reason to stop the app.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from shenyue import paths
from shenyue.fsutil import atomic_write_bytes

MAX_PLACES = 50


@dataclass(slots=True)
class Place:
    report: str
    section: str | None = None


def _file() -> Path:
    return paths.data_dir() / "resume.toml"


def _load_all() -> dict:
    try:
        with open(_file(), "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _save_all(data: dict) -> None:
    try:
        atomic_write_bytes(_file(), tomli_w.dumps(data).encode("utf-8"))
    except OSError:
        pass


def _load() -> list[dict]:
    places = _load_all().get("place", [])
    return [p for p in places if isinstance(p, dict)] if isinstance(places, list) else []


def _key(folder: Path) -> str:
    try:
        return str(Path(folder).resolve())
    except OSError:
        return str(Path(folder).absolute())


def load_place(folder: Path, reviewer: str | None) -> Place | None:
    key = _key(folder)
    for p in _load():
        if p.get("folder") == key and p.get("reviewer", "") == (reviewer or ""):
            report = p.get("report")
            section = p.get("section")
            if isinstance(report, str) and report:
                return Place(report, section if isinstance(section, str) and section else None)
    return None


def save_place(folder: Path, reviewer: str | None, place: Place) -> None:
    """Remember ``place``; errors writing the file are ignored (returns quietly)."""
    key = _key(folder)
    places = [p for p in _load() if not (p.get("folder") == key and p.get("reviewer", "") == (reviewer or ""))]
    entry = {"folder": key, "reviewer": reviewer or "", "report": place.report}
    if place.section:
        entry["section"] = place.section
    places.insert(0, entry)
    data = _load_all()
    data["place"] = places[:MAX_PLACES]
    _save_all(data)


def load_export_format(choices: list[str] | tuple[str, ...] | dict) -> str | None:
    """The export format chosen last time when it is still one of ``choices``, else None."""
    section = _load_all().get("export")
    fmt = section.get("format") if isinstance(section, dict) else None
    return fmt if isinstance(fmt, str) and fmt in choices else None


def save_export_format(fmt: str) -> None:
    """Remember the export dialog's format (errors writing the file are ignored)."""
    data = _load_all()
    data["export"] = {"format": fmt}
    _save_all(data)
