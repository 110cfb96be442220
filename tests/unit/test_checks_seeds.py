"""The automatic checks on the five sample documents: the hits and non-hits of
annual-report-rules.md §6 and the Seeds columns of §8."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from tests.helpers import SAMPLES

from shenyue.analysis.checks import run_checks
from shenyue.analysis.scan import build_report
from shenyue.reading import read_document

FILES = {
    "xiqu": "zhongshan-xiqu-2024.txt",
    "changzheng": "xinzhou-changzhengjie-2024.txt",
    "traditional": "street-2020-summary-traditional.txt",
    "template": "district-summary-template.txt",
    "zhongshan": "zhongshan-city-2021.txt",
}
ARITHMETIC = {
    "t3_column_balance",
    "t3_result_sum",
    "t3_row_total",
    "t4_group_total",
    "cell_nonneg_integer",
    "t2_valid_floor",
}


@pytest.fixture(scope="module")
def seeds():
    out = {}
    for name, file in FILES.items():
        doc = read_document(SAMPLES / file, SAMPLES, None)
        report = build_report(doc, checks=False)
        out[name] = (report, run_checks(report))
    return out


def hits(findings, check, severity=None):
    return [f for f in findings if f.check == check and (severity is None or f.severity == severity)]


def spans(report, findings, check):
    return [report.text[f.start : f.end] for f in hits(findings, check)]


# ---------------------------------------------------------------- seed 000: 中山市西区街道 2024


def test_seed_000_tables_lost_in_extraction(seeds):
    report, findings = seeds["xiqu"]
    missing = hits(findings, "table_missing", "error")
    assert [report.text[f.start : f.end] for f in missing] == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    assert "抽取丢失" in missing[0].message("zh") and "original" in missing[0].message("en")
    # the figures quoted in the overview cannot be checked against absent tables
    na = hits(findings, "table_not_assessable")
    assert len(na) == 1 and na[0].params["count"] == 2
    assert not hits(findings, "text_table_mismatch")


def test_seed_000_content_findings(seeds):
    report, findings = seeds["xiqu"]
    assert spans(report, findings, "duplicated_chars") == ["效效"]
    assert hits(findings, "duplicated_chars")[0].severity == "info"
    assert "成效效" in hits(findings, "duplicated_chars")[0].message("zh")
    assert len(hits(findings, "problems_section_weak", "warning")) == 1
    measures = hits(findings, "problems_no_measures", "warning")
    assert len(measures) == 1 and "下一步工作计划" in measures[0].message("zh")
    topics = hits(findings, "overview_subtopics_missing")
    assert [f.params["topic"] for f in topics] == ["监督保障"]
    assert [f.severity for f in hits(findings, "gov_accountability_missing")] == ["info"]
    for check in ("title_missing", "signature_missing", "publish_date_missing", "problems_no_prior_followup"):
        assert len(hits(findings, check)) == 1, check


def test_seed_000_non_hits(seeds):
    report, findings = seeds["xiqu"]
    # 5G视频办, N个网格, 1+9+N, E政务 are not placeholders
    assert hits(findings, "placeholders") == []
    for check in (
        "fee_statement_missing",
        "era_anachronism",
        "year_mismatch",
        "report_year_unresolved",
        "doc_not_annual_report",
        "pinyin_artifacts",
        "traditional_chars",
        "web_chrome",
        "publish_late",
    ):
        assert hits(findings, check) == [], check


def test_seed_000_structure_findings_are_included(seeds):
    report, findings = seeds["xiqu"]
    assert spans(report, findings, "section_extra") == ["六、下一步工作计划"]
    assert len(hits(findings, "section_empty")) == 3


# ---------------------------------------------------------------- seed 001: 长征街街道 2024 (web copy)


def test_seed_001_web_chrome_lines(seeds):
    report, findings = seeds["changzheng"]
    lines = [s.strip() for s in spans(report, findings, "web_chrome")]
    assert len(lines) == 4
    assert lines[0] == "中国政府网 山西省政府 忻州市政府"
    assert lines[1].startswith("当前位置") and lines[2].startswith("时间:2025-01-22") and lines[3] == "关闭本页"
    assert {f.severity for f in hits(findings, "web_chrome")} == {"info"}


def test_seed_001_tables_pass_every_identity(seeds):
    report, findings = seeds["changzheng"]
    checks = {f.check for f in findings}
    assert not checks & ARITHMETIC
    for check in (
        "table_missing",
        "table_rows_incomplete",
        "table_blank_cells",
        "table_cells_merged",
        "table_not_assessable",
        "text_table_mismatch",
        "format_version_legacy",
        "fee_table_conflict",
    ):
        assert check not in checks, check
    assert report.tables is not None and report.tables.t3.n_cells == 175


def test_seed_001_fee_statement_missing_table_label_does_not_count(seeds):
    report, findings = seeds["changzheng"]
    fee = hits(findings, "fee_statement_missing", "warning")
    assert len(fee) == 1
    assert report.text[fee[0].start : fee[0].end] == "六、其他需要报告的事项"
    assert "收费通知" in report.text  # only in the table-三 row label


def test_seed_001_non_hits(seeds):
    report, findings = seeds["changzheng"]
    for check in (
        "placeholders",
        "duplicated_chars",
        "publish_late",
        "publish_date_missing",
        "year_mismatch",
        "report_year_unresolved",
        "problems_section_weak",
        "problems_no_measures",
        "overview_subtopics_missing",
        "overview_no_figures",
        "gov_accountability_missing",
        "signature_missing",
        "title_missing",
        "unit_name_missing",
        "doc_not_annual_report",
        "era_anachronism",
    ):
        assert hits(findings, check) == [], check
    assert len(hits(findings, "problems_no_prior_followup")) == 1


# ---------------------------------------------------------------- seed 002: traditional mirror copy


def test_seed_002_corrupted_copy(seeds):
    report, findings = seeds["traditional"]
    pinyin = hits(findings, "pinyin_artifacts", "error")
    assert len(pinyin) == 1 and pinyin[0].params["count"] == 152
    assert report.text[pinyin[0].start : pinyin[0].end] == "務(wù)"
    trad = hits(findings, "traditional_chars", "warning")
    assert len(trad) == 1 and 20 <= trad[0].params["share"] <= 40


def test_seed_002_placeholders_every_instance(seeds):
    report, findings = seeds["traditional"]
    found = hits(findings, "placeholders", "error")
    contexts = [report.text[f.start - 1 : f.end + 1] for f in found]
    assert [report.text[f.start : f.end] for f in found] == ["XX"] * 4
    assert contexts == ["年XX區", "年XX街", "揮XX微", "安XX等"]
    assert len(found) == len(re.findall("XX", report.text))


def test_seed_002_document_type(seeds):
    report, findings = seeds["traditional"]
    assert len(hits(findings, "doc_not_annual_report", "error")) == 1
    assert len(hits(findings, "unit_name_missing", "warning")) == 1
    assert len(hits(findings, "signature_missing")) == 1 and len(hits(findings, "publish_date_missing")) == 1
    assert hits(findings, "title_missing") == [] and hits(findings, "table_missing") == []


# ---------------------------------------------------------------- seed 003: downloaded template


def test_seed_003_every_placeholder_instance(seeds):
    report, findings = seeds["template"]
    found = hits(findings, "placeholders", "error")
    covered = [(f.start, f.end) for f in found]
    # every run of x/X in the text is inside exactly one finding
    for m in re.finditer(r"[xX]+", report.text):
        inside = [c for c in covered if c[0] <= m.start() and m.end() <= c[1]]
        assert len(inside) == 1, (m.group(), report.text[m.start() - 4 : m.end() + 4])
    kinds = Counter(f.params["kind"] for f in found)
    assert kinds["year"] == 6
    texts = {report.text[f.start : f.end] for f in found}
    assert {"20xx", "x", "x月x日", "xx月xx日", "xxxxx", "xxxx", "xx", "xx月份", "xx.x"} <= texts


def test_seed_003_year_and_template(seeds):
    report, findings = seeds["template"]
    assert len(hits(findings, "report_year_unresolved", "error")) == 1
    mismatch = hits(findings, "year_mismatch", "error")
    assert len(mismatch) == 1 and mismatch[0].params == {"a": "2024", "b": "20xx"}
    era = hits(findings, "era_anachronism")
    assert sorted(f.params["word"] for f in era) == ["党史学习教育", "我为群众办实事"]
    assert len(hits(findings, "template_source_marker", "warning")) == 1
    assert len(hits(findings, "doc_not_annual_report", "error")) == 1
    assert len(hits(findings, "unit_name_missing", "warning")) == 1


def test_seed_003_duplicated_words(seeds):
    report, findings = seeds["template"]
    dup = hits(findings, "duplicated_chars")
    assert [(report.text[f.start : f.end], f.severity) for f in dup] == [("现场现场", "warning")]


# ---------------------------------------------------------------- seed 004: 中山市 2021


def test_seed_004_findings(seeds):
    report, findings = seeds["zhongshan"]
    assert len(hits(findings, "table_missing", "error")) == 3
    assert [f.params["topic"] for f in hits(findings, "overview_subtopics_missing")] == ["政府信息管理"]
    gov = hits(findings, "gov_accountability_missing")
    assert [f.severity for f in gov] == ["warning"]
    assert "社会评议" in gov[0].params["missing"] and "责任追究" in gov[0].params["missing"]
    assert len(hits(findings, "problems_section_weak", "warning")) == 1
    for check in ("title_missing", "signature_missing", "publish_date_missing", "problems_no_prior_followup"):
        assert len(hits(findings, check)) == 1, check


def test_seed_004_non_hits(seeds):
    report, findings = seeds["zhongshan"]
    # IPv6 is not a placeholder; 十九届历次全会, 建党100周年 and 十四五 fit 2021; 2022 = Y+1 plan
    for check in (
        "placeholders",
        "era_anachronism",
        "year_mismatch",
        "fee_statement_missing",
        "problems_no_measures",
        "doc_not_annual_report",
        "duplicated_chars",
        "pinyin_artifacts",
        "traditional_chars",
    ):
        assert hits(findings, check) == [], check


# ---------------------------------------------------------------- every seed


@pytest.mark.parametrize("name", list(FILES))
def test_every_finding_has_a_span_inside_the_text_and_messages_in_both_languages(seeds, name):
    report, findings = seeds[name]
    assert findings == run_checks(report)  # deterministic
    for f in findings:
        if f.start is not None:
            assert 0 <= f.start <= f.end <= len(report.text)
        for lang in ("zh", "en"):
            message = f.message(lang)
            assert not message.startswith("finding."), (f.check, f.message_key)
            assert "{" not in message, message
        assert f.check != "check_failed" and f.message_key != "check_failed"
