"""Modal dialogs: reviewer name, errors, confirmations, text input, comments,
export, list filters and the report finder."""

from shenyue.tui.dialogs.basic import ConfirmDialog, ErrorDialog, InputDialog
from shenyue.tui.dialogs.comment import CommentDialog
from shenyue.tui.dialogs.export import ExportDialog
from shenyue.tui.dialogs.filters import FilterDialog
from shenyue.tui.dialogs.finder import FinderDialog
from shenyue.tui.dialogs.reviewer import ReviewerDialog

__all__ = [
    "CommentDialog",
    "ConfirmDialog",
    "ErrorDialog",
    "ExportDialog",
    "FilterDialog",
    "FinderDialog",
    "InputDialog",
    "ReviewerDialog",
]
