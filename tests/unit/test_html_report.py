"""``shenyue report``: the self-contained HTML evidence report, parsed as a
browser would (html5lib) and checked for what its readers rely on: a page per
report, every shared passage beside its source with both sides highlighted,
failing table cells marked with their identity, reviewers' scores and
comments, hostile report text escaped, nothing loaded from outside, and the
folder mode for big folders."""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest

from shenyue.analysis.scan import analyse_copies, scan_folder
from shenyue.cli import main
from shenyue.model.tables import parse_tables
from shenyue.report_html import collect_evidence, render_single, write_html_report
from shenyue.review import ReviewStore

NS = {"h": "http://www.w3.org/1999/xhtml"}
XIQU = "zhongshan-xiqu-2024.txt"
XIQU_PREV = "zhongshan-xiqu-2023.txt"
CHANGZHENG = "xinzhou-changzhengjie-2024.txt"
PEER = "dongqu-2024.txt"
HOSTILE = '"><img src=x onerror=alert(3)>.txt'  # file names are untrusted too
COMMON_TEXT = (
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，"
    "严格执行《中华人民共和国政府信息公开条例》，围绕中心、服务大局，不断加大政府信息公开力度，提升政务服务水平。"
)
ATTACKS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "</style><b>bold</b>",
           "<a href=\"http://evil.example/\">x</a>", "\x07\x1b[31m\u202e")  # fmt: skip


def _with_cell(text: str, cell_id: str, value: str) -> str:
    cell = parse_tables(text).cell(cell_id)
    assert cell is not None
    return text[: cell.start] + value + text[cell.end :]


def build_folder(folder: Path) -> None:
    """Samples plus the same unit's previous year, a peer copying two
    paragraphs, a table that no longer adds up and a report full of markup."""
    xiqu = (folder / XIQU).read_text(encoding="utf-8")
    prev = xiqu.replace("2024年", "2023年").replace("648条", "612条").replace("撤回过期信息20条", "撤回过期信息18条")
    (folder / XIQU_PREV).write_text(prev, encoding="utf-8")
    changzheng = (folder / CHANGZHENG).read_text(encoding="utf-8")
    (folder / CHANGZHENG).write_text(_with_cell(changzheng, "t4.rv.up", "1"), encoding="utf-8")  # 总计 0 ≠ 1
    paras = [p for p in changzheng.split("\n") if len(p) > 120][:2]
    peer = [
        "东区街道2024年政府信息公开工作年度报告", "一、总体情况",
        "2024年，东区街道坚持以人民为中心，扎实推进各项工作，主动公开各类信息310条。", paras[0].replace("长征街", "东区街"),
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", paras[1], "六、其他需要报告的事项", "本年度未收取信息处理费。",
    ]  # fmt: skip
    (folder / PEER).write_text("\n".join(peer) + "\n", encoding="utf-8")
    hostile = [
        f"{ATTACKS[0]}区政府2024年政府信息公开工作年度报告", "一、总体情况",
        f"2024年，本区{ATTACKS[1]}坚持公开为常态，{ATTACKS[2]}主动公开信息20xx条，{ATTACKS[3]}于x月x日完成。{ATTACKS[4]}",
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]  # fmt: skip
    (folder / HOSTILE).write_text("\n".join(peer[:4] + hostile) + "\n", encoding="utf-8")
    for n, unit in enumerate(("北山镇", "南湖镇", "西岭镇", "东港镇", "中洲镇")):  # wording many units share
        body = [f"{unit}2024年政府信息公开工作年度报告", "一、总体情况", COMMON_TEXT,
                f"{unit}今年办理第{n}{n}{n}号事项，{unit * 3}另行安排{n * 7 + 3}次专项培训与{n * 11 + 5}次检查。"]  # fmt: skip
        (folder / f"town-{n}-2024.txt").write_text("\n".join(body) + "\n", encoding="utf-8")


