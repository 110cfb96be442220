"""``shenyue export FOLDER --format csv|xlsx|md [-o FILE] [--force] [--reviews DIR]``.

Scans the folder for report metadata and findings, finds text shared
between reports (copy shares; ``--no-copy`` skips this), merges every
reviewer's review files and writes a score sheet. Review files are only read. An
existing output file is kept unless ``--force``. ``-o -`` writes CSV (the
rows view) or Markdown to standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shenyue.cli.common import Progress, fail, folder_argument, folder_problem, safe_text, show_path, warn_config
from shenyue.i18n import t, tn
from shenyue.review.errors import ExportError, RubricError
from shenyue.review.export import (
    EXPORT_FORMATS,
    build_score_sheet,
    check_output,
    default_output,
    format_for,
    render_stdout,
    write_export,
)
from shenyue.review.rubric import load_rubric
from shenyue.review.store import load_all_reviews, resolve_reviews_dir


def add_parser(sub, parent) -> None:
    p = sub.add_parser("export", parents=[parent], help=t("export.help"), description=t("export.help"))
    p.add_argument("folder", help=t("export.opt_folder"))
    p.add_argument("--format", choices=tuple(EXPORT_FORMATS), help=t("export.opt_format"))
    p.add_argument("-o", "--output", metavar="FILE", help=t("export.opt_output"))
    p.add_argument("--force", action="store_true", help=t("export.opt_force"))
    p.add_argument("--reviews", metavar="DIR", help=t("export.opt_reviews"))
    p.add_argument("--no-copy", action="store_true", help=t("export.opt_no_copy"))


def run(args) -> int:
    folder = folder_argument(args.folder)
    if folder is None:
        return 2
    warn_config(args)
    config = args.config
    if args.reviews and (problem := folder_problem(args.reviews)):
        return fail(problem)
    try:
        rubric = load_rubric(folder)
    except RubricError as exc:
        return fail(str(exc))
    to_stdout = args.output == "-"
    output = None if to_stdout else (Path(args.output).expanduser() if args.output else None)
    try:
        fmt = format_for(output, args.format)
        if output is None and not to_stdout:
            output = default_output(fmt)
        root = resolve_reviews_dir(folder, args.reviews, config)
        if to_stdout:
            if EXPORT_FORMATS[fmt].stdout is None:  # refused before the (slow) scan
                raise ExportError("export.error.xlsx_stdout")
        else:
            check_output(output, fmt, force=args.force, folder=folder, reviews_root=root)
    except ExportError as exc:
        return fail(str(exc))

    reviews, problems = load_all_reviews(root)
    from shenyue.analysis.scan import scan_folder

    progress = Progress("export.progress")
    try:
        result = scan_folder(
            folder,
            max_bytes=config.max_file_bytes if config is not None else None,
            max_pages=config.max_pdf_pages if config is not None else None,
            deadlines=config.deadlines if config is not None else None,
            limits=config.read_limits if config is not None else None,
            progress=progress,
        )
    finally:
        progress.close()
    if not args.no_copy and len(result.reports) > 1:
        from shenyue.analysis.scan import analyse_copies

        analyse_copies(result.reports, folder=folder)
    sheet = build_score_sheet(rubric, result.reports, reviews, problems)
    notes = sys.stderr
    if not reviews:
        notes.write(t("export.no_reviews", path=show_path(root)) + "\n")
    for problem in problems:
        notes.write(safe_text(t("export.problem_line", message=str(problem))) + "\n")
    for note in sheet.notes:
        notes.write(safe_text(t("export.problem_line", message=note)) + "\n")
    try:
        if to_stdout:
            data = render_stdout(sheet, fmt)
            if hasattr(sys.stdout, "buffer"):
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(data.decode("utf-8"))
            return _refused_status(problems, sheet)
        written = write_export(sheet, output, fmt, force=args.force, folder=folder, reviews_root=root)
    except ExportError as exc:
        return fail(str(exc), 1 if exc.key == "export.error.write" else 2)

    reviewers = len({row.reviewer for row in sheet.rows})
    reports = len({row.report for row in sheet.rows})
    sys.stdout.write(
        safe_text(
            t(
                "export.done",
                rows=tn("export.n_reviews", len(sheet.rows)),
                reports=tn("export.n_reports", reports),
                reviewers=tn("export.n_reviewers", reviewers),
                paths=", ".join(show_path(p) for p in written),
            )  # fmt: skip
        )
        + "\n"
    )
    return _refused_status(problems, sheet)


def _refused_status(problems, sheet) -> int:
    """0, or 3 after one line when review files or scores were refused: the
    sheet is written but must not look complete."""
    refused = len(problems) + len(sheet.refused)
    if not refused:
        return 0
    sys.stderr.write(safe_text(t("export.refused_exit", count=refused)) + "\n")
    return 3
