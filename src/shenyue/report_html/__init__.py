"""The evidence report: one self-contained HTML file for a folder of reports.

For the people who never open a terminal (the office head who signs the
通报, the units that must rectify): counts and charts, a sortable list, and a
page per report with its findings in context, every shared passage beside its
source with the changed characters marked, its statistics tables with failing
cells marked, and the reviewers' scores and comments.

The page needs nothing but itself: styles, script and SVG charts are inline,
a strict Content-Security-Policy forbids loading anything, and it reads (and
prints to A4) with scripts off. Report text is untrusted and always escaped.

A folder whose single file would exceed ``limit`` bytes (default 50 MB) is
written as a folder instead: ``index.html`` (overview and list) and
``reports/NNNN.html`` (one page per report).

Interfaces call :func:`write_html_report` with reports already scanned (and
``analyse_copies`` run, for the copy evidence); no Textual here.

Modules: this one collects the evidence and writes the file(s); ``render``
draws the page frame, overview and list, ``report_page`` one report's
section, ``pieces`` what every page uses, ``charts`` the SVG charts,
``assets`` the inline CSS/JS and ``escape`` the escaping.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shenyue.fsutil import atomic_write_parts
from shenyue.i18n import current_language, t
from shenyue.report_html.pieces import Evidence
from shenyue.report_html.render import banner, overview, page_end, page_start, report_list
from shenyue.report_html.report_page import report_section
from shenyue.review.export import build_score_sheet
from shenyue.review.rubric import Rubric, load_rubric
from shenyue.review.store import load_all_reviews, resolve_reviews_dir

if TYPE_CHECKING:
    from shenyue.model.report import Report, Unreadable

__all__ = [
    "DEFAULT_LIMIT",
    "Evidence",
    "HtmlResult",
    "collect_evidence",
    "output_problem",
    "render_single",
    "write_html_report",
]

DEFAULT_LIMIT = 50 * 1024 * 1024
PAGES_DIR = "reports"

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class HtmlResult:
    path: Path  # the file written, or the folder (its index.html is the entry)
    folder_mode: bool
    pages: int  # files written
    size: int  # bytes written in all
    problems: list[str]  # review files that could not be read, refused scores (plain messages)


def collect_evidence(
    folder: Path,
    reports: Sequence["Report"],
    *,
    rubric: Rubric | None = None,
    reviews_root: Path | None = None,
    config: Any = None,
    unreadable: Sequence["Unreadable"] = (),
    lang: str | None = None,
) -> Evidence:
    """Merge every reviewer's review files with the scanned reports (as ``shenyue export`` does)."""
    folder = Path(folder)
    rubric = rubric or load_rubric(folder)
    root = reviews_root or resolve_reviews_dir(folder, None, config)
    stored, problems = load_all_reviews(root)
    sheet = build_score_sheet(rubric, list(reports), stored, problems, lang)
    return Evidence(folder, list(reports), rubric, sheet, {s.path: s for s in stored}, list(unreadable), config)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def output_problem(output: Path, folder: Path, reviews_root: Path | None = None) -> str | None:
    """Why the report must not be written at ``output`` (a message), or None.

    Never inside the reports folder (an HTML file there is read as a report
    next time) nor inside the reviews folder."""
    from shenyue.paths import display_path

    if _inside(output, folder):
        return t("html.error.inside_folder", path=display_path(output), folder=display_path(folder))
    if reviews_root is not None and _inside(output, reviews_root):
        return t("html.error.inside_reviews", path=display_path(output))
    return None


def _single_parts(ev: Evidence, lang: str, progress: Progress | None) -> Iterator[str]:
    title = t("html.title", lang, folder=ev.folder.name or str(ev.folder))
    yield page_start(title, lang)
    yield banner(ev, lang, [("#overview", t("html.overview", lang)), ("#reports", t("html.list", lang))])
    yield overview(ev, lang)
    yield report_list(ev, lang, lambda i: f"#r{i}")
    total = len(ev.reports)
    for i in range(total):
        yield report_section(ev, i, lang, lambda j: f"#r{j}", "#reports")
        if progress is not None:
            progress(i + 1, total)
    yield "</main>"
    yield page_end()