def add_reviews(folder: Path, reports) -> None:
    by_rel = {r.rel: r for r in reports}
    for reviewer, score in (("张三", "8"), ("李四", "6")):
        store = ReviewStore(folder, reviewer=reviewer)
        session = store.open(by_rel[XIQU])
        session.set_score("timeliness", score)
        session.set_comment("timeliness", f"{reviewer}：按时发布")
        session.set_comment("overall", f"{ATTACKS[0]} {reviewer}")
        session.set_status("done")
        if reviewer == "李四":
            finding = next(f for f in by_rel[XIQU].findings if f.check == "section_empty")
            session.dismiss(finding, reason="<i>表格以图片形式提供</i>")


@pytest.fixture
def evidence(samples_copy):
    build_folder(samples_copy)
    result = scan_folder(samples_copy)
    analyse_copies(result.reports, folder=samples_copy)
    add_reviews(samples_copy, result.reports)
    return collect_evidence(samples_copy, result.reports, unreadable=result.unreadable)


def parse(markup: str):
    return html5lib.parse(markup, treebuilder="lxml", namespaceHTMLElements=True)


def text_of(el) -> str:
    return "".join(el.itertext())


def section_of(doc, ev, rel):
    i = ev.index[rel]
    found = doc.xpath(f'//h:section[@id="r{i}"]', namespaces=NS)
    assert len(found) == 1, rel
    return found[0]


def test_every_report_has_its_page_linked_from_the_list(evidence):
    doc = parse(render_single(evidence, "zh"))
    links = doc.xpath('//h:table[@id="report-list"]//h:a/@href', namespaces=NS)
    assert len(links) == len(evidence.reports) == 13
    for i, report in enumerate(evidence.reports):
        section = section_of(doc, evidence, report.rel)
        assert f"#r{i}" in links
        assert report.rel in text_of(section)


def test_every_shared_passage_is_beside_its_source_highlighted_in_both_panes(evidence):
    doc = parse(render_single(evidence, "zh"))
    by_rel = {r.rel: r for r in evidence.reports}
    order = ("peer", "same_unit")
    kinds = set()
    n = 0
    for report in evidence.reports:
        section = section_of(doc, evidence, report.rel)
        pairs = section.xpath('.//h:div[@class="pair"]', namespaces=NS)
        spans = [s for s in report.copy.spans if s.kind in order]
        assert len(pairs) == len(spans)
        pairs.sort(key=lambda p: (order.index(p.get("data-kind")), int(p.get("data-start"))))
        for span, pair in zip(sorted(spans, key=lambda s: (order.index(s.kind), s.start)), pairs):
            assert (int(pair.get("data-start")), int(pair.get("data-end"))) == (span.start, span.end)
            this, source = pair.xpath('./h:div[contains(@class,"pane")]', namespaces=NS)
            mark = this.xpath(".//h:mark", namespaces=NS)[0]
            assert mark.get("class") == f"k-{span.kind}"
            assert text_of(mark) == report.text[span.start : span.end]
            other = by_rel[span.other_report]
            assert span.other_report in text_of(source)
            if other.unit:
                assert other.unit in text_of(source)
            # the source is highlighted where the passage aligns, inside the engine's source range (±40 searched)
            their_mark = source.xpath(".//h:mark", namespaces=NS)[0]
            assert their_mark.get("class") == f"k-{span.kind}"
            b0, b1 = int(pair.get("data-source-start")), int(pair.get("data-source-end"))
            assert span.other_start - 40 <= b0 < b1 <= span.other_end + 40
            assert b1 - b0 >= (span.end - span.start) // 2
            assert text_of(their_mark) == other.text[b0:b1]
            kinds.add(span.kind)
            n += 1
        # common wording is no one's copy: its passage, highlighted, with the reports holding it
        commons = section.xpath('.//h:div[@class="common"]', namespaces=NS)
        spans = sorted((s for s in report.copy.spans if s.kind == "common"), key=lambda s: s.start)
        assert [(int(c.get("data-start")), int(c.get("data-end"))) for c in commons] == [
            (s.start, s.end) for s in spans
        ]
        for span, box in zip(spans, commons):
            assert text_of(box.xpath(".//h:mark", namespaces=NS)[0]) == report.text[span.start : span.end]
            assert {h.report for h in span.holders} <= set(box.xpath(".//h:a/text()", namespaces=NS)) | {
                t.rsplit(" (", 1)[0] for t in box.xpath(".//h:a/text()", namespaces=NS)
            }
    assert {"peer", "same_unit"} <= kinds and n >= 3
    assert doc.xpath('//h:div[@class="common"]', namespaces=NS)


