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
    times: str  # "fired 3 times": check×3
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
    times="×",
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
    times="x",
    comment='"',
)

_current = UNICODE


def glyphs() -> Glyphs:
    return _current


# What the app's own text (the catalogue's tui.* strings, finding messages in the panes) may hold that
# East-Asian fonts draw double-wide: with ``ascii_borders`` each becomes plain ASCII.
ASCII_TEXT = str.maketrans({"…": "...", "—": "-", "–": "-", "×": "x", "·": "|", "“": '"', "”": '"', "→": "->"})


def plain(text: str) -> str:
    """``text`` as the glyph set draws it: unchanged, or with :data:`ASCII_TEXT` applied in ASCII mode."""
    return text.translate(ASCII_TEXT) if _current is ASCII else text


def use_ascii(on: bool) -> None:
    """Switch the glyph set; in ASCII mode the app's catalogue strings (``tui.*``) pass through :func:`plain`."""
    global _current
    _current = ASCII if on else UNICODE
    from shenyue.i18n import set_display_filter

    set_display_filter(plain if on else None, ("tui.", "check.", "finding"))


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