def render_single(ev: Evidence, lang: str | None = None) -> str:
    """The whole report as one page (for tests and small folders)."""
    return "".join(_single_parts(ev, lang or current_language(), None))


def _page_name(i: int) -> str:
    return f"{PAGES_DIR}/{i + 1:04d}.html"


def write_html_report(
    ev: Evidence,
    output: Path,
    *,
    lang: str | None = None,
    folder_mode: bool | None = None,
    limit: int = DEFAULT_LIMIT,
    progress: Progress | None = None,
) -> HtmlResult:
    """Write the report to ``output``.

    ``folder_mode`` True writes ``output/index.html`` and a page per report;
    False one file; None (default) one file unless it would exceed ``limit``
    bytes, in which case the folder is written at ``output`` without its
    suffix. Files are replaced atomically.
    """
    lang = lang or current_language()
    output = Path(output)
    problems = [str(p) for p in ev.sheet.problems] + list(ev.sheet.refused)
    if not folder_mode:
        parts: list[bytes] = []
        size = 0
        fits = True
        for part in _single_parts(ev, lang, progress):
            data = part.encode("utf-8", "replace")
            size += len(data)
            if folder_mode is None and size > limit:
                fits = False
                break
            parts.append(data)
        if fits:
            output.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_parts(output, parts)
            _shareable(output)
            return HtmlResult(output, False, 1, size, problems)
        parts.clear()
        output = output.with_suffix("") if output.suffix else output.with_name(output.name + "-pages")
    return _write_folder(ev, output, lang, progress, problems)


def _shareable(path: Path) -> None:
    """The report is meant to be handed on: readable as any new file is (umask), not 0600 like a temp file."""
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(path, 0o666 & ~mask)
    except OSError:
        pass


def _write_page(path: Path, data: bytes) -> None:
    """A report page: regenerated output, so no fsync per page (a thousand fsyncs took 10 s); never
    through a link. The index is written last, atomically: a folder with an index is complete."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _write_folder(ev: Evidence, out: Path, lang: str, progress: Progress | None, problems: list[str]) -> HtmlResult:
    (out / PAGES_DIR).mkdir(parents=True, exist_ok=True)
    title = t("html.title", lang, folder=ev.folder.name or str(ev.folder))
    index = [
        page_start(title, lang),
        banner(ev, lang, [("#overview", t("html.overview", lang)), ("#reports", t("html.list", lang))]),
        overview(ev, lang),
        report_list(ev, lang, _page_name),
        "</main>",
        page_end(),
    ]
    size = 0
    total = len(ev.reports)
    nav = [("../index.html#overview", t("html.overview", lang)), ("../index.html#reports", t("html.list", lang))]
    for i in range(total):
        body = [
            page_start(f"{ev.reports[i].unit or ev.reports[i].rel} — {title}", lang, script=False),
            banner(ev, lang, nav),
            report_section(ev, i, lang, lambda j: f"{j + 1:04d}.html", "../index.html#reports"),
            "</main>",
            page_end(script=False),
        ]
        data = "".join(body).encode("utf-8", "replace")
        size += len(data)
        _write_page(out / _page_name(i), data)
        if progress is not None:
            progress(i + 1, total)
    for stale in (out / PAGES_DIR).glob("[0-9][0-9][0-9][0-9]*.html"):  # pages of an earlier, larger run
        if stale.stem.isdigit() and int(stale.stem) > total and stale.is_file():
            stale.unlink()
    data = "".join(index).encode("utf-8", "replace")
    size += len(data)
    atomic_write_parts(out / "index.html", [data])
    _shareable(out / "index.html")
    return HtmlResult(out, True, total + 1, size, problems)
