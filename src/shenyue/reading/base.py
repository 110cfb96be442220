"""What every extractor returns, and how it says a file cannot be read.

Also the pieces the container extractors (docx, pdf) share: sniffing what a
file really is from its first bytes, and the extracted-text cache keyed by
the file's sha256, so reopening a big PDF is instant.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from shenyue.pickled import by_constructor


@by_constructor
@dataclass(slots=True)
class Span:
    start: int
    end: int
    kind: str = ""


class TextSource(Protocol):
    """Where a document's text is read from when it is not kept in memory (the report cache)."""

    def read(self) -> str: ...


@dataclass(slots=True, init=False, eq=False)
class Document:
    """What the reading layer produces: one file's decoded text.

    A document loaded from the report cache reads its text from the cache when it is first asked for
    (:class:`TextSource`): a warm scan needs the texts of none of its reports, and they are most of a
    report's memory. ``length`` is always known.
    """

    path: Path
    rel: str  # path relative to the scanned folder, with "/" separators
    encoding: str
    sha256: str
    size: int
    source_format: str  # "txt", "md", "html", later "docx", "pdf"
    # Spans the reading layer already knows are not report text (HTML page chrome, PDF page numbers).
    chrome: list[Span]
    # Table spans the reading layer knows (HTML tables rendered as pipe rows).
    tables: list[Span]
    pages: int  # page count of a paged format (PDF); 0 otherwise
    # Pages whose text was recognised by OCR (a scan, a garbled text layer): its
    # digits may be misread, so arithmetic findings say to check the original.
    ocr_pages: int
    length: int  # characters of the text
    _text: str | None
    _source: TextSource | None

    def __init__(
        self,
        path: Path,
        rel: str,
        text: str | None,
        encoding: str,
        sha256: str,
        size: int,
        source_format: str,
        chrome: list[Span] | None = None,
        tables: list[Span] | None = None,
        pages: int = 0,
        ocr_pages: int = 0,
        *,
        length: int | None = None,
        source: TextSource | None = None,
    ) -> None:
        self.path, self.rel, self.encoding, self.sha256, self.size = path, rel, encoding, sha256, size
        self.source_format = source_format
        self.chrome = [] if chrome is None else chrome
        self.tables = [] if tables is None else tables
        self.pages, self.ocr_pages = pages, ocr_pages
        self._text, self._source = text, source
        self.length = len(text) if text is not None else (length or 0)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text, self._source = self.read_text(), None
        return self._text

    def read_text(self) -> str:
        """The text; one still in the cache is read from there and not kept (a large folder's texts are read
        one after the other for their fingerprints, never all held at once)."""
        if self._text is not None:
            return self._text
        if self._source is None:
            raise ValueError(f"{self.rel}: the text was left out of this document")
        try:
            return self._source.read()
        except OSError:  # the cache could not give it back (a damaged disk): the file is read again
            return self._read_again()

    def _read_again(self) -> str:
        from shenyue.reading import read_document  # noqa: PLC0415 (the reading layer's entry point)

        doc = read_document(self.path, self.path.parent)
        if not isinstance(doc, Document) or doc.sha256 != self.sha256 or doc.length != self.length:
            raise TextLost(self.rel)
        return doc.text

    @text.setter
    def text(self, value: str) -> None:
        self._text, self._source, self.length = value, None, len(value)

    @property
    def text_loaded(self) -> bool:
        """The text is in memory (not still in the cache)."""
        return self._text is not None

    def detach_text(self) -> str:
        """Take the text out (the report cache keeps it apart from the rest); :meth:`attach_text` puts it
        back, or a :class:`TextSource` that reads it."""
        text = self.text
        self._text = None
        return text

    def attach_text(self, text: str | None = None, source: TextSource | None = None) -> None:
        if text is not None:
            self.text = text
        else:
            self._text, self._source = None, source

    @property
    def ocr(self) -> bool:
        return self.ocr_pages > 0

    def _fields(self) -> tuple:
        return (self.path, self.rel, self.encoding, self.sha256, self.size, self.source_format, self.chrome,
                self.tables, self.pages, self.ocr_pages, self.length)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return self._fields() == other._fields() and self.text == other.text

    def __reduce__(self):
        """Pickled as its constructor call (see :mod:`shenyue.pickled`); a detached text stays out."""
        f = self._fields()
        if self._text is None and self._source is None:
            return (_without_text, f)
        return (Document, (f[0], f[1], self.text, *f[2:-1]))


