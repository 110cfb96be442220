"""Modal dialogs: reviewer name, errors, confirmations, text input, comments,
export, list filters, the report finder and the unit correction."""

from shenyue.tui.dialogs.basic import ConfirmDialog, ErrorDialog, InputDialog
from shenyue.tui.dialogs.comment import CommentDialog
from shenyue.tui.dialogs.dismiss_all import DismissAllDialog
from shenyue.tui.dialogs.export import ExportDialog
from shenyue.tui.dialogs.filters import FilterDialog
from shenyue.tui.dialogs.finder import FinderDialog
from shenyue.tui.dialogs.reviewer import ReviewerDialog
from shenyue.tui.dialogs.unit import UnitDialog

__all__ = [
    "CommentDialog",
    "ConfirmDialog",
    "DismissAllDialog",
    "ErrorDialog",
    "ExportDialog",
    "FilterDialog",
    "FinderDialog",
    "InputDialog",
    "ReviewerDialog",
    "UnitDialog",
]
