"""Export from the app (key ``x``): the score sheets of :mod:`shenyue.review.export` and the HTML evidence
report of :mod:`shenyue.report_html`, chosen in one dialog.

A mixin of :class:`~shenyue.tui.app.ShenyueApp`: it uses the app's workspace, config, notify and workers.
Score sheets are written while the dialog waits (they take milliseconds); the HTML report is written by a
thread worker and the reviewer is told when it is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work

from shenyue.i18n import t
from shenyue.paths import display_text
from shenyue.tui.dialogs import ExportDialog

HTML_REPORT = "html"  # the export dialog's choice for the evidence report (shenyue report), beside the score sheets


class ExportActions:
    """The ``x`` action and what it starts."""

    def action_export(self) -> None:
        ws = self.workspace
        if not ws.scanned:
            self.notify(t("tui.export.wait"), severity="warning", timeout=3)
            return
        from shenyue.review.export import EXPORT_FORMATS

        choices = {name: fmt.suffix for name, fmt in EXPORT_FORMATS.items()} | {HTML_REPORT: ".html"}
        self.push_screen(ExportDialog(self._export_writer, folder=ws.folder, choices=choices), self._exported)

    def _reviews_root(self) -> Path:
        from shenyue.review.store import resolve_reviews_dir

        ws = self.workspace
        return ws.store.root if ws.store is not None else resolve_reviews_dir(ws.folder, ws.reviews_dir, self.config)

    def _export_writer(self, path: Path, fmt: str, force: bool) -> list[Path]:
        from shenyue.review import load_rubric
        from shenyue.review.export import collect_score_sheet, write_export

        ws = self.workspace
        rubric = ws.rubric or load_rubric(ws.folder)
        root = self._reviews_root()
        if fmt == HTML_REPORT:
            return self._start_html_report(path, force, rubric, root)
        sheet = collect_score_sheet(ws.folder, ws.reports, rubric, reviews_dir=root, config=self.config)
        return write_export(sheet, path, fmt, force=force, folder=ws.folder, reviews_root=root)

    def _start_html_report(self, path: Path, force: bool, rubric: Any, root: Path) -> list[Path]:
        """Check where the HTML evidence report goes, then write it in a worker (a large folder takes
        seconds); the reviewer is told when it is written. Returns no paths: nothing is written yet."""
        from shenyue.report_html import output_problem
        from shenyue.review.errors import OutputExistsError, ReviewLayerError

        ws = self.workspace
        if self.similarity_enabled and len(ws.reports) >= 2 and not ws.copy_ready:
            raise ReviewLayerError("tui.export.html_wait_copies")
        problem = output_problem(path, ws.folder, root)
        if problem:
            raise ReviewLayerError("tui.export.html_refused", reason=problem)
        if path.exists() and not force:
            raise OutputExistsError(path)
        if path.exists() and not path.is_file():
            raise ReviewLayerError(
                "tui.export.html_refused", reason=t("html.error.not_a_file", path=display_text(path))
            )
        self.notify(t("tui.export.html_started", path=display_text(path)), timeout=4)
        self.write_html_report(path, rubric, root)
        return []

    @work(thread=True, exclusive=True, exit_on_error=False, group="html", description="html report")
    def write_html_report(self, path: Path, rubric: Any, root: Path) -> None:
        from shenyue.i18n import current_language
        from shenyue.report_html import collect_evidence, write_html_report

        ws = self.workspace
        lang = current_language()
        unreadable = [row.unreadable for row in ws.by_rel.values() if row.unreadable is not None]
        ev = collect_evidence(ws.folder, ws.reports, rubric=rubric, reviews_root=root, config=self.config,
                              unreadable=unreadable, lang=lang)  # fmt: skip
        result = write_html_report(ev, path, lang=lang, folder_mode=None)  # a folder when one file would be too big
        shown = result.path / "index.html" if result.folder_mode else result.path
        self.call_from_thread(
            self.notify, t("tui.export.html_done", path=display_text(shown), pages=result.pages), timeout=8
        )

    def _exported(self, written: list[Path] | None) -> None:
        if written:
            self.notify(t("tui.export.done", paths=", ".join(display_text(p) for p in written)), timeout=6)
