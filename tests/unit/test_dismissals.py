"""Findings dismissed for the whole folder: kept in the reviews folder, never lost, never a traceback."""

from __future__ import annotations

import pytest

from shenyue.analysis.findings import Finding
from shenyue.review.dismissals import FolderDismissal, add_dismissal, load_dismissals, standing
from shenyue.review.errors import ReviewFileError


def test_added_dismissals_are_kept_and_one_per_check_and_message(tmp_path):
    add_dismissal(tmp_path, FolderDismissal("title_missing", "误报", by="甲"))
    add_dismissal(tmp_path, FolderDismissal("placeholders", "只是示例", message="20xx"))
    kept = add_dismissal(tmp_path, FolderDismissal("title_missing", "网页标题里有", by="乙"))
    assert [(d.check, d.reason) for d in kept] == [("placeholders", "只是示例"), ("title_missing", "网页标题里有")]
    assert load_dismissals(tmp_path) == (kept, None)


def test_a_message_narrows_a_dismissal():
    by_message = FolderDismissal("placeholders", "示例", message="不存在的文字")
    finding = Finding("placeholders", "error", 0, 2)
    assert not by_message.covers(finding) and FolderDismissal("placeholders", "x").covers(finding)
    assert standing([finding], [by_message]) == [finding]


@pytest.mark.parametrize("text", ["dismiss = 3", "[[dismiss]]\nreason = 'no check'", "not toml [[[", "\xff"])
def test_a_broken_file_is_reported_and_never_overwritten(tmp_path, text):
    path = tmp_path / "dismissals.toml"
    path.write_bytes(text.encode("utf-8", "surrogateescape") if text != "\xff" else b"\xff\xfe")
    before = path.read_bytes()
    found, problem = load_dismissals(tmp_path)
    assert found == [] and isinstance(problem, ReviewFileError) and "dismissals.toml" in str(problem)
    with pytest.raises(ReviewFileError):
        add_dismissal(tmp_path, FolderDismissal("title_missing", "x"))
    assert path.read_bytes() == before


def test_a_folder_at_the_place_of_the_file_is_reported(tmp_path):
    (tmp_path / "dismissals.toml").mkdir()
    found, problem = load_dismissals(tmp_path)
    assert found == [] and problem is not None
