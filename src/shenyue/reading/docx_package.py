"""DOCX reading: the zip package, its limits, and XML helpers.

:class:`_Package` reads each part with a hard limit on its uncompressed size (zip bombs) and on its
markup (tags per part), refuses XML with a DOCTYPE (entity expansion) and turns any damage into a
plain ReadError; :func:`_main_part` finds the document part through the relationships. The
``MAX_*`` bounds of every number read from a file live here. Used by docx.py.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree as ET

from shenyue.reading.base import SNIFF_NAMES, ReadError, ole_is_encrypted_ooxml, sniff, too_complex

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all parts read, uncompressed


MAX_PART_BYTES = 100 * 1024 * 1024  # one part, uncompressed


# Markup per part: parsing builds one element per tag, about 200 bytes each, so
# 95 MB of one-character paragraphs would take 1.5 GB. A real 300-page report
# has a few hundred thousand tags.
MAX_XML_TAGS = 2_000_000


# Every number read from the file is bounded (Word's own limits): a row that
# claims 30 million grid cells before it, a list that starts at 2e9 (spelt
# out in letters, a label of 77 million characters) are read as the bounds.
MAX_GRID_COLUMNS = 63


MAX_LIST_START = 32767


MAX_LIST_LEVEL = 8


_REL_OFFICE_DOC = "/officeDocument"


_REL_NUMBERING = "/numbering"


_REL_STYLES = "/styles"


def _check_container(data: bytes, path: Path) -> None:
    kind = sniff(data)
    if kind == "zip":
        return
    if kind == "ole":
        if ole_is_encrypted_ooxml(data):
            raise ReadError("docx_encrypted")
        raise ReadError("unsupported_doc")
    if kind is not None:
        raise ReadError("wrong_extension", ext=path.suffix.lower() or "(none)", actual=SNIFF_NAMES[kind])
    raise ReadError("corrupt_container", detail="not a zip archive")


# ---------------------------------------------------------------- package access


class _Package:
    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = {info.filename: info for info in self.zip.infolist()}
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
        ) as exc:  # "zip file version 6.4"
            raise ReadError("corrupt_container", detail=str(exc) or type(exc).__name__) from None
        self.unpacked = 0

    def read(self, name: str) -> bytes | None:
        info = self.names.get(name)
        if info is None:
            return None
        limit_mb = MAX_UNPACKED_BYTES // (1024 * 1024)
        if info.file_size > MAX_PART_BYTES or self.unpacked + info.file_size > MAX_UNPACKED_BYTES:
            raise ReadError("zip_bomb", limit_mb=limit_mb)
        try:
            with self.zip.open(info) as handle:
                # Never trust the declared size: read one byte past the limit.
                room = min(MAX_PART_BYTES, MAX_UNPACKED_BYTES - self.unpacked)
                blob = handle.read(room + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError) as exc:
            raise ReadError("corrupt_container", detail=str(exc) or type(exc).__name__) from None
        except RuntimeError as exc:  # an encrypted zip member
            raise ReadError("corrupt_container", detail=str(exc)) from None
        if len(blob) > room:
            raise ReadError("zip_bomb", limit_mb=limit_mb)
        self.unpacked += len(blob)
        return blob

    def xml(self, name: str) -> ET.Element | None:
        blob = self.read(name)
        if blob is None:
            return None
        if b"<!DOCTYPE" in blob or b"<!ENTITY" in blob:
            raise ReadError("corrupt_container", detail=f"{name}: DOCTYPE not allowed")
        tags = blob.count(b"<")
        if tags > MAX_XML_TAGS:
            raise too_complex(f"{name}: {tags:,} XML tags, limit {MAX_XML_TAGS:,}")
        try:
            return ET.fromstring(blob)
        except ET.ParseError as exc:
            raise ReadError("corrupt_container", detail=f"{name}: {exc}") from None

    def relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """rId -> (type, target path inside the package) for the part ``source``."""
        folder, base = posixpath.split(source)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, tuple[str, str]] = {}
        if rels is None:
            return out
        for rel in rels:
            if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), full)
        return out


def _main_part(pkg: _Package) -> str:
    for rel_type, target in pkg.relationships("").values():
        if rel_type.endswith(_REL_OFFICE_DOC) and target in pkg.names:
            return target
    if "word/document.xml" in pkg.names:
        return "word/document.xml"
    names = pkg.names
    if "xl/workbook.xml" in names:
        raise ReadError("wrong_extension", ext=".docx", actual="Excel (.xlsx)")
    if "ppt/presentation.xml" in names:
        raise ReadError("wrong_extension", ext=".docx", actual="PowerPoint (.pptx)")
    if "mimetype" in names or "content.xml" in names:
        raise ReadError("wrong_extension", ext=".docx", actual="OpenDocument (.odt)")
    raise ReadError("corrupt_container", detail="no Word document inside the archive")


# ---------------------------------------------------------------- XML helpers

_LOCAL: dict[str, str] = {}


def _local(tag: object) -> str:
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rpartition("}")[2]
    return name


def _attr(el: ET.Element | None, name: str) -> str | None:
    """An attribute by local name (w:val in transitional or strict namespaces)."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key == name or key.endswith("}" + name):
            return value
    return None


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _on(el: ET.Element | None) -> bool:
    """A toggle property (w:vanish, w:isLgl): present and not switched off."""
    return el is not None and (_attr(el, "val") or "true").lower() not in ("0", "false", "off")


def _int(value: str | None, default: int = 0, low: int = 0, high: int = MAX_LIST_LEVEL) -> int:
    """A number read from the file, within [low, high] (the default when it is not a number)."""
    try:
        number = int(value) if value is not None and len(value) <= 20 else default
    except ValueError:
        return default
    return min(max(number, low), high)
