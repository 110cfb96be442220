"""Names that are not UTF-8 or carry bidi controls, absurd TOML nesting and
absurd numbers: a clear message every time, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.adversarial.hostile import REPORT, deadline, gbk_name, reports_folder

from shenyue.cli import main
from shenyue.config import load_config
from shenyue.review import ReviewStore, load_rubric
from shenyue.review.errors import RubricError
from shenyue.review.store import resolve_reviewer

DEEP = "[" * 3000 + "]" * 3000


def _cli(args: list[str], env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command with a strict UTF-8 stdout (as in a zh_CN.UTF-8 terminal)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "shenyue", *args], capture_output=True, env=env, timeout=120)


def test_gbk_file_names_in_every_command(tmp_path):
    folder = reports_folder(tmp_path)
    raw, name = gbk_name(folder)
    shutil.copyfile(folder / REPORT, raw)
    for args in (["scan"], ["scan", "--json"], ["similar"], ["similar", "--json"]):
        done = _cli([*args, str(folder), "--lang", "en"])
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        assert b"Traceback" not in done.stderr
        if "--json" in args:
            text = json.dumps(json.loads(done.stdout))
            assert json.dumps(name) in text  # the JSON name decodes back to the file's own bytes
        else:
            assert "报告.txt".encode() in done.stdout  # shown decoded as GBK, as Windows named it
    done = _cli(["export", str(folder), "-o", str(tmp_path / "s.csv"), "--no-copy"])
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert "报告.txt" in (tmp_path / "s-summary.csv").read_text(encoding="utf-8-sig")  # one row per report


def test_a_reviewer_name_in_undecodable_bytes_is_decoded_and_saved(tmp_path):
    folder = reports_folder(tmp_path)
    typed = os.fsdecode("张三".encode("gbk"))
    name = resolve_reviewer(typed)
    assert name == "张三"
    session = ReviewStore(folder, name).open(REPORT)
    session.set_score("timeliness", 4)
    assert (folder / "reviews" / "张三" / f"{REPORT}.toml").is_file()
    garbage = os.fsdecode(b"\xff\xfe\xfd")  # not GBK either: replaced, still a usable name
    store = ReviewStore(folder, resolve_reviewer(garbage))
    store.open(REPORT).set_score("timeliness", 2)
    assert store.reviewer_dir.name.encode("utf-8")


def test_bidi_and_control_characters_in_names_are_neutralised_in_tables(tmp_path, capsys):
    folder = reports_folder(tmp_path)
    shutil.copyfile(folder / REPORT, folder / "abc\u202etxt.exe.txt")
    assert main(["scan", str(folder), "--no-similar", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "<U+202E>" in out


def test_deep_toml_everywhere_is_refused_with_file_and_line(tmp_path, capsys):
    folder = reports_folder(tmp_path)
    (folder / "rubric.toml").write_text(f"x = {DEEP}\n", encoding="utf-8")
    with deadline(10), pytest.raises(RubricError) as info:
        load_rubric(folder)
    assert "rubric.toml" in str(info.value) and "1" in str(info.value)
    assert main(["rubric", str(folder), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "nested" in err

    (folder / "rubric.toml").unlink()
    review = folder / "reviews" / "甲" / f"{REPORT}.toml"
    review.parent.mkdir(parents=True)
    review.write_text(f'report = "{REPORT}"\nreviewer = "甲"\nx = {DEEP}\n', encoding="utf-8")
    assert main(["export", str(folder), "-o", str(tmp_path / "s.md"), "--no-copy", "--lang", "en"]) == 3
    assert "nested" in capsys.readouterr().err

    config = tmp_path / "config.toml"
    config.write_text(f"max_file_mb = 5\nx = {DEEP}\n", encoding="utf-8")
    loaded = load_config(config)
    assert loaded.error is not None and "nested" in str(loaded.error).lower() or "嵌套" in str(loaded.error)


def test_a_deep_gate_condition_is_refused(tmp_path):
    from shenyue.review.rubric import default_rubric_text, parse_rubric

    deep_when = "(" * 5000 + "placeholders" + ")" * 5000
    text = default_rubric_text().replace('when = "placeholders hits >= 3"', f'when = "{deep_when}"')
    assert deep_when in text
    with deadline(10), pytest.raises(RubricError) as info:
        parse_rubric(text)
    assert len(str(info.value)) < 500  # the expression is not echoed whole
    text = default_rubric_text().replace(
        'when = "placeholders hits >= 3"', 'when = "' + "not " * 5000 + 'placeholders"'
    )
    with pytest.raises(RubricError):
        parse_rubric(text)


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "0", "-3"])
def test_absurd_max_size_is_a_usage_error(tmp_path, capsys, value):
    folder = reports_folder(tmp_path)
    assert main(["scan", str(folder), "--max-size", value, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "--max-size" in err and "from 0.001 to 2048" in err


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "-1", '"20"'])
def test_absurd_numbers_in_the_config_file_are_reported_and_the_default_used(tmp_path, capsys, value):
    from shenyue import paths

    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(f"max_file_mb = {value}\nmax_pdf_pages = 1e9\n", encoding="utf-8")
    folder = reports_folder(tmp_path)
    assert main(["scan", str(folder), "--no-similar", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "max_file_mb" in err and "max_pdf_pages" in err and "default" in err
    config = load_config()
    assert config.max_file_bytes == 20 * 1024 * 1024 and config.max_pdf_pages == 200


def test_a_config_file_that_is_a_fifo_does_not_hang(tmp_path):
    path = tmp_path / "config.toml"
    os.mkfifo(path)
    with deadline(5):
        config = load_config(Path(path))
    assert config.error is not None


def test_a_scan_after_an_edit_prints_file_names_in_any_bytes_as_a_scan_without_cache(tmp_path):
    """Most reports then print as the last run printed them (its bytes): a name's undecodable byte still
    prints as the stream's error handler says."""
    folder = reports_folder(tmp_path)
    raw, _name = gbk_name(folder)
    shutil.copyfile(folder / REPORT, raw)
    for env in ({}, {"PYTHONIOENCODING": "gb18030"}):  # a UTF-8 stream gets bytes, another its text
        assert _cli(["scan", "--json", str(folder)], env).returncode == 0
        with open(folder / REPORT, "a", encoding="utf-8") as handle:
            handle.write("\n本报告由本单位自行编写。\n")
        edited = _cli(["scan", "--json", str(folder)], env)
        fresh = _cli(["scan", "--json", "--no-cache", str(folder)], env)
        assert edited.returncode == fresh.returncode
        assert edited.stdout == fresh.stdout and b"Traceback" not in edited.stderr


def test_a_memoised_scan_prints_file_names_in_any_bytes_as_the_scan_did(tmp_path):
    from shenyue.cli.output_memo import memo_root

    folder = reports_folder(tmp_path)
    raw, name = gbk_name(folder)
    shutil.copyfile(folder / REPORT, raw)
    for args in (["scan"], ["scan", "--json"]):
        first = _cli([*args, str(folder), "--lang", "en"])
        again = _cli([*args, str(folder), "--lang", "en"])  # printed from the memo
        assert first.returncode == again.returncode == 0, again.stderr.decode("utf-8", "replace")
        assert again.stdout == first.stdout and b"Traceback" not in again.stderr
    assert len(list(memo_root().glob("*.memo"))) == 2
    assert json.dumps(name) in json.dumps(json.loads(again.stdout))
