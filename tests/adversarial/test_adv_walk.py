"""The folder walk: nothing outside the reports folder is read, links inside
it are read once, special files and unopenable folders are listed with the
reason, deep trees do not overflow the stack."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.adversarial.hostile import OTHER, REPORT, SECRET, deadline, outside_folder, reports_folder

from shenyue.analysis.scan import scan_folder
from shenyue.cli import main
from shenyue.reading import iter_report_files


def _reasons(result) -> dict[str, str]:
    return {u.rel: u.reason_key for u in result.unreadable}


def test_links_leaving_the_folder_are_skipped_with_the_reason(tmp_path):
    folder = reports_folder(tmp_path)
    outside = outside_folder(tmp_path)
    os.symlink(outside, folder / "dir-out")  # like a link to /etc
    os.symlink("..", folder / "up")  # pulls in sibling folders
    os.symlink(outside / "secret.txt", folder / "passwd.txt")  # a file link out, like /etc/passwd
    os.symlink("/dev/zero", folder / "zero.txt")
    with deadline(20):
        result = scan_folder(folder, checks=False)
    assert [r.rel for r in result.reports] == [REPORT]
    assert all(SECRET not in r.doc.text for r in result.reports)
    reasons = _reasons(result)
    assert reasons == {
        "dir-out": "link_outside",
        "up": "link_outside",
        "passwd.txt": "link_outside",
        "zero.txt": "link_outside",
    }
    assert "outside" in result.unreadable[0].reason("en")


def test_links_inside_the_folder_are_read_once_and_loops_end(tmp_path):
    folder = reports_folder(tmp_path)
    sub = folder / "sub"
    sub.mkdir()
    (sub / OTHER).write_bytes((tmp_path / "reports" / REPORT).read_bytes().replace(b"2024", b"2023"))
    os.symlink("sub", folder / "a-link-to-sub")  # sorts before its target
    os.symlink(REPORT, folder / "copy.txt")
    os.symlink(".", sub / "self")
    os.symlink("loop-b", folder / "loop-a")
    os.symlink("loop-a", folder / "loop-b")
    os.symlink("missing.txt", folder / "broken.txt")
    with deadline(20):
        result = scan_folder(folder, checks=False)
    assert sorted(r.rel for r in result.reports) == sorted([REPORT, f"sub/{OTHER}"])  # each file once, at its own place
    assert _reasons(result) == {
        "a-link-to-sub": "link_inside",
        "copy.txt": "link_inside",
        "sub/self": "link_loop",
        "loop-a": "link_loop",
        "loop-b": "link_loop",
        "broken.txt": "link_broken",
    }


def test_special_files_are_listed_not_read(tmp_path):
    folder = reports_folder(tmp_path)
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    with deadline(20):
        result = scan_folder(folder, checks=False)
    assert _reasons(result) == {"pipe.txt": "not_regular_fifo"}
    assert "FIFO" in result.unreadable[0].reason("en")


def test_a_folder_that_cannot_be_opened_is_listed(tmp_path, monkeypatch):
    folder = reports_folder(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    (locked / OTHER).write_text("x", encoding="utf-8")
    if os.geteuid() == 0:  # root opens a chmod-000 folder: make it fail the way it does for users
        real = os.scandir

        def scandir(path="."):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        locked.chmod(0)
    try:
        result = scan_folder(folder, checks=False)
    finally:
        locked.chmod(0o755)
    assert _reasons(result) == {"locked": "folder_unreadable"}
    assert "Permission denied" in result.unreadable[0].reason("en")


def test_1500_nested_folders_give_no_recursion_error(tmp_path):
    folder = reports_folder(tmp_path)
    deep = folder
    for _ in range(1500):  # os.makedirs itself recurses
        deep = deep / "d"
        deep.mkdir()
    (deep / "deep.txt").write_text("深层文件", encoding="utf-8")
    try:
        with deadline(20):
            files = list(iter_report_files(folder))
        assert len(files) == 2 and files[0][0].name == "deep.txt"
    finally:  # shutil.rmtree (pytest's cleanup of old temp folders) recurses: remove it bottom-up here
        (deep / "deep.txt").unlink()
        while deep != folder:
            deep.rmdir()
            deep = deep.parent


def test_scan_json_lists_the_skipped_links(tmp_path, capsys):
    folder = reports_folder(tmp_path)
    os.symlink(outside_folder(tmp_path), folder / "etc")
    assert main(["scan", str(folder), "--json", "--no-similar", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["path"] for r in data["reports"]] == [REPORT]
    assert [(u["path"], "outside" in u["reason"]) for u in data["unreadable"]] == [("etc", True)]
