"""The check registry, run_checks' options, the catalogue entries and `shenyue checks`."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers import SAMPLES

import shenyue.analysis.checks.base as base
from shenyue.analysis.checks import UnknownCheck, all_checks, check_ids, ids_where, run_checks
from shenyue.analysis.checks.base import spec
from shenyue.analysis.findings import Finding
from shenyue.analysis.scan import build_report
from shenyue.cli import main
from shenyue.i18n import catalogue
from shenyue.model.report import KINDS, Document
from shenyue.reading import read_document

CHECKS_SRC = Path(base.__file__).parent

# Every check the issue names (annual-report-rules.md §8).
ISSUE_IDS = {
    "t3_column_balance",
    "t3_result_sum",
    "t3_row_total",
    "t4_group_total",
    "cell_nonneg_integer",
    "t2_valid_floor",
    "t2_valid_lt_made",
    "t2_rules_by_ineligible_unit",
    "t2_fee_unit",
    "fee_table_conflict",
    "t4_after_review_gt_review",
    "t4_activity_without_requests",
    "corrected_cases_not_explained",
    "table_missing",
    "table_rows_incomplete",
    "table_blank_cells",
    "format_version_legacy",
    "format_version_premodern",
    "placeholders",
    "pinyin_artifacts",
    "traditional_chars",
    "web_chrome",
    "spam_injection",
    "duplicated_chars",
    "report_year_unresolved",
    "year_mismatch",
    "era_anachronism",
    "publish_date_missing",
    "publish_late",
    "fee_statement_missing",
    "text_table_mismatch",
    "overview_subtopics_missing",
    "problems_section_weak",
    "problems_no_measures",
    "doc_not_annual_report",
    "unit_name_missing",
    "title_missing",
    "signature_missing",
    "template_source_marker",
    "overview_no_figures",
    "gov_accountability_missing",
    "problems_no_prior_followup",
    "section_missing",
    "section_extra",
    "section_order",
    "section_empty",
    "section_title_nonstandard",
    "section_title_typo",
    "template_unfilled",
}


def sample_report(name="xinzhou-changzhengjie-2024.txt"):
    return build_report(read_document(SAMPLES / name, SAMPLES, None), checks=False)


def test_every_issue_check_is_registered_once_with_descriptions():
    ids = check_ids()
    assert len(ids) == len(set(ids))
    assert ISSUE_IDS <= set(ids)
    for one in all_checks():
        assert one.severity in one.severities
        assert one.doc and "\n" not in one.doc
        zh, en = one.description("zh"), one.description("en")
        assert zh != one.description_key and en != one.description_key, one.id
        assert re.search(r"[\u4e00-\u9fff]", zh) and zh != en


def test_every_message_key_used_by_the_checks_is_in_the_catalogue():
    source = "\n".join(p.read_text(encoding="utf-8") for p in CHECKS_SRC.glob("*.py"))
    keys = set(re.findall(r'key="([a-z0-9_]+)"', source))
    keys |= {f"{k}_{suffix}" for k in ("year_mismatch",) for suffix in ("title_period", "title_lead", "period_lead")}
    keys |= {rule for rule in re.findall(r'\("(text_[a-z_]+)", re\.compile', source) if not rule.endswith("_none")}
    always_keyed = {
        "year_mismatch",
        "era_anachronism",
        "template_source_marker",
        "section_order",
        "table_cells_merged",
        "fee_table_conflict",
        "problems_section_weak",
        "text_table_mismatch",
    }
    keys |= {one.id for one in all_checks() if one.id not in always_keyed}
    cat = catalogue()
    missing = sorted(k for k in keys if f"finding.{k}" not in cat)
    assert missing == []
    for k in keys:
        entry = cat[f"finding.{k}"]
        assert entry["zh"] != entry["en"], k


def test_only_narrows_the_run_and_unknown_ids_are_refused():
    report = sample_report()
    everything = run_checks(report)
    assert {f.check for f in everything} >= {"web_chrome", "fee_statement_missing"}
    only = run_checks(report, only="web_chrome")
    assert only and {f.check for f in only} == {"web_chrome"}
    assert run_checks(report, only=["web_chrome", "fee_statement_missing"]) == [
        f for f in everything if f.check in ("web_chrome", "fee_statement_missing")
    ]
    with pytest.raises(UnknownCheck) as err:
        run_checks(report, only=["web_chrome", "no_such_check"])
    assert err.value.ids == ["no_such_check"]


def test_findings_are_sorted_by_position_and_the_text_is_untouched():
    report = sample_report()
    before = report.text
    findings = run_checks(report)
    starts = [f.start if f.start is not None else -1 for f in findings]
    assert starts == sorted(starts)
    assert report.text == before


def test_a_failing_check_is_reported_not_raised(monkeypatch):
    def broken(ctx):
        raise ZeroDivisionError

    monkeypatch.setattr(base, "_PROVIDERS", [(broken, ("placeholders",))])
    findings = run_checks(sample_report())
    assert [(f.check, f.severity, f.message_key) for f in findings] == [("placeholders", "info", "check_failed")]
    assert "ZeroDivisionError" in findings[0].message("en")


def test_checks_command_lists_every_check_in_both_languages(capsys):
    assert main(["checks", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    for one in all_checks():
        assert one.id in out and one.description("en") in out
    assert "error/warning" in out
    assert main(["checks", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "严重程度" in out and all_checks()[0].description("zh") in out


def test_checks_command_json(capsys):
    assert main(["checks", "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data] == check_ids()
    row = next(d for d in data if d["id"] == "pinyin_artifacts")
    assert row["severity"] == "error" and row["severities"] == ["error", "warning"]
    # what each registration declares
    rows = {d["id"]: d for d in data}
    assert rows["t3_row_total"]["arithmetic"] is True and rows["t3_row_total"]["kinds"] == [
        "annual-2021",
        "annual-2019",
    ]
    assert rows["similar_to_peer"]["stage"] == "folder" and rows["placeholders"]["stage"] == "report"
    assert rows["template_unfilled"]["kinds"] == ["template"] and rows["template_unfilled"]["template"] is True
    assert rows["section_missing"]["arithmetic"] is False


# ---------------------------------------------------------------- metadata in the registrations

ARITHMETIC = {
    "t3_column_balance", "t3_result_sum", "t3_row_total", "t4_group_total", "cell_nonneg_integer", "t2_valid_floor",
    "t2_valid_lt_made", "t2_2019_published_le_total", "text_table_mismatch", "carryover_mismatch", "fee_table_conflict",
}  # fmt: skip


def test_every_check_declares_the_kinds_it_judges():
    for s in all_checks():
        assert s.kinds and set(s.kinds) <= set(KINDS), s.id
        assert s.stage in ("report", "folder")
    # the national format's section and table checks judge only reports of that format
    for cid in (
        "section_missing",
        "table_missing",
        "table_rows_incomplete",
        "t3_column_balance",
        "overview_subtopics_missing",
    ):
        assert set(spec(cid).kinds) == {"annual-2021", "annual-2019"}, cid
    # a blank template gets its one finding, a non-report its one finding
    assert [s.id for s in all_checks() if s.applies_to("template")] == ["template_unfilled"]
    assert [s.id for s in all_checks() if s.applies_to("unknown")] == ["doc_not_annual_report"]
    assert spec("placeholders").applies_to("summary") and not spec("section_missing").applies_to("summary")


def test_arithmetic_template_and_folder_stage_are_queries_on_the_registry():
    assert ids_where(arithmetic=True) == ARITHMETIC
    assert ids_where(template=True) == {"placeholders", "template_source_marker", "template_unfilled"}
    assert ids_where(stage="folder") == {
        "similar_to_prior_year",
        "similar_to_peer",
        "problems_same_as_prior_year",
        "carryover_mismatch",
    }
    assert ids_where(arithmetic=True, stage="folder") == {"carryover_mismatch"}


def test_a_registration_without_valid_kinds_or_stage_is_refused():
    with pytest.raises(ValueError):
        base.check("x_no_kinds", "info", kinds=())
    with pytest.raises(ValueError):
        base.check("x_bad_kind", "info", kinds=("annual",))
    with pytest.raises(ValueError):
        base.check("x_bad_stage", "info", kinds=("summary",), stage="later")


@pytest.fixture
def scratch_registry(monkeypatch):
    """Register checks for one test only."""
    monkeypatch.setattr(base, "_SPECS", dict(base._SPECS))
    monkeypatch.setattr(base, "_PROVIDERS", list(base._PROVIDERS))
    return base


def test_a_new_folder_stage_check_runs_after_the_copy_index_not_per_report(scratch_registry):
    @scratch_registry.check("x_folder_probe", "info", kinds=("annual-2021",), stage="folder")
    def probe(ctx):
        """A probe."""
        yield Finding("x_folder_probe", "info")

    from shenyue.analysis.checks.crossreport import add_folder_findings

    report = sample_report()
    assert "x_folder_probe" not in {f.check for f in run_checks(report)}
    report.findings = run_checks(report)
    add_folder_findings([report])
    assert [f.check for f in report.findings].count("x_folder_probe") == 1
    add_folder_findings([report])  # run again: replaced, not added twice
    assert [f.check for f in report.findings].count("x_folder_probe") == 1


def test_a_check_is_not_run_on_kinds_it_does_not_judge(scratch_registry):
    calls = []

    @scratch_registry.check("x_summary_only", "info", kinds=("summary",))
    def probe(ctx):
        """A probe."""
        calls.append(ctx.report.kind)
        return []

    run_checks(sample_report())  # an annual report
    run_checks(sample_report("street-2020-summary-traditional.txt"))
    assert calls == ["summary"]


def test_the_app_list_filters_follow_the_registrations(scratch_registry, tmp_path):
    from shenyue.tui.workspace import ListFilter, Workspace

    @scratch_registry.check("x_new_sum_rule", "error", kinds=("annual-2021",), arithmetic=True)
    def probe(ctx):
        """A probe."""
        return []

    reports = [sample_report(), sample_report("zhongshan-city-2021.txt"), sample_report("zhongshan-xiqu-2024.txt")]
    reports[0].findings = [Finding("x_new_sum_rule", "error")]
    reports[1].findings = [Finding("section_missing", "error")]
    reports[2].findings = [Finding("placeholders", "error")]
    ws = Workspace(tmp_path)
    ws.set_scan(reports, [])
    assert [r.rel for r in ws.visible_rows(ListFilter(finding="arithmetic"))] == [reports[0].rel]
    assert [r.rel for r in ws.visible_rows(ListFilter(finding="template"))] == [reports[2].rel]


FRAGMENTS = [
    "一、总体情况\n",
    "二、主动公开政府信息情况\n",
    "三、收到和处理政府信息公开申请情况\n",
    "五、存在的主要问题及改进情况\n",
    "六、其他需要报告的事项\n",
    "第二十条第(一)项\n",
    "规章\n",
    "0\n",
    " 12 ",
    "0000000",
    "一、本年新收政府信息公开申请数量",
    "(七)总计",
    "结果维持",
    "|",
    "/",
    "2024年",
    "20xx年",
    "x月x日",
    "務(wù)",
    "信息处理费",
    "收费通知",
    "未收到申请",
    "行政复议3件",
    "2025年1月5日\n",
    "街道",
    "人民政府",
    "现场现场",
    "党史学习教育",
    "当前位置:首页 > 公开\n",
    "【】",
    "\u00a0",
]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=120))
def test_fuzz_no_check_fails_on_generated_documents(parts):
    text = "".join(parts)
    data = text.encode("utf-8", "surrogatepass")
    doc = Document(Path("x.txt"), "x.txt", text, "utf-8", hashlib.sha256(data).hexdigest(), len(data), "txt")
    report = build_report(doc, checks=False)
    for f in run_checks(report):
        assert f.message_key != "check_failed", f.params
        if f.start is not None:
            assert 0 <= f.start <= f.end <= len(text)
