"""Review files: saved at every change, atomically, never silently overwritten,
never lost when broken, found again when the report is renamed."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest

from shenyue.analysis.findings import Finding
from shenyue.config import load_config
from shenyue.review import (
    ConflictError,
    CorruptReviewError,
    InvalidStatusError,
    InvalidTargetError,
    NewerSchemaError,
    ReviewerNameError,
    ReviewStore,
    ReviewWriteError,
    ScoreError,
    UnknownCriterionError,
    load_all_reviews,
    remember_reviewer,
    resolve_reviewer,
    resolve_reviews_dir,
    review_rel_path,
    sanitize_reviewer,
)

REPORT = "zhongshan-city-2021.txt"
TRICKY = (
    '第一行：总体情况"偏简"\n第二行 \\ 反斜杠 C:\\报告\\ 与 """三引号""" 及 \'\'\'单引号\'\'\'\n\t缩进行，结尾反斜杠\\'
)


@pytest.fixture
def store(samples_copy) -> ReviewStore:
    return ReviewStore(samples_copy, "张三")


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- round trips


def test_scores_and_tricky_multiline_chinese_comments_survive_write_and_read(store, samples_copy):
    s = store.open(REPORT)
    s.set_score("timeliness", "8.5")
    s.set_score("structure", 12)
    s.set_comment("timeliness", TRICKY)
    s.set_comment("overview", "缺少监督保障\r\n（Windows 换行）")
    s.set_comment("part-2", "第二部分")
    s.set_comment("overall", "总评：\n基本合格")
    s.toggle_flag()  # 需复核
    s.dismiss_finding("section_empty", 10, 20, "表格为图片，\n原件有数据", quote="二、主动公开")

    again = ReviewStore(samples_copy, "张三").open(REPORT)
    assert again.review.content() == s.review.content()
    assert again.score("timeliness") == 8.5 and again.score("structure") == 12
    assert again.comment("timeliness") == TRICKY
    assert again.comment("overview") == "缺少监督保障\n（Windows 换行）"
    assert again.comment("section:part-2") == "第二部分"
    assert again.comment("overall") == "总评：\n基本合格"
    assert again.has_flag("需复核")
    [d] = again.review.dismissed
    assert (d.check, d.start, d.end, d.reason, d.quote) == (
        "section_empty",
        10,
        20,
        "表格为图片，\n原件有数据",
        "二、主动公开",
    )

    raw = tomllib.loads(s.path.read_text(encoding="utf-8"))
    assert raw["schema"] == 1 and raw["reviewer"] == "张三" and raw["report"] == REPORT
    assert re.fullmatch(r"[0-9a-f]{64}", raw["report_sha256"])
    assert raw["rubric"] == {"id": "gov_info_annual_report_default", "version": "1"}
    assert raw["status"] == "in-progress"
    for stamp in (raw["created"], raw["updated"]):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp)


def test_review_file_sits_under_the_reviewer_folder_and_report_path(samples_copy):
    store = ReviewStore(samples_copy, "李四")
    assert store.path_for("sub/dir/报告.txt") == samples_copy / "reviews" / "李四" / "sub" / "dir" / "报告.txt.toml"
    assert store.path_for("a.txt") != store.path_for("a.md")
    assert review_rel_path("../../etc/passwd").parts[:2] != ("..", "..")
    assert all(part not in ("..", ".") for part in review_rel_path("a/../b/./c.txt").parts)


def test_opening_writes_nothing_and_a_change_that_changes_nothing_writes_nothing(store):
    s = store.open(REPORT)
    assert not s.path.exists() and not s.exists
    assert s.set_comment("overall", "").written is False  # nothing to record
    assert not s.path.exists()
    first = s.set_score("timeliness", 8)
    assert first.written and first.created and first.value == 8
    before = s.path.read_bytes()
    again = s.set_score("timeliness", "8.0")
    assert again.written is False and s.path.read_bytes() == before


def test_refused_edits_change_nothing(store):
    s = store.open(REPORT)
    s.set_score("timeliness", 8)
    before = s.path.read_bytes()
    with pytest.raises(ScoreError):
        s.set_score("timeliness", 11)
    with pytest.raises(UnknownCriterionError):
        s.set_score("no_such", 1)
    with pytest.raises(InvalidTargetError):
        s.set_comment("no_such_target", "x")
    with pytest.raises(InvalidStatusError):
        s.set_status("finished")
    assert s.path.read_bytes() == before and s.score("timeliness") == 8


def test_status_moves_to_in_progress_with_the_first_change_and_can_be_set(store):
    s = store.open(REPORT)
    assert s.status == "todo"
    s.set_comment("overall", "开始")
    assert s.status == "in-progress"
    s.set_status("done")
    s.set_comment("overall", "补充")
    assert s.status == "done"  # an explicit status is not changed by later edits
    s.clear_score("timeliness")
    assert store.open(REPORT).status == "done"


def test_comment_targets_and_clearing(store):
    s = store.open(REPORT)
    s.set_comment("criterion:structure", "标题不规范")
    s.set_comment("section:problems", "问题笼统")
    assert s.review.criterion_comments == {"structure": "标题不规范"}
    assert s.review.section_comments == {"problems": "问题笼统"}
    s.set_comment("structure", "  ")
    assert s.review.criterion_comments == {}
    with pytest.raises(InvalidTargetError):
        s.set_comment("criterion:overview", "no such criterion")


def test_toggle_flag_reports_the_new_state(store):
    s = store.open(REPORT)
    assert s.toggle_flag("需复核").value is True
    assert s.toggle_flag("需复核").value is False
    assert s.review.flags == []


# ---------------------------------------------------------------- reviewer names


@pytest.mark.parametrize("name", ["../x", "a/b", "a\\b", "..", ".", "x.", "CON", "a:b*?", "名字/../../etc"])
def test_reviewer_names_become_safe_single_folder_names(name, samples_copy):
    folder = sanitize_reviewer(name)
    assert folder and "/" not in folder and "\\" not in folder
    assert folder not in (".", "..") and not folder.startswith(".") and not folder.endswith((".", " "))
    assert not re.search(r'[<>:"|?*\x00-\x1f]', folder)
    assert folder.split(".")[0].upper() != "CON"
    store = ReviewStore(samples_copy, name)
    s = store.open(REPORT)
    s.set_score("timeliness", 5)
    assert s.path.resolve().is_relative_to((samples_copy / "reviews").resolve())
    assert s.path.parent == samples_copy / "reviews" / folder
    assert tomllib.loads(s.path.read_text(encoding="utf-8"))["reviewer"] == name  # kept as typed


def test_different_names_never_share_a_folder_and_plain_names_stay_readable():
    names = ["a/b", "a_b", "a\\b", "../a_b", "张三", "Zhang San"]
    folders = [sanitize_reviewer(n) for n in names]
    assert len(set(folders)) == len(folders)
    assert sanitize_reviewer("张三") == "张三" and sanitize_reviewer("Zhang San") == "Zhang San"
    assert sanitize_reviewer("  王五  ") == "王五"


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_an_empty_reviewer_name_is_refused(name, samples_copy):
    with pytest.raises(ReviewerNameError) as info:
        ReviewStore(samples_copy, name)
    assert "评审人" in str(info.value)


def test_reviewer_comes_from_the_option_then_the_config_and_can_be_remembered():
    config = load_config()
    assert resolve_reviewer(None, config) is None
    remember_reviewer(config, " 赵六 ")
    assert load_config().reviewer == "赵六"
    assert resolve_reviewer(None, load_config()) == "赵六"
    assert resolve_reviewer("钱七", load_config()) == "钱七"
    with pytest.raises(ReviewerNameError):
        remember_reviewer(config, "")


def test_reviews_folder_can_be_overridden_by_argument_or_config(tmp_path):
    folder = tmp_path / "reports"
    config = load_config()
    assert resolve_reviews_dir(folder, None, config) == folder / "reviews"
    config.set("reviews_dir", "team-reviews")
    assert resolve_reviews_dir(folder, None, load_config()) == folder / "team-reviews"
    assert resolve_reviews_dir(folder, tmp_path / "elsewhere", load_config()) == tmp_path / "elsewhere"


# ---------------------------------------------------------------- atomic writes


def test_a_write_interrupted_before_the_replace_leaves_the_old_file(store, monkeypatch):
    s = store.open(REPORT)
    s.set_score("timeliness", 6)
    before = s.path.read_bytes()

    def power_cut(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(ReviewWriteError) as info:
        s.set_score("timeliness", 9)
    assert s.path.read_bytes() == before
    assert no_temp_files(s.path.parent)
    assert str(s.path) in str(info.value)
    assert s.dirty and s.score("timeliness") == 9  # the change is kept in memory

    monkeypatch.undo()
    assert s.save().written
    assert store.open(REPORT).score("timeliness") == 9


def test_a_write_failing_inside_the_data_write_leaves_the_old_file(store, monkeypatch):
    s = store.open(REPORT)
    s.set_comment("overall", "旧评语")
    before = s.path.read_bytes()
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(ReviewWriteError) as info:
        s.set_comment("overall", "新评语" * 1000)
    assert "No space left" in str(info.value)
    assert s.path.read_bytes() == before and no_temp_files(s.path.parent)


def test_read_only_reviews_folder_gives_a_clear_error(samples_copy, monkeypatch):
    reviews = samples_copy / "reviews" / "张三"
    reviews.mkdir(parents=True)
    reviews.chmod(0o555)
    if os.geteuid() == 0:  # root ignores permissions: answer as the OS answers a normal user

        def denied(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", denied)
    try:
        s = ReviewStore(samples_copy, "张三").open(REPORT)
        with pytest.raises(ReviewWriteError) as info:
            s.set_score("timeliness", 5)
        message = info.value.message("en")
        assert "could not be saved" in message and "Permission denied" in message
        assert str(reviews) in message and "writable" in message
        assert "无法保存" in info.value.message("zh")
    finally:
        reviews.chmod(0o755)


def test_reviews_path_blocked_by_a_file_gives_a_clear_error(samples_copy):
    (samples_copy / "reviews").write_text("not a folder", encoding="utf-8")
    s = ReviewStore(samples_copy, "张三").open(REPORT)
    with pytest.raises(ReviewWriteError) as info:
        s.set_score("timeliness", 5)
    assert "reviews" in str(info.value)
    assert (samples_copy / "reviews").read_text(encoding="utf-8") == "not a folder"


# ---------------------------------------------------------------- concurrent modification


def test_changes_to_different_fields_by_another_session_are_merged_not_lost(samples_copy):
    ours = ReviewStore(samples_copy, "张三").open(REPORT)
    ours.set_score("timeliness", 5)
    theirs = ReviewStore(samples_copy, "张三").open(REPORT)  # e.g. a second window
    theirs.set_score("structure", 10)
    theirs.set_comment("overall", "他们的评语")

    result = ours.set_score("originality", 7)
    assert result.written and result.merged
    on_disk = ReviewStore(samples_copy, "张三").open(REPORT).review
    assert on_disk.scores == {"timeliness": 5, "structure": 10, "originality": 7}
    assert on_disk.overall_comment == "他们的评语"
    assert ours.review.scores == on_disk.scores  # our view shows their change too
    assert not list(ours.path.parent.glob(ours.path.name + ".conflict-*"))


def test_the_same_field_changed_by_another_session_is_not_overwritten_and_both_versions_are_kept(samples_copy):
    ours = ReviewStore(samples_copy, "张三").open(REPORT)
    ours.set_score("timeliness", 5)
    theirs = ReviewStore(samples_copy, "张三").open(REPORT)  # e.g. a second window
    theirs.set_score("structure", 10)
    theirs.set_comment("overall", "他们的评语")
    their_bytes = ours.path.read_bytes()

    with pytest.raises(ConflictError) as info:
        ours.set_comment("overall", "我的评语")
    conflict = info.value
    assert ours.path.read_bytes() == their_bytes  # their file untouched
    assert conflict.path == ours.path and conflict.ours_path.exists()
    assert not conflict.ours_path.name.endswith(".toml")  # never read as a review
    saved = tomllib.loads(conflict.ours_path.read_text(encoding="utf-8"))
    assert saved["comments"]["overall"] == "我的评语"
    assert conflict.theirs.scores == {"timeliness": 5, "structure": 10}
    assert "conflict" in conflict.message("en") or "changed by someone else" in conflict.message("en")
    assert str(conflict.ours_path) in conflict.message("zh")

    with pytest.raises(ConflictError):  # still unresolved: further edits go to the conflict file
        ours.set_score("originality", 7)
    assert tomllib.loads(conflict.ours_path.read_text(encoding="utf-8"))["scores"]["originality"] == 7
    assert ours.path.read_bytes() == their_bytes


def test_keep_ours_writes_ours_and_keeps_theirs_beside_it(samples_copy):
    ours = ReviewStore(samples_copy, "张三").open(REPORT)
    ours.set_score("timeliness", 5)
    other = ReviewStore(samples_copy, "张三").open(REPORT)
    other.set_score("timeliness", 1)
    with pytest.raises(ConflictError) as info:
        ours.set_score("timeliness", 9)
    ours.keep_ours()
    assert ReviewStore(samples_copy, "张三").open(REPORT).score("timeliness") == 9
    theirs_files = list(ours.path.parent.glob(ours.path.name + ".theirs-*"))
    assert len(theirs_files) == 1
    assert tomllib.loads(theirs_files[0].read_text(encoding="utf-8"))["scores"]["timeliness"] == 1
    assert not info.value.ours_path.exists()
    ours.set_score("timeliness", 8)  # back to normal saving
    assert ReviewStore(samples_copy, "张三").open(REPORT).score("timeliness") == 8


def test_take_theirs_reloads_and_our_version_stays_in_the_conflict_file(samples_copy):
    ours = ReviewStore(samples_copy, "张三").open(REPORT)
    ours.set_score("timeliness", 5)
    ours.path.write_text(
        ours.path.read_text(encoding="utf-8").replace("timeliness = 5", "timeliness = 3"), encoding="utf-8"
    )
    with pytest.raises(ConflictError) as info:
        ours.set_score("timeliness", 9)
    review = ours.take_theirs()
    assert review.scores["timeliness"] == 3 and ours.conflict is None
    assert tomllib.loads(info.value.ours_path.read_text(encoding="utf-8"))["scores"]["timeliness"] == 9
    ours.set_score("structure", 4)
    assert ReviewStore(samples_copy, "张三").open(REPORT).review.scores == {"timeliness": 3, "structure": 4}


def test_a_file_deleted_by_someone_else_is_a_conflict_too(store):
    s = store.open(REPORT)
    s.set_score("timeliness", 5)
    s.path.unlink()
    with pytest.raises(ConflictError) as info:
        s.set_score("timeliness", 6)
    assert info.value.theirs is None and not s.path.exists()
    s.keep_ours()
    assert store.open(REPORT).score("timeliness") == 6


# ---------------------------------------------------------------- corrupt files


def test_a_corrupt_file_is_set_aside_reported_and_never_overwritten(store):
    path = store.path_for(REPORT)
    path.parent.mkdir(parents=True)
    garbage = b'schema = 1\nreport = "zhongshan-city-2021.txt"\nscores = { timeliness = 8.5\n'
    path.write_bytes(garbage)

    with pytest.raises(CorruptReviewError) as info:
        store.open(REPORT)
    err = info.value
    assert err.path == path and err.aside is not None and err.aside.read_bytes() == garbage
    assert not path.exists() and not err.aside.name.endswith(".toml")
    message = err.message("en")
    assert str(path) in message and str(err.aside) in message and "TOML" in message

    with pytest.raises(CorruptReviewError):  # not acknowledged yet: still told
        store.open(REPORT)
    s = store.open(REPORT, acknowledge_corrupt=True)
    assert s.review.scores == {} and not s.exists
    s.set_score("timeliness", 4)
    assert store.open(REPORT).score("timeliness") == 4  # new file, no more warnings
    assert err.aside.read_bytes() == garbage  # the broken file is still there for a human


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('schema = 1\nreport = "r.txt"\nreviewer = "张三"\n[scores]\ntimeliness = "高"\n', "scores.timeliness"),
        ('schema = 1\nreport = "r.txt"\nreviewer = "张三"\nstatus = "finished"\n', "finished"),
        ('schema = 1\nreviewer = "张三"\n', "report"),
        ('schema = 1\nreport = "r.txt"\nreviewer = "张三"\nflags = "需复核"\n', "flags"),
    ],
)
def test_a_file_with_wrong_values_is_corrupt_with_the_field_named(store, content, field):
    path = store.path_for(REPORT)
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorruptReviewError) as info:
        store.open(REPORT)
    assert field in info.value.reason
    assert info.value.aside.read_text(encoding="utf-8") == content


def test_a_file_that_is_not_utf8_is_corrupt(store):
    path = store.path_for(REPORT)
    path.parent.mkdir(parents=True)
    path.write_bytes('reviewer = "张三"\n'.encode("gb18030"))
    with pytest.raises(CorruptReviewError) as info:
        store.open(REPORT)
    assert "UTF-8" in info.value.reason


def test_a_file_from_a_newer_version_is_left_alone(store):
    path = store.path_for(REPORT)
    path.parent.mkdir(parents=True)
    path.write_text('schema = 99\nreport = "x"\nreviewer = "张三"\n', encoding="utf-8")
    with pytest.raises(NewerSchemaError) as info:
        store.open(REPORT)
    assert path.exists() and "99" in str(info.value)


def test_unknown_top_level_keys_are_kept_when_saving(store):
    s = store.open(REPORT)
    s.set_score("timeliness", 5)
    s.path.write_text(
        s.path.read_text(encoding="utf-8").replace("schema = 1\n", 'schema = 1\nteam_note = "保留"\n'), encoding="utf-8"
    )
    s = store.open(REPORT)
    s.set_score("timeliness", 6)
    assert tomllib.loads(s.path.read_text(encoding="utf-8"))["team_note"] == "保留"


# ---------------------------------------------------------------- report changes and renames


def test_a_report_changed_since_review_is_noticed_until_accepted(store, samples_copy):
    s = store.open(REPORT)
    s.set_score("timeliness", 5)
    assert not s.report_changed
    with open(samples_copy / REPORT, "ab") as handle:
        handle.write("\n补充一行。".encode())
    s = store.open(REPORT)
    assert s.report_changed
    s.set_comment("overall", "已看过新版本")
    assert store.open(REPORT).report_changed  # editing does not hide the change
    s.accept_report_change()
    assert not store.open(REPORT).report_changed


def test_a_renamed_report_finds_its_review_by_hash_and_the_file_follows(store, samples_copy):
    s = store.open(REPORT)
    s.set_score("timeliness", 7)
    s.set_comment("overall", "改名前的评语")
    old_path = s.path
    (samples_copy / "归档").mkdir()
    shutil.move(samples_copy / REPORT, samples_copy / "归档" / "中山市2021.txt")

    moved = store.open("归档/中山市2021.txt")
    assert moved.renamed_from == REPORT and moved.score("timeliness") == 7
    assert old_path.exists()  # opening does not write
    result = moved.set_score("structure", 10)
    assert result.relinked_from == REPORT
    assert not old_path.exists() and moved.path == store.path_for("归档/中山市2021.txt")
    data = tomllib.loads(moved.path.read_text(encoding="utf-8"))
    assert data["report"] == "归档/中山市2021.txt" and data["comments"]["overall"] == "改名前的评语"


def test_a_review_saved_after_the_hash_index_was_built_is_found_after_a_rename(store, samples_copy):
    store.open("zhongshan-xiqu-2024.txt")  # an unreviewed report: builds the index
    store.open(REPORT).set_score("timeliness", 3)  # saved afterwards by the same store
    (samples_copy / REPORT).rename(samples_copy / "renamed.txt")
    moved = store.open("renamed.txt")
    assert moved.renamed_from == REPORT and moved.score("timeliness") == 3


def test_a_copy_of_a_reviewed_report_does_not_steal_its_review(store, samples_copy):
    s = store.open(REPORT)
    s.set_score("timeliness", 7)
    shutil.copy(samples_copy / REPORT, samples_copy / "copy.txt")
    copy = store.open("copy.txt")
    assert copy.renamed_from is None and copy.review.scores == {}


# ---------------------------------------------------------------- findings, gates and dismissals


def test_dismissed_findings_do_not_trigger_gates(store):
    s = store.open(REPORT)
    for c in s.rubric.criteria:
        s.set_score(c.id, c.max)
    hits = [Finding("placeholders", "error", i * 10, i * 10 + 4) for i in range(3)]
    assert s.total(hits).value == 60
    s.dismiss_finding("placeholders", 0, 4, "“X光”不是占位符")
    assert s.total(hits).value == 100 and s.review.scores["timeliness"] == 10
    assert [f.start for f in s.active_findings(hits)] == [10, 20]
    s.restore_finding("placeholders", 0, 4)
    assert s.total(hits).value == 60


def test_findings_without_a_span_are_dismissed_one_by_one(store):
    s = store.open(REPORT)
    missing_two = Finding("section_missing", "error", params={"number": "二"})
    missing_three = Finding("section_missing", "error", params={"number": "三"})
    s.dismiss(missing_two, "表格在附件中")
    again = store.open(REPORT)
    assert again.is_dismissed(missing_two) and not again.is_dismissed(missing_three)
    again.restore(missing_two)
    assert not store.open(REPORT).is_dismissed(missing_two)


# ---------------------------------------------------------------- reading every reviewer


def test_load_all_reviews_reads_every_reviewer_and_changes_nothing(samples_copy):
    for name in ("张三", "李四", "a/b"):
        ReviewStore(samples_copy, name).open(REPORT).set_score("timeliness", 5)
    broken = ReviewStore(samples_copy, "王五").path_for(REPORT)
    broken.parent.mkdir(parents=True)
    broken.write_text("not = [toml", encoding="utf-8")
    (broken.parent / (broken.name + ".conflict-20250101T000000")).write_text("ignored", encoding="utf-8")
    before = {p: p.read_bytes() for p in (samples_copy / "reviews").rglob("*") if p.is_file()}

    found, problems = load_all_reviews(samples_copy / "reviews")
    assert sorted(r.review.reviewer for r in found) == ["a/b", "张三", "李四"]
    assert len(problems) == 1 and problems[0].path == broken
    after = {p: p.read_bytes() for p in (samples_copy / "reviews").rglob("*") if p.is_file()}
    assert after == before


def test_merge_takes_each_sides_changes_and_refuses_a_clash():
    from shenyue.review.store import Dismissal, Review, merge_reviews

    base = Review("a.txt", "张三", status="in-progress", scores={"timeliness": 5}, flags=["需复核"])
    ours = Review("a.txt", "张三", status="done", scores={"timeliness": 5, "structure": 8}, flags=[],
                  dismissed=[Dismissal("placeholders", 1, 3, "不适用")])  # fmt: skip
    theirs = Review("a.txt", "张三", status="in-progress", scores={"timeliness": 6}, flags=["需复核", "其他"],
                    overall_comment="他们的评语")  # fmt: skip
    merged = merge_reviews(base, ours, theirs)
    assert merged is not None
    assert merged.status == "done" and merged.scores == {"timeliness": 6, "structure": 8}
    assert merged.flags == ["其他"] and merged.overall_comment == "他们的评语"
    assert [d.check for d in merged.dismissed] == ["placeholders"]
    clash = Review("a.txt", "张三", status="in-progress", scores={"timeliness": 7})
    assert merge_reviews(base, Review("a.txt", "张三", status="in-progress", scores={"timeliness": 9}), clash) is None


def test_comments_full_of_brackets_are_not_mistaken_for_deep_nesting(store):
    s = store.open(REPORT)
    text = "[" * 500 + "{" * 500 + " 括号 " + "]" * 3
    s.set_comment("overall", text)
    assert ReviewStore(store.folder, "张三").open(REPORT).comment("overall") == text


def test_review_files_and_score_sheets_follow_the_umask(tmp_path):
    """A team sharing a folder reads each other's files: new files get the umask's mode, not 0600."""
    import os
    import stat

    from shenyue.review import ReviewStore as Store
    from shenyue.review import load_rubric as rubric_of
    from shenyue.review.export import collect_score_sheet, write_export

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("甲区2024年政府信息公开工作年度报告", encoding="utf-8")
    old = os.umask(0o002)
    try:
        session = Store(folder, "张三").open("a.txt")
        session.set_score("timeliness", 8)
        sheet = collect_score_sheet(folder, [], rubric_of(folder))
        written = write_export(sheet, tmp_path / "out" / "s.csv", "csv")
    finally:
        os.umask(old)
    for path in [session.path, *written]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o664, path
    session.path.chmod(0o640)  # a file replaced keeps the mode its owner gave it
    session.set_score("timeliness", 9)
    assert stat.S_IMODE(session.path.stat().st_mode) == 0o640


def test_team_scores_count_mean_and_spread_per_report(tmp_path):
    from shenyue.review import ReviewStore as Store
    from shenyue.review import load_all_reviews
    from shenyue.review import load_rubric as rubric_of
    from shenyue.review.team import team_scores

    folder = tmp_path / "reports"
    folder.mkdir()
    for name, score in (("甲", 10), ("乙", 4), ("丙", None)):
        session = Store(folder, name).open("a.txt")
        if score is None:
            session.set_status("in-progress")  # a file without scores: not counted as scoring
        else:
            session.set_score("timeliness", score)
    found, problems = load_all_reviews(folder / "reviews")
    assert not problems
    team = team_scores(found, rubric_of(folder), {})["a.txt"]
    assert team.scored == 2 and team.mean == 7 and team.spread == 6
    assert team.criterion("timeliness") == {"甲": 10, "乙": 4}
    assert team.others("甲") == sorted(["乙", "丙"])
