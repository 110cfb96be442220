"""Section comments keyed by the section's title in the review file, old part-N files still read
and written in the new form with the next change, nothing lost (issue 14, point 5)."""

from __future__ import annotations

import tomllib

from shenyue.model.report import Section
from shenyue.review import ReviewStore
from shenyue.review.comments import (
    apply_renames,
    legacy_renames,
    section_comment,
    section_comment_key,
    section_target,
)
from shenyue.review.schema import Review, resolve_target

TEMPLATE = "district-summary-template.txt"
PART1 = Section("part-1", "一、20xx年度政务公开工作成效", 0, 10, 5)
PART3 = Section("part-3", "三、20xx年政务公开\t工作思路 ", 20, 30, 25)
OVERVIEW = Section("overview", "一、总体情况", 0, 10, 5)


def _read(path) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def test_standard_sections_keep_their_key_others_use_their_title():
    assert section_comment_key(OVERVIEW) == "overview"
    assert section_comment_key(PART1) == "一、20xx年度政务公开工作成效"
    assert section_comment_key(PART3) == "三、20xx年政务公开 工作思路"  # one line, spaces collapsed
    assert section_comment_key(Section("extra-2", "", 0, 1, 1)) == "extra-2"  # no title: the key stays
    assert resolve_target(section_target(PART1)) == ("section", "一、20xx年度政务公开工作成效")


def test_an_old_part_key_is_read_and_renamed_joining_rather_than_dropping():
    review = Review("r.txt", "张三", section_comments={"part-1": "旧批注", "part-3": "第三部分"})
    assert section_comment(review, PART1) == "旧批注"  # read under the old key
    renames = legacy_renames(review.section_comments, [PART1, PART3, OVERVIEW])
    assert renames == {"part-1": "一、20xx年度政务公开工作成效", "part-3": "三、20xx年政务公开 工作思路"}
    both = {"part-1": "旧批注", "一、20xx年度政务公开工作成效": "新批注"}
    assert apply_renames(both, renames) == {"一、20xx年度政务公开工作成效": "新批注\n旧批注"}
    same = {"part-1": "同一条", "一、20xx年度政务公开工作成效": "同一条"}
    assert apply_renames(same, renames) == {"一、20xx年度政务公开工作成效": "同一条"}


def test_a_review_file_with_part_keys_loads_and_the_next_change_writes_titles(samples_copy):
    store = ReviewStore(samples_copy, "张三")
    path = samples_copy / "reviews" / "张三" / f"{TEMPLATE}.toml"
    path.parent.mkdir(parents=True)
    path.write_text(
        f'report = "{TEMPLATE}"\nreviewer = "张三"\n[comments]\noverall = "总评"\n'
        '[comments.sections]\n"part-1" = "成效部分空泛"\n"part-3" = "思路照抄模板"\n"part-9" = "标题已不在"\n',
        encoding="utf-8",
    )
    session = store.open(TEMPLATE)
    assert session.review.section_comments["part-1"] == "成效部分空泛"  # read as written
    session.section_renames = legacy_renames(session.review.section_comments, [PART1, PART3])
    session.set_score("timeliness", 5)  # any change writes the new form
    data = _read(path)
    assert data["comments"]["sections"] == {
        "part-9": "标题已不在",  # no section of that key in the report: kept as it was
        "一、20xx年度政务公开工作成效": "成效部分空泛",
        "三、20xx年政务公开 工作思路": "思路照抄模板",
    }
    assert data["comments"]["overall"] == "总评"
    # a comment set on the title target lands under the title
    session.set_comment(section_target(PART1), "改写")
    assert _read(path)["comments"]["sections"]["一、20xx年度政务公开工作成效"] == "改写"
    # and an export labels it by its title
    from shenyue.review import load_rubric
    from shenyue.review.export import comment_label

    assert comment_label("section", "一、20xx年度政务公开工作成效", load_rubric()) == "一、20xx年度政务公开工作成效"