class TextLost(OSError):
    """A document's text could not be read back, from the cache or from its file (changed since): the
    folder must be scanned again."""

    def __init__(self, rel: str) -> None:
        super().__init__(f"{rel}: the report's text could not be read back (the file changed); scan the folder again")
        self.rel = rel


def _without_text(path, rel, encoding, sha256, size, source_format, chrome, tables, pages, ocr_pages, length):
    return Document(path, rel, None, encoding, sha256, size, source_format, chrome, tables, pages, ocr_pages,
                    length=length)  # fmt: skip


@dataclass(slots=True)
class Unreadable:
    path: Path
    rel: str
    reason_key: str  # catalogue key under "unreadable."
    params: dict[str, Any] = field(default_factory=dict)

    def reason(self, lang: str | None = None) -> str:
        from shenyue.i18n import t  # noqa: PLC0415 (the catalogue is only needed for messages)

        return t(f"unreadable.{self.reason_key}", lang, **self.params)


@dataclass(slots=True)
class Extracted:
    text: str
    encoding: str  # the text encoding for text files; the container format ("docx", "pdf") otherwise
    chrome: list[Span] = field(default_factory=list)  # spans that are page furniture, not report text
    tables: list[Span] = field(default_factory=list)  # table regions, rows rendered one per line
    pages: int = 0  # page count for paged formats (pdf); 0 when the format has no pages
    ocr_pages: int = 0  # pages read by OCR (reading/ocr.py)


class ReadError(Exception):
    """A file cannot be read; ``reason_key`` names a catalogue entry under ``unreadable.``."""

    def __init__(self, reason_key: str, **params: Any):
        super().__init__(reason_key)
        self.reason_key = reason_key
        self.params = params


# ---------------------------------------------------------------- sniffing

