"""Review files and score sheets under attack: non-finite and out-of-range
scores, a file in the wrong reviewer's folder, special files posing as
review files, stale temporary files, writes to things that are not files."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from tests.adversarial.hostile import REPORT, deadline, reports_folder

from shenyue.cli import main
from shenyue.fsutil import UnsafeTargetError, atomic_write_bytes
from shenyue.review import ReviewStore, load_all_reviews


def _review(folder: Path, reviewer_dir: str, body: str, rel: str = REPORT) -> Path:
    path = folder / "reviews" / reviewer_dir / f"{rel}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'report = "{rel}"\nreviewer = "{reviewer_dir}"\n' + body, encoding="utf-8")
    return path


def _export(folder: Path, tmp_path: Path, fmt: str, capsys) -> tuple[int, str, str, Path]:
    out = tmp_path / f"sheet.{fmt}"
    code = main(["export", str(folder), "--format", fmt, "-o", str(out), "--force", "--no-copy", "--lang", "en"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err, out


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400", "99999999999999999999"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md"])
def test_a_non_finite_score_is_reported_and_breaks_no_format(tmp_path, capsys, value, fmt):
    folder = reports_folder(tmp_path)
    _review(folder, "甲", f"[scores]\ntimeliness = {value}\n")
    _review(folder, "乙", "[scores]\ntimeliness = 8\n")
    code, _out, err, out = _export(folder, tmp_path, fmt, capsys)
    assert code == 3 and "Traceback" not in err
    assert "甲" in err and "refused" in err  # the file is named and the exit says the sheet is incomplete
    assert out.is_file() and out.stat().st_size > 0
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        cells = {cell.strip().lower() for row in rows for cell in row}
        assert not cells & {"inf", "-inf", "nan", "1e400", "99999999999999999999"}


@pytest.mark.parametrize("value", ["999", "-5", "1e308", "7.3"])
def test_a_score_the_rubric_does_not_allow_is_left_out_and_reported(tmp_path, capsys, value):
    folder = reports_folder(tmp_path)
    _review(folder, "甲", f"[scores]\ntimeliness = {value}\nstructure = 5\n")
    code, _out, err, out = _export(folder, tmp_path, "csv", capsys)
    assert code == 3 and "not allowed by the rubric" in err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["Reviewer"] == "甲")
    timeliness = next(k for k in row if k.startswith("Timely"))
    assert row[timeliness] == ""  # never exported as a score
    assert row["Invalid scores not counted"].startswith("Timely")  # named on its row as left out
    assert "5" in row.values()


def test_a_file_in_another_reviewers_folder_is_not_exported_under_the_name_it_claims(tmp_path, capsys):
    folder = reports_folder(tmp_path)
    path = _review(folder, "B", "[scores]\ntimeliness = 3\n")
    path.write_text(path.read_text(encoding="utf-8").replace('reviewer = "B"', 'reviewer = "A"'), encoding="utf-8")
    code, _out, err, out = _export(folder, tmp_path, "csv", capsys)
    assert code == 3 and "folder decides" in err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    reviewer_col = next(k for k in rows[0] if k.lower().startswith("reviewer"))
    assert [r[reviewer_col] for r in rows if r[reviewer_col]] == ["B"]


def test_special_files_posing_as_review_files_are_reported_without_reading(tmp_path):
    folder = reports_folder(tmp_path)
    d = folder / "reviews" / "甲"
    d.mkdir(parents=True)
    os.mkfifo(d / "fifo.txt.toml")
    os.symlink("/dev/zero", d / "zero.txt.toml")
    (d / "huge.txt.toml").write_bytes(b"# " + b"x" * (9 * 1024 * 1024))
    with deadline(10):
        found, problems = load_all_reviews(folder / "reviews")
    assert found == []
    reasons = sorted(str(p) for p in problems)
    assert len(reasons) == 3
    assert any("FIFO" in r or "命名管道" in r for r in reasons)
    assert any("device" in r or "设备" in r for r in reasons)
    assert any("MB" in r for r in reasons)


def test_opening_a_review_that_is_a_fifo_does_not_hang(tmp_path):
    folder = reports_folder(tmp_path)
    store = ReviewStore(folder, "甲")
    store.path_for(REPORT).parent.mkdir(parents=True)
    os.mkfifo(store.path_for(REPORT))
    from shenyue.review import ReviewFileError

    with deadline(10), pytest.raises(ReviewFileError):
        store.open(REPORT)


def test_stale_temporary_files_of_killed_saves_are_removed(tmp_path):
    folder = reports_folder(tmp_path)
    session = ReviewStore(folder, "甲").open(REPORT)
    session.set_score("timeliness", 5)
    stale = session.path.with_name(f".{session.path.name}.abc123.tmp")
    fresh = session.path.with_name(f".{session.path.name}.def456.tmp")
    stale.write_bytes(b"half a save")
    fresh.write_bytes(b"a save in progress")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    session.set_score("timeliness", 6)
    assert not stale.exists() and fresh.exists()  # a recent one may belong to a live save
    found, problems = load_all_reviews(folder / "reviews")
    assert problems == [] and [s.review.scores["timeliness"] for s in found] == [6]


def test_the_writer_replaces_only_regular_files(tmp_path):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    link = tmp_path / "link.csv"
    os.symlink(tmp_path / "target.csv", link)
    for path in (fifo, link, tmp_path):
        with pytest.raises(UnsafeTargetError):
            atomic_write_bytes(path, b"x")
    assert fifo.is_fifo() and link.is_symlink()
    atomic_write_bytes(tmp_path / "new.csv", b"ok")
    atomic_write_bytes(tmp_path / "new.csv", b"ok again")
    assert (tmp_path / "new.csv").read_bytes() == b"ok again"


def test_export_with_force_refuses_a_device_or_fifo_output(tmp_path, capsys):
    folder = reports_folder(tmp_path)
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    with deadline(20):
        code = main(["export", str(folder), "-o", str(fifo), "--force", "--no-copy", "--lang", "en"])
    err = capsys.readouterr().err
    assert code != 0 and "not a regular file" in err and "Traceback" not in err
    assert fifo.is_fifo()
    if Path("/dev/full").exists():  # the audit's case; never replaced, whoever runs the test
        code = main(["export", str(folder), "--format", "csv", "-o", "/dev/full", "--force", "--no-copy"])
        assert code != 0 and Path("/dev/full").is_char_device()
