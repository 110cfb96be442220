"""Key bindings: translated descriptions, user keymaps, and the help listing.

Every binding the app declares has an ``id`` (``list.open``,
``review.next_section`` ...) so users can remap it in the config file::

    [keymap]
    "review.next_section" = "right_square_bracket,ctrl+down"

Binding descriptions are catalogue keys; :func:`describe` turns one into the
current language where it is shown (the key bar, the help screen, the command
palette). Only public Textual API is used: a node's bindings are read from the
``BINDINGS`` of its classes (:func:`node_bindings`), the user's keymap is given
to ``App.set_keymap``, and key names follow Textual's documented rule.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import KEY_NAME_REPLACEMENTS

from shenyue.i18n import t

# Every binding id declared with :func:`B`, filled as the modules defining bindings are imported
# (a user's keymap is checked against it).
BINDING_IDS: set[str] = set()
# id -> (its default keys, the screens it is active on): a keymap entry giving a binding a key that another
# binding of the same screen already uses is refused (see :func:`keymap_collisions`).
BINDING_DEFAULTS: dict[str, tuple[set[str], set[str]]] = {}

# Where a binding is active, from the module declaring it: the app's keys on every screen ("*"), the report
# list with its table and filter modules, the review screen with its panes; a dialog or the help screen is a
# screen of its own.
_LIST_MODULES = ("shenyue.tui.screens.list", "shenyue.tui.widgets.report_table", "shenyue.tui.widgets.list_")
_REVIEW_MODULES = ("shenyue.tui.screens.review", "shenyue.tui.widgets.")


def _scope(module: str) -> str:
    if module == "shenyue.tui.app":
        return "*"
    if module.startswith(_LIST_MODULES):
        return "list"
    if module.startswith(_REVIEW_MODULES):
        return "review"
    return module


def B(
    key: str,
    action: str,
    desc: str,
    id: str,
    *,
    show: bool = True,
    priority: bool = False,
    key_display: str | None = None,
    scope: str | None = None,
) -> Binding:
    """A binding whose description is the catalogue key ``desc``; its ``id`` joins :data:`BINDING_IDS`.
    ``scope`` names the screen it is active on when the declaring module does not say it (a screen of its
    own declared beside the review screen's modules, such as the table view)."""
    BINDING_IDS.add(id)
    keys, scopes = BINDING_DEFAULTS.setdefault(id, (set(), set()))
    keys.update(k.strip() for k in key.split(",") if k.strip())
    scopes.add(scope or _scope(sys._getframe(1).f_globals.get("__name__", "")))  # noqa: SLF001 — the declaring module
    return Binding(key, action, desc, show=show, priority=priority, id=id, key_display=key_display)


# Textual's own bindings that our widgets inherit, by action: their catalogue key.
TEXTUAL_ACTIONS = {
    "cursor_down": "tui.key.down",
    "cursor_up": "tui.key.up",
    "first": "tui.key.top",
    "last": "tui.key.bottom",
    "page_down": "tui.key.page_down",
    "page_up": "tui.key.page_up",
    "select": "tui.key.select",
    "app.focus_next": "tui.key.focus_next",
    "app.focus_previous": "tui.key.focus_previous",
    "screen.copy_text": "tui.key.copy",
    "quit": "tui.key.quit",
    "command_palette": "tui.key.palette",
    "scroll_left": "tui.key.scroll_left",
    "scroll_right": "tui.key.scroll_right",
    "page_left": "tui.key.page_left",
    "page_right": "tui.key.page_right",
    "scroll_up": "tui.key.up",
    "scroll_down": "tui.key.down",
    "scroll_home": "tui.key.top",
    "scroll_end": "tui.key.bottom",
}


def describe(binding: Binding) -> str:
    """The text shown for ``binding``: its catalogue key in the current language (Textual's own
    bindings that our widgets inherit get theirs from :data:`TEXTUAL_ACTIONS`); other text as is."""
    desc = binding.description
    if desc and not desc.startswith("tui.") and binding.action in TEXTUAL_ACTIONS:
        desc = TEXTUAL_ACTIONS[binding.action]
    return t(desc) if desc.startswith("tui.") else desc


@dataclass(slots=True)
class KeyHelp:
    keys: list[str]  # display form of every key bound
    description: str
    id: str | None
    group: str  # where the binding lives (screen, panel, app)
    more_ids: list[str] = field(default_factory=list)  # other ids doing the same (``app.quit_ctrl_c``)
    shown: bool = False  # ``id`` is a binding shown in the footer

    @property
    def ids(self) -> list[str]:
        return ([self.id] if self.id else []) + self.more_ids


def node_bindings(node: DOMNode) -> list[Binding]:
    """Every binding of ``node``, in declaration order, with the user's keymap not applied.

    Textual 8 has no public way to list a node's bindings beyond the focused chain
    (``Screen.active_bindings``), so they are merged here from the public ``BINDINGS`` of the
    node's classes the way Textual merges them: base classes first, a key bound again by a subclass
    keeps its place and takes the subclass's bindings, and only ``DOMNode`` classes count (the
    review screen's mixins declare none). ``Static`` is the one Textual class that does not inherit
    bindings; nothing above it declares any, so that changes nothing here. The app also gets the
    command palette binding Textual adds to an app that declares none."""
    keys: dict[str, list[Binding]] = {}
    for base in reversed(type(node).__mro__):
        if issubclass(base, DOMNode) and "BINDINGS" in vars(base):
            keys.update(BindingsMap(vars(base)["BINDINGS"]).key_to_bindings)
    out = [b for bindings in keys.values() for b in bindings]
    if isinstance(node, App) and node.ENABLE_COMMAND_PALETTE:
        if not any(b.action in ("command_palette", "app.command_palette") for b in out):
            out.append(
                Binding(
                    node.COMMAND_PALETTE_BINDING,
                    "command_palette",
                    "palette",
                    show=False,
                    key_display=node.COMMAND_PALETTE_DISPLAY,
                    priority=True,
                )
            )
    return out


def effective_keys(app: App, binding: Binding) -> list[str]:
    """The keys that trigger ``binding`` after the user's keymap (as given to ``App.set_keymap``)."""
    keymap = getattr(app, "user_keymap", {}) or {}
    if binding.id and binding.id in keymap:
        keys = [k.strip() for k in keymap[binding.id].split(",") if k.strip()]
    else:
        keys = [binding.key]
    return keys


def key_display(app: "App", binding: Binding, key: str) -> str:
    if key == binding.key and binding.key_display:
        return binding.key_display
    return app.get_key_display(binding.with_key(key, key_display=None))


def collect_help(app: "App", nodes: Iterable[tuple[str, "DOMNode"]]) -> list[KeyHelp]:
    """Every binding with a description on ``nodes`` (group label, node), keymap applied. Bindings doing
    the same (one action, one description: ``q``, ``ctrl+c`` and Textual's ``ctrl+q`` quitting) are one line."""
    out: list[KeyHelp] = []
    seen: set[object] = set()  # a binding shared by several nodes is listed once, in the first group
    app_ids = {b.id for b in node_bindings(app) if b.id}
    for group, node in nodes:
        by_what: dict[tuple[str, str], KeyHelp] = {}
        for b in node_bindings(node):
            if not b.description or b.system or (node is not app and b.id in app_ids):
                continue  # the app's keys repeated on a screen (Ctrl+C) are listed with the app's
            what = (b.action.removeprefix("app."), describe(b))
            ident = b.id or what
            if ident in seen and what not in by_what:
                continue
            seen.add(ident)
            keys = [key_display(app, b, k) for k in effective_keys(app, b)]
            item = by_what.get(what)
            if item is None:
                item = by_what[what] = KeyHelp([], describe(b), b.id, group)
                out.append(item)
            elif b.id and b.id not in item.ids:
                if item.id is None:
                    item.id = b.id
                elif b.show and not item.shown:  # the footer's binding names the line (q before ctrl+c)
                    item.more_ids.insert(0, item.id)
                    item.id = b.id
                    item.keys[:0] = [k for k in keys if k not in item.keys]
                else:
                    item.more_ids.append(b.id)
            item.shown = item.shown or (b.show and bool(b.id))
            for k in keys:
                if k not in item.keys:
                    item.keys.append(k)
    return out


# ---------------------------------------------------------------- validating a user keymap

_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def character_key(character: str) -> str:
    """The key name of a printable character, as Textual names it ("Keys" in its input guide): a
    letter or digit is itself; any other character is its Unicode name in lower case with spaces
    and hyphens as underscores ("]" is ``right_square_bracket``), with Textual's shorter names
    for a few (``slash``, ``minus``, ``at`` ...)."""
    if character.isalnum():
        key = character
    else:
        try:
            key = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
        except ValueError:  # a character without a name (controls): Textual keeps it as is
            key = character
    return KEY_NAME_REPLACEMENTS.get(key, key)


def _base_key_names() -> frozenset[str]:
    from textual import keys as textual_keys

    names: set[str] = set()
    for key in textual_keys.Keys:
        names.add(key.value.rsplit("+", 1)[-1] if "+" in key.value and key.value != "+" else key.value)
    for code in range(0x21, 0x7F):
        names.add(character_key(chr(code)))  # "right_square_bracket", "a", ...
    names.update(("enter", "tab", "space", "backspace", "escape", "delete", "insert", "home", "end",
                  "pageup", "pagedown", "up", "down", "left", "right"))  # fmt: skip
    names.update(f"f{n}" for n in range(1, 25))
    return frozenset(names)


_KEY_NAMES: frozenset[str] | None = None


def bad_keys(spec: str) -> list[str]:
    """The parts of a keymap value (``"n,right_square_bracket"``) that are
    not keys a terminal can send: unknown names (``notakey``), empty parts,
    repeated or unknown modifiers, a modifier with no key. Empty: all fine."""
    global _KEY_NAMES
    if _KEY_NAMES is None:
        _KEY_NAMES = _base_key_names()
    parts = [p.strip() for p in str(spec).split(",")]
    if not any(parts):
        return [str(spec)]
    bad = []
    for part in parts:
        if not part:
            bad.append(part)
            continue
        *mods, key = part.split("+") if part != "+" else ["+"]
        ok = bool(key) and len(set(mods)) == len(mods) and all(m in _MODIFIERS for m in mods)
        if ok:
            single = len(key) == 1 and key.isprintable() and not key.isspace()
            ok = key in _KEY_NAMES or (single and not mods)
        if not ok:
            bad.append(part)
    return bad


def known_binding_ids() -> set[str]:
    """Every binding id declared with :func:`B` so far: once the app module is imported, every
    screen, dialog and widget is, so this is every id a user's keymap may name."""
    return set(BINDING_IDS)


def _split_keys(spec: str) -> set[str]:
    return {k.strip() for k in str(spec).split(",") if k.strip()}


def _same_screen(a: set[str], b: set[str]) -> bool:
    if a & b:
        return True
    shared = {"*", "list", "review"}  # the app's keys are active on the list and the review screen
    return ("*" in a and bool(b & shared)) or ("*" in b and bool(a & shared))


def keymap_collisions(keymap: dict[str, str]) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """The entries of ``keymap`` (known ids, valid keys) that give no binding a key another binding of the
    same screen has (after the keymap), and for the others: (key, the binding already using it).

    Only keys the keymap adds count: bindings sharing a key by default (``j`` in each pane) are left alone.
    Swapping two bindings' keys in one keymap is fine; an entry that collides is refused whole (the binding
    keeps its default keys) and the rest checked again without it."""
    accepted = {k: v for k, v in keymap.items() if k in BINDING_DEFAULTS}
    refused: dict[str, list[tuple[str, str]]] = {}
    while True:
        eff = {i: (_split_keys(accepted[i]) if i in accepted else keys) for i, (keys, _) in BINDING_DEFAULTS.items()}
        bad: dict[str, list[tuple[str, str]]] = {}
        for ident in accepted:
            defaults, scopes = BINDING_DEFAULTS[ident]
            for key in sorted(eff[ident] - defaults):
                for other, (_, other_scopes) in BINDING_DEFAULTS.items():
                    if other != ident and key in eff[other] and _same_screen(scopes, other_scopes):
                        bad.setdefault(ident, []).append((key, other))
        if not bad:
            return accepted, refused
        for ident, clashes in bad.items():
            refused[ident] = clashes
            del accepted[ident]


def check_keymap(keymap: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """The entries of a user's keymap to use, and what is wrong with the others (None: nothing).

    An unknown binding id is named; a value that is not a key (``notakey``, ``ctrl+ctrl+a``) is
    refused whole, so that binding keeps its default keys; so is a key another binding of the same
    screen already has (``"review.next_section" = "n"`` would take ``n`` from the next search hit)."""
    known = known_binding_ids()
    unknown = sorted(k for k in keymap if k not in known)
    bad = {k: bad_keys(v) for k, v in keymap.items() if k in known}
    bad = {k: v for k, v in bad.items() if v}
    good = {k: v for k, v in keymap.items() if k in known and k not in bad}
    good, clashes = keymap_collisions(good)
    problems = []
    if unknown:
        problems.append(t("tui.error.keymap_unknown", ids=", ".join(unknown)))
    if bad:
        items = "; ".join(f"{k} = {', '.join(v) or repr('')}" for k, v in sorted(bad.items()))
        problems.append(t("tui.error.keymap_bad_keys", items=items))
    if clashes:
        items = "; ".join(
            t("tui.error.keymap_clash_item", id=k, key=key, other=other)
            for k, v in sorted(clashes.items())
            for key, other in v
        )
        problems.append(t("tui.error.keymap_collision", items=items))
    return good, "\n".join(problems) if problems else None