# What a file's first bytes say it is, as the plain name shown to the user.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str | None:
    """The container a file really is: "pdf", "zip", "ole", "rtf", "html", "mhtml", or None."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    low = stripped[:512].lower()
    if low.startswith(b"mime-version:") or (b"mime-version:" in low and b"multipart/related" in head.lower()):
        return "mhtml"
    if low.startswith(b"<!doctype html") or low.startswith(b"<html") or (low.startswith(b"<?xml") and b"<html" in low):
        return "html"
    return None


SNIFF_NAMES = {"pdf": "PDF", "zip": "ZIP", "ole": "Word 97-2003 (.doc)", "rtf": "RTF", "html": "HTML", "mhtml": "MHTML"}


def ole_is_encrypted_ooxml(data: bytes) -> bool:
    """An OLE file holding an encrypted .docx/.xlsx (Office password protection)."""
    return data.startswith(_OLE) and "EncryptedPackage".encode("utf-16-le") in data[: 1 << 20]


# ---------------------------------------------------------------- clean-up shared by extractors

# Control characters other than tab and newline never belong in report text
# (and must never reach the terminal).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)


# A lone surrogate code point (from a broken ``w:sym``, a PDF's ToUnicode map)
# cannot be written as UTF-8: it becomes U+FFFD, one for one, so every span
# offset stays valid and the rest of the file is read.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def replace_surrogates(result: Extracted) -> Extracted:
    if _SURROGATE.search(result.text) is not None:
        result.text = _SURROGATE.sub("\ufffd", result.text)
    return result


# ---------------------------------------------------------------- per-file limits

# The text one file may give, in characters. read_document sets it for the
# file being read (each read runs alone in its process or thread of the scan);
# extractors that build text piece by piece ask ``check_text`` as they go, so
# a hostile file stops early instead of after gigabytes.
_text_limit = 2_000_000


def set_text_limit(limit: int) -> None:
    global _text_limit
    _text_limit = limit


def text_limit() -> int:
    return _text_limit


def check_text(length: int) -> None:
    """ReadError("too_much_text") when ``length`` characters exceed the limit."""
    if length > _text_limit:
        raise ReadError("too_much_text", limit=f"{_text_limit:,}")


def too_complex(detail: str) -> ReadError:
    return ReadError("too_complex", detail=detail)


# ---------------------------------------------------------------- cache

CACHE_FOLDER = "extracted"


def _cache_file(sha256: str, kind: str, version: int) -> Path:
    from shenyue.paths import cache_dir

    return cache_dir() / CACHE_FOLDER / f"{sha256}.{kind}.v{version}.json"


def _spans(raw: Any, length: int) -> list[Span]:
    spans = []
    for item in raw:
        start, end, kind = item
        if not (
            isinstance(start, int) and isinstance(end, int) and isinstance(kind, str) and 0 <= start <= end <= length
        ):
            raise ValueError("bad span")
        spans.append(Span(start, end, kind))
    return spans


def load_cached(sha256: str, kind: str, version: int) -> Extracted | None:
    """The cached extraction, or None when absent, unreadable or inconsistent."""
    path = _cache_file(sha256, kind, version)
    try:
        raw = json.loads(path.read_bytes())
        text = raw["text"]
        if not isinstance(text, str) or raw.get("sha256") != sha256 or not isinstance(raw.get("encoding"), str):
            return None
        pages = raw.get("pages", 0)
        ocr_pages = raw.get("ocr_pages", 0)
        if not isinstance(pages, int) or not isinstance(ocr_pages, int):
            return None
        return Extracted(
            text=text,
            encoding=raw["encoding"],
            chrome=_spans(raw["chrome"], len(text)),
            tables=_spans(raw["tables"], len(text)),
            pages=pages,
            ocr_pages=ocr_pages,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_cached(sha256: str, kind: str, version: int, result: Extracted) -> None:
    """Best effort: a cache that cannot be written only costs time later."""
    from shenyue.fsutil import atomic_write_bytes

    payload = {
        "sha256": sha256,
        "encoding": result.encoding,
        "pages": result.pages,
        "ocr_pages": result.ocr_pages,
        "text": result.text,
        "chrome": [[s.start, s.end, s.kind] for s in result.chrome],
        "tables": [[s.start, s.end, s.kind] for s in result.tables],
    }
    try:
        atomic_write_bytes(_cache_file(sha256, kind, version), json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass


def cached_extract(
    kind: str,
    version: int,
    data: bytes,
    build: Callable[[], Extracted],
    *,
    check: Callable[[Extracted], None] | None = None,
    use_cache: bool = True,
) -> Extracted:
    """``build()``'s result, from the cache when the same bytes were extracted before.

    ``version`` is the extractor's own version: bump it when the output
    changes, and old entries are simply not found. ``check`` re-applies
    limits that may have changed since the entry was stored (a page limit).
    Read errors are never cached: the file is re-examined each time.
    """
    if not use_cache:
        result = replace_surrogates(build())
        check_text(len(result.text))
        return result
    sha = hashlib.sha256(data).hexdigest()
    hit = load_cached(sha, kind, version)
    if hit is not None:
        if check is not None:
            check(hit)
        check_text(len(hit.text))
        return hit
    result = replace_surrogates(build())
    check_text(len(result.text))  # a result over the limit is refused, never stored
    store_cached(sha, kind, version, result)
    return result
