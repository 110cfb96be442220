"""What `shenyue scan` must find in each sample report (annual-report-rules.md §6)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.helpers import SAMPLES

from shenyue.analysis.scan import scan_folder

ANNUAL_KEYS = ["overview", "proactive", "requests", "appeals", "problems", "other"]


@pytest.fixture(scope="module")
def scanned():
    result = scan_folder(SAMPLES)
    return {r.rel: r for r in result.reports}, result


def keys(report):
    return [s.key for s in report.sections]


def titles(report):
    return [s.title for s in report.sections]


def test_all_five_samples_are_read_as_utf8_and_nothing_is_unreadable(scanned):
    reports, result = scanned
    assert sorted(reports) == sorted(p.name for p in SAMPLES.iterdir())
    assert result.unreadable == []
    assert {r.doc.encoding for r in reports.values()} == {"utf-8"}


def test_xiqu_2024_has_seven_sections_with_a_nonstandard_extra_and_three_empty(scanned):
    r = scanned[0]["zhongshan-xiqu-2024.txt"]
    assert r.kind == "annual-2021"
    assert keys(r) == ["overview", "proactive", "requests", "appeals", "problems", "extra-1", "other"]
    assert titles(r) == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题",
        "六、下一步工作计划",
        "七、其他需要报告的事项",
    ]
    assert [s.empty for s in r.sections] == [False, True, True, True, False, False, False]
    assert (r.unit, r.year, r.published) == ("西区街道", 2024, None)
    assert r.title is None and r.preamble is None
    checks = sorted((f.check, f.section) for f in r.findings)
    assert ("section_extra", "extra-1") in checks
    assert ("section_order", "other") in checks  # 其他需要报告的事项 numbered 七
    assert ("section_title_nonstandard", "problems") in checks  # lacks 及改进情况
    assert sorted(f.section for f in r.findings if f.check == "section_empty") == ["appeals", "proactive", "requests"]
    assert not any(f.check == "section_missing" for f in r.findings)


def test_changzhengjie_web_copy_sections_ignore_table_row_labels(scanned):
    r = scanned[0]["xinzhou-changzhengjie-2024.txt"]
    assert r.kind == "annual-2021"
    assert keys(r) == ANNUAL_KEYS  # 一、本年新收… 四、结转下年度… inside table 三 are not sections
    assert titles(r) == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert not any(s.empty for s in r.sections)
    assert (r.unit, r.year, r.published) == ("忻府区长征街街道办事处", 2024, date(2025, 1, 22))
    assert r.text[r.title.start : r.title.end] == "忻府区长征街街道办事处2024年政府信息公开工作年度报告"
    # the web chrome lines are spans, still in the text
    chrome = [r.text[c.start : c.end].strip() for c in r.chrome]
    assert "中国政府网 山西省政府 忻州市政府" in chrome
    assert any(c.startswith("当前位置") for c in chrome)
    assert "关闭本页" in chrome
    assert any(c.startswith("时间:2025-01-22") for c in chrome)
    assert ("page", date(2025, 1, 22)) in [(src, d) for d, src, _ in r.date_candidates]
    # the preamble holds the banner and title, and belongs to no section
    assert r.preamble is not None and r.preamble.end <= r.sections[0].start
    assert r.findings == [] or all(
        f.check not in ("section_missing", "section_extra", "section_empty") for f in r.findings
    )


def test_traditional_mirror_copy_is_a_summary_with_its_own_four_parts(scanned):
    r = scanned[0]["street-2020-summary-traditional.txt"]
    assert r.kind == "summary"
    assert keys(r) == ["part-1", "part-2", "part-3", "part-4"]
    assert titles(r)[0] == "(一)加強公開解讀回應(yīng)力度"
    assert (r.unit, r.year, r.published) == (None, 2020, None)  # "街道2020年…" names no unit


def test_template_is_a_summary_with_no_resolvable_year(scanned):
    r = scanned[0]["district-summary-template.txt"]
    assert r.kind == "summary"
    assert titles(r) == ["一、20xx年度政务公开工作成效", "二、存在的主要问题", "三、20xx年政务公开工作思路"]
    assert (r.unit, r.year, r.published) == (None, None, None)
    assert r.text[r.preamble.start : r.preamble.end].startswith("区政务公开年度最新总结和2024年工作思路")
    # judged as a summary: the six-section and table checks do not apply
    assert not any(f.check in ("section_missing", "table_missing", "table_rows_incomplete") for f in r.findings)


def test_zhongshan_2021_city_report_standard_titles_and_empty_table_sections(scanned):
    r = scanned[0]["zhongshan-city-2021.txt"]
    assert r.kind == "annual-2021"
    assert keys(r) == ANNUAL_KEYS
    assert all(s.standard_title for s in r.sections)
    assert [s.empty for s in r.sections] == [False, True, True, True, False, False]
    assert (r.unit, r.year, r.published) == ("中山市", 2021, None)


def test_section_spans_cover_heading_and_body_and_tile_the_report(scanned):
    for r in scanned[0].values():
        for a, b in zip(r.sections, r.sections[1:]):
            assert a.end == b.start
        for s in r.sections:
            assert r.text[s.start : s.start + len(s.title)] == s.title
            assert s.start < s.body_start <= s.end
