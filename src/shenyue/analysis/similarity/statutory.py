"""Statutory wording that every report must contain: never reported as copying.

The list ships as ``shenyue/data/statutory.toml``. Users extend it with a file
of the same shape (``lines = [...]``, ``phrases = [...]``) named
``statutory.toml`` in the shenyue config folder or in the reports folder;
both are read when present.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from shenyue.model.normalize import fold, to_simplified

FILE_NAME = "statutory.toml"

# Leading numbering of headings and table rows: 一、 （三） (3) 2. 2、 第一，
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十#]+\)|#+[.、,]?|第[一二三四五六七八九十]+[、,.])+")
_TRAILING = re.compile(r"[:;,。.]+$")


def norm_entry(text: str, *, simplify: bool = True) -> str:
    """The form lines and entries are compared in: folded, simplified, no whitespace, no numbering."""
    s = fold(text)
    if simplify:
        s = to_simplified(s)
    s = "".join(s.split())
    s = _NUMBERING.sub("", s)
    return _TRAILING.sub("", s)


def norm_phrase(text: str, *, simplify: bool = True) -> str:
    s = fold(text)
    if simplify:
        s = to_simplified(s)
    return "".join(s.split())


@dataclass(slots=True)
class Statutory:
    lines: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()
    sources: list[str] = field(default_factory=list)  # files read, for messages
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of user files not usable

    @property
    def digest(self) -> str:
        blob = "\x1e".join(sorted(self.lines)) + "\x1d" + "\x1e".join(self.phrases)
        return hashlib.blake2b(blob.encode(), digest_size=8).hexdigest()

    def is_statutory_line(self, normalized_line: str) -> bool:
        return _TRAILING.sub("", _NUMBERING.sub("", normalized_line)) in self.lines


def _entries(data: dict, name: str) -> list[str]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"'{name}' must be a list of strings")
    return value


def load_statutory(folder: Path | None = None, *, simplify: bool = True, extra: list[Path] | None = None) -> Statutory:
    """The shipped list plus the user's files (config folder, reports folder, ``extra``)."""
    from shenyue.paths import config_dir

    raw = resources.files("shenyue.data").joinpath(FILE_NAME).read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    lines = set(_entries(data, "lines"))
    phrases = list(_entries(data, "phrases"))
    st = Statutory(sources=["(built-in)"])
    candidates = [config_dir() / FILE_NAME]
    if folder is not None:
        candidates.append(Path(folder) / FILE_NAME)
    candidates += list(extra or [])
    for path in candidates:
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                user = tomllib.load(handle)
            lines.update(_entries(user, "lines"))
            phrases.extend(_entries(user, "phrases"))
            st.sources.append(str(path))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
            st.problems.append((str(path), str(exc)))
    st.lines = frozenset(e for e in (norm_entry(x, simplify=simplify) for x in lines) if e)
    phr = {norm_phrase(x, simplify=simplify) for x in phrases}
    # longest first, and at least 6 characters: short phrases would mask ordinary prose
    st.phrases = tuple(sorted((p for p in phr if len(p) >= 6), key=lambda p: (-len(p), p)))
    return st
