"""Copied from a peer, repeated from the same unit's earlier year, common wording: kept apart everywhere."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from shenyue.analysis.similarity import COMMON, PEER, REUSED_LATER, SAME_UNIT, attach_copy_info, find_copies, shares
from shenyue.model.report import Document, Report

HEAD = "一、总体情况\n"
# a paragraph one report takes from another
PARA = (
    "全年通过政府网站主动公开政府信息356条，其中政策文件四十二件，及时更新机构职能、权责清单和办事指南，"
    "让群众找得到、看得懂、能监督，同时围绕民生热点加强政策解读，组织开展政策宣讲活动十二场。"
)
# a sentence of the shared template many units use
COMMON_SENTENCE = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央国务院关于全面推进政务公开工作的决策部署，不断提升政务公开质量和实效。"
OWN = [
    "街道把老旧小区改造作为年度重点，逐户征求居民意见后再定方案，施工期间每周在楼道张贴进度表。",
    "今年汛期来得早，防汛物资提前两个月备齐，河道巡查由每周一次改为每天一次，未发生人员伤亡。",
    "针对辖区企业反映的用工难题，人社所联合三家职业院校办了四期订单式培训，结业学员大多留在本地就业。",
    "社区食堂开到第六家，老年人凭卡就餐可享八折，菜单由居民代表每月投票更换，满意度明显上升。",
    "镇里把闲置校舍改成乡村振兴展厅，集中展示本地非遗手工艺，周末常有城里游客专程来参观。",
    "档案室完成纸质文件数字化扫描，历年会议纪要可以按关键词检索，查阅时间从半天缩短到几分钟。",
    "交警大队在学校门口增设护学岗，早晚高峰各派两名民警值守，家长接送车辆排队秩序好了很多。",
    "农技站今年推广稻渔综合种养两千亩，试点农户每亩增收八百元左右，明年计划再扩大一倍面积。",
    "图书馆延长周末开放时间到晚上九点，新增自助借还机三台，寒暑假期间学生读者数量翻了一番。",
    "供水公司更换老化管网十一公里，片区停水投诉比去年少了四成，抢修到场时间压缩到半小时内。",
    "园林处在河堤两侧补种香樟四百株，夜间照明改用太阳能路灯，晨练的居民比往年明显多了起来。",
]


def make_report(rel: str, text: str, *, unit: str | None, year: int | None, folder: Path = Path("/reports")) -> Report:
    data = text.encode("utf-8")
    doc = Document(path=folder / rel, rel=rel, text=text, encoding="utf-8", sha256=hashlib.sha256(data).hexdigest(),
                   size=len(data), source_format="txt")  # fmt: skip
    return Report(doc=doc, unit=unit, year=year)


def body(*paragraphs: str) -> str:
    return HEAD + "\n".join(paragraphs) + "\n"


def spans_with(result, report: Report, needle: str):
    at = report.text.index(needle)
    return [s for s in result.spans_of(report.rel) if s.start < at + len(needle) and s.end > at]


def test_paragraph_in_a_same_year_peer_and_the_units_later_year_is_a_peer_copy():
    a22 = make_report("jia-2022.txt", body(OWN[0], PARA, OWN[1]), unit="平潭综合实验区财政金融局", year=2022)
    a23 = make_report("jia-2023.txt", body(OWN[2], PARA, OWN[3]), unit="平潭综合实验区财政金融局", year=2023)
    b22 = make_report("yi-2022.txt", body(OWN[4], PARA, OWN[5]), unit="平潭综合实验区农业农村局", year=2022)
    result = find_copies([a22, a23, b22], cache=False)
    (s,) = spans_with(result, a22, PARA)
    assert s.kind == PEER and s.other_report == "yi-2022.txt"  # never the unit's own later year
    assert [(h.report, h.kind) for h in s.holders] == [("yi-2022.txt", PEER), ("jia-2023.txt", REUSED_LATER)]
    (s,) = spans_with(result, a23, PARA)
    assert s.kind == SAME_UNIT and s.other_report == "jia-2022.txt"
    # every holder of the passage, with year and kind, the source first
    assert [(h.report, h.year, h.kind) for h in s.holders] == [
        ("jia-2022.txt", 2022, SAME_UNIT),
        ("yi-2022.txt", 2022, PEER),
    ]


def test_same_unit_earlier_year_is_same_unit_and_the_earlier_report_copies_nothing():
    a22 = make_report("jia-2022.txt", body(OWN[0], PARA, OWN[1]), unit="甲局", year=2022)
    a23 = make_report("jia-2023.txt", body(OWN[2], PARA, OWN[3]), unit="甲局", year=2023)
    other = make_report("yi-2023.txt", body(OWN[4], OWN[5]), unit="乙局", year=2023)
    reports = [a22, a23, other]
    result = find_copies(reports, cache=False)
    attach_copy_info(reports, result)
    (s,) = result.spans_of("jia-2023.txt")
    assert s.kind == SAME_UNIT and s.other_report == "jia-2022.txt"
    assert a23.copy.same_unit_share > 0.4 and a23.copy.peer_share == 0.0
    assert a23.copy.main_source.path == "jia-2022.txt" and a23.copy.main_source.kind == SAME_UNIT
    # a later year of the same unit is not where 2022 copied from: shared, but counted nowhere
    (s,) = result.spans_of("jia-2022.txt")
    assert s.kind == REUSED_LATER and s.other_report == "jia-2023.txt" and not s.copied
    assert a22.copy.share == 0.0 and a22.copy.sources == []


def test_sentence_held_by_many_units_is_common_wording_not_copying():
    reports = [
        make_report(f"u{i}.txt", body(OWN[i], COMMON_SENTENCE, OWN[i + 5]), unit=f"第{'一二三四五'[i]}局", year=2023)
        for i in range(5)
    ]
    # one of them also copies a paragraph from another
    reports[1] = make_report("u1.txt", body(OWN[1], COMMON_SENTENCE, OWN[6], PARA), unit="第二局", year=2023)
    reports[2] = make_report("u2.txt", body(OWN[2], COMMON_SENTENCE, OWN[7], PARA), unit="第三局", year=2023)
    result = find_copies(reports, cache=False)
    attach_copy_info(reports, result)
    for r in reports:
        (s,) = spans_with(result, r, COMMON_SENTENCE)
        assert s.kind == COMMON and s.n_units == 5
        assert r.copy.common_share == pytest.approx(len(COMMON_SENTENCE) / len(r.text), abs=0.02)
    u0 = reports[0]
    assert u0.copy.peer_share == 0.0 and u0.copy.same_unit_share == 0.0 and u0.copy.share == 0.0
    assert u0.copy.sources == []  # common wording names no source
    u1 = reports[1]
    assert u1.copy.peer_share == pytest.approx(len(PARA) / len(u1.text), abs=0.02)
    assert u1.copy.main_source.path == "u2.txt"
    # scan JSON and similar --json carry the kind and the common share
    data = u1.copy.to_json()
    assert data["common_share"] > 0 and data["peer_share"] < 0.5
    kinds = {d["kind"] for d in json.loads(result.to_json_text()) if d["report"] == "u1.txt"}
    assert kinds == {COMMON, PEER}


def test_units_not_reports_decide_common_wording():
    # two units with two years each: four reports, two holders
    reports = [
        make_report(f"{u}-{y}.txt", body(OWN[i * 2 + y - 2022], COMMON_SENTENCE), unit=name, year=y)
        for i, (u, name) in enumerate((("jia", "甲局"), ("yi", "乙局")))
        for y in (2022, 2023)
    ]
    result = find_copies(reports, cache=False)
    (s,) = spans_with(result, reports[1], COMMON_SENTENCE)  # jia-2023
    assert s.n_reports == 4 and s.n_units == 2
    assert s.kind == SAME_UNIT and s.other_report == "jia-2022.txt"


def test_two_spellings_of_one_unit_are_one_unit():
    a = make_report("hongze-2023.txt", body(OWN[0], PARA, OWN[1]), unit="洪泽区人民政府", year=2023)
    b = make_report("hongze-2024.txt", body(OWN[2], PARA, OWN[3]), unit="淮安市洪泽区人民政府", year=2024)
    c = make_report("other-2024.txt", body(OWN[4]), unit="淮阴区人民政府", year=2024)
    result = find_copies([a, b, c], cache=False)
    (s,) = result.spans_of("hongze-2024.txt")
    assert s.kind == SAME_UNIT and s.other_report == "hongze-2023.txt"


def test_one_shares_function_behind_the_list_the_pane_and_the_export(tmp_path):
    from shenyue.model.report import Section
    from shenyue.review.export import copy_shares
    from shenyue.tui.copies_backend import copy_data_from

    reports = [
        make_report(f"u{i}.txt", body(OWN[i], COMMON_SENTENCE, OWN[i + 5]), unit=f"第{i}局", year=2023)
        for i in range(4)
    ]
    reports.append(make_report("copier.txt", body(OWN[9], COMMON_SENTENCE, PARA), unit="第九局", year=2023))
    reports.append(make_report("source.txt", body(OWN[10], PARA), unit="第八局", year=2023))
    for r in reports:
        r.sections = [Section("overview", "一、总体情况", 0, len(r.text), len(HEAD))]
    result = find_copies(reports, cache=False)
    attach_copy_info(reports, result)
    data = copy_data_from(reports, result)
    for r in reports:
        whole = shares(r.copy.spans, 0, len(r.text))
        assert data.share(r.rel) == r.copy.share == whole.share  # the list
        assert r.copy.sections["overview"].share == pytest.approx(whole.share, abs=1e-3)  # the pane's section share
        assert copy_shares(r.copy)["peer_share"] == r.copy.peer_share  # the score sheet
    # sorting by share puts the copier on top, not the reports that only hold common wording
    ranked = sorted(reports, key=lambda r: -data.share(r.rel))
    assert {ranked[0].rel, ranked[1].rel} == {"copier.txt", "source.txt"}
    assert all(data.share(r.rel) == 0.0 for r in ranked[2:])


def test_two_reports_of_one_unit_and_one_year_hold_each_other():
    a = make_report("jia.txt", body(OWN[0], PARA, OWN[1]), unit="甲局", year=2023)
    b = make_report("jia-copy.txt", body(OWN[2], PARA, OWN[3]), unit="甲局", year=2023)
    result = find_copies([a, b], cache=False)
    for r, other in ((a, "jia-copy.txt"), (b, "jia.txt")):
        (s,) = result.spans_of(r.rel)
        assert s.kind == SAME_UNIT and s.other_report == other


def test_shares_are_of_the_prose_not_of_tables_or_a_page_header():
    """A report whose copied paragraph is half its prose reads 50 %, however long its statistics tables are."""
    from shenyue.model.report import Span

    table = "本年新收政府信息公开申请数量3000003" * 40
    a = make_report("jia-2022.txt", body(OWN[0], PARA, OWN[1]), unit="甲局", year=2022)
    text = body(OWN[2], PARA) + table + "\n"
    b = make_report("yi-2022.txt", text, unit="乙局", year=2022)
    start = text.index(table)
    b.table_spans = [Span(start, start + len(table), "table")]
    result = find_copies([a, b], cache=False)
    attach_copy_info([a, b], result)
    prose = len(text) - len(table)
    copied = sum(s.end - s.start for s in result.spans_of(b.rel) if s.kind == PEER)
    assert copied > 0.8 * len(PARA)
    assert b.copy.peer_share == pytest.approx(copied / prose, abs=0.01)
    assert b.copy.peer_share > 0.4  # the table (over half the text) is not in the denominator


def test_a_later_peer_is_never_the_source_of_an_earlier_report():
    """A 2022 paragraph that a peer repeats in 2023: the 2022 report is the original (counted nowhere);
    the 2023 peer report copied it."""
    early = make_report("jia-2022.txt", body(OWN[0], PARA, OWN[1]), unit="甲局", year=2022)
    late = make_report("yi-2023.txt", body(OWN[2], PARA, OWN[3]), unit="乙局", year=2023)
    result = find_copies([early, late], cache=False)
    attach_copy_info([early, late], result)
    (mine,) = spans_with(result, early, PARA)
    (theirs,) = spans_with(result, late, PARA)
    assert mine.kind == REUSED_LATER and theirs.kind == PEER and theirs.other_report == "jia-2022.txt"
    assert early.copy.share == 0 and early.copy.main_source is None
    assert late.copy.peer_share > 0.2


def test_the_source_stretch_is_the_passage_even_when_the_source_repeats_its_words_elsewhere():
    """A phrase the source also uses far away must not stretch the source range over the text between."""
    phrase = PARA[:40]
    source = body(phrase + "。", *OWN[:6], PARA, OWN[6])
    a = make_report("jia-2022.txt", source, unit="甲局", year=2022)
    b = make_report("yi-2023.txt", body(OWN[7], PARA, OWN[8]), unit="乙局", year=2023)
    result = find_copies([a, b], cache=False)
    (span,) = spans_with(result, b, PARA)
    assert span.other_report == "jia-2022.txt"
    at = source.index(PARA)
    assert at - 20 <= span.other_start and span.other_end <= at + len(PARA) + 20


def test_one_reports_spans_are_the_same_whether_asked_alone_or_with_the_whole_folder():
    """Opening one report makes only its spans (its holders and relations); they equal the folder's."""
    from shenyue.analysis.similarity.result import SimilarityResult

    a22 = make_report("jia-2022.txt", body(OWN[0], PARA, OWN[1], COMMON_SENTENCE), unit="甲局", year=2022)
    a23 = make_report("jia-2023.txt", body(OWN[2], PARA, OWN[3], COMMON_SENTENCE), unit="甲局", year=2023)
    b22 = make_report("yi-2022.txt", body(OWN[4], PARA, OWN[5], COMMON_SENTENCE), unit="乙局", year=2022)
    c22 = make_report("bing-2022.txt", body(OWN[6], COMMON_SENTENCE), unit=None, year=None)
    result = find_copies([a22, a23, b22, c22], cache=False)

    def fresh():
        return SimilarityResult(result.entries, result.arrays, result.settings)

    everything = fresh().spans()
    kinds = {h.kind for s in everything for h in s.holders}
    assert {PEER, SAME_UNIT, REUSED_LATER} <= kinds  # every relation is exercised
    for r in (a22, a23, b22, c22):
        alone = fresh().spans_of(r.rel)
        assert alone, r.rel
        assert alone == [s for s in everything if s.report == r.rel]
