"""The reviewer app: ``shenyue FOLDER``.

The App owns the :class:`~shenyue.tui.workspace.Workspace` and the thread
workers that fill it (reading and checks, similarity, review files). Workers
post messages back; one ``Worker.StateChanged`` handler turns any worker
failure into an error dialog. Screens ask for navigation with request messages
(:mod:`shenyue.tui.messages`); help and the palette are built in
:mod:`shenyue.tui.commands`; the stylesheets are found by :mod:`shenyue.tui.stylesheets`.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.worker import Worker, WorkerState, get_current_worker

from shenyue import paths
from shenyue.i18n import t
from shenyue.paths import display_text
from shenyue.tui import glyphs
from shenyue.tui.commands import ShenyueCommands, help_items, palette_commands, system_commands
from shenyue.tui.dialogs import ConfirmDialog, ErrorDialog, ReviewerDialog
from shenyue.tui.export_actions import ExportActions
from shenyue.tui.keys import B, check_keymap
from shenyue.tui.messages import (
    BackToList,
    CopyFinished,
    FilesListed,
    OpenReport,
    Progress,
    ReviewChanged,
    ReviewsLoaded,
    ScanFinished,
    StepReport,
    WorkspaceChanged,
)
from shenyue.tui.screens.help import HelpScreen
from shenyue.tui.screens.list_screen import ListScreen
from shenyue.tui.screens.review import ReviewScreen
from shenyue.tui.state import Place, load_place, save_place
from shenyue.tui.stylesheets import USER_STYLESHEET, AsciiScrollBarRender, styles_dir
from shenyue.tui.workspace import Workspace


class _Cancelled(Exception):
    """Raised inside a worker's progress callback when the worker was cancelled."""


def display_text_lines(text: Any) -> str:
    """:func:`display_text` for a message of several lines (line breaks stay)."""
    return "\n".join(display_text(line) for line in str(text).split("\n"))


