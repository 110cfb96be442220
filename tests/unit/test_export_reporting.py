"""Export says what it left out: a hand-edited score the rubric does not allow and a review file
that cannot be read are never summed wrong or dropped silently (issue 14, point 4)."""

from __future__ import annotations

import csv
import io

from shenyue.cli import main

REL = "xinzhou-changzhengjie-2024.txt"


def _review(folder, reviewer: str, body: str, rel: str = REL):
    path = folder / "reviews" / reviewer / f"{rel}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'report = "{rel}"\nreviewer = "{reviewer}"\n' + body, encoding="utf-8")
    return path


def _export(folder, tmp_path, capsys):
    out = tmp_path / "sheet.csv"
    code = main(["export", str(folder), "-o", str(out), "--force", "--no-copy", "--lang", "en"])
    err = capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    return code, err, rows


def test_a_score_above_the_maximum_is_left_out_of_the_sum_and_named_on_its_row(samples_copy, tmp_path, capsys):
    _review(samples_copy, "甲", "[scores]\ntimeliness = 99\nstructure = 10\n")
    _review(samples_copy, "乙", "[scores]\ntimeliness = 8\n")
    code, err, rows = _export(samples_copy, tmp_path, capsys)
    assert code == 3  # the sheet is written but must not look complete
    assert "not allowed by the rubric" in err and "99" in err
    by_reviewer = {r["Reviewer"]: r for r in rows if r["Reviewer"]}
    bad = by_reviewer["甲"]
    timeliness = next(k for k in bad if k.startswith("Timely"))
    assert bad[timeliness] == ""  # never exported as 99
    assert bad["Sum of scores"] == "10"  # 10 (structure) only
    assert "99" in bad["Invalid scores not counted"] and "(0–10)" in bad["Invalid scores not counted"]
    assert by_reviewer["乙"]["Invalid scores not counted"] == ""


def test_an_unparsable_review_file_makes_export_exit_non_zero_naming_it(samples_copy, tmp_path, capsys):
    bad = _review(samples_copy, "甲", "")
    bad.write_text("scores = [", encoding="utf-8")
    _review(samples_copy, "乙", "[scores]\ntimeliness = 8\n")
    code, err, rows = _export(samples_copy, tmp_path, capsys)
    assert code == 3
    assert bad.name in err
    assert [r["Reviewer"] for r in rows if r["Reviewer"]] == ["乙"]
    assert bad.read_text(encoding="utf-8") == "scores = ["  # exporting never touches a review file


def test_a_clean_export_has_no_invalid_column_and_exits_0(samples_copy, tmp_path, capsys):
    _review(samples_copy, "乙", "[scores]\ntimeliness = 8\n")
    code, _err, rows = _export(samples_copy, tmp_path, capsys)
    assert code == 0 and "Invalid scores not counted" not in rows[0]
