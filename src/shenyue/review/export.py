"""Export formats: the score sheet's views (:mod:`shenyue.review.sheet`) written as CSV (for Excel
and WPS; rows and a ``-summary`` file), XLSX (a sheet per view) or Markdown.

Formats are a registry: :data:`EXPORT_FORMATS` holds one :class:`Format` per name, added with
:func:`register_format`. ``shenyue export --format``, the suffix guess, ``-o -`` and the app's
export dialog all read it, so a new format is a renderer plus one ``register_format`` call (and
its dialog label ``tui.export.format_<name>`` in the catalogue). Exporting never writes a review file.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from shenyue.fsutil import UnsafeTargetError, atomic_write_bytes, check_write_target
from shenyue.i18n import t
from shenyue.paths import recover_text
from shenyue.review.errors import ExportError, OutputExistsError
from shenyue.review.rubric import format_number
from shenyue.review.sheet import (  # the score sheet, re-exported for the imports written before the split
    Column,
    ScoreSheet,
    SheetRow,
    SummaryRow,
    View,
    build_score_sheet,
    collect_score_sheet,
    comment_label,
    copy_shares,
    copy_source,
    views,
)

DEFAULT_BASENAME = "shenyue-scores"


# ---------------------------------------------------------------- cell text


def clean_text(value: str) -> str:
    """Text from reports and reviews is untrusted: drop control characters
    (newlines and tabs stay); bytes of a file name that were not UTF-8 are
    decoded or replaced, so every format can encode the cell."""
    value = recover_text(value)
    return "".join(ch for ch in value if ch in "\n\t" or not (unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029"))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("export.yes") if value else ""
    if isinstance(value, (int, float)):
        return format_number(value)
    return clean_text(str(value))


def display_width(text: str) -> int:
    """Width of the longest line, CJK (wide / fullwidth) characters counting double."""
    best = 0
    for line in text.split("\n"):
        best = max(best, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line))
    return best


# ---------------------------------------------------------------- CSV


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by Excel and WPS: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(view: View) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_csv_safe(clean_text(c.header)) for c in view.columns])
    for row in view.rows:
        writer.writerow(
            [_cell_text(v) if isinstance(v, (int, float)) or v is None else _csv_safe(_cell_text(v)) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- XLSX


def render_xlsx(views_: Sequence[View]) -> bytes:
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"valign": "top"})
    long = workbook.add_format({"valign": "top", "text_wrap": True})
    number = workbook.add_format({"valign": "top"})  # General: 10 and 8.5, never "10."
    used_names: set[str] = set()
    for view in views_:
        name = _sheet_name(view.name, used_names)
        sheet = workbook.add_worksheet(name)
        for col, column in enumerate(view.columns):
            sheet.write_string(0, col, clean_text(column.header), header)
        for r, row in enumerate(view.rows, 1):
            for col, value in enumerate(row):
                kind = view.columns[col].kind
                if value is None or value == "":
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    if isinstance(value, float) and not math.isfinite(value):
                        continue  # never reaches here from review files (refused on reading); a guard for the format
                    sheet.write_number(r, col, value, number)
                else:
                    sheet.write_string(r, col, _cell_text(value), long if kind == "long" else text)
        for col, column in enumerate(view.columns):
            # Headers wrap, so a long header only widens a column up to a point.
            header_width = min(display_width(clean_text(column.header)), 40 if column.kind == "text" else 16)
            widest = max([header_width] + [display_width(_cell_text(row[col])) for row in view.rows])
            limit = 60 if column.kind == "long" else 40
            sheet.set_column(col, col, max(6, min(limit, widest + 2)))
        sheet.freeze_panes(1, 1 if len(view.columns) > 1 else 0)
        if view.rows and len(view.columns) > 1:
            sheet.autofilter(0, 0, len(view.rows), len(view.columns) - 1)
    workbook.close()
    return output.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


# ---------------------------------------------------------------- Markdown

_MD_ESCAPES = {
    "\\": "\\\\",
    "|": "\\|",
    "*": "\\*",
    "_": "\\_",
    "`": "\\`",
    "[": "\\[",
    "]": "\\]",
    "<": "&lt;",
    ">": "&gt;",
}


def _md_cell(value: Any) -> str:
    text = _cell_text(value)
    text = "".join(_MD_ESCAPES.get(ch, ch) for ch in text)
    return "<br>".join(line.strip() for line in text.strip().split("\n"))


def render_markdown_table(view: View) -> str:
    lines = ["| " + " | ".join(_md_cell(c.header) for c in view.columns) + " |"]
    lines.append("| " + " | ".join("---:" if c.kind == "number" else "---" for c in view.columns) + " |")
    for row in view.rows:
        lines.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
    return "\n".join(lines)


def render_markdown(sheet: ScoreSheet, views_: Sequence[View], lang: str | None = None) -> bytes:
    """The Markdown score sheet: narrow tables, one per report with criteria as rows (:mod:`.export_md`)."""
    from shenyue.review.export_md import render_markdown as render

    return render(sheet, views_, lang)


# ---------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class Format:
    """One export format. ``render`` gives the bytes of every file ``outputs(path)`` names, in
    order; ``stdout`` gives what ``-o -`` prints (None: the format cannot go to standard output).
    The export dialog labels it with the catalogue key ``tui.export.format_<name>``."""

    name: str
    suffix: str
    render: Callable[[ScoreSheet, list[View], str | None], list[bytes]]
    outputs: Callable[[Path], list[Path]] = lambda path: [path]
    stdout: Callable[[ScoreSheet, list[View], str | None], bytes] | None = None
    aliases: tuple[str, ...] = ()  # other file suffixes read as this format


# Every export format by name, in the order the CLI and the dialog offer them (csv first: the default).
EXPORT_FORMATS: dict[str, Format] = {}


def register_format(fmt: Format) -> Format:
    EXPORT_FORMATS[fmt.name] = fmt
    return fmt


def summary_path(path: Path) -> Path:
    """Where the CSV summary goes next to the main CSV file."""
    return path.with_name(f"{path.stem}-summary{path.suffix or '.csv'}")


register_format(
    Format(
        "csv",
        ".csv",
        render=lambda sheet, vs, lang: [render_csv(vs[0]), render_csv(vs[1])],
        outputs=lambda path: [path, summary_path(path)],
        stdout=lambda sheet, vs, lang: render_csv(vs[0]),
    )
)
register_format(Format("xlsx", ".xlsx", render=lambda sheet, vs, lang: [render_xlsx(vs)]))
register_format(
    Format(
        "md",
        ".md",
        render=lambda sheet, vs, lang: [render_markdown(sheet, vs, lang)],
        stdout=lambda sheet, vs, lang: render_markdown(sheet, vs, lang),
        aliases=(".markdown",),
    )
)
FORMATS = tuple(EXPORT_FORMATS)  # the names, for argparse choices
EXTENSIONS = {f.name: f.suffix for f in EXPORT_FORMATS.values()}


def default_output(fmt: str, cwd: Path | None = None) -> Path:
    return (cwd or Path.cwd()) / f"{DEFAULT_BASENAME}{EXPORT_FORMATS[fmt].suffix}"


def format_for(path: Path | None, fmt: str | None) -> str:
    """The export format: ``fmt`` if given, else from the file extension, else csv."""
    if fmt:
        if fmt not in EXPORT_FORMATS:
            raise ExportError("export.error.bad_format", value=fmt, allowed=", ".join(EXPORT_FORMATS))
        return fmt
    if path is not None:
        ext = Path(path).suffix.lower()
        for f in EXPORT_FORMATS.values():
            if ext == f.suffix or ext in f.aliases:
                return f.name
    return "csv"


def planned_outputs(path: Path, fmt: str) -> list[Path]:
    return EXPORT_FORMATS[fmt].outputs(path)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def check_output(
    path: Path,
    fmt: str,
    *,
    force: bool = False,
    folder: Path | None = None,
    reviews_root: Path | None = None,
) -> list[Path]:
    """The files an export would write; raises when it must not write them:
    a file exists (OutputExistsError, unless ``force``), the path is a
    folder, lies in the reviews folder, or would be read as a report."""
    outputs = planned_outputs(Path(path), fmt)
    for out in outputs:
        if out.is_dir():
            raise ExportError("export.error.is_folder", path=out)
        try:  # only a regular file (or a new path) is ever replaced: never a device, FIFO or link
            check_write_target(out)
        except UnsafeTargetError as exc:
            raise ExportError("export.error.write", path=out, reason=exc.strerror) from None
        if reviews_root is not None and _inside(out, reviews_root):
            raise ExportError("export.error.inside_reviews", path=out, reviews=reviews_root)
        if folder is not None and _inside(out, folder):
            from shenyue.reading import EXTRACTORS

            if out.suffix.lower() in EXTRACTORS:
                raise ExportError("export.error.read_as_report", path=out, folder=folder)
    if not force:
        for out in outputs:
            if out.exists() or out.is_symlink():
                raise OutputExistsError(out)
    return outputs


def write_export(
    sheet: ScoreSheet,
    path: Path,
    fmt: str,
    *,
    force: bool = False,
    folder: Path | None = None,
    reviews_root: Path | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write the sheet; returns the files written (CSV: the rows file and a
    ``-summary`` file beside it). Never touches a review file."""
    fmt = format_for(path, fmt)
    outputs = check_output(path, fmt, force=force, folder=folder, reviews_root=reviews_root)
    payloads = EXPORT_FORMATS[fmt].render(sheet, views(sheet, lang), lang)
    for out, data in zip(outputs, payloads):
        try:
            atomic_write_bytes(out, data)
        except OSError as exc:
            raise ExportError("export.error.write", path=out, reason=exc.strerror or str(exc)) from None
    return outputs


def render_stdout(sheet: ScoreSheet, fmt: str, lang: str | None = None) -> bytes:
    """The export for ``-o -``: CSV rows view, or the whole Markdown document."""
    to_stdout = EXPORT_FORMATS[fmt].stdout
    if to_stdout is None:
        raise ExportError("export.error.xlsx_stdout")
    return to_stdout(sheet, views(sheet, lang), lang)


__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "Format",
    "Column",
    "ScoreSheet",
    "SheetRow",
    "SummaryRow",
    "View",
    "build_score_sheet",
    "comment_label",
    "check_output",
    "collect_score_sheet",
    "copy_shares",
    "copy_source",
    "default_output",
    "display_width",
    "format_for",
    "render_csv",
    "render_markdown",
    "render_markdown_table",
    "render_xlsx",
    "register_format",
    "render_stdout",
    "summary_path",
    "views",
    "write_export",
]