def test_changed_characters_are_marked_on_both_sides(evidence):
    """The previous year said 612条 and 18条 where 2024 says 648条 and 20条."""
    doc = parse(render_single(evidence, "zh"))
    section = section_of(doc, evidence, XIQU)
    pairs = [p for p in section.xpath('.//h:div[@class="pair"]', namespaces=NS) if p.get("data-kind") == "same_unit"]
    assert pairs
    this = " ".join(
        text_of(d)
        for p in pairs
        for d in p.xpath('./h:div[contains(@class,"this")]//h:span[@class="diff"]', namespaces=NS)
    )
    theirs = " ".join(
        text_of(d)
        for p in pairs
        for d in p.xpath('./h:div[contains(@class,"source")]//h:span[@class="diff"]', namespaces=NS)
    )
    assert "4" in this and "1" in theirs  # 2024 vs 2023
    assert re.search("48|20", this) and re.search("12|18", theirs)


def test_the_failing_identity_marks_its_cell(evidence):
    doc = parse(render_single(evidence, "zh"))
    section = section_of(doc, evidence, CHANGZHENG)
    failing = section.xpath('.//h:td[contains(@class,"fail")]', namespaces=NS)
    assert [td.get("data-cell") for td in failing] == ["t4.rv.tot"]
    identities = section.xpath('.//h:li[@class="identity"]', namespaces=NS)
    assert [li.get("data-check") for li in identities] == ["t4_group_total"]
    assert "四·行政复议(总计) 0 ≠ 各项之和 1" in text_of(identities[0])
    # a report whose tables add up has no failing cell
    assert not section_of(doc, evidence, XIQU).xpath('.//h:td[contains(@class,"fail")]', namespaces=NS)


def test_reviewers_scores_and_comments_per_criterion(evidence):
    doc = parse(render_single(evidence, "zh"))
    section = section_of(doc, evidence, XIQU)
    table = section.xpath('.//h:table[@class="reviews"]', namespaces=NS)[0]
    assert [text_of(th) for th in table.xpath(".//h:thead//h:th", namespaces=NS)][1:] == ["张三", "李四"]
    text = text_of(table)
    assert "张三：按时发布" in text and "李四：按时发布" in text
    row = [tr for tr in table.xpath(".//h:tr", namespaces=NS) if "张三：按时发布" in text_of(tr)][0]
    assert [text_of(b) for b in row.xpath(".//h:b", namespaces=NS)] == ["8", "6"]
    # a finding a reviewer dismissed says so, with the reason (escaped)
    dismissed = section.xpath('.//h:tr[@data-check="section_empty"]//h:div[@class="dismissed"]', namespaces=NS)
    assert (
        len(dismissed) == 1 and "李四" in text_of(dismissed[0]) and "<i>表格以图片形式提供</i>" in text_of(dismissed[0])
    )
    # the list shows each reviewer's total and the mean
    list_row = doc.xpath(
        '//h:table[@id="report-list"]//h:tr[.//h:a[@href="#r%d"]]' % evidence.index[XIQU], namespaces=NS
    )[0]
    assert "8" in text_of(list_row) and "7" in text_of(list_row)


def test_hostile_text_adds_no_element_attribute_or_script(evidence):
    markup = render_single(evidence, "zh")
    doc = parse(markup)
    assert len(doc.xpath("//h:script", namespaces=NS)) == 1  # the page's own
    assert len(doc.xpath("//h:style", namespaces=NS)) == 1
    assert not doc.xpath("//h:img | //h:iframe | //h:object | //h:embed | //h:link", namespaces=NS)
    assert not doc.xpath("//h:b[text()='bold']", namespaces=NS)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.startswith("on"), (el.tag, name)
            # report text may sit in a quoted value (a sort key, a tooltip), never anywhere else
            assert "alert(" not in value or name in ("title", "data-v"), (el.tag, name, value)
    # the text is shown as written (escaped), in the findings' context
    section = section_of(doc, evidence, HOSTILE)
    shown = text_of(section)
    assert "<script>alert(1)</script>" in shown
    assert '"><img src=x onerror=alert(2)>' in shown
    assert "</style><b>bold</b>" in shown
    # control characters never reach the page; a bidi override is shown as its code point
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\u202e]", markup)
    assert "<U+202E>" in shown
    # a reviewer's comment is untrusted too
    assert "<script>alert(1)</script> 张三" in text_of(section_of(doc, evidence, XIQU))


