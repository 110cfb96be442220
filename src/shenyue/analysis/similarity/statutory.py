"""Statutory wording that every report must contain: never reported as copying.

The list ships as ``shenyue/data/statutory.toml``. Users extend it with a file
of the same shape (``lines = [...]``, ``phrases = [...]``) named
``statutory.toml`` in the shenyue config folder or in the reports folder;
both are read when present.

Entries are found wherever they stand in a report's matching copy (one
compiled regular expression shaped as a trie over every entry, so a run over
a folder's text is a single pass): a phrase, and a line entry of at least
:data:`ANYWHERE` characters, counts wherever it occurs, also inside a long
line; a shorter line entry (a table label such as ``行政许可`` or ``其他``)
counts only where it stands as a label, which the fingerprinter decides
from its surroundings.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from shenyue.model.normalize import fold, to_simplified

if TYPE_CHECKING:
    import numpy as np

FILE_NAME = "statutory.toml"
ANYWHERE = 10  # a line entry this long is statutory wherever it stands

# Leading numbering of headings and table rows: 一、 （三） (3) 2. 2、 第一，
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,]|\([一二三四五六七八九十#]+\)|#+[.、,]?|第[一二三四五六七八九十]+[、,.])+"
)
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

    def find(self, normalized: str) -> "tuple[np.ndarray, np.ndarray, np.ndarray]":
        """Every entry in ``normalized`` (a matching copy): ``(starts, ends, anywhere)`` as arrays.

        Matches are leftmost, longest and do not overlap. ``anywhere`` is True
        for phrases and long line entries (statutory wherever they stand);
        the other matches are label candidates.
        """
        import numpy as np

        pattern, anywhere = _compiled(self.lines, self.phrases)
        if pattern is None:
            z = np.zeros(0, np.int64)
            return z, z, np.zeros(0, bool)
        # split() with one group runs in C and returns text, match, text, ...: positions from lengths
        pieces = pattern.split(normalized)
        if len(pieces) < 3:
            z = np.zeros(0, np.int64)
            return z, z, np.zeros(0, bool)
        sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        edges = np.cumsum(sizes)
        ends = edges[1::2]
        starts = ends - sizes[1::2]
        if anywhere is None:
            return starts, ends, np.ones(len(starts), bool)
        found = pieces[1::2]
        flags = np.fromiter(map(anywhere.__contains__, found), dtype=bool, count=len(found))
        return starts, ends, flags


def _trie_pattern(words: list[str]) -> str:
    """A regular expression matching any of ``words``, longest first, shaped as a trie (fast in ``re``)."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here; a longer one is tried first
            return "(?:" + body + ")?" if len(alts) == 1 else body + "?"
        return body

    return emit(root)


_CACHE: dict[tuple[frozenset[str], tuple[str, ...]], tuple["re.Pattern[str] | None", frozenset[str] | None]] = {}


def _compiled(
    lines: frozenset[str], phrases: tuple[str, ...]
) -> tuple["re.Pattern[str] | None", frozenset[str] | None]:
    """The pattern over every entry, and the entries that count anywhere (None: all of them)."""
    key = (lines, phrases)
    got = _CACHE.get(key)
    if got is None:
        words = sorted(set(lines) | set(phrases))
        if not words:
            got = (None, None)
        else:
            anywhere = frozenset(phrases) | frozenset(w for w in lines if len(w) >= ANYWHERE)
            got = (re.compile("(" + _trie_pattern(words) + ")"), None if len(anywhere) == len(words) else anywhere)
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[key] = got
    return got


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
