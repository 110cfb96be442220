"""The ``shenyue`` command: subcommands live one per module in this package.

Each module named in ``COMMANDS`` provides ``add_parser(subparsers, parent)``
and ``run(args) -> int``. ``shenyue FOLDER`` (no subcommand) means
``shenyue open FOLDER``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from shenyue import __version__
from shenyue.gcpause import gc_paused
from shenyue.i18n import set_language, t

COMMANDS = ["scan", "rubric", "export", "similar", "open", "checks", "report", "cache"]
DEFAULT_COMMAND = "open"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with one plain line, no usage dump
        sys.stderr.write(f"shenyue: {message}\n{t('cli.see_help')}\n")
        raise SystemExit(2)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--lang", choices=["zh", "en"], help=t("cli.opt_lang"))
    parser = _Parser(prog="shenyue", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"shenyue {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"shenyue.cli.{name}")
        module.add_parser(sub, parent)
        modules[name] = module
    return parser, modules


def _language_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


ONE_SHOT = frozenset({"scan", "similar", "export", "report"})  # commands that build a folder's analysis and exit


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from shenyue.cli.common import configure_output

    configure_output()
    from shenyue.config import load_config

    config = load_config()
    set_language(_language_from_argv(argv) or config.lang)
    parser, modules = build_parser()
    if argv and not argv[0].startswith("-") and argv[0] not in modules:
        argv.insert(0, DEFAULT_COMMAND)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    args.config = config
    try:
        if args.command in ONE_SHOT:
            # a one-shot command keeps what it builds until it prints it: the cyclic collector would walk
            # the whole heap again and again between its steps for nothing (0.3 s of a warm scan of
            # 10,000 reports); reference counting still frees everything else
            with gc_paused():
                return int(modules[args.command].run(args) or 0)
        return int(modules[args.command].run(args) or 0)
    except KeyboardInterrupt:
        sys.stderr.write(t("cli.interrupted") + "\n")
        return 130
    except BrokenPipeError:
        return 0
