"""Text, year and content checks on documents that break one rule at a time,
and the placeholder rule fuzzed with generated inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_tables_layouts import consistent_values, report_with_tables

from shenyue.analysis.checks import run_checks
from shenyue.analysis.checks.hygiene import placeholder_spans
from shenyue.analysis.scan import build_report
from shenyue.config import Config
from shenyue.model.normalize import to_simplified
from shenyue.model.tables import match_text
from shenyue.reading import read_document


def build(tmp_path: Path, text: str, *, config=None, only=None):
    folder = tmp_path / "reports"
    folder.mkdir(exist_ok=True)
    path = folder / "report.txt"
    path.write_text(text, encoding="utf-8")
    report = build_report(read_document(path, folder, None), checks=False)
    return report, run_checks(report, config=config, only=only)


def base_report(year: int = 2024) -> str:
    return report_with_tables(consistent_values(), "lines", year=year)


def ids(findings, check):
    return [f for f in findings if f.check == check]


def test_the_base_report_is_clean(tmp_path):
    """The documents below differ from this one by one rule each."""
    report, findings = build(tmp_path, base_report())
    assert [(f.check, f.message("en")) for f in findings if f.check != "problems_no_prior_followup"] == []
    assert report.year == 2024 and report.published is not None


# ---------------------------------------------------------------- placeholders

PLACEHOLDERS = [
    ("20xx年", "20xx"),
    ("二〇xx年", "二〇xx"),
    ("x月x日", "x月x日"),
    ("xx月份", "xx月份"),
    ("xx条", "xx"),
    ("XX区", "XX"),
    ("××街道", "××"),
    ("某某社区", "某某"),
    ("【】", "【】"),
    ("【填写单位名称】", "【填写单位名称】"),
    ("[ ]", "[ ]"),
    ("ＸＸ镇", "ＸＸ"),
    ("xx.x万次", "xx.x"),
]
NOT_PLACEHOLDERS = [
    "完成IPv6改造",
    "5G视频办",
    "E政务窗口",
    "打造“1+9+N”平台",
    "N个网格",
    "7×24小时服务",
    "X光机",
    "X射线检查",
    "Excel表格",
    "x86服务器",
    "网址www.xxzx.gov.cn",
    "详见https://x.gov.cn/xxgk",
    "邮箱xx@xm.gov.cn",
    "二○○八年",
    "某单位",
    "Windows XP系统",
]


@pytest.mark.parametrize(("phrase", "hit"), PLACEHOLDERS)
def test_placeholders_are_found(phrase, hit):
    text = f"本年度在{phrase}开展工作。"
    spans = placeholder_spans(match_text(text))
    assert [text[s:e] for s, e, _k, _sev in spans] == [hit]


@pytest.mark.parametrize("phrase", NOT_PLACEHOLDERS)
def test_not_placeholders(phrase):
    text = f"本年度{phrase}。"
    assert placeholder_spans(match_text(text)) == []


def test_box_runs_are_information(tmp_path):
    report, findings = build(tmp_path, base_report().replace("开展培训8次", "开展培训□□次"), only=["placeholders"])
    assert [(f.severity, f.message_key) for f in findings] == [("info", "placeholders_boxes")]


def test_placeholder_in_report_has_span_and_context(tmp_path):
    report, findings = build(tmp_path, base_report().replace("主动公开政府信息294条", "主动公开政府信息xx条"))
    found = ids(findings, "placeholders")
    assert len(found) == 1 and report.text[found[0].start : found[0].end] == "xx"
    assert found[0].params["context"] == "政府信息xx条,开展"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("xX×某【】[]○□△*20二〇年月日份.条区 aIPv6@w\n")), max_size=300))
def test_fuzz_placeholder_rule(text):
    norm = match_text(text)
    for s, e, _kind, severity in placeholder_spans(norm):
        assert 0 <= s < e <= len(text)
        assert severity in ("error", "info")
        assert any(ch in text[s:e] for ch in "xX×某【[○□△*")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_fuzz_placeholder_rule_on_any_text(text):
    placeholder_spans(match_text(text))


# ---------------------------------------------------------------- corrupted copies


def test_pinyin_artifacts(tmp_path):
    three = base_report().replace("信息", "信(xìn)息", 3)
    _, findings = build(tmp_path, three, only=["pinyin_artifacts"])
    assert [(f.severity, f.params["count"]) for f in findings] == [("error", 3)]
    one = base_report().replace("理解", "理(lǐ)解", 1)
    _, findings = build(tmp_path, one, only=["pinyin_artifacts"])
    assert [f.severity for f in findings] == ["warning"]
    toneless = base_report().replace("政", "政(zheng)", 5)
    _, findings = build(tmp_path, toneless, only=["pinyin_artifacts"])
    assert [(f.severity, f.message_key) for f in findings] == [("warning", "pinyin_artifacts_toneless")]
    _, findings = build(tmp_path, base_report().replace("政府网站", "政府网站(a)"), only=["pinyin_artifacts"])
    assert findings == []


def test_traditional_copy(tmp_path):
    from shenyue.model.normalize import _t2s_pairs

    trad, simp = _t2s_pairs()
    back = str.maketrans({s: t for t, s in zip(trad, simp) if s != t})
    text = base_report().translate(back)
    assert to_simplified(text) != text
    _, findings = build(tmp_path, text, only=["traditional_chars"])
    assert [f.severity for f in findings] == ["warning"] and findings[0].params["share"] >= 5
    _, findings = build(tmp_path, base_report(), only=["traditional_chars"])
    assert findings == []


def test_spam_injection(tmp_path):
    text = base_report().replace("一、总体情况\n", "一、总体情况\n欧洲杯买球 在线观看\n")
    report, findings = build(tmp_path, text, only=["spam_injection"])
    assert [report.text[f.start : f.end] for f in findings] == ["欧洲杯买球 在线观看"]
    single = base_report().replace("一、总体情况\n", "一、总体情况\n成人教育中心开户\n")
    _, findings = build(tmp_path, single.replace("开户", "开放"), only=["spam_injection"])
    assert findings == []


# ---------------------------------------------------------------- doubled characters


@pytest.mark.parametrize(
    "phrase",
    [
        "层层把关",
        "紧紧围绕",
        "一一对应",
        "扎扎实实推进",
        "认认真真",
        "长征街街道",
        "严谨的工作作风",
        "专业业务能力",
        "人人参与",
        "二〇二二年",
    ],
)
def test_legitimate_reduplications_do_not_fire(tmp_path, phrase):
    _, findings = build(
        tmp_path, base_report().replace("完善政府网站", phrase + ",完善政府网站"), only=["duplicated_chars"]
    )
    assert findings == []


def test_doubled_character_and_repeated_word(tmp_path):
    text = base_report().replace("强化监督考核", "强化监督考核核").replace("开展培训8次", "开展培训培训8次")
    report, findings = build(tmp_path, text, only=["duplicated_chars"])
    assert sorted((report.text[f.start : f.end], f.severity) for f in findings) == [
        ("培训培训", "warning"),
        ("核核", "info"),
    ]


# ---------------------------------------------------------------- title, unit, signature, type


def test_bare_level_title_and_missing_signature(tmp_path):
    text = (
        base_report().replace("长征街街道办事处2024年", "街道2024年").replace("长征街街道办事处\n2025年1月20日\n", "")
    )
    _, findings = build(tmp_path, text)
    assert len(ids(findings, "unit_name_missing")) == 1
    assert len(ids(findings, "signature_missing")) == 1
    assert len(ids(findings, "publish_date_missing")) == 1


def test_no_title(tmp_path):
    text = base_report().split("\n", 1)[1]
    _, findings = build(tmp_path, text, only=["title_missing"])
    assert len(findings) == 1


def test_work_summary_is_not_an_annual_report(tmp_path):
    text = (
        "长征街街道2024年政务公开工作总结\n一、工作成效\n开展工作。\n二、存在问题\n问题。\n三、下一步工作思路\n计划。\n"
    )
    _, findings = build(tmp_path, text, only=["doc_not_annual_report", "template_source_marker"])
    assert [f.check for f in findings] == ["doc_not_annual_report"]


def test_template_title(tmp_path):
    text = base_report().replace("长征街街道办事处2024年政府信息公开工作年度报告", "2024年政府信息公开工作年度报告范文")
    _, findings = build(tmp_path, text, only=["template_source_marker"])
    assert [f.params.get("word") for f in findings] == ["范文"]


# ---------------------------------------------------------------- year and timeliness


def test_report_year_unresolved(tmp_path):
    text = base_report().replace("2025年1月20日\n", "").replace("2024年", "本年").replace("2025年", "下一年")
    report, findings = build(tmp_path, text, only=["report_year_unresolved"])
    assert report.year is None and len(findings) == 1


def test_title_and_lead_year_disagree(tmp_path):
    text = base_report().replace("一、总体情况\n2024年", "一、总体情况\n2023年")
    _, findings = build(tmp_path, text, only=["year_mismatch"])
    assert [(f.severity, f.params) for f in findings] == [("error", {"a": "2024", "b": "2023"})]


def test_publication_and_plan_years(tmp_path):
    text = base_report().replace("2025年1月20日", "2024年12月20日").replace("2025年,我街道将", "2026年,我街道将")
    _, findings = build(tmp_path, text, only=["year_mismatch"])
    assert sorted((f.severity, f.message_key) for f in findings) == [
        ("error", "year_mismatch_published"),
        ("warning", "year_mismatch_plan"),
    ]


def test_era_anachronism(tmp_path):
    text = base_report(2021).replace("主动公开政府信息294条", "深入学习二十大精神,主动公开政府信息294条")
    _, findings = build(tmp_path, text, only=["era_anachronism"])
    assert [(f.severity, f.params["word"]) for f in findings] == [("warning", "二十大")]
    stale = base_report(2024).replace("主动公开政府信息294条", "巩固党史学习教育成果,主动公开政府信息294条")
    _, findings = build(tmp_path, stale, only=["era_anachronism"])
    assert [(f.severity, f.params["word"]) for f in findings] == [("info", "党史学习教育")]
    old_theme = base_report(2019).replace(
        "主动公开政府信息294条", "开展“不忘初心、牢记使命”主题教育,主动公开政府信息294条"
    )
    _, findings = build(tmp_path, old_theme, only=["era_anachronism"])
    assert findings == []


def test_publish_late_for_a_sub_district(tmp_path):
    text = base_report().replace("2025年1月20日", "2025年2月10日")
    report, findings = build(tmp_path, text, only=["publish_late"])
    assert [(f.severity, f.params["days"], f.params["deadline"]) for f in findings] == [("error", 10, "2025-01-31")]
    assert report.text[findings[0].start : findings[0].end].startswith("2025年2月10日")
    late = base_report().replace("2025年1月20日", "2025年4月20日")
    _, findings = build(tmp_path, late, only=["publish_late"])
    assert [f.message_key for f in findings] == ["publish_late_60"]


def test_publish_deadline_is_configurable(tmp_path):
    text = base_report().replace("2025年1月20日", "2025年2月10日")
    config = Config(tmp_path / "config.toml", {"deadlines": {"subdistrict": "02-28"}})
    _, findings = build(tmp_path, text, config=config, only=["publish_late"])
    assert findings == []
    _, findings = build(tmp_path, text, config={"default": "03-01"}, only=["publish_late"])
    assert findings == []  # the [deadlines] table passed on its own (as a scan worker gets it)
    bad = Config(tmp_path / "config.toml", {"deadlines": {"subdistrict": "not a date"}})
    _, findings = build(tmp_path, text, config=bad, only=["publish_late"])
    assert len(findings) == 1  # an unreadable setting falls back to the default


def test_government_report_has_until_31_march(tmp_path):
    text = (
        base_report()
        .replace("长征街街道办事处", "东城区人民政府")
        .replace("我街道", "我区")
        .replace("2025年1月20日", "2025年3月20日")
    )
    _, findings = build(tmp_path, text, only=["publish_late"])
    assert findings == []
    _, findings = build(tmp_path, text.replace("2025年3月20日", "2025年4月2日"), only=["publish_late"])
    assert [f.params["deadline"] for f in findings] == ["2025-03-31"]


# ---------------------------------------------------------------- content


def test_fee_statement(tmp_path):
    no_fee = base_report().replace("本年度未发出收费通知,未收取信息处理费。", "无其他需要报告的事项。")
    _, findings = build(tmp_path, no_fee, only=["fee_statement_missing"])
    assert len(findings) == 1
    _, findings = build(
        tmp_path, no_fee.replace("2024", "2020").replace("2025", "2021"), only=["fee_statement_missing"]
    )
    assert findings == []  # the fee measures apply from 2021
    other = base_report().replace("本年度未发出收费通知,未收取信息处理费。", "本年度未收取任何费用。")
    _, findings = build(tmp_path, other, only=["fee_statement_missing"])
    assert findings == []


def test_overview_checks(tmp_path):
    text = (
        base_report()
        .replace("主动公开政府信息294条,开展培训8次", "主动公开政府信息")
        .replace("强化监督考核和社会评议,落实责任追究", "强化工作")
    )
    _, findings = build(
        tmp_path, text, only=["overview_no_figures", "gov_accountability_missing", "overview_subtopics_missing"]
    )
    assert sorted((f.check, f.severity) for f in findings) == [
        ("gov_accountability_missing", "info"),
        ("overview_no_figures", "warning"),
        ("overview_subtopics_missing", "warning"),
    ]
    assert [f.params["topic"] for f in findings if f.check == "overview_subtopics_missing"] == ["监督保障"]


def test_problems_checks(tmp_path):
    generic = (
        "一是政务公开内容质量有待提高;二是队伍建设有待加强;三是政策解读形式有待提升;"
        "四是平台功能有待完善;五是宣传力度还需加大。本部分问题均需在今后工作中逐项研究,结合本单位实际情况认真分析原因并提出办法。"
    )
    text = base_report()
    start = text.index("一是政务公开人员")
    end = text.index("六、其他需要报告的事项")
    weak = text[:start] + generic * 3 + "\n" + text[end:]
    _, findings = build(tmp_path, weak, only=["problems_section_weak", "problems_no_measures"])
    assert sorted((f.check, f.message_key or "") for f in findings) == [
        ("problems_no_measures", ""),
        ("problems_section_weak", "problems_section_generic"),
    ]
    followed = text.replace("一是政务公开人员", "针对上年度发现的问题已全部整改落实。一是政务公开人员")
    _, findings = build(tmp_path, followed, only=["problems_no_prior_followup"])
    assert findings == []


def test_premodern_layout(tmp_path):
    text = (
        "东城区2020年政府信息公开工作年度报告\n一、概述\n本年度工作。\n二、主动公开政府信息情况\n公开。\n"
        "三、依申请公开政府信息情况\n申请。\n四、政府信息公开的收费及减免情况\n无。\n"
    )
    _, findings = build(tmp_path, text, only=["format_version_premodern"])
    assert [f.severity for f in findings] == ["error"]


def test_statistics_period_year_disagrees_with_title(tmp_path):
    text = base_report().replace("一、总体情况\n", "一、总体情况\n本报告统计期限为2023年1月1日至2023年12月31日。\n")
    _, findings = build(tmp_path, text, only=["year_mismatch"])
    assert [(f.message_key, f.params) for f in findings] == [("year_mismatch_title_period", {"a": "2024", "b": "2023"})]


def _with_lead(lead: str, year: int = 2024) -> str:
    text = base_report(year)
    head, rest = text.split("\n", 1)
    return f"{head}\n{lead}\n{rest}"


def test_a_report_that_names_itself_with_another_year_is_an_error(tmp_path):
    """A 2024 report that says it compiles the 2025 report (a typo or last year's text) is reported where it says so."""
    text = _with_lead(
        "根据《中华人民共和国政府信息公开条例》要求，结合我局实际，编制完成2025年度政府信息公开工作年度报告。"
    )
    report, findings = build(tmp_path, text, only=["year_mismatch"])
    hits = [f for f in findings if f.message_key == "year_mismatch_self"]
    assert [(f.severity, f.params) for f in hits] == [("error", {"named": 2025, "year": 2024})]
    assert report.text[hits[0].start : hits[0].end] == "2025"


def test_a_report_naming_its_own_year_or_citing_a_document_title_is_not_reported(tmp_path):
    """The right year, and a year inside a cited document's title, are no finding."""
    text = _with_lead(
        "根据《关于编制公布2024年政府信息公开工作年度报告的通知》要求，现编制完成2024年度政府信息公开工作年度报告。"
    )
    _, findings = build(tmp_path, text, only=["year_mismatch"])
    assert [f.message_key for f in findings] == []


def test_citing_last_years_notice_as_the_basis_is_a_warning(tmp_path):
    """A 2024 report compiled 'according to the notice on the 2023 reports' kept last year's basis."""
    text = _with_lead("根据《关于编制公布2023年政府信息公开工作年度报告有关事项的通知》（办便函〔2023〕95号）要求，"
                      "现编制完成2024年度政府信息公开工作年度报告。")  # fmt: skip
    _, findings = build(tmp_path, text, only=["year_mismatch"])
    assert [(f.severity, f.message_key, f.params) for f in findings] == [
        ("warning", "year_mismatch_basis", {"cited": 2023, "year": 2024})]  # fmt: skip
