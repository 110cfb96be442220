"""Help and the command palette, built from what each screen declares.

A screen lists its own keys, then those of the panes named in ``HELP_PANES`` (selector, group
title key), under ``HELP_GROUP``; ``HELP_TITLE`` and ``HELP_NOTES`` title and close the help
screen. A screen may add commands of its own with ``palette_commands()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Provider
from textual.screen import Screen

from shenyue.i18n import t
from shenyue.tui.keys import KeyHelp, collect_help, describe, effective_keys, key_display, node_bindings

Command = tuple[str, str, Callable[[], Any]]  # title, keys, what runs it


def help_nodes(screen: Screen) -> list[tuple[str, Any]]:
    """The screen and the panes it lists for help and the palette (``HELP_GROUP``, ``HELP_PANES``), with group titles."""
    nodes: list[tuple[str, Any]] = [(t(getattr(screen, "HELP_GROUP", "tui.help.group_list")), screen)]
    for selector, group in getattr(screen, "HELP_PANES", ()):
        nodes.extend((t(group), node) for node in screen.query(selector))
    return nodes


def help_items(app: App, screen: Screen) -> tuple[str, list[KeyHelp], str]:
    """The help screen's title, keys (the screen's, its panes', the app's) and notes."""
    nodes = help_nodes(screen)
    nodes.append((t("tui.help.group_app"), app))
    notes = t(screen.HELP_NOTES) if getattr(screen, "HELP_NOTES", None) else ""
    title = t(getattr(screen, "HELP_TITLE", "tui.help.title_list"))
    return title, collect_help(app, nodes), notes


def palette_commands(app: App, screen: Screen) -> list[Command]:
    """Every described binding of the screen, its panes and the app, plus the screen's own extra commands."""
    out: list[Command] = []
    seen: set[str] = set()
    nodes: list[Any] = [node for _, node in help_nodes(screen)] + [app]
    for node in nodes:
        for b in node_bindings(node):
            if not b.description or b.action in ("quit",) and node is not app:
                continue
            ident = b.id or b.action
            what = f"{b.action.removeprefix('app.')}\0{describe(b)}"  # q, ctrl+c and Textual's ctrl+q quitting: one command
            if ident in seen or what in seen:
                continue
            seen.update((ident, what))
            keys = ", ".join(key_display(app, b, k) for k in effective_keys(app, b))
            out.append((describe(b), keys, _runner(node, b.action)))
    extra = getattr(screen, "palette_commands", None)
    if callable(extra):
        for title, help_text, callback in extra():
            out.append((title, help_text, callback))
    return out


def _runner(node: Any, action: str) -> Callable[[], Any]:
    async def run() -> None:
        await node.run_action(action)

    return run


class ShenyueCommands(Provider):
    """Every action of the current screen in the command palette."""

    async def search(self, query: str):
        matcher = self.matcher(query)
        for title, help_text, callback in palette_commands(self.app, self.screen):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text or None)

    async def discover(self):
        for title, help_text, callback in palette_commands(self.app, self.screen):
            yield DiscoveryHit(title, callback, help=help_text or None)


def system_commands(app: App, screen: Screen):
    """Textual's own palette commands, in the reviewer's language. Quit is left out (the app's own quit
    is listed with its keys) and so is Textual's key panel (it would show binding descriptions as declared,
    i.e. catalogue keys): the app's help screen, which lists every key in the interface language with the
    user's keymap applied, is offered instead."""
    help_action = getattr(app, "action_help", None)
    if callable(help_action):
        yield SystemCommand(t("tui.key.help"), t("tui.palette.help"), help_action)
    yield SystemCommand(t("tui.system.theme"), t("tui.system.theme_help"), app.action_change_theme)
    if screen.maximized is not None:
        yield SystemCommand(t("tui.system.minimize"), t("tui.system.minimize_help"), screen.action_minimize)
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(t("tui.system.maximize"), t("tui.system.maximize_help"), screen.action_maximize)
    yield SystemCommand(
        t("tui.system.screenshot"), t("tui.system.screenshot_help"), lambda: app.set_timer(0.1, app.deliver_screenshot)
    )
