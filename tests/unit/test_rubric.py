"""Rubrics: the shipped default, where a team's own rubric is found, how a
broken rubric file is refused, score validation, and gates on totals."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from shenyue import paths
from shenyue.analysis.findings import Finding
from shenyue.cli import main
from shenyue.review import (
    RubricError,
    ScoreError,
    UnknownCriterionError,
    find_rubric,
    load_rubric,
    parse_rubric,
)
from shenyue.review.rubric import default_rubric_text, parse_condition

RULES_CRITERIA = {  # rules §7: id -> (max, a check it lists)
    "timeliness": (10, "publish_late"),
    "structure": (12, "section_missing"),
    "tables_complete": (15, "table_missing"),
    "data_consistency": (18, "t3_column_balance"),
    "overview_substance": (12, "overview_subtopics_missing"),
    "problems_improvement": (13, "problems_section_weak"),
    "other_matters": (5, "fee_statement_missing"),
    "originality": (10, "similar_to_peer"),
    "text_hygiene": (5, "placeholders"),
}

SMALL = textwrap.dedent(
    """\
    [rubric]
    id = "team"
    version = "2"
    name_zh = "小组细则"
    total = 20

    [[rubric.criteria]]
    id = "a"
    label_zh = "甲"
    label_en = "A"
    max = 12

    [[rubric.criteria]]
    id = "b"
    label_zh = "乙"
    max = 8
    step = 1
    checks = ["placeholders"]
    """
)


def findings(*checks: str, severity: str = "error") -> list[Finding]:
    return [Finding(c, severity, i, i + 1) for i, c in enumerate(checks)]


# ---------------------------------------------------------------- the default rubric


def test_default_rubric_has_the_nine_criteria_of_the_rules_adding_up_to_100():
    rubric = load_rubric()
    assert rubric.source.kind == "default" and rubric.source.path is None
    assert rubric.id == "gov_info_annual_report_default" and rubric.version
    assert rubric.criterion_ids == tuple(RULES_CRITERIA)
    for c in rubric.criteria:
        maximum, check = RULES_CRITERIA[c.id]
        assert c.max == maximum and check in c.checks
        assert c.label_zh and c.label_en and c.label_zh != c.label_en
        assert c.full_marks("zh") and c.full_marks("en")
    assert rubric.total == 100 == sum(c.max for c in rubric.criteria)
    assert rubric.step == 0.5
    assert rubric.criterion("timeliness").label("zh") == "按时发布"


def test_default_rubric_gates_match_the_rules():
    gates = {g.id: g for g in load_rubric().gates}
    assert set(gates) == {"doc_not_annual_report", "template_unfilled", "placeholders_template", "source_integrity"}
    assert (gates["doc_not_annual_report"].action, gates["doc_not_annual_report"].cap_total) == ("cap", 30)
    assert (gates["placeholders_template"].action, gates["placeholders_template"].cap_total) == ("cap", 60)
    assert gates["source_integrity"].action == "not_assessable"
    assert gates["source_integrity"].checks() == {"pinyin_artifacts", "spam_injection"}
    assert "模板" in gates["placeholders_template"].note("zh")


# ---------------------------------------------------------------- lookup order


def test_folder_rubric_wins_over_user_rubric_which_wins_over_default(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    assert load_rubric(folder).source.kind == "default"

    user = paths.config_dir() / "rubric.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(SMALL.replace('id = "team"', 'id = "user-rubric"'), encoding="utf-8")
    rubric = load_rubric(folder)
    assert (rubric.id, rubric.source.kind, rubric.source.path) == ("user-rubric", "user", user)

    (folder / "rubric.toml").write_text(SMALL, encoding="utf-8")
    rubric = load_rubric(folder)
    assert (rubric.id, rubric.source.kind) == ("team", "folder")
    assert find_rubric(folder).path == folder / "rubric.toml"
    assert rubric.total == 20 and rubric.criterion("b").label_en == "乙"  # missing English label falls back


def test_a_broken_folder_rubric_is_refused_not_replaced_by_the_default(tmp_path):
    (tmp_path / "rubric.toml").write_text(SMALL.replace("max = 12", 'max = "twelve"'), encoding="utf-8")
    with pytest.raises(RubricError):
        load_rubric(tmp_path)


# ---------------------------------------------------------------- refusing bad rubric files


def refuse(tmp_path: Path, text: str) -> RubricError:
    path = tmp_path / "rubric.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(tmp_path)
    err = info.value
    assert err.path == path
    return err


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def test_missing_criterion_id_names_file_line_and_problem(tmp_path):
    text = SMALL.replace('id = "b"\n', "")
    err = refuse(tmp_path, text)
    assert err.line == line_of(text, "[[rubric.criteria]]", 2)
    assert err.problem_key == "rubric.error.missing_id"
    message = err.message("en")
    assert str(tmp_path / "rubric.toml") in message and f"line {err.line}" in message
    assert "criterion 2 has no id" in message


def test_non_numeric_max_is_refused_at_its_line(tmp_path):
    text = SMALL.replace("max = 8", 'max = "8分"')
    err = refuse(tmp_path, text)
    assert err.line == line_of(text, 'max = "8分"')
    assert "“b”" in err.message("en") and "not a number" in err.message("en")
    assert "不是数字" in err.message("zh") and f"第 {err.line} 行" in err.message("zh")


def test_duplicate_ids_are_refused_at_the_second_one(tmp_path):
    text = SMALL.replace('id = "b"', 'id = "a"')
    err = refuse(tmp_path, text)
    assert err.line == line_of(text, 'id = "a"', 2)
    assert err.problem_key == "rubric.error.duplicate_id"
    assert "“a”" in err.message("en") and "twice" in err.message("en")


def test_totals_that_do_not_add_up_are_refused_at_the_total_line(tmp_path):
    text = SMALL.replace("total = 20", "total = 100")
    err = refuse(tmp_path, text)
    assert err.line == line_of(text, "total = 100")
    assert "20" in err.message("en") and "100" in err.message("en")


def test_toml_syntax_error_gives_its_line(tmp_path):
    text = SMALL.replace('label_en = "A"', 'label_en = "A')
    err = refuse(tmp_path, text)
    assert err.problem_key == "rubric.error.syntax"
    assert err.line == line_of(text, 'label_en = "A')


@pytest.mark.parametrize(
    ("replace", "problem"),
    [
        (("max = 8", "max = 0"), "rubric.error.max_not_positive"),
        (("max = 8", "max = true"), "rubric.error.max_not_number"),
        (("step = 1", "step = 0"), "rubric.error.step_not_positive"),
        (('checks = ["placeholders"]', 'checks = "placeholders"'), "rubric.error.checks_not_list"),
        (('id = "b"', 'id = "overall"'), "rubric.error.bad_id"),
        (('id = "b"', 'id = "b/c"'), "rubric.error.bad_id"),
        (('id = "team"', 'id = ""'), "rubric.error.missing_rubric_id"),
        (("[rubric]\n", "[rubrik]\n"), "rubric.error.missing_rubric_id"),  # [[rubric.criteria]] alone
    ],
)
def test_other_rubric_errors_are_named(tmp_path, replace, problem):
    err = refuse(tmp_path, SMALL.replace(*replace))
    assert err.problem_key == problem
    assert err.message("zh") and err.message("en") and "{" not in err.message("en")


def test_a_file_without_a_rubric_table_is_refused(tmp_path):
    err = refuse(tmp_path, 'title = "评分"\n')
    assert err.problem_key == "rubric.error.missing_table" and err.line is None
    assert "[rubric]" in err.message("en")


def test_gate_errors_are_refused_at_the_gate_line(tmp_path):
    text = (
        SMALL
        + '\n[rubric.gates]\nok = { cap_total = 10 }\nbroken = { cap_total = 10, when = "placeholders hits >=" }\n'
    )
    err = refuse(tmp_path, text)
    assert err.problem_key == "rubric.error.gate_bad_when" and err.line == line_of(text, "broken =")
    text = SMALL + "\n[rubric.gates]\ntoo_high = { cap_total = 30 }\n"
    err = refuse(tmp_path, text)
    assert err.problem_key == "rubric.error.gate_cap_range" and err.line == line_of(text, "too_high")
    text = SMALL + '\n[rubric.gates]\nnothing = { note = "x" }\n'
    assert refuse(tmp_path, text).problem_key == "rubric.error.gate_bad_action"


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "rubric.toml").write_bytes(SMALL.encode("gb18030"))
    with pytest.raises(RubricError) as info:
        load_rubric(tmp_path)
    assert info.value.problem_key == "rubric.error.not_utf8"


def test_a_utf8_bom_from_notepad_is_accepted(tmp_path):
    (tmp_path / "rubric.toml").write_bytes(b"\xef\xbb\xbf" + SMALL.encode("utf-8"))
    assert load_rubric(tmp_path).id == "team"


# ---------------------------------------------------------------- scores


def test_scores_are_validated_against_max_and_step():
    rubric = load_rubric()
    assert rubric.validate_score("timeliness", "8.5") == 8.5
    assert rubric.validate_score("timeliness", "１０") == 10  # full-width digits from a Chinese IME
    assert rubric.validate_score("timeliness", 0) == 0
    assert isinstance(rubric.validate_score("timeliness", 7.0), int)
    for bad, key in (
        ("8.3", "review.error.score_step"),
        (10.5, "review.error.score_range"),
        (-0.5, "review.error.score_range"),
        ("八", "review.error.score_not_number"),
        (float("nan"), "review.error.score_not_number"),
        (True, "review.error.score_not_number"),
    ):
        with pytest.raises(ScoreError) as info:
            rubric.validate_score("timeliness", bad)
        assert info.value.key == key and info.value.criterion == "timeliness"
    with pytest.raises(ScoreError) as info:
        rubric.validate_score("timeliness", "8.3")
    assert "按时发布" in str(info.value) and "0.5" in str(info.value)
    with pytest.raises(UnknownCriterionError):
        rubric.validate_score("nonexistent", 1)


def test_a_criterion_can_have_its_own_step_and_max_is_always_allowed():
    rubric = parse_rubric(SMALL.replace("max = 12", "max = 12.25").replace("total = 20", "total = 20.25"))
    assert rubric.validate_score("a", 12.25) == 12.25  # max itself even though not on the 0.5 grid
    assert rubric.criterion("a").allowed_values()[-2:] == [12, 12.25]
    with pytest.raises(ScoreError):
        rubric.validate_score("b", 2.5)  # b uses step 1
    assert rubric.criterion("b").allowed_values() == list(range(9))


# ---------------------------------------------------------------- gates and totals


def full_marks(rubric):
    return {c.id: c.max for c in rubric.criteria}


def test_gates_cap_the_total_but_leave_the_scores_alone():
    rubric = load_rubric()
    scores = full_marks(rubric)
    total = rubric.compute_total(scores, rubric.gate_hits(findings("placeholders", "placeholders")))
    assert (total.value, total.gates, total.capped) == (100, (), False)  # two hits: no gate

    hits = rubric.gate_hits(findings("placeholders", "placeholders", "placeholders"))
    total = rubric.compute_total(scores, hits)
    assert total.raw == 100 and total.value == 60 and total.capped_by.id == "placeholders_template"
    assert "60" in total.text("zh") and "模板未填写完整" in total.text("zh") and "100" in total.text("zh")
    assert scores["timeliness"] == 10  # the reviewer's numbers are untouched

    low = {"timeliness": 20 / 4}
    total = rubric.compute_total(low, hits)
    assert total.value == 5 and not total.capped and total.gates  # gate fired but did not lower the total


def test_the_lowest_cap_wins_and_not_assessable_voids_the_total():
    rubric = load_rubric()
    scores = full_marks(rubric)
    hits = rubric.gate_hits(findings("doc_not_annual_report", "placeholders", "placeholders", "placeholders"))
    total = rubric.compute_total(scores, hits)
    assert total.value == 30 and total.capped_by.id == "doc_not_annual_report" and len(total.gates) == 2
    total = rubric.compute_total(scores, rubric.gate_hits(findings("pinyin_artifacts", severity="error")))
    assert total.value is None and not total.assessable and total.raw == 100
    assert "不可评" in total.text("zh") and "not assessable" in total.text("en")


def test_totals_report_missing_invalid_and_unknown_scores():
    rubric = load_rubric()
    total = rubric.compute_total({"timeliness": 8.5, "structure": 99, "old_criterion": 3})
    assert total.raw == 8.5 and total.value == 8.5
    assert total.invalid == ("structure",) and total.unknown == ("old_criterion",)
    assert "tables_complete" in total.missing and not total.complete


def test_gate_conditions_understand_severity_counts_and_logic():
    cond = parse_condition("(a error hits >= 2 or b) and not c")
    counts = {("a", "error"): 2, ("a", None): 3, ("b", None): 0, ("c", None): 0}

    def count(check, severity):
        return counts.get((check, severity), 0)

    assert cond.evaluate(count)
    counts[("c", None)] = 1
    assert not cond.evaluate(count)
    assert cond.checks() == {"a", "b", "c"}


# ---------------------------------------------------------------- shenyue rubric


def test_shenyue_rubric_prints_the_rubric_and_its_source(tmp_path, capsys):
    assert main(["rubric", str(tmp_path), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "内置默认评分细则" in out and "按时发布" in out and "timeliness" in out and "封顶 60 分" in out
    (tmp_path / "rubric.toml").write_text(SMALL, encoding="utf-8")
    assert main(["rubric", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "rubric.toml") in out and "team" in out and "Total 20" in out


def test_shenyue_rubric_reports_a_broken_rubric_in_one_line(tmp_path, capsys):
    (tmp_path / "rubric.toml").write_text(SMALL.replace('id = "b"', 'id = "a"'), encoding="utf-8")
    assert main(["rubric", str(tmp_path), "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "rubric.toml" in captured.err and "line" in captured.err
    assert "Traceback" not in captured.err


def test_rubric_init_writes_an_editable_copy_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "rubric.toml"
    assert main(["rubric", "--init", str(tmp_path)]) == 0
    assert target.read_text(encoding="utf-8") == default_rubric_text()
    assert load_rubric(tmp_path).source.kind == "folder"

    target.write_text(SMALL, encoding="utf-8")
    capsys.readouterr()
    assert main(["rubric", "--init", str(tmp_path), "--lang", "en"]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == SMALL  # kept
    assert main(["rubric", "--init", str(tmp_path), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == default_rubric_text()


def test_rubric_init_without_folder_writes_the_user_rubric_and_a_folder_copy_starts_from_it(tmp_path):
    assert main(["rubric", "--init"]) == 0
    user = paths.config_dir() / "rubric.toml"
    assert user.read_text(encoding="utf-8") == default_rubric_text()
    user.write_text(SMALL, encoding="utf-8")
    assert main(["rubric", "--init", str(tmp_path)]) == 0
    assert (tmp_path / "rubric.toml").read_text(encoding="utf-8") == SMALL


def test_one_or_two_pinyin_glosses_do_not_make_a_report_not_assessable():
    # a warning (1-2 hits) may be a genuine gloss of a rare place-name character; only the error gates
    rubric = load_rubric()
    total = rubric.compute_total(full_marks(rubric), rubric.gate_hits(findings("pinyin_artifacts", severity="warning")))
    assert total.assessable and total.value == 100 and total.gates == ()
