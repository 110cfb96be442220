"""One-line widgets: the summary of the list, and the progress of background work."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from shenyue.i18n import t, tn
from shenyue.review import format_number
from shenyue.tui.glyphs import bar, glyphs
from shenyue.tui.list_filter import parse_query
from shenyue.tui.workspace import ListFilter, Workspace


class SummaryLine(Static):
    """Reports, reviewed, done, average score, reports with errors; and the filter in force."""

    def show(self, ws: Workspace, flt: ListFilter, shown: int) -> None:
        s = ws.summary()
        g = glyphs()
        parts = [
            tn("tui.summary.reports", s["reports"]),
            t("tui.summary.reviewed", n=s["reviewed"]),
            t("tui.summary.done", n=s["done"]),
            t(
                "tui.summary.average",
                value=format_number(round(s["average"], 1)) if s["average"] is not None else g.missing,
            ),
            t("tui.summary.with_errors", n=s["with_errors"]),
        ]
        if s["unreadable"]:
            parts.append(t("tui.summary.unreadable", n=s["unreadable"]))
        text = f" {g.dot} ".join(parts)
        content = Content(text)
        if flt.active():
            desc = []
            if flt.finding != "all":
                desc.append(t(f"tui.filter.{flt.finding}", share=round(flt.copy_min * 100)))
            if flt.text:
                desc.append(t("tui.filter.text", text=flt.text))
                problems = parse_query(flt.text).problems
                if problems:
                    desc.append(" ".join(problems))
            content = (
                content
                + Content("  ")
                + Content.styled(
                    t("tui.summary.filtered", shown=shown, what="，".join(desc) if _zh() else "; ".join(desc)),
                    "$accent",
                )
            )
        self.update(content, layout=False)


def _zh() -> bool:
    from shenyue.i18n import current_language

    return current_language() == "zh"


class ProgressLine(Static):
    """What runs in the background, with a bar; hidden when nothing runs."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.stages: dict[str, tuple[int, int]] = {}
        self.display = False

    def set_stage(self, stage: str, done: int, total: int) -> None:
        self.stages[stage] = (done, total)
        self._render_stages()

    def finish(self, stage: str) -> None:
        self.stages.pop(stage, None)
        self._render_stages()

    def _render_stages(self) -> None:
        if not self.stages:
            self.display = False
            return
        self.display = True
        parts = []
        for stage, (done, total) in self.stages.items():
            label = t(f"tui.progress.{stage}")
            if total > 0:
                parts.append(f"{label} {bar(done / total, 12)} {done}/{total}")
            else:
                parts.append(f"{label} {glyphs().ellipsis}")
        self.update(Content("  ".join(parts)), layout=False)
