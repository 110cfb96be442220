"""Which unit (body) published a report: a key for "same unit", and the folder's ``units.toml``.

The unit's *name* is read from the report (:func:`shenyue.model.metadata.find_unit`);
two spellings of one body must still be one unit, so comparisons use
:func:`unit_key`: crawler labels (``标题:``) and spaces dropped, full-width
forms folded, and parent-area prefixes removed while what follows still starts
with an area of its own — ``淮安市洪泽区人民政府`` and ``洪泽区人民政府`` are one unit,
while ``平潭综合实验区财政金融局`` and ``平潭综合实验区农业农村局`` stay two bodies of
one government.

What a rule cannot know, the reviewer writes in ``units.toml`` in the reports
folder::

    [files]            # a report file (path relative to the folder) -> its unit
    "a/2023.txt" = "洪泽区人民政府"

    [names]            # a unit name as read -> the unit it is
    "洪泽县人民政府" = "洪泽区人民政府"

The file is untrusted input: a bad file gives a plain message
(:attr:`UnitMap.problem`) and is otherwise ignored, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

UNITS_FILE = "units.toml"
MAX_BYTES = 1 << 20  # a units.toml larger than this is not read
MAX_NAME = 100  # characters of a unit name

_LABEL = re.compile(r"^(?:标题|发布机构|发文机关|来源|单位|机构)\s*[:：]\s*")
_SPACE = re.compile(r"[\s\u3000]+")
_QUOTES = "《》\"“”'‘’「」【】[]()（）"
# a parent area at the start of a name: 2-8 characters and an area suffix
_AREA = "(?:省|自治区|市|自治州|州|盟|地区|区|县|自治县|旗)"
_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,8}?" + _AREA)
# what must follow a dropped prefix: an area of its own (a district, county, town, street)
_OWN_AREA = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:" + _AREA[3:-1] + r"|镇|乡|街道)")


@lru_cache(maxsize=1 << 16)  # a folder has few units and asks for each key many times
def unit_key(name: str | None) -> str | None:
    """The key of a unit name: equal keys are one unit. None for no name."""
    if not name:
        return None
    s = unicodedata.normalize("NFKC", name)
    s = _LABEL.sub("", s.strip())
    s = _SPACE.sub("", s).strip(_QUOTES)
    if not s:
        return None
    while True:
        m = _PREFIX.match(s)
        if m is None:
            break
        rest = s[m.end() :]
        if not _OWN_AREA.match(rest):
            break
        s = rest
    return s


class UnitsFileError(ValueError):
    """units.toml cannot be used; the message says why in plain words."""


@dataclass(slots=True)
class UnitMap:
    """The reviewer's corrections from ``units.toml``; empty when there is none."""

    files: dict[str, str] = field(default_factory=dict)  # relative path -> unit name
    names: dict[str, str] = field(default_factory=dict)  # unit key as read -> unit name
    path: Path | None = None
    problem: str | None = None  # why the file was not used (bad TOML, wrong shape)

    def name(self, rel: str, read: str | None) -> str | None:
        """The unit name of report ``rel`` whose text names ``read``."""
        got = self.files.get(rel.replace("\\", "/"))
        if got is not None:
            return got
        key = unit_key(read)
        if key is not None and key in self.names:
            return self.names[key]
        return read

    def key(self, rel: str, read: str | None) -> str | None:
        """The unit key of report ``rel`` (see :func:`unit_key`)."""
        return unit_key(self.name(rel, read))

    def overridden(self, rel: str) -> bool:
        return rel.replace("\\", "/") in self.files

    @property
    def digest(self) -> str:
        """Changes whenever the mapping changes (part of the similarity result's cache key)."""
        blob = json.dumps([sorted(self.files.items()), sorted(self.names.items())], ensure_ascii=False)
        return hashlib.blake2b(blob.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _table(data: dict, name: str) -> dict[str, str]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise UnitsFileError(f'[{name}] must be a table of "name" = "unit" lines')
    out: dict[str, str] = {}
    for k, v in table.items():
        if not isinstance(v, str):
            raise UnitsFileError(f"[{name}] {k!r}: the unit must be a quoted name")
        v = v.strip()
        if not v or len(v) > MAX_NAME or not k.strip():
            raise UnitsFileError(f"[{name}] {k!r}: the unit name is empty or longer than {MAX_NAME} characters")
        out[k] = v
    return out


def parse_units(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """``(files, names)`` of a units.toml's bytes; raises :class:`UnitsFileError`."""
    if len(data) > MAX_BYTES:
        raise UnitsFileError(f"the file is larger than {MAX_BYTES // 1024} KB")
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UnitsFileError("the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UnitsFileError(f"not valid TOML ({exc})") from None
    unknown = sorted(set(doc) - {"files", "names"})
    if unknown:
        raise UnitsFileError("unknown table(s): " + ", ".join(unknown) + " (expected [files] and [names])")
    files = {k.replace("\\", "/"): v for k, v in _table(doc, "files").items()}
    names: dict[str, str] = {}
    for k, v in _table(doc, "names").items():
        key = unit_key(k)
        if key:
            names[key] = v
    return files, names


def load_units(folder: Path | str | None) -> UnitMap:
    """The folder's ``units.toml`` (an empty map when absent; ``problem`` set when unusable)."""
    if folder is None:
        return UnitMap()
    path = Path(folder) / UNITS_FILE
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return UnitMap(path=path)
    except OSError as exc:
        return UnitMap(path=path, problem=f"cannot be read ({exc.strerror or exc})")
    try:
        files, names = parse_units(data)
    except UnitsFileError as exc:
        return UnitMap(path=path, problem=str(exc))
    return UnitMap(files, names, path=path)


def set_file_unit(folder: Path | str, rel: str, unit: str | None) -> UnitMap:
    """Record (or with ``unit`` empty, forget) the unit of report ``rel`` in ``units.toml``, atomically.

    The other entries are kept (comments are not). Raises :class:`UnitsFileError`
    when the present file cannot be read as a units file (it is then left alone)
    and OSError when it cannot be written.
    """
    import tomli_w

    from shenyue.fsutil import atomic_write_bytes

    path = Path(folder) / UNITS_FILE
    files: dict[str, str] = {}
    names: dict[str, str] = {}
    raw_names: dict[str, str] = {}
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = None
    if data is not None:
        files, names = parse_units(data)
        raw_names = tomllib.loads(data.decode("utf-8-sig")).get("names", {})
    rel = rel.replace("\\", "/")
    unit = (unit or "").strip()
    if len(unit) > MAX_NAME:
        raise UnitsFileError(f"the unit name is longer than {MAX_NAME} characters")
    if unit:
        files[rel] = unit
    else:
        files.pop(rel, None)
    doc: dict[str, dict[str, str]] = {"files": dict(sorted(files.items()))}
    if raw_names:
        doc["names"] = raw_names
    header = "# Units of the reports in this folder (written by shenyue; see `shenyue --help`).\n"
    atomic_write_bytes(path, (header + tomli_w.dumps(doc)).encode("utf-8"))
    return UnitMap(files, names, path=path)


def apply_units(reports, units: UnitMap) -> None:
    """Set every report's unit name (units.toml applied) and unit key.

    The name read from the text is kept in ``report.extra["unit_read"]`` while
    units.toml overrides it, so a later change of the file starts from it again.
    """
    for r in reports:
        read = r.extra.get("unit_read", r.unit)
        name = units.name(r.rel, read)
        if name != read:
            r.extra["unit_read"] = read
        else:
            r.extra.pop("unit_read", None)
        r.unit = name
        r.unit_key = unit_key(name)
