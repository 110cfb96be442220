"""The one catalogue of user-facing strings, in Simplified Chinese and English.

Strings live in ``messages.toml`` beside this file, one table per key::

    [scan.unreadable_empty]
    zh = "文件为空"
    en = "the file is empty"

``t("scan.unreadable_empty")`` returns the string in the current language;
keyword arguments fill ``{placeholders}`` with ``str.format``.
"""

from __future__ import annotations

import locale
import os
import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("zh", "en")
_current = "zh"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    with open(Path(__file__).with_name("messages.toml"), "rb") as handle:
        raw = tomllib.load(handle)
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        if "zh" in node and isinstance(node["zh"], str):
            flat[prefix] = {lang: node.get(lang, node["zh"]) for lang in LANGUAGES}
            return
        for name, child in node.items():
            if isinstance(child, dict):
                walk(f"{prefix}.{name}" if prefix else name, child)

    walk("", raw)
    return flat


def set_language(lang: str | None) -> str:
    """Set the language used by :func:`t`; unknown values fall back to the locale."""
    global _current
    _current = lang if lang in LANGUAGES else detect_language()
    return _current


def current_language() -> str:
    return _current


def detect_language() -> str:
    """zh for zh_* locales, else en."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


# An interface's rewrite of the strings it shows (the app in ASCII mode: "…" -> "..."), for keys with
# one of the prefixes; None: strings as written.
_display_filter: tuple[tuple[str, ...], Callable[[str], str]] | None = None


def set_display_filter(fn: Callable[[str], str] | None, prefixes: tuple[str, ...] = ()) -> None:
    global _display_filter
    _display_filter = (prefixes, fn) if fn is not None else None


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The catalogue string ``key`` in ``lang`` (default: current), formatted."""
    entry = catalogue().get(key)
    if entry is None:
        return key
    text = entry[lang or _current]
    if params:
        try:
            text = text.format(**params)
        except (KeyError, IndexError, ValueError):
            pass
    if _display_filter is not None and key.startswith(_display_filter[0]):
        return _display_filter[1](text)
    return text


def tn(key: str, n: int, lang: str | None = None, /, **params: object) -> str:
    """``t(key)`` for a count ``n`` (given as ``{n}``): the key's ``_one`` form when ``n`` is 1 and the
    catalogue has one ("1 reviewer", not "1 reviewers")."""
    one = f"{key}_one"
    return t(one if n == 1 and one in catalogue() else key, lang, n=n, **params)


def both(key: str, /, **params: object) -> dict[str, str]:
    """The string in every language, e.g. for JSON output or exports."""
    return {lang: t(key, lang, **params) for lang in LANGUAGES}
