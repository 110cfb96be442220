"""Old binary Word (``.doc``) and WPS (``.wps``) files: not read, with a clear reason.

These formats need a converter this app does not ship. The reviewer is told
to save the file as .docx; a file that is really something else under the
old name (a .docx, PDF, RTF or web page saved as .doc) is named for what it is.
"""

from __future__ import annotations

from pathlib import Path

from shenyue.reading.base import SNIFF_NAMES, Extracted, ReadError, ole_is_encrypted_ooxml, sniff


def extract(data: bytes, path: Path, *, max_pages: int | None = None, use_cache: bool = True) -> Extracted:
    kind = sniff(data)
    ext = path.suffix.lower() or "(none)"
    if kind == "ole":
        if ole_is_encrypted_ooxml(data):
            raise ReadError("docx_encrypted")
        raise ReadError("unsupported_doc")
    if kind == "zip":
        if b"word/" in data[: 1 << 16] or b"word/" in data[-(1 << 16) :]:
            raise ReadError("wrong_extension", ext=ext, actual="Word (.docx)")
        raise ReadError("wrong_extension", ext=ext, actual=SNIFF_NAMES["zip"])
    if kind is not None:
        raise ReadError("wrong_extension", ext=ext, actual=SNIFF_NAMES[kind])
    raise ReadError("unsupported_doc")
