"""Helpers shared by the CLI subcommands: folder checks, progress, tables."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from rich.cells import cell_len

from shenyue.i18n import t
from shenyue.paths import display_path, display_text


def fail(message: str, code: int = 2) -> int:
    """Print ``message`` as one plain line on stderr and give the exit code."""
    sys.stderr.write("shenyue: " + safe_text(message) + "\n")
    return code


def folder_problem(value: str) -> str | None:
    """Why ``value`` is not a folder that can be read, or None."""
    path = Path(value).expanduser()
    if not path.exists():
        return t("cli.folder_missing", path=value)
    if not path.is_dir():
        return t("cli.not_a_folder", path=value)
    return None


def folder_argument(value: str) -> Path | None:
    """The folder, or None after printing a one-line message (exit 2 follows)."""
    problem = folder_problem(value)
    if problem is not None:
        fail(problem)
        return None
    return Path(value).expanduser()


def max_bytes_argument(args, message_key: str = "scan.bad_max_size") -> int | None:
    """Bytes allowed per file from ``--max-size MB`` or the config; None after
    a one-line error (``inf``, ``nan``, 0, negative or absurd sizes are refused
    by the same bounds as ``max_file_mb`` in the config file)."""
    from shenyue.config import NumberError, check_number

    if args.max_size is None:
        return args.config.max_file_bytes
    try:
        size = check_number("max_file_mb", args.max_size, "--max-size")
    except NumberError as exc:
        fail(str(exc))
        return None
    return int(size * 1048576)


def warn_config(args) -> None:
    config = getattr(args, "config", None)
    if config is not None and config.error is not None:
        sys.stderr.write(
            "shenyue: "
            + safe_text(t("cli.config_unreadable", path=display_path(config.error.path), reason=config.error.reason))
            + "\n"
        )
    for problem in getattr(config, "problems", []) if config is not None else []:
        sys.stderr.write(
            "shenyue: " + safe_text(t("cli.config_value", path=display_path(config.path), problem=problem)) + "\n"
        )


class Progress:
    """Progress of long work on stderr (stdout stays for the result, e.g. ``--json``).

    On a terminal: one line redrawn in place, a bar with the counts and the
    time left (after the first second), cleared at the end. Elsewhere (a pipe,
    a log file): a plain line with the counts every :data:`PLAIN_EVERY`
    seconds, so quick work prints nothing. Folders of fewer than ``min_total``
    files print nothing either way.
    """

    PLAIN_EVERY = 5.0  # seconds between two plain lines

    def __init__(self, label_key: str, *, min_total: int = 50, stream=None, clock=time.monotonic):
        self.stream = stream or sys.stderr
        self.label = t(label_key)
        self.min_total = min_total
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.clock = clock
        self.start: float | None = None
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, name: str = "") -> None:
        if total < self.min_total:
            return
        now = self.clock()
        if self.start is None:
            self.start = self.last = now
            if not self.tty:
                return
        if self.tty:
            if done < total and now - self.last < 0.1:
                return
        elif now - self.last < self.PLAIN_EVERY or done >= total:
            return
        self.last = now
        left = self._left(done, total, now)
        tail = f"  {left}" if left else ""
        if self.tty:
            width = 30
            filled = int(width * done / max(1, total))
            bar = f"[{'#' * filled}{'.' * (width - filled)}]"
            self.stream.write(f"\r{self.label} {bar} {done}/{total}{tail}\x1b[K")
        else:
            self.stream.write(f"{self.label} {done}/{total} ({100 * done // max(1, total)}%){tail}\n")
        self.stream.flush()
        self.shown = True

    def _left(self, done: int, total: int, now: float) -> str:
        """The estimated time left, from the pace so far; empty in the first second or when nothing is done."""
        elapsed = now - (self.start or now)
        if done <= 0 or done >= total or elapsed < 1.0:
            return ""
        seconds = round(elapsed / done * (total - done))
        if seconds < 60:
            return t("cli.time_left_s", s=max(1, seconds))
        return t("cli.time_left_min", m=seconds // 60, s=seconds % 60)

    def close(self) -> None:
        if self.shown and self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def truncate(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def format_table(headers: list[str], rows: list[list[str]], max_widths: list[int] | None = None) -> str:
    """A plain-text table aligned by terminal cells (CJK counts double)."""
    cells = [headers] + rows
    if max_widths:
        cells = [[truncate(c, w) for c, w in zip(row, max_widths)] for row in cells]
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def safe_text(text: str) -> str:
    """Report text and file names are untrusted: before printing, bytes that
    were not UTF-8 are decoded or replaced (never a UnicodeEncodeError),
    terminal controls become spaces and bidi overrides (U+202E...) are shown
    as their code point instead of reordering the line."""
    text = display_text(text) if _NEEDS_DISPLAY.search(text) else text
    return "".join(ch if (ch >= " " or ch in "\t") and not ("\x7f" <= ch < "\xa0") else " " for ch in text)


# surrogates, bidi controls and other invisible format characters that display_text handles
_NEEDS_DISPLAY = re.compile("[\ud800-\udfff\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def show_path(path) -> str:
    """A path as printed by the CLI (one helper for every command)."""
    return safe_text(display_path(path))


def configure_output() -> None:
    """Never a UnicodeEncodeError on output: text that cannot be encoded (a
    file name whose bytes were not UTF-8, as a lone surrogate) is written as
    a ``\\udcb1`` escape, which inside ``--json`` output is valid JSON that
    decodes back to the same name. Tables go through :func:`safe_text` first."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