def test_nothing_is_loaded_from_outside(evidence):
    markup = render_single(evidence, "zh")
    doc = parse(markup)
    for attr in ("src", "href", "action", "data", "poster", "srcset"):
        for value in doc.xpath(f"//@{attr}"):
            assert not re.match(r"\s*(https?:|//|ftp:|javascript:)", value, re.I), (attr, value)
    csp = doc.xpath('//h:meta[@http-equiv="Content-Security-Policy"]/@content', namespaces=NS)[0]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    # the inline script and stylesheet are the ones the policy names by hash
    import base64
    import hashlib

    for tag in ("script", "style"):
        body = doc.xpath(f"//h:{tag}", namespaces=NS)[0].text
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_overview_counts_and_charts(evidence):
    doc = parse(render_single(evidence, "en"))
    overview = doc.xpath('//h:section[@id="overview"]', namespaces=NS)[0]
    counts = [text_of(b) for b in overview.xpath('.//h:div[@class="count"]/h:b', namespaces=NS)]
    assert counts[:3] == ["13", "1", "1"]  # reports, reviewed, done by every reviewer
    svgs = overview.xpath(".//*[local-name()='svg']")
    assert len(svgs) == 4  # shares, findings by check, scores, timeliness
    titles = " ".join(overview.xpath(".//*[local-name()='title']/text()"))
    assert "t4_group_total" in titles and "from a peer" in titles


def test_cli_single_file_and_folder_mode(evidence, tmp_path, capsys):
    folder = evidence.folder
    out = tmp_path / "out" / "report.html"
    assert main(["report", str(folder), "-o", str(out), "--lang", "en"]) == 0
    assert out.is_file() and "wrote" in capsys.readouterr().out
    assert main(["report", str(folder), "-o", str(out)]) == 2  # kept unless --force
    assert "--force" in capsys.readouterr().err
    pages = tmp_path / "pages"
    assert main(["report", str(folder), "-o", str(pages)]) == 0
    index = parse((pages / "index.html").read_text(encoding="utf-8"))
    links = index.xpath('//h:table[@id="report-list"]//h:a/@href', namespaces=NS)
    assert len(links) == len(evidence.reports)
    for link in links:
        page = parse((pages / link).read_text(encoding="utf-8"))
        assert len(page.xpath('//h:section[@class="report"]', namespaces=NS)) == 1
        assert page.xpath('//h:a[@href="../index.html#reports"]', namespaces=NS)
    # rewritten with --force after reports went away: no page of the earlier run is left behind
    (pages / "reports" / "0099.html").write_text("old", encoding="utf-8")
    assert main(["report", str(folder), "-o", str(pages), "--force"]) == 0
    assert len(list((pages / "reports").glob("*.html"))) == len(evidence.reports)
    # an HTML file in the reports folder would be read as a report next time: refused
    assert main(["report", str(folder), "-o", str(folder / "r.html")]) == 2
    assert not (folder / "r.html").exists()


def test_a_file_over_the_limit_becomes_a_folder(evidence, tmp_path):
    result = write_html_report(evidence, tmp_path / "big.html", lang="zh", limit=20_000)
    assert result.folder_mode and result.path == tmp_path / "big"
    assert (tmp_path / "big" / "index.html").is_file()
    assert len(list((tmp_path / "big" / "reports").glob("*.html"))) == len(evidence.reports)
    assert not (tmp_path / "big.html").exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_comes_from_the_catalogue(evidence, lang):
    """No catalogue key is shown in place of its text (a key missing or shadowed in messages.toml)."""
    from shenyue.i18n import catalogue

    doc = parse(render_single(evidence, lang))
    shown = " ".join(doc.xpath("//text()"))
    keys = {
        m
        for m in re.findall(r"(?<![\w/.])(?:html|checks|kind|review)\.[a-z_.0-9-]+[a-z]", shown)
        if m in catalogue() or m.startswith("html.")
    }
    assert not keys
