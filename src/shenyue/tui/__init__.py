"""The reviewer app (Textual): ``shenyue FOLDER``.

- :mod:`.app`: the App. It owns the :class:`~shenyue.tui.workspace.Workspace` and the thread
  workers that fill it, handles the screens' requests (:mod:`.messages`: open, step, back to the
  list, a review changed) and shows errors. :mod:`.commands` builds help and the command palette
  from what each screen declares (``HELP_GROUP``, ``HELP_PANES``, ``HELP_NOTES``).
- :mod:`.workspace`, :mod:`.copies`, :mod:`.highlight`, :mod:`.textutil`: the folder, copy data
  and highlight layers as plain Python (no Textual), shared by the screens.
- :mod:`.screens`: the report list; the review screen as a package (:mod:`.screens.review`).
- :mod:`.widgets`: one pane per module (text pane, section navigator, findings, overview strip,
  legend, header, score panel, report table, key bar).
- :mod:`.dialogs`: modal dialogs.
- :mod:`.keys`: bindings declared with :func:`~shenyue.tui.keys.B` (each id registers itself, so
  a user's keymap is checked against every id: :func:`~shenyue.tui.keys.check_keymap`),
  descriptions translated where they are shown (:func:`~shenyue.tui.keys.describe`: key bar, help,
  palette), the help listing; public Textual API only.

A new pane: a widget module in ``widgets/``, yielded by its screen's ``compose`` and listed in its
``HELP_PANES`` when it has keys.
"""
