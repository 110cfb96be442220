"""Copy detection on small texts built here and on the sample reports."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from shenyue.analysis.similarity import PEER, SAME_UNIT, align, attach_copy_info, find_copies, load_statutory
from shenyue.model.report import Document, Report, Section

HEAD = "一、总体情况\n"
STATUTORY_TAIL = (
    "二、主动公开政府信息情况\n"
    "第二十条第（一）项\n信息内容\n本年制发件数\n规章\n0\n行政规范性文件\n0\n"
    "三、收到和处理政府信息公开申请情况\n"
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n0\n"
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\n0\n"
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "五、存在的主要问题及改进情况\n"
    "六、其他需要报告的事项\n"
    "本年度未发出收费通知，未收取信息处理费。\n"
)

# The copied paragraph; the copy changes 356 -> 1024 and 中山市 -> 江门市 in the middle.
PARA = (
    "全年通过政府网站主动公开政府信息356条，其中政策文件四十二件，及时更新机构职能、权责清单和办事指南，"
    "让中山市群众找得到、看得懂、能监督，同时围绕民生热点加强政策解读，组织开展政策宣讲活动十二场。"
)
PARA_COPY = PARA.replace("356", "1024").replace("中山市", "江门市")

OWN = [
    "街道把老旧小区改造作为年度重点，逐户征求居民意见后再定方案，施工期间每周在楼道张贴进度表。",
    "今年汛期来得早，防汛物资提前两个月备齐，河道巡查由每周一次改为每天一次，未发生人员伤亡。",
    "针对辖区企业反映的用工难题，人社所联合三家职业院校办了四期订单式培训，结业学员大多留在本地就业。",
    "社区食堂开到第六家，老年人凭卡就餐可享八折，菜单由居民代表每月投票更换，满意度明显上升。",
    "镇里把闲置校舍改成乡村振兴展厅，集中展示本地非遗手工艺，周末常有城里游客专程来参观。",
    "档案室完成纸质文件数字化扫描，历年会议纪要可以按关键词检索，查阅时间从半天缩短到几分钟。",
]


def make_report(
    rel: str, text: str, *, unit: str | None = None, year: int | None = None, folder: Path = Path("/reports")
) -> Report:
    data = text.encode("utf-8")
    doc = Document(
        path=folder / rel,
        rel=rel,
        text=text,
        encoding="utf-8",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        source_format="txt",
    )
    return Report(doc=doc, unit=unit, year=year)


def body(*paragraphs: str) -> str:
    return HEAD + "\n".join(paragraphs) + "\n" + STATUTORY_TAIL


@pytest.fixture
def trio():
    a = make_report("a.txt", body(OWN[0], PARA, OWN[1]), unit="西区街道", year=2023)
    b = make_report("b.txt", body(OWN[2], PARA_COPY, OWN[3]), unit="东区街道", year=2023)
    c = make_report("c.txt", body(OWN[4], OWN[5]), unit="南区街道", year=2023)
    return a, b, c


def test_copied_paragraph_found_with_exact_span_and_source(trio):
    a, b, c = trio
    result = find_copies([a, b, c], cache=False)
    spans = result.spans_of("b.txt")
    assert len(spans) == 1
    s = spans[0]
    start = b.text.index(PARA_COPY)
    assert (s.start, s.end) == (start, start + len(PARA_COPY))
    assert s.other_report == "a.txt"
    other = a.text.index(PARA)
    assert (s.other_start, s.other_end) == (other, other + len(PARA))
    assert s.kind == PEER
    assert s.n_reports == 2
    # the JSON list `shenyue similar --json` prints
    import json

    assert json.loads(result.to_json_text()) == result.to_json() == [x.to_json() for x in result.spans()]
    assert result.to_json()[1]["report"] == "b.txt" and result.to_json()[1]["start"] == start
    # and the other way round
    back = result.spans_of("a.txt")
    assert [(x.start, x.end, x.other_report) for x in back] == [(other, other + len(PARA), "b.txt")]


def test_unrelated_text_and_statutory_wording_are_not_reported(trio):
    a, b, c = trio
    result = find_copies([a, b, c], cache=False)
    assert result.spans_of("c.txt") == []  # shares only headings, table labels and the fee sentence
    for report in (a, b):
        for s in result.spans_of(report.rel):
            flagged = report.text[s.start : s.end]
            for own in OWN:
                assert own not in flagged
            assert "总体情况" not in flagged and "收费通知" not in flagged and "第二十条" not in flagged


def test_statutory_titles_alone_share_nothing():
    texts = [body(OWN[i]) for i in range(3)]
    reports = [make_report(f"r{i}.txt", t) for i, t in enumerate(texts)]
    result = find_copies(reports, cache=False)
    assert len(result) == 0


def test_user_statutory_list_extends_the_shipped_one(tmp_path):
    (tmp_path / "statutory.toml").write_text('phrases = ["让中山市群众找得到、看得懂、能监督"]\n', encoding="utf-8")
    st = load_statutory(tmp_path)
    assert any("群众找得到" in p for p in st.phrases)
    assert str(tmp_path / "statutory.toml") in st.sources
    a = make_report("a.txt", body(OWN[0], PARA), folder=tmp_path)
    b = make_report("b.txt", body(OWN[1], PARA), folder=tmp_path)
    result = find_copies([a, b], cache=False, statutory=st)
    flagged = [a.text[s.start : s.end] for s in result.spans_of("a.txt")]
    assert flagged and all("群众找得到" not in f for f in flagged)
    # the masked phrase splits the paragraph: what is before and after it is still found
    assert any("权责清单" in f for f in flagged) and any("政策宣讲" in f for f in flagged)


def test_broken_user_statutory_file_is_reported_not_fatal(tmp_path):
    (tmp_path / "statutory.toml").write_text("lines = [unclosed\n", encoding="utf-8")
    st = load_statutory(tmp_path)
    assert st.problems and st.problems[0][0] == str(tmp_path / "statutory.toml")
    assert "总体情况" in st.lines  # the shipped list still applies


def test_same_unit_other_year_is_same_unit(trio):
    a, _, c = trio
    again = make_report("a-2024.txt", body(OWN[3], PARA_COPY), unit="西区街道", year=2024)
    result = find_copies([a, again, c], cache=False)
    (s,) = result.spans_of("a-2024.txt")
    assert s.other_report == "a.txt" and s.kind == SAME_UNIT


def test_boilerplate_counts_its_reports():
    reports = [make_report(f"r{i}.txt", body(OWN[i], PARA)) for i in range(4)]
    result = find_copies(reports, cache=False)
    for r in reports:
        (s,) = result.spans_of(r.rel)
        assert s.n_reports == 4
        assert r.text[s.start : s.end] == PARA


def test_traditional_copy_with_pinyin_matches_its_simplified_source(sample_text):
    trad = sample_text("traditional")
    # a sentence of the mirror copy (seed 002), written out here in Simplified characters
    simplified = "二是围绕重点领域加大主动公开力度。进一步规范和完善预决算公开操作规程及时制定公开本单位年度预决算信息;"
    lead = "二是圍繞重點領"
    assert lead in trad
    a = make_report("mirror.txt", trad)
    b = make_report("plain.txt", body(OWN[0], simplified, OWN[1]))
    result = find_copies([a, b], cache=False)
    (s,) = result.spans_of("plain.txt")
    start = b.text.index(simplified)
    assert (s.start, s.end) == (start, start + len(simplified))
    (m,) = result.spans_of("mirror.txt")
    flagged = trad[m.start : m.end]
    assert flagged.startswith(lead) and "(yù)" in flagged and flagged.endswith("信息;")
    assert (m.start, m.end) == (s.other_start, s.other_end)


def test_full_width_forms_do_not_break_a_match():
    wide = PARA.replace("356", "３５６").replace("，", ",")
    a = make_report("a.txt", body(OWN[0], PARA))
    b = make_report("b.txt", body(OWN[1], wide))
    result = find_copies([a, b], cache=False)
    (s,) = result.spans_of("b.txt")
    assert b.text[s.start : s.end] == wide


def test_sample_reports_000_and_004_share_zhongshan_wording(samples_copy):
    from shenyue.analysis.scan import scan_folder

    scan = scan_folder(samples_copy, checks=False)
    result = find_copies(scan.reports)
    xiqu = scan.report("zhongshan-xiqu-2024.txt")
    city = scan.report("zhongshan-city-2021.txt")
    pairs = [s for s in result.spans_of(xiqu.rel) if s.other_report == city.rel]
    # what the two 中山 reports share is one stock clause of the provincial wording
    assert [xiqu.text[s.start : s.end] for s in pairs] == ["认真落实国家和省关于政务公开工作的决策部署,"]
    (s,) = pairs
    assert city.text[s.other_start : s.other_end] == "认真落实国家和省关于政务公开工作的决策部署,"
    assert s.kind == PEER  # 西区街道 and 中山市 are different units
    # the Traditional mirror copy (002) and 004 both quote the 条例's own sentence: statutory, not copying
    mirror = scan.report("street-2020-summary-traditional.txt")
    assert "充分發(fā)揮政府信息對人民群眾生產(chǎn)" in mirror.text
    assert result.spans_of(mirror.rel) == []
    # nothing else in the five seeds is shared (headings, the fee sentence and the 条例 are statutory)
    assert {(s.report, s.other_report) for s in result.spans()} == {(xiqu.rel, city.rel), (city.rel, xiqu.rel)}


def test_shares_sources_and_sections_are_attached(trio):
    a, b, c = trio
    start = b.text.index(PARA_COPY)
    b.sections = [
        Section("overview", "一、总体情况", 0, start + len(PARA_COPY) + 1, len(HEAD)),
        Section(
            "proactive", "二、主动公开政府信息情况", start + len(PARA_COPY) + 1, len(b.text), start + len(PARA_COPY) + 1
        ),
    ]
    a_start = a.text.index(PARA)
    a.sections = [Section("overview", "一、总体情况", 0, len(a.text), len(HEAD))]
    result = find_copies([a, b, c], cache=False)
    attach_copy_info([a, b, c], result)
    copy = b.copy.to_json()
    assert copy["peer_share"] == round(len(PARA_COPY) / len(b.text), 4)
    assert copy["same_unit_share"] == 0.0 and copy["common_share"] == 0.0
    assert copy["sources"] == [{"path": "a.txt", "chars": len(PARA_COPY), "kind": PEER}]
    overview = copy["sections"]["overview"]
    assert overview["peer_share"] == round(len(PARA_COPY) / (start + len(PARA_COPY) + 1), 4)
    assert overview["sources"] == [{"path": "a.txt", "chars": len(PARA_COPY), "kind": PEER, "section": "overview"}]
    assert copy["sections"]["proactive"] == {
        "peer_share": 0.0,
        "same_unit_share": 0.0,
        "common_share": 0.0,
        "sources": [],
    }
    assert c.copy.peer_share == 0.0 and c.copy.sources == []
    pairs = result.section_pairs("b.txt", b.sections, {"a.txt": a.sections})
    assert pairs == [
        {
            "section": "overview",
            "other_report": "a.txt",
            "other_section": "overview",
            "chars": len(PARA_COPY),
            "kind": PEER,
        }
    ]
    assert a_start >= 0


def test_alignment_shows_exactly_which_characters_differ(trio):
    a, b, c = trio
    result = find_copies([a, b, c], cache=False)
    (s,) = result.spans_of("b.txt")
    al = align(b.text, s.start, s.end, a.text, s.other_start, s.other_end)
    diffs = [(op.tag, b.text[op.a_start : op.a_end], a.text[op.b_start : op.b_end]) for op in al.differences]
    # only the changed number and the swapped place name differ, at their exact places
    assert diffs == [("replace", "1024", "356"), ("replace", "江门", "中山")]
    (num,) = [op for op in al.ops if b.text[op.a_start : op.a_end] == "1024"]
    assert num.a_start == b.text.index("1024") and num.b_start == a.text.index("356")
    assert 80 < al.score < 100
    equal = "".join(b.text[op.a_start : op.a_end] for op in al.ops if op.tag == "equal")
    assert "权责清单和办事指南" in equal


def test_web_page_chrome_is_not_compared():
    from shenyue.model.report import Span

    footer = (
        "主办单位：中山市人民政府办公室，承办单位：中山市政务服务数据管理局，网站标识码4420000017，粤ICP备05020185号\n"
    )
    a = make_report("a.txt", body(OWN[0]) + footer)
    b = make_report("b.txt", body(OWN[1]) + footer)
    shared = find_copies([a, b], cache=False)
    (flagged,) = [a.text[s.start : s.end] for s in shared.spans_of("a.txt")]
    assert flagged.startswith("主办单位") and "网站标识码" in flagged  # without chrome spans it looks like copying
    for r in (a, b):
        start = r.text.index(footer)
        r.chrome = [Span(start, start + len(footer) - 1, "chrome")]
    assert len(find_copies([a, b], cache=False)) == 0
