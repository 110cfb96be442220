"""The review screen's findings panel: the section's findings, one line each, the highlighted one in full."""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from shenyue.analysis.findings import Finding
from shenyue.i18n import t
from shenyue.tui.glyphs import glyphs
from shenyue.tui.keys import B
from shenyue.tui.textutil import cell_width, fit, one_line, wrap_offsets
from shenyue.tui.widgets.style import layer_style


class FindingsPanel(Widget, can_focus=True):
    """Findings of the current section (and of the whole report), one line
    each; the highlighted one is shown in full below the list. Drawn line by
    line, so changing sections never relays out the screen."""

    COMPONENT_CLASSES = {
        "findings--error",
        "findings--warning",
        "findings--info",
        "findings--header",
        "findings--cursor",
        "findings--dismissed",
        "findings--detail",
        "findings--muted",
    }

    BINDINGS = [
        B("j,down", "move(1)", "tui.key.down", "findings.down", show=False),
        B("k,up", "move(-1)", "tui.key.up", "findings.up", show=False),
        B("enter", "jump", "tui.key.jump_finding", "findings.jump"),
        B("x", "dismiss_finding", "tui.key.dismiss", "findings.dismiss"),
        B("X", "dismiss_everywhere", "tui.key.dismiss_everywhere", "findings.dismiss_everywhere"),
    ]

    DETAIL_LINES = 4

    class Jump(Message):
        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    class Dismiss(Message):
        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    class DismissEverywhere(Message):
        """Dismiss this finding's check (or message) in every report of the folder."""

        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.findings: list[Finding | None] = []  # None: a group heading or the "no findings" line
        self.labels: list[str] = []
        self.reasons: list[str | None] = []
        self._cursor: int | None = None
        self._top = 0
        self._signature: tuple | None = None
        self._styles: dict[str, Style] = {}

    # ------------------------------------------------------------ data
    def set_findings(
        self, section: list[Finding], whole: list[Finding], dismissed: Callable[[Finding], str | None]
    ) -> None:
        signature = (tuple(map(id, section)), tuple(map(id, whole)), tuple(dismissed(f) for f in (*section, *whole)))
        if signature == self._signature:
            return
        self._signature = signature
        keep = self.current
        self.findings, self.labels, self.reasons = [], [], []
        if not section and not whole:
            self._add(None, t("tui.findings.none"), None)
        for f in section:
            self._add(f, one_line(f.message()), dismissed(f))
        if whole:
            self._add(None, t("tui.findings.whole_report"), None)
            for f in whole:
                self._add(f, one_line(f.message()), dismissed(f))
        indexes = [i for i, f in enumerate(self.findings) if f is not None]
        self._cursor = next((i for i in indexes if self.findings[i] is keep), indexes[0] if indexes else None)
        self._top = 0
        self._scroll_to_cursor()
        self.refresh()

    def _add(self, f: Finding | None, label: str, reason: str | None) -> None:
        self.findings.append(f)
        self.labels.append(label)
        self.reasons.append(reason)

    @property
    def highlighted(self) -> int | None:
        return self._cursor

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        if index is None or (0 <= index < len(self.findings) and self.findings[index] is not None):
            self._cursor = index
            self._scroll_to_cursor()
            self.refresh()

    @property
    def current(self) -> Finding | None:
        i = self._cursor
        return self.findings[i] if i is not None and 0 <= i < len(self.findings) else None

    # ------------------------------------------------------------ keys
    def action_move(self, step: int) -> None:
        indexes = [i for i, f in enumerate(self.findings) if f is not None]
        if not indexes:
            return
        if self._cursor not in indexes:
            self.highlighted = indexes[0]
            return
        pos = indexes.index(self._cursor) + step
        self.highlighted = indexes[max(0, min(len(indexes) - 1, pos))]

    def action_jump(self) -> None:
        f = self.current
        if f is not None:
            self.post_message(self.Jump(f))

    def action_dismiss_finding(self) -> None:
        f = self.current
        if f is not None:
            self.post_message(self.Dismiss(f))

    def action_dismiss_everywhere(self) -> None:
        f = self.current
        if f is not None:
            self.post_message(self.DismissEverywhere(f))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self._top + offset.y
        if offset.y < self._list_height() and 0 <= index < len(self.findings) and self.findings[index] is not None:
            self.highlighted = index
            if event.chain >= 2:
                self.action_jump()

    # ------------------------------------------------------------ drawing
    def _list_height(self) -> int:
        return max(1, self.size.height - self.DETAIL_LINES - 1)

    def _scroll_to_cursor(self) -> None:
        if self._cursor is None:
            return
        h = self._list_height()
        if self._cursor < self._top:
            self._top = self._cursor
        elif self._cursor >= self._top + h:
            self._top = self._cursor - h + 1

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = layer_style(self, f"findings--{name}")
        return style

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._scroll_to_cursor()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        h = self._list_height()
        if y < h:
            index = self._top + y
            if index >= len(self.findings):
                return Strip([Segment(" " * width, base)], width)
            f = self.findings[index]
            if f is None:
                style = base + self._style(
                    "header" if index or self.labels[index] != t("tui.findings.none") else "muted"
                )
                return _line([(self.labels[index], style)], width, base)
            line_style = base + self._style("cursor") if index == self._cursor and self.has_focus else base
            sev = t(f"tui.severity.{f.severity}")
            sev_style = line_style + self._style(f.severity if f.severity in ("error", "warning", "info") else "info")
            text_style = line_style + (self._style("dismissed") if self.reasons[index] is not None else Style())
            mark = glyphs().cursor if index == self._cursor else " "
            return _line(
                [
                    (mark, line_style),
                    (sev, sev_style),
                    (t("tui.findings.sep"), line_style),
                    (self.labels[index], text_style),
                ],
                width,
                line_style,
            )
        if y == h:
            return Strip([Segment(" " * width, base)], width)
        f = self.current
        if f is None:
            return Strip([Segment(" " * width, base)], width)
        detail = self.labels[self._cursor]
        reason = self.reasons[self._cursor]
        if reason is not None:
            detail += " " + (
                t("tui.findings.dismissed", reason=one_line(reason))
                if reason
                else t("tui.findings.dismissed_no_reason")
            )
        lines = wrap_offsets(detail, max(2, width))
        n = y - h - 1
        if n >= len(lines):
            return Strip([Segment(" " * width, base)], width)
        a, b = lines[n]
        text = detail[a:b]
        if n == self.DETAIL_LINES - 1 and len(lines) > self.DETAIL_LINES:
            text = fit(text, width - 1, glyphs().ellipsis).rstrip() + glyphs().ellipsis
        return _line([(text, base + self._style("detail"))], width, base)


def _line(parts: list[tuple[str, Style]], width: int, fill: Style) -> Strip:
    segments = []
    used = 0
    for text, style in parts:
        if used >= width:
            break
        w = cell_width(text)
        if used + w > width:
            text = fit(text, width - used, glyphs().ellipsis)
            w = width - used
        segments.append(Segment(text, style))
        used += w
    if used < width:
        segments.append(Segment(" " * (width - used), fill))
    return Strip(segments, width)
