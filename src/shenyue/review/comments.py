"""Where a section's comment lives in a review file, without Textual.

The six sections of the national format keep their stable keys (``overview`` …
``other``). Any other section (a summary's parts, a non-standard heading) is
keyed by its title as written, so the TOML reads ``"一、20xx年度政务公开工作成效" = "…"``
instead of ``part-1`` (a number that shifts when a heading is added or missed).

Files written before keep loading: a ``part-N`` / ``extra-N`` comment is shown
on the section with that key, and the next change the reviewer saves writes
it under the title (:func:`legacy_renames` gives the renames; the session
applies them in :meth:`~shenyue.review.session.ReviewSession._commit`). Two
comments that meet under one title are joined, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from shenyue.model.report import SECTION_KEYS

if TYPE_CHECKING:
    from shenyue.model.report import Section
    from shenyue.review.schema import Review

LEGACY_KEY = re.compile(r"^(?:part|extra)-\d+$")
TITLE_LIMIT = 200  # characters of a title kept as a key


def clean_title(title: str) -> str:
    """A title as a TOML key: one line, spaces collapsed, control characters removed, at most 200 characters."""
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in title or "")
    return " ".join(text.split())[:TITLE_LIMIT]


def is_title_key(key: str) -> bool:
    """A section comment key written by title (not a fixed section key or a legacy number)."""
    return bool(key) and key == clean_title(key) and key not in SECTION_KEYS and not LEGACY_KEY.match(key)


def section_comment_key(section: Section) -> str:
    """The key a section's comment is written under: its fixed key, else its title (else its key)."""
    if section.key in SECTION_KEYS:
        return section.key
    return clean_title(section.title) or section.key


def section_target(section: Section) -> str:
    """The comment target the review layer takes for a section (``section:<key or title>``)."""
    return "section:" + section_comment_key(section)


def section_comment(review: Review, section: Section) -> str:
    """The section's comment, under its title or (written before) under its old key."""
    comments = review.section_comments
    key = section_comment_key(section)
    return comments.get(key, "") or comments.get(section.key, "")


def legacy_renames(comments: Mapping[str, str], sections: Iterable[Section]) -> dict[str, str]:
    """{old key: title key} for the comments of this report's sections still under ``part-N`` / ``extra-N``."""
    out = {}
    for section in sections:
        new = section_comment_key(section)
        if new != section.key and LEGACY_KEY.match(section.key) and comments.get(section.key):
            out[section.key] = new
    return out


def apply_renames(comments: dict[str, str], renames: Mapping[str, str]) -> dict[str, str]:
    """``comments`` with the old keys moved to their titles; a title that already has a
    different comment gets both (the title's first), so nothing is lost."""
    if not renames or not any(old in comments for old in renames):
        return comments
    out = dict(comments)
    for old, new in renames.items():
        text = out.pop(old, "")
        if not text:
            continue
        have = out.get(new, "")
        out[new] = text if not have or have == text else have + "\n" + text
    return out
