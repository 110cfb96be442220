"""The one escaping helper: every string from a report, a file name or a
review goes through :func:`esc` before it reaches the page.

``html.escape`` with quotes makes text safe in element content and in quoted
attribute values; characters HTML does not allow (C0/C1 controls, lone
surrogates from undecodable file names, noncharacters) become U+FFFD, and bidi
overrides that would reorder the page around them are shown as their code
point.
"""

from __future__ import annotations

import re
from html import escape as _escape

_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_EITHER = re.compile(_BAD.pattern[:-1] + _BIDI.pattern[1:])


def _bidi(m: re.Match) -> str:
    return f"<U+{ord(m.group()):04X}>"


def clean(text: str) -> str:
    """``text`` with characters a page may not hold replaced (not yet escaped)."""
    if not _EITHER.search(text):
        return text
    if _BAD.search(text):
        text = _BAD.sub("\ufffd", text)
    if _BIDI.search(text):
        text = _BIDI.sub(_bidi, text)
    return text


def esc(value: object) -> str:
    """Any value as text safe inside an element or a quoted attribute."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return _escape(clean(text), quote=True)
