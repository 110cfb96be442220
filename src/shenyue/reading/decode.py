"""Decode the bytes of a text file whatever its encoding.

Order: BOM (UTF-8, UTF-16, UTF-32) -> BOM-less UTF-16 (by its NUL pattern) ->
strict UTF-8 -> GB18030 or Big5, whichever reads as more common Chinese.
A file that is binary, or readable only with many broken bytes, is refused
with a reason; a handful of broken bytes in a long file is tolerated and
recorded in the encoding label.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from shenyue.reading.base import ReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Signatures of common binary formats that are sometimes given a text extension.
_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
)

_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """The most common Han characters: GB2312 level 1 (simplified) and Big5 常用字 (traditional)."""
    chars: set[str] = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for hi in range(0xA4, 0xC7):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            try:
                chars.add(bytes((hi, lo)).decode("big5"))
            except UnicodeDecodeError:
                pass
    chars.update("，。、；：？！“”‘’（）《》【】—…·")
    return frozenset(chars)


def _plausibility(text: str) -> float:
    """Share of non-ASCII characters that are common Chinese characters or punctuation."""
    common = _common_chars()
    sample = text[:20000]
    wide = [c for c in sample if ord(c) > 0x7F]
    if not wide:
        return 1.0
    return sum(1 for c in wide if c in common) / len(wide)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)


def _bomless_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _finish(text: str, encoding: str) -> tuple[str, str]:
    if _looks_binary(text):
        raise ReadError("binary")
    if not text.strip():
        raise ReadError("empty")
    return text, encoding


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise ReadError(empty|binary|undecodable).

    ``declared`` is an encoding named by the file itself (HTML ``<meta charset>``);
    it is tried right after a BOM.
    """
    if not data.strip():
        raise ReadError("empty")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _finish(data.decode(name), name.replace("-sig", "") + "-bom" if name == "utf-8-sig" else name)
            except UnicodeDecodeError:
                raise ReadError("undecodable") from None
    if data.startswith(_BINARY_MAGIC):
        raise ReadError("binary")
    utf16 = _bomless_utf16(data)
    if utf16:
        try:
            return _finish(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise ReadError("binary")
    if declared:
        name = _canonical(declared)
        if name:
            try:
                return _finish(data.decode(name), name)
            except (UnicodeError, LookupError, ValueError):  # wrong or unusable: detect instead
                pass
    try:
        return _finish(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    for name in ("gb18030", "big5"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), name, text))
    if candidates:
        # GB18030 wins ties: it is by far the more common legacy encoding here.
        score, name, text = max(candidates, key=lambda c: (c[0], c[1] == "gb18030"))
        return _finish(text, name)
    # Last resort: a long file with a few damaged bytes is still worth reading.
    for name in ("utf-8", "gb18030", "big5"):
        text = data.decode(name, errors="replace")
        damaged = text.count("\ufffd")
        if damaged <= max(3, len(text) // 1000) and _plausibility(text) > 0.5:
            return _finish(text, f"{name} ({damaged} damaged bytes replaced)")
    raise ReadError("undecodable")


def _canonical(name: str) -> str | None:
    name = name.strip().lower()
    if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"):
        return "gb18030"  # the superset: real-world "gb2312" pages use GBK characters
    if name in ("big5-hkscs", "x-x-big5"):
        return "big5"
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # a bogus <meta charset> ("hex", "rot13", "base64" name codecs that are not text encodings): detect instead
    return info.name if getattr(info, "_is_text_encoding", True) else None