class ShenyueApp(ExportActions, App):
    TITLE = "shenyue"
    COMMANDS = App.COMMANDS | {ShenyueCommands}

    BINDINGS = [
        B("q", "quit", "tui.key.quit", "app.quit"),
        B("ctrl+c", "quit", "tui.key.quit", "app.quit_ctrl_c", show=False),
        B("question_mark", "help", "tui.key.help", "app.help", key_display="?"),
        B("x", "export", "tui.key.export", "app.export", show=False),
    ]

    def __init__(
        self,
        folder: Path,
        *,
        config: Any = None,
        reviewer: str | None = None,
        reviews_dir: str | Path | None = None,
        ascii_borders: bool | None = None,
        clock: Callable[[], datetime] | None = None,
        max_bytes: int | None = None,
        resume: bool = True,
        similarity: bool = True,
    ) -> None:
        from shenyue.config import load_config

        self.config = config if config is not None else load_config()
        self.ascii = bool(self.config.ascii_borders if ascii_borders is None else ascii_borders)
        glyphs.use_ascii(self.ascii)
        # the documented way to draw scroll bars differently (textual.scrollbar.ScrollBar.renderer)
        ScrollBar.renderer = AsciiScrollBarRender if self.ascii else ScrollBarRender
        sheets = [styles_dir() / "app.tcss"]
        if self.ascii:
            sheets.append(styles_dir() / "ascii.tcss")
        super().__init__(css_path=sheets)
        self.clock = clock or datetime.now
        self.max_bytes = max_bytes if max_bytes is not None else self.config.max_file_bytes
        self.resume = resume
        self.similarity_enabled = similarity
        self.flash_seconds = 1.2
        self.user_css_problem: str | None = None
        self._add_user_stylesheet()
        from shenyue.review.store import resolve_reviewer

        name = resolve_reviewer(reviewer, self.config)  # undecodable bytes in --reviewer are decoded or replaced
        self.workspace = Workspace(
            Path(folder), reviewer=name, reviews_dir=reviews_dir, config=self.config, clock=self.clock
        )
        self.keymap_problem: str | None = None
        self._resumed = False
        self.timings: dict[str, float] = {}
        self._t0 = time.perf_counter()
        if self.ascii:
            self.add_class("-ascii")

    # ------------------------------------------------------------ styles and keys
    def _add_user_stylesheet(self) -> None:
        path = paths.config_dir() / USER_STYLESHEET
        if not path.is_file():
            return
        from textual.css.stylesheet import Stylesheet

        try:
            sheet = Stylesheet(variables=self.get_css_variables())
            sheet.read(path)
            sheet.parse()
        except Exception as exc:  # noqa: BLE001 — any problem in the user's file: say so, use the built-in styles
            self.user_css_problem = t(
                "tui.error.user_css", path=str(path), reason=str(exc).splitlines()[0] if str(exc) else ""
            )
            return
        self.css_path = [*self.css_path, path]

    def set_keymap(self, keymap: dict[str, str]) -> None:
        """Textual's keymap, remembered here too: help and the palette show the keys it gives."""
        self.user_keymap = dict(keymap)
        super().set_keymap(keymap)

    def _apply_keymap(self) -> None:
        keymap = self.config.keymap
        if keymap:
            good, self.keymap_problem = check_keymap(keymap)
            self.set_keymap(good)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages carry file names, search
        text, paths and config values, and none of them may be read as
        markup (``[/x]`` would kill the app). ``markup`` is accepted and ignored."""
        kwargs: dict[str, Any] = {"title": display_text(title), "severity": severity, "markup": False}
        if timeout is not None:
            kwargs["timeout"] = timeout
        super().notify(display_text_lines(message), **kwargs)

    # ------------------------------------------------------------ start
    def on_mount(self) -> None:
        self._apply_keymap()
        self.push_screen(ListScreen(self.workspace))
        for problem in (self.user_css_problem, self.keymap_problem, self._config_problem()):
            if problem:
                self.notify(problem, severity="warning", timeout=10)
        if self.workspace.reviewer:
            self._reviewer_ready()
        else:
            self.push_screen(ReviewerDialog(), self._reviewer_given)
        self.scan()

    def _config_problem(self) -> str | None:
        err = getattr(self.config, "error", None)
        if err is not None:
            return t("cli.config_unreadable", path=str(err.path), reason=err.reason)
        problems = getattr(self.config, "problems", [])
        if problems:  # numbers out of range: the defaults are used
            return "\n".join(t("cli.config_value", path=str(self.config.path), problem=p) for p in problems)
        return None

    def _reviewer_given(self, name: str | None) -> None:
        if not name:
            return
        from shenyue.config import ConfigError
        from shenyue.review import remember_reviewer

        try:
            remember_reviewer(self.config, name)
        except (ConfigError, OSError) as exc:
            self.notify(t("tui.error.reviewer_not_saved", reason=str(exc)), severity="warning", timeout=8)
        self.workspace.reviewer = name.strip()
        self._reviewer_ready()
        self.broadcast(WorkspaceChanged("reviewer"))

    def _reviewer_ready(self) -> None:
        from shenyue.review import ReviewLayerError

        ws = self.workspace
        try:
            ws.open_store()
        except ReviewLayerError as exc:
            ws.review_problem = str(exc)
            self.show_error(t("tui.error.reviews_title"), str(exc))
            return
        if ws.scanned:
            self.load_reviews()

    # ------------------------------------------------------------ workers
    def _progress(self, stage: str) -> Callable[..., None]:
        worker = get_current_worker()
        last = [0.0]

        def report(done: int, total: int, name: str = "") -> None:
            if worker.is_cancelled:
                raise _Cancelled()
            now = time.monotonic()
            if done >= total or now - last[0] > 0.05:
                last[0] = now
                self.post_message(Progress(stage, done, total, name))

        return report

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan", description="scan")
    def scan(self) -> None:
        from shenyue.analysis.scan import scan_folder
        from shenyue.reading import iter_report_files

        folder = self.workspace.folder
        rels = []
        for path, supported in iter_report_files(folder):
            if get_current_worker().is_cancelled:
                return
            if supported:
                rels.append(path.relative_to(folder).as_posix())
        self.post_message(FilesListed(rels))
        worker = get_current_worker()
        from shenyue.analysis.similarity import prefetch_cache

        prefetch_cache(folder)  # the copy index's cache files are checked while the reports load
        ahead = None
        if self.similarity_enabled:  # after a few changes the copy index is matched while the cached reports load
            from shenyue.analysis.copies_ahead import CopiesAhead
            from shenyue.model.units import load_units

            ahead = CopiesAhead(folder, load_units(folder))
        try:
            result = scan_folder(
                folder,
                max_bytes=self.max_bytes,
                max_pages=self.config.max_pdf_pages,
                deadlines=self.config.deadlines,
                limits=self.config.read_limits,
                progress=self._progress("scan"),
                cancelled=lambda: worker.is_cancelled,  # stop reading at once when the reviewer quits
                ahead=ahead.start if ahead is not None else None,
            )
        except _Cancelled:
            return
        if worker.is_cancelled:
            return
        self.post_message(ScanFinished(result.reports, result.unreadable, ahead))

    @work(thread=True, exclusive=True, exit_on_error=False, group="copy", description="similarity")
    def find_copies(self, reports: list[Any], ahead: Any = None) -> None:
        from shenyue.tui.copies_backend import compute_copies

        try:
            data = compute_copies(reports, progress=self._progress("copy"), ahead=ahead)
        except _Cancelled:
            return
        except ImportError:
            self.post_message(CopyFinished(None, t("tui.review.copy_unavailable")))
            return
        self.post_message(CopyFinished(data))

    def set_unit(self, rel: str, unit: str) -> None:
        """The reviewer's unit for report ``rel`` (empty: what its text says): written to the
        folder's units.toml, applied to the reports, and the copy kinds recomputed."""
        from shenyue.model.units import UnitsFileError, apply_units, set_file_unit

        ws = self.workspace
        try:
            units = set_file_unit(ws.folder, rel, unit)
        except (UnitsFileError, OSError) as exc:
            self.show_error(t("tui.unit.error_title"), t("tui.unit.error", reason=str(exc) or type(exc).__name__))
            return
        apply_units(ws.reports, units)
        self.broadcast(WorkspaceChanged("scan"))
        if self.similarity_enabled and len(ws.reports) >= 2:
            ws.copy_ready = False
            self.find_copies(ws.reports)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reviews", description="reviews")
    def load_reviews(self) -> None:
        self.workspace.load_reviews()
        self.post_message(ReviewsLoaded())

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        """The one place where a failed worker becomes a message to the reviewer."""
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        error = worker.error
        stage = worker.description or worker.name
        if stage == "similarity":
            self.workspace.copy_problem = t("tui.error.similarity_failed", reason=_reason(error))
            self.workspace.copy_ready = False
            self.query_one_progress_finish("copy")
            self.broadcast(WorkspaceChanged("copy"))
        if stage == "scan":
            self.query_one_progress_finish("scan")
        self.show_error(
            t("tui.error.worker_title"), t("tui.error.worker", task=t(f"tui.progress.{stage}"), reason=_reason(error))
        )

    def query_one_progress_finish(self, stage: str) -> None:
        from shenyue.tui.widgets.status_line import ProgressLine

        for screen in self.screen_stack:
            for line in screen.query(ProgressLine):
                line.finish(stage)

    @on(FilesListed)
    def _files(self, message: FilesListed) -> None:
        self.workspace.set_files(message.rels)
        self.timings.setdefault("files_listed", time.perf_counter() - self._t0)
        self.broadcast(WorkspaceChanged("files"))

    @on(Progress)
    def _progress_message(self, message: Progress) -> None:
        from shenyue.tui.widgets.status_line import ProgressLine

        for screen in self.screen_stack:
            for line in screen.query(ProgressLine):
                line.set_stage(message.stage, message.done, message.total)

    @on(ScanFinished)
    def _scanned(self, message: ScanFinished) -> None:
        ws = self.workspace
        ws.set_scan(message.reports, message.unreadable)
        self.timings.setdefault("scanned", time.perf_counter() - self._t0)
        self.query_one_progress_finish("scan")
        self.broadcast(WorkspaceChanged("scan"))
        self._settle()
        self.call_after_refresh(self._prepare_review_screen)
        if ws.store is not None:
            self.load_reviews()
        if self.similarity_enabled and len(ws.reports) >= 2:
            from shenyue.tui.widgets.status_line import ProgressLine

            for screen in self.screen_stack:
                for line in screen.query(ProgressLine):
                    line.set_stage("copy", 0, 0)
            self.find_copies(ws.reports, message.ahead)
        else:
            ws.copy_ready = True
            self.broadcast(WorkspaceChanged("copy"))

    @on(CopyFinished)
    def _copies(self, message: CopyFinished) -> None:
        ws = self.workspace
        self.query_one_progress_finish("copy")
        if message.data is None:
            ws.copy_problem = message.problem
        else:
            ws.set_copy(message.data)
        self.timings.setdefault("copies", time.perf_counter() - self._t0)
        self.broadcast(WorkspaceChanged("copy"))
        self._settle()

    @on(ReviewsLoaded)
    def _reviews(self, message: ReviewsLoaded) -> None:
        ws = self.workspace
        self.broadcast(WorkspaceChanged("reviews"))
        if ws.review_files_unreadable:
            self.notify(
                t("tui.error.review_files_unreadable", n=len(ws.review_files_unreadable)), severity="warning", timeout=8
            )
        self._resume()

    @staticmethod
    def _settle() -> None:
        """The reports and copy data live as long as the app: take them out of
        the garbage collector's full passes, which would otherwise walk
        millions of objects in the middle of a key press."""
        gc.collect()
        gc.freeze()

    def _prepare_review_screen(self) -> None:
        """Install the review screen while the reviewer looks at the list (it is built when first shown;
        Textual 8 has no public way to build a screen before that)."""
        if not self.is_screen_installed("review"):
            self.install_screen(ReviewScreen(self.workspace), "review")

    def _resume(self) -> None:
        if self._resumed or not self.resume:
            return
        self._resumed = True
        place = load_place(self.workspace.folder, self.workspace.reviewer)
        if place is None or self.workspace.report(place.report) is None:
            return
        list_screen = self.list_screen
        if list_screen is not None:
            list_screen.select(place.report)
        if not isinstance(self.screen, ReviewScreen) and not self.screen.is_modal:
            self.open_report(place.report, place.section)

    # ------------------------------------------------------------ navigation
    @property
    def list_screen(self) -> ListScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, ListScreen):
                return screen
        return None

    def broadcast(self, message: WorkspaceChanged) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, (ListScreen, ReviewScreen)):
                screen.post_message(WorkspaceChanged(message.what, message.rel))

    # ------------------------------------------------------------ requests from the screens
    @on(OpenReport)
    def _open_report_requested(self, message: OpenReport) -> None:
        self.open_report(message.rel, message.section, message.compare)

    @on(StepReport)
    def _step_report_requested(self, message: StepReport) -> None:
        rel = self.neighbour_report(message.rel, message.step)
        if rel is None:
            self.notify(t("tui.review.no_more_reports"), timeout=2)
            return
        self.open_report(rel)

    @on(BackToList)
    def _back_to_list_requested(self, message: BackToList) -> None:
        self.back_to_list(message.rel)

    @on(ReviewChanged)
    def _review_changed(self, message: ReviewChanged) -> None:
        self.workspace.refresh_row(message.rel)
        self.broadcast(WorkspaceChanged("review", message.rel))

    def open_report(self, rel: str, section: str | None = None, compare: str | None = None) -> None:
        row = self.workspace.by_rel.get(rel)
        if row is None:
            return
        if row.report is None:
            if row.unreadable is not None:
                self.show_error(
                    t("tui.error.unreadable_title"), t("tui.error.unreadable", path=rel, reason=row.unreadable.reason())
                )
            else:
                self.notify(t("tui.list.not_read_yet"), timeout=2)
            return
        if isinstance(self.screen, ReviewScreen):
            self.screen.load(rel, section, compare)
            return
        if not self.is_screen_installed("review"):
            self.install_screen(ReviewScreen(self.workspace, rel, section), "review")
        screen = self.get_screen("review")
        if screen.is_mounted:
            screen.load(rel, section, compare)
            screen.left.focus()
        else:
            screen.rel, screen.start_section, screen.start_compare = rel, section, compare
        self.push_screen("review")

    def back_to_list(self, rel: str | None = None) -> None:
        if isinstance(self.screen, ReviewScreen):
            self.pop_screen()
        list_screen = self.list_screen
        if list_screen is not None and rel:
            list_screen.select(rel)

    def neighbour_report(self, rel: str, step: int) -> str | None:
        """The report before/after ``rel`` in the list as sorted and filtered."""
        list_screen = self.list_screen
        rows = list_screen.shown_rows() if list_screen is not None else self.workspace.rows
        rels = [r.rel for r in rows if r.report is not None]
        if rel not in rels:
            rels = [r.rel for r in self.workspace.rows if r.report is not None]
        if rel not in rels:
            return None
        i = rels.index(rel) + step
        if 0 <= i < len(rels):
            if list_screen is not None:
                list_screen.follow(rels[i])
            return rels[i]
        return None

    def remember_place(self, rel: str, section: str | None) -> None:
        try:
            save_place(self.workspace.folder, self.workspace.reviewer, Place(rel, section))
        except UnicodeEncodeError:  # a folder or file name that is not UTF-8: the place is not remembered
            pass

    # ------------------------------------------------------------ saving
    def apply_change(self, session: Any, change: Callable[[Any], Any]) -> bool:
        """Run one review change (it saves at once); problems become dialogs."""
        from shenyue.review import ConflictError, ReviewLayerError, ReviewWriteError, ScoreError

        try:
            change(session)
        except ConflictError as exc:
            self._conflict(session, exc)
            return False
        except ReviewWriteError as exc:
            self.show_error(t("tui.error.save_title"), str(exc))
            return False
        except ScoreError as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return False
        except ReviewLayerError as exc:
            self.show_error(t("tui.error.save_title"), str(exc))
            return False
        except Exception as exc:  # a bug must not take the reviewer's work down with it
            self.show_error(t("tui.error.save_title"), t("tui.error.unexpected", reason=_reason(exc)))
            return False
        return True

    def _conflict(self, session: Any, exc: Any) -> None:
        def decided(keep_mine: bool | None) -> None:
            from shenyue.review import ReviewLayerError

            try:
                if keep_mine:
                    session.keep_ours()
                else:
                    session.take_theirs()
            except ReviewLayerError as err:
                self.show_error(t("tui.error.save_title"), str(err))
            if isinstance(self.screen, ReviewScreen):
                self.screen.session_reloaded()

        self.push_screen(
            ConfirmDialog(
                str(exc) + "\n\n" + t("tui.conflict.question"),
                yes=t("tui.conflict.keep_mine"),
                no=t("tui.conflict.take_theirs"),
            ),
            decided,
        )

    def show_error(self, title: str, message: str) -> None:
        self.push_screen(ErrorDialog(title, message))

    # ------------------------------------------------------------ actions
    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen) or screen.is_modal:
            return
        self.push_screen(HelpScreen(*help_items(self, screen)))

    async def action_quit(self) -> None:
        screen = self.screen
        if isinstance(screen, ReviewScreen):
            screen._remember_place()
        self.workers.cancel_all()
        self.exit()

    def get_key_display(self, binding) -> str:
        text = super().get_key_display(binding)
        if self.ascii and not text.isascii():
            # arrows and symbols are "ambiguous width" in East Asian fonts
            _mods, key = binding.parse_key()
            name = key.replace("_", " ").title()
            prefix = "^" if text.startswith("^") else ""
            return prefix + _ASCII_KEYS.get(key, name)
        return text

    # ------------------------------------------------------------ command palette
    def palette_commands(self, screen: Screen) -> list[tuple[str, str, Callable[[], Any]]]:
        """What the palette offers on ``screen`` (see :mod:`shenyue.tui.commands`)."""
        return palette_commands(self, screen)

    def get_system_commands(self, screen: Screen):
        """Textual's own palette commands in the reviewer's language (see :mod:`shenyue.tui.commands`)."""
        return system_commands(self, screen)


_ASCII_KEYS = {"enter": "Enter", "backspace": "Backspace", "up": "Up", "down": "Down", "left": "Left", "right": "Right"}


def _reason(error: BaseException | None) -> str:
    if error is None:
        return ""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
