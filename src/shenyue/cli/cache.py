"""``shenyue cache``: where the analysis cache is and how big; ``--clear`` empties it."""

from __future__ import annotations

import sys

from shenyue.cli.common import show_path
from shenyue.i18n import t


def add_parser(sub, parent) -> None:
    p = sub.add_parser("cache", parents=[parent], help=t("cache.help"), description=t("cache.help"))
    p.add_argument("--clear", action="store_true", help=t("cache.opt_clear"))


def run(args) -> int:
    from shenyue.analysis import report_cache
    from shenyue.paths import cache_dir

    if args.clear:
        removed = report_cache.clear()
        sys.stdout.write(t("cache.cleared", n=removed, path=show_path(cache_dir())) + "\n")
        return 0
    files, size = report_cache.size()
    sys.stdout.write(t("cache.where", path=show_path(cache_dir()), n=files, mb=f"{size / 1048576:.1f}") + "\n")
    return 0
