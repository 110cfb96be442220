"""The review screen's header lines and the two panes' border titles.

The header's second line always keeps the total, the gate that decides it (in
short form), the status and the flag; the reviewer's name, the number scored
and the saved time give way first in a narrow terminal. ``i`` opens the full
text of the gates and caps (:meth:`HeaderPart.action_total_details`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from textual.content import Content

from shenyue.i18n import t
from shenyue.review import FLAG_RECHECK, GateHit, Total, format_number
from shenyue.tui.glyphs import glyphs
from shenyue.tui.keys import B, effective_keys, key_display, node_bindings
from shenyue.tui.screens.review.sources import source_share_parts, source_title_parts
from shenyue.tui.screens.review.viewmodel import nav_label, section_share
from shenyue.tui.textutil import fit, one_line
from shenyue.tui.widgets.review_header import HeaderField, ReviewHeader

# the header's keys, joined to the screen's BINDINGS (Textual reads BINDINGS only from widget classes)
HEADER_BINDINGS = [
    B("i", "total_details", "tui.key.total_details", "review.total_details", show=False),
]

if TYPE_CHECKING:
    from shenyue.tui.screens.review.screen import ReviewScreen


class HeaderPart:
    """Header and pane titles of the review screen."""

    def _titles(self: ReviewScreen) -> None:
        g = glyphs()
        model = self.model
        section = model.section
        if section is None:
            return
        left = self.left
        left.pane_title = Content(t("tui.review.this_report") + f" {g.dot} " + one_line(nav_label(section)))
        copies = model.copies()
        sub = []
        if copies is not None:
            sub.append(t("tui.review.shared", pct=round(section_share(copies, section) * 100)))
            sub += source_share_parts(copies, model.comparison.rel, section)
        pairs = model.pairs
        if pairs:
            pos = model.pair_index + 1 if model.pair_index >= 0 else 0
            sub.append(t("tui.review.match_pos", pos=pos, n=len(pairs)))
        left.pane_subtitle = Content(f" {g.dot} ".join(sub)) if sub else None
        right = self.right
        comp = model.comparison
        other = model.other_report()
        if other is None or comp.section is None:
            right.pane_title = Content(t("tui.review.comparison"))
            right.pane_subtitle = None
            return
        name = one_line(other.unit or other.rel)
        year = f" {other.year}" if other.year else ""
        right.pane_title = Content(
            t("tui.review.comparison")
            + f" {g.dot} "
            + name
            + year
            + "".join(f" {g.dot} {part}" for part in source_title_parts(model, copies))
            + f" {g.dot} "
            + one_line(nav_label(comp.section))
        )
        # the current match: every report holding it and who published first; else how the source was chosen
        pair = model.current_pair()
        holders = self.holders_text(pair) if pair is not None else ""
        right.pane_subtitle = Content(
            holders or (t("tui.review.pinned") if comp.pinned else t("tui.review.auto_source"))
        )

    def _header(self: ReviewScreen) -> None:
        g = glyphs()
        r = self.report
        sep = f" {g.dot} "
        line1 = Content.styled(one_line(r.unit or t("tui.review.unit_unknown")), "bold")
        line1 += Content(sep + (str(r.year) if r.year else g.missing) + sep + t(f"kind.{r.kind}") + sep)
        line1 += Content.styled(one_line(r.rel), "$text-muted")
        reviewer = HeaderField(
            Content(t("tui.review.reviewer", name=one_line(self.workspace.reviewer or g.missing))), rank=6
        )
        parts = [reviewer]
        session = self.session
        if session is None:
            parts.append(HeaderField(Content.styled(self.problem_text, "$text-warning"), shrink=True))
            self.query_one(ReviewHeader).show(line1, parts)
            return
        total = session.total(r.findings)
        parts.append(HeaderField(Content.styled(total_short(total), total_style(total))))
        gate = deciding_gate(total)
        if gate is not None:
            more = len(total.gates) - 1
            text = gate_short(gate) + (f" +{more}" if more > 0 else "")
            parts.append(HeaderField(Content.styled(text, "$text-warning"), shrink=True))
        elif total.gates:  # gates that fired without lowering the total
            parts.append(HeaderField(Content.styled(t("tui.header.gates", n=len(total.gates)), "$text-muted"), rank=3))
        if total.gates or total.invalid:
            key = self.binding_key("review.total_details")
            if key:
                parts.append(HeaderField(Content.styled(t("tui.header.details_key", key=key), "$text-muted"), rank=4))
        if total.invalid:
            parts.append(HeaderField(Content.styled(t("tui.header.invalid", n=len(total.invalid)), "bold $text-error")))
        n_criteria = len(session.rubric.criteria)
        if total.scored and len(total.scored) < n_criteria:
            parts.append(
                HeaderField(
                    Content.styled(t("tui.review.scored_count", n=len(total.scored), of=n_criteria), "$text-muted"),
                    rank=2,
                )
            )
        status = session.status
        parts.append(
            HeaderField(Content.styled(t(f"tui.status.{status}"), "bold $text-success" if status == "done" else ""))
        )
        if session.has_flag(FLAG_RECHECK):
            parts.append(HeaderField(Content.styled(g.flag + " " + FLAG_RECHECK, "bold $text-warning")))
        if session.report_changed:
            parts.append(HeaderField(Content.styled(t("tui.status.changed"), "bold $text-error")))
        if self.saved_at:
            parts.append(HeaderField(Content.styled(t("tui.review.saved_at", time=self.saved_at), "$text-success"), 5))
        elif session.dirty:
            parts.append(HeaderField(Content.styled(t("tui.review.unsaved"), "bold $text-error")))
        self.query_one(ReviewHeader).show(line1, parts)

    def binding_key(self: ReviewScreen, binding_id: str) -> str:
        """How the key of one of this screen's bindings is shown (the user's keymap applied)."""
        for b in node_bindings(self):
            if b.id == binding_id:
                keys = effective_keys(self.app, b)
                return key_display(self.app, b, keys[0]) if keys else ""
        return ""

    def action_total_details(self: ReviewScreen) -> None:
        """The full text of the total: every gate and cap that fired, and the scores not counted."""
        if not self._need_session():
            return
        from shenyue.tui.dialogs.text import TextDialog

        total = self.session.total(self.workspace.live_findings(self.report))
        self.app.push_screen(TextDialog(t("tui.header.details_title"), total_details(self.session, total)))


# ---------------------------------------------------------------- short forms (no Textual state)

GATE_CELLS = 32  # the deciding gate's short form is at most this many cells (the header cuts it more when narrow)
_CLAUSE_END = re.compile(r"[(（,，;；。:：]")


def deciding_gate(total: Total) -> GateHit | None:
    """The gate that decides the total: the first making it not assessable, else the cap that lowered it."""
    if total.value is None:
        return next((h for h in total.gates if h.not_assessable), None)
    return total.capped_by


def gate_short(hit: GateHit, cells: int = GATE_CELLS) -> str:
    """A gate in a few words: its note up to the first clause, e.g. "不可评 疑似镜像站篡改副本" or "封顶30 不是年度报告"."""
    note = one_line(hit.gate.note()).strip()
    head = _CLAUSE_END.split(note, maxsplit=1)[0].strip()
    note = head or note
    if hit.not_assessable:
        text = t("tui.header.void", note=note)
    else:
        text = t("tui.header.cap", cap=format_number(hit.gate.cap_total), note=note)
    return fit(text, cells, glyphs().ellipsis).rstrip()


def total_short(total: Total) -> str:
    """The total in a few cells: "总分 54/100", "总分 不可评", "总分 —/100" (the gate follows it)."""
    if total.value is None:
        return t("tui.header.total_void")
    if not total.scored and not total.gates:
        return t("tui.header.total_none", max=format_number(total.max))
    return t("tui.header.total", value=format_number(total.value), max=format_number(total.max))


def total_style(total: Total) -> str:
    return "bold $text-warning" if total.capped or total.value is None else "bold"


def total_details(session: Any, total: Total) -> str:
    """The dialog text: the total in full, each gate that fired with its findings, scores not counted."""
    lines = [t("tui.review.total", text=total.text())]
    if total.gates:
        lines += ["", t("tui.header.gates_fired")]
        for hit in total.gates:
            decides = t("tui.header.decides") if hit is deciding_gate(total) else ""
            lines.append(f"{glyphs().cursor} {hit.describe()}{decides}")
            checks = sorted({f.check for f in hit.findings})
            if checks:
                lines.append("    " + t("tui.header.gate_checks", checks=", ".join(checks), n=len(hit.findings)))
    rubric = session.rubric
    if total.invalid:
        lines += ["", t("tui.header.invalid_title")]
        for cid in total.invalid:
            c = rubric.criterion(cid)
            value = session.review.scores.get(cid)
            lines.append(f"  {one_line(c.label())}: {format_number(value)} / {format_number(c.max)}")
    if total.missing:
        lines += ["", t("tui.header.missing", n=len(total.missing))]
        lines += [f"  {one_line(rubric.criterion(cid).label())}" for cid in total.missing]
    return "\n".join(lines)
