"""Where the app's stylesheets are, and the scroll bars drawn without block characters (``--ascii``).

``styles/app.tcss`` always, ``styles/ascii.tcss`` with ``--ascii``, then ``user.tcss`` from the
config folder when it parses (the app says why when it does not).
"""

from __future__ import annotations

from pathlib import Path

from textual.scrollbar import ScrollBarRender

USER_STYLESHEET = "user.tcss"


def styles_dir() -> Path:
    """The app's stylesheets: ``shenyue/styles`` when installed from a wheel,
    else ``styles/`` at the top of the source checkout."""
    here = Path(__file__).resolve().parent
    installed = here.parent / "styles"
    if (installed / "app.tcss").is_file():
        return installed
    return here.parents[2] / "styles"


class AsciiScrollBarRender(ScrollBarRender):
    """Scroll bars drawn with colour only (the default uses block characters)."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8
