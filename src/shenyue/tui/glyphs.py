"""The few non-letter characters the app draws, in a Unicode and an ASCII set.

Terminals set to draw East-Asian "ambiguous width" characters double-wide
(common with Chinese fonts) break alignment for box drawing, blocks and most
symbols; with ``ascii_borders`` the app uses only ASCII.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Glyphs:
    bar_full: str
    bar_partial: tuple[str, ...]  # 1/8 .. 7/8 of a cell, or () for none
    bar_empty: str
    cursor: str
    dot: str  # separator between header fields
    empty: str  # section has no content
    finding: str  # section has findings
    copied: str  # section has copied text
    flag: str
    done: str
    changed: str
    ellipsis: str
    sort_up: str
    sort_down: str
    missing: str  # a value not known (yet)
    ruler_mark: str  # the overview strip's mark of the visible part
    comment: str = '"'  # a criterion or section with a comment


UNICODE = Glyphs(
    bar_full="█",
    bar_partial=("▏", "▎", "▍", "▌", "▋", "▊", "▉"),
    bar_empty=" ",
    cursor="▸",
    dot="·",
    empty="○",
    finding="!",
    copied="◆",
    flag="⚑",
    done="✓",
    changed="✎",
    ellipsis="…",
    sort_up="▲",
    sort_down="▼",
    missing="—",
    ruler_mark="▐",
    comment="❝",
)

ASCII = Glyphs(
    bar_full="#",
    bar_partial=(),
    bar_empty=".",
    cursor=">",
    dot="|",
    empty="o",
    finding="!",
    copied="*",
    flag="F",
    done="v",
    changed="~",
    ellipsis="~",
    sort_up="^",
    sort_down="v",
    missing="-",
    ruler_mark="|",
    comment='"',
)

_current = UNICODE


def glyphs() -> Glyphs:
    return _current


def use_ascii(on: bool) -> None:
    global _current
    _current = ASCII if on else UNICODE


def bar(fraction: float, width: int) -> str:
    """A horizontal bar ``width`` cells wide filled to ``fraction`` (0..1)."""
    g = _current
    fraction = min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    if not g.bar_partial:
        full = round(fraction * width)
        rest = 0
    out = g.bar_full * full
    if rest and full < width:
        out += g.bar_partial[rest - 1]
    return out + g.bar_empty * (width - len(out))
