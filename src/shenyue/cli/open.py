"""``shenyue open FOLDER`` (and ``shenyue FOLDER``): the reviewer app."""

from __future__ import annotations

import sys

from shenyue.cli.common import folder_argument
from shenyue.i18n import t


def add_parser(sub, parent) -> None:
    p = sub.add_parser("open", parents=[parent], help=t("open.help"), description=t("open.help"))
    p.add_argument("folder", help=t("open.opt_folder"))
    p.add_argument("--reviewer", metavar="NAME", help=t("open.opt_reviewer"))
    p.add_argument("--reviews", metavar="DIR", help=t("open.opt_reviews"))
    p.add_argument("--ascii", action="store_true", default=None, help=t("open.opt_ascii"))


def run(args) -> int:
    folder = folder_argument(args.folder)
    if folder is None:
        return 2
    if args.reviewer is not None and not args.reviewer.strip():
        sys.stderr.write("shenyue: " + t("open.bad_reviewer") + "\n")
        return 2
    if not sys.stdin.isatty() or not sys.__stderr__.isatty():  # Textual draws on stderr
        sys.stderr.write("shenyue: " + t("open.not_a_terminal") + "\n")
        return 2
    from shenyue.tui.app import ShenyueApp

    app = ShenyueApp(
        folder,
        config=args.config,
        reviewer=args.reviewer,
        reviews_dir=args.reviews,
        ascii_borders=True if args.ascii else None,
    )
    app.run()
    return int(app.return_code or 0)
