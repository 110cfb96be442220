"""``shenyue report FOLDER [-o FILE.html|DIR] [--force] [--reviews DIR] [--no-copy]``.

Scans the folder, finds shared text (unless ``--no-copy``), merges every
reviewer's review files and writes the evidence report: one self-contained
HTML file, or, when ``-o`` names a folder (or one file would exceed 50 MB),
``index.html`` and a page per report. Review files are only read.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shenyue.cli.common import (
    Progress,
    fail,
    folder_argument,
    folder_problem,
    max_bytes_argument,
    safe_text,
    show_path,
    warn_config,
)
from shenyue.i18n import current_language, t

DEFAULT_NAME = "shenyue-report.html"
HTML_SUFFIXES = (".html", ".htm")


def add_parser(sub, parent) -> None:
    p = sub.add_parser("report", parents=[parent], help=t("html.help"), description=t("html.help"))
    p.add_argument("folder", help=t("html.opt_folder"))
    p.add_argument("-o", "--output", metavar="FILE", help=t("html.opt_output"))
    p.add_argument("--force", action="store_true", help=t("html.opt_force"))
    p.add_argument("--reviews", metavar="DIR", help=t("html.opt_reviews"))
    p.add_argument("--no-copy", action="store_true", help=t("html.opt_no_copy"))
    p.add_argument("--max-size", type=float, metavar="MB", help=t("scan.opt_max_size"))


def run(args) -> int:
    folder = folder_argument(args.folder)
    if folder is None:
        return 2
    warn_config(args)
    max_bytes = max_bytes_argument(args)
    if max_bytes is None:
        return 2
    config = args.config
    from shenyue.review.errors import RubricError
    from shenyue.review.rubric import load_rubric
    from shenyue.review.store import resolve_reviews_dir

    if args.reviews and (problem := folder_problem(args.reviews)):
        return fail(problem)
    try:
        rubric = load_rubric(folder)
    except RubricError as exc:
        return fail(str(exc))
    output = Path(args.output).expanduser() if args.output else Path.cwd() / DEFAULT_NAME
    folder_mode = output.is_dir() or (
        args.output is not None and (args.output.endswith(("/", "\\")) or output.suffix.lower() not in HTML_SUFFIXES)
    )
    root = resolve_reviews_dir(folder, args.reviews, config)
    # an HTML file in the reports folder would be read as a report next time; never write into reviews
    from shenyue.report_html import collect_evidence, output_problem, write_html_report

    problem = output_problem(output, folder, root)
    if problem:
        return fail(problem)
    target = output / "index.html" if folder_mode else output
    if target.exists() and not args.force:
        return fail(t("html.error.exists", path=show_path(target)))
    if not folder_mode and output.exists() and not output.is_file():
        return fail(t("html.error.not_a_file", path=show_path(output)))

    from shenyue.analysis.scan import analyse_copies, scan_folder

    progress = Progress("scan.progress")
    try:
        result = scan_folder(folder, max_bytes=max_bytes, max_pages=config.max_pdf_pages, deadlines=config.deadlines,
                             progress=progress)  # fmt: skip
    finally:
        progress.close()
    if result.units_problem:
        sys.stderr.write("shenyue: " + t("units.file_unusable", reason=safe_text(result.units_problem)) + "\n")
    if not args.no_copy and len(result.reports) > 1:
        progress = Progress("scan.progress_similar")
        try:
            analyse_copies(result.reports, folder=folder, progress=progress)
        finally:
            progress.close()

    lang = current_language()
    ev = collect_evidence(folder, result.reports, rubric=rubric, reviews_root=root, config=config,
                          unreadable=result.unreadable, lang=lang)  # fmt: skip
    progress = Progress("html.progress")
    try:
        written = write_html_report(ev, output, lang=lang, folder_mode=True if folder_mode else None, progress=progress)
    except OSError as exc:
        return fail(t("html.error.write", path=show_path(output), reason=exc.strerror or str(exc)), 1)
    finally:
        progress.close()
    for problem in written.problems:
        sys.stderr.write(safe_text(t("export.problem_line", message=problem)) + "\n")
    if written.folder_mode and not folder_mode:
        sys.stderr.write(safe_text(t("html.split", limit=50, path=show_path(written.path))) + "\n")
    shown = written.path / "index.html" if written.folder_mode else written.path
    sys.stdout.write(
        safe_text(
            t(
                "html.done",
                path=show_path(shown),
                reports=len(result.reports),
                pages=written.pages,
                size=f"{written.size / 1048576:.1f}",
            )
        )  # fmt: skip
        + "\n"
    )
    return 0
