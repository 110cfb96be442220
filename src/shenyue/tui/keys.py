"""Key bindings: translated descriptions, user keymaps, and the help listing.

Every binding the app declares has an ``id`` (``list.open``,
``review.next_section`` ...) so users can remap it in the config file::

    [keymap]
    "review.next_section" = "right_square_bracket,ctrl+down"

Binding descriptions are catalogue keys; :func:`translate_bindings` turns
them into the current language when a node is created.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable

from textual.binding import Binding, BindingsMap

from shenyue.i18n import t

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode


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
) -> Binding:
    """A binding whose description is the catalogue key ``desc``; its ``id`` joins :data:`BINDING_IDS`."""
    BINDING_IDS.add(id)
    keys, scopes = BINDING_DEFAULTS.setdefault(id, (set(), set()))
    keys.update(k.strip() for k in key.split(",") if k.strip())
    scopes.add(_scope(sys._getframe(1).f_globals.get("__name__", "")))  # noqa: SLF001 — the declaring module
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


def translate_bindings(node: "DOMNode") -> None:
    """Replace catalogue keys in ``node``'s binding descriptions by their text
    (and give Textual's inherited bindings a description in our language)."""
    old = node._bindings  # noqa: SLF001 — Textual keeps a per-node copy here
    new: dict[str, list[Binding]] = {}
    for key, bindings in old.key_to_bindings.items():
        out = []
        for b in bindings:
            desc = b.description
            if not desc.startswith("tui.") and b.action in TEXTUAL_ACTIONS and desc:
                desc = TEXTUAL_ACTIONS[b.action]
            if desc.startswith("tui."):
                b = replace(b, description=t(desc), tooltip=t(desc))
            out.append(b)
        new[key] = out
    node._bindings = BindingsMap.from_keys(new)  # noqa: SLF001


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
    """Every binding of ``node`` (its class's and inherited ones, as :func:`translate_bindings` left
    them), in declaration order. With :func:`translate_bindings`, the one place that reaches into
    Textual's per-node bindings: Textual 8 has no public way to list a node's bindings beyond the
    focused chain (``Screen.active_bindings``) or to give them descriptions chosen at run time."""
    return [b for bindings in node._bindings.key_to_bindings.values() for b in bindings]  # noqa: SLF001


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
            what = (b.action.removeprefix("app."), b.description)
            ident = b.id or what
            if ident in seen and what not in by_what:
                continue
            seen.add(ident)
            keys = [key_display(app, b, k) for k in effective_keys(app, b)]
            item = by_what.get(what)
            if item is None:
                item = by_what[what] = KeyHelp([], b.description, b.id, group)
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


def _base_key_names() -> frozenset[str]:
    from textual import keys as textual_keys

    names: set[str] = set()
    for key in textual_keys.Keys:
        names.add(key.value.rsplit("+", 1)[-1] if "+" in key.value and key.value != "+" else key.value)
    for code in range(0x21, 0x7F):
        names.add(textual_keys._character_to_key(chr(code)))  # noqa: SLF001 — "right_square_bracket", "a", ...
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
