"""Hard-wrapped report text (PDF-like) is shown reflowed on the review screen, while search
highlights stay on the original offsets."""

from __future__ import annotations

import re

from tui_helpers import XIQU, make_app, open_report, wait_ready

from shenyue.tui.highlight import SEARCH
from shenyue.tui.screens.review import ReviewScreen
from shenyue.tui.textutil import HIDDEN, wrap_offsets

WRAPPED = "xiqu-wrapped-2024.txt"


def hard_wrapped(text: str, width: int = 36) -> str:
    out = []
    for line in text.split("\n"):
        out.extend([line[i : i + width] for i in range(0, len(line), width)] or [""])
    return "\n".join(out)


async def test_a_hard_wrapped_paragraph_is_drawn_as_one_and_search_keeps_its_offsets(samples_copy):
    (samples_copy / WRAPPED).write_text(hard_wrapped((samples_copy / XIQU).read_text(encoding="utf-8")), "utf-8")
    app = make_app(samples_copy, resume=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_ready(app, pilot, copies=False)
        await open_report(app, pilot, WRAPPED)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.section.key == "overview"
        pane = screen.left
        section = screen.report.text[screen.section.start : screen.section.end]
        rows = section.split("\n")
        assert max(len(r) for r in rows) <= 36
        # reflowed: fewer drawn lines than the rows wrapped at the pane's width, and a drawn line runs across a break
        unjoined = len(wrap_offsets(section, pane.text_width))
        assert pane.line_count < 0.75 * unjoined
        drawn = [pane.text[a:b].replace(HIDDEN, "") for a, b in pane._lines]  # noqa: SLF001
        across = [rows[i][-2:] + rows[i + 1][:2] for i in range(len(rows) - 1)]
        assert sum(1 for piece in across if any(piece in line for line in drawn)) >= len(rows) // 3
        # a search hit after a joined break is highlighted at its original offsets
        needle = re.search("[\u4e00-\u9fff]{4}", rows[2][4:]).group()
        await pilot.press("slash", *needle, "enter")
        await pilot.pause()
        hits = pane.overlay(SEARCH)
        assert hits and all(screen.report.text[a:b] == needle for a, b in hits)
        start = hits[0][0] - pane.base
        index = next(i for i, (a, b) in enumerate(pane._lines) if a <= start < b)  # noqa: SLF001
        strip = pane._render_index(index, pane.text_width)  # noqa: SLF001
        plain = pane._style(0)  # noqa: SLF001
        assert any(needle in seg.text and seg.style != plain for seg in strip)
