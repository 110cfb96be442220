"""``shenyue rubric [FOLDER]``: show the active rubric and where it comes from.

``shenyue rubric --init [FOLDER]`` writes an editable ``rubric.toml`` into
FOLDER (or, without FOLDER, into the user config folder). The copy is the
rubric that is in effect there now: for a folder the user's own rubric if
there is one, else the default. An existing file is kept unless ``--force``.
"""

from __future__ import annotations

import sys

from shenyue.cli.common import fail, folder_argument, format_table, safe_text, warn_config
from shenyue.fsutil import atomic_write_bytes
from shenyue.i18n import current_language, t
from shenyue.review.errors import RubricError
from shenyue.review.reasons import check_reasons
from shenyue.review.rubric import (
    Rubric,
    default_rubric_text,
    folder_rubric_path,
    format_number,
    load_rubric,
    load_rubric_file,
    user_rubric_path,
)


def add_parser(sub, parent) -> None:
    p = sub.add_parser("rubric", parents=[parent], help=t("rubric.help"), description=t("rubric.help"))
    p.add_argument("folder", nargs="?", help=t("rubric.opt_folder"))
    p.add_argument("--init", action="store_true", help=t("rubric.opt_init"))
    p.add_argument("--force", action="store_true", help=t("rubric.opt_force"))


def run(args) -> int:
    warn_config(args)
    folder = None
    if args.folder:
        folder = folder_argument(args.folder)
        if folder is None:
            return 2
    if args.init:
        return _init(folder, args.force)
    try:
        rubric = load_rubric(folder)
        check_reasons(rubric)
    except RubricError as exc:
        return fail(str(exc))
    sys.stdout.write(describe(rubric) + "\n")
    return 0


def _init(folder, force: bool) -> int:
    if folder is not None:
        target = folder_rubric_path(folder)
        source = user_rubric_path()
    else:
        target = user_rubric_path()
        source = None
    if (target.exists() or target.is_symlink()) and not force:
        return fail(t("rubric.init_exists", path=target))
    if source is not None and source.is_file():
        try:
            load_rubric_file(source, "user")  # never hand out a broken copy
            data = source.read_bytes()
        except RubricError as exc:
            return fail(str(exc))
        except OSError as exc:
            return fail(t("rubric.init_failed", path=source, reason=exc.strerror or exc), 1)
    else:
        data = default_rubric_text().encode("utf-8")
    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        return fail(t("rubric.init_failed", path=target, reason=exc.strerror or exc), 1)
    sys.stdout.write(t("rubric.init_done", path=target) + "\n")
    return 0


def describe(rubric: Rubric, lang: str | None = None) -> str:
    lang = lang or current_language()
    lines = [
        safe_text(t("rubric.show_header", lang, name=rubric.name(lang), id=rubric.id, version=rubric.version or "-")),
        safe_text(t("rubric.show_source", lang, source=rubric.source.describe(lang))),
        t("rubric.show_step", lang, total=format_number(rubric.total), step=format_number(rubric.step)),
        "",
    ]
    headers = [t(f"rubric.col_{c}", lang) for c in ("id", "label", "max", "checks")]
    rows = [
        [safe_text(c.id), safe_text(c.label(lang)), format_number(c.max), safe_text(", ".join(c.checks))]
        for c in rubric.criteria
    ]
    lines.append(format_table(headers, rows, [24, 40, 6, 400]))
    if rubric.gates:
        lines += ["", t("rubric.gates_header", lang)]
        for gate in rubric.gates:
            if gate.action == "not_assessable":
                effect = t("rubric.gate.not_assessable", lang, note=gate.note(lang))
            else:
                effect = t("rubric.gate.cap", lang, cap=format_number(gate.cap_total), note=gate.note(lang))
            lines.append(safe_text(t("rubric.gate_line", lang, id=gate.id, effect=effect, when=gate.when)))
    return "\n".join(lines)
