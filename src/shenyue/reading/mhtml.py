"""Single-file web archives (``.mhtml``/``.mht``), with the standard library's email parser.

Browsers save "web page, single file" as a MIME ``multipart/related``
message: the page is the first ``text/html`` part (quoted-printable or
base64), images and style sheets follow. The page's charset comes from the
part's ``Content-Type`` header, else from the page's own ``<meta>``; the
page is then read like any saved web page (:mod:`shenyue.reading.html`),
so only its main article becomes report text.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message
from pathlib import Path

from shenyue.reading import html
from shenyue.reading.base import SNIFF_NAMES, Extracted, ReadError, cached_extract, sniff, too_complex

_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:")
_MAX_PARTS = 10000  # a hostile archive with millions of tiny parts is not walked to the end
# The email parser reads a header's parameters in time quadratic in the
# header's length (it reslices the rest after each ``;``): a Content-Type of
# 200,000 parameters takes minutes. A real one is well under a hundred bytes.
_MAX_PARAM_HEADER = 8192
_PARAM_HEADER = re.compile(rb"(?im)^content-(?:type|disposition):[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*")


def looks_like_mhtml(data: bytes) -> bool:
    """MIME headers at the top and a MIME-Version among them (a saved page never starts so)."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not _HEADER_LINE.match(head):
        return False
    headers = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0].lower()
    return b"mime-version:" in headers or b"multipart/related" in headers


def _html_part(message: Message) -> Message | None:
    if not message.is_multipart():
        return message if message.get_content_type() in ("text/html", "application/xhtml+xml") else None
    start = message.get_param("start")
    first = None
    for k, part in enumerate(message.walk()):
        if k > _MAX_PARTS:
            break
        if part.is_multipart() or part.get_content_type() not in ("text/html", "application/xhtml+xml"):
            continue
        if start and part.get("Content-ID", "").strip() == str(start).strip():
            return part
        if first is None:
            first = part
    return first


def extract(data: bytes, path: Path, *, max_pages: int | None = None, use_cache: bool = True) -> Extracted:
    """The article text of the archive's page; big archives are cached by their bytes' hash."""
    if not looks_like_mhtml(data):
        kind = sniff(data)
        if kind in ("pdf", "zip", "ole", "rtf"):
            raise ReadError("wrong_extension", ext=path.suffix.lower() or "(none)", actual=SNIFF_NAMES[kind])
        return html.extract(data, path, use_cache=use_cache)  # a plain page saved with an .mht name
    big = len(data) >= html.CACHE_FROM_BYTES
    return cached_extract("mhtml", html.VERSION, data, lambda: _extract(data), use_cache=use_cache and big)


def _extract(data: bytes) -> Extracted:
    for match in _PARAM_HEADER.finditer(data):
        if match.end() - match.start() > _MAX_PARAM_HEADER:
            raise too_complex(f"a MIME header of {match.end() - match.start():,} bytes")
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        part = _html_part(message)
        payload = part.get_payload(decode=True) if part is not None else None
    except Exception:  # the email package is lenient; anything it still cannot take is a damaged file
        raise ReadError("corrupt_container", detail="MHTML") from None
    if not isinstance(payload, bytes) or not payload.strip():
        raise ReadError("corrupt_container", detail="MHTML without a web page")
    charset = part.get_content_charset()
    source, encoding = html.decode_page(payload, charset)
    return html.extract_html(source, encoding)
