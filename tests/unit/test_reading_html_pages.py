"""Saved government web pages: only the article is the report.

Pages are built here the way government sites publish annual reports: a top
bar and a main menu full of links, a breadcrumb, a sidebar of link lists, the
article (title, date line, the report text with its statistics tables as real
``<table>`` markup, 【打印】【关闭】), related articles and a footer with
版权所有/ICP备/网站标识码. A modern UTF-8 template with ``<div>`` layout and an
old GB2312 template laid out with tables are both covered.
"""

from __future__ import annotations

import email.generator
import email.policy
import html as htmllib
import io
import re
from datetime import date
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from shenyue.analysis.scan import build_report, scan_folder
from shenyue.model.report import Unreadable
from shenyue.model.tables import parse_tables
from shenyue.reading import html as html_reader
from shenyue.reading import read_document

TITLE = "忻府区长征街街道办事处2024年政府信息公开工作年度报告"
NUMBER = re.compile(r"^\d+(?:\.\d+)?$")

# Site furniture; none of these words occur in the sample reports (checked in the tests).
TOP_LINKS = ["无障碍浏览", "长者模式", "English", "手机版", "政务微博", "登录注册"]
MENU = ["网站首页", "走进忻州", "政务要闻", "互动交流", "办事大厅", "数据开放", "专题专栏"]
SUBMENU = ["领导之窗", "机构设置", "今日忻州", "图片新闻", "县区动态", "部门动态", "领导信箱", "在线访谈", "意见征集"]
SIDEBAR = [
    "政府信息公开指南目录",
    "政府信息公开制度汇编",
    "法定主动公开内容",
    "机构职能简介",
    "公开年报列表",
    "依申请公开平台入口",
]
RELATED = [
    "长征街街道办事处2023年政府信息公开工作年度报告",
    "新建路街道办事处2024年政府信息公开工作年度报告",
    "关于做好2024年度政务公开考核工作的通知",
]
FOOTER = [
    "网站地图",
    "联系我们",
    "版权所有：忻州市忻府区人民政府办公室",
    "地址：忻州市七一北路十八号 邮编：034000",
    "晋ICP备05003213号",
    "晋公网安备14090202000102号",
    "网站标识码：1409020001",
]
CHROME_WORDS = (
    TOP_LINKS
    + MENU
    + SUBMENU
    + SIDEBAR
    + RELATED
    + ["相关文章", "版权所有", "ICP备", "网站标识码", "公网安备", "七一北路"]
)


# ---------------------------------------------------------------- report text -> article markup


def esc(s: str) -> str:
    return htmllib.escape(s, quote=False)


def report_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def article_of_changzheng(text: str) -> list[str]:
    """The report part of the changzheng web copy: after the page's date line, before 关闭本页."""
    lines = report_lines(text)
    start = next(i for i, ln in enumerate(lines) if ln.startswith("时间:")) + 1
    end = max(i for i, ln in enumerate(lines) if ln == "关闭本页")
    return lines[start:end]


def with_distinct_values(text: str) -> str:
    """The text with every table value replaced by a distinct number, so cells cannot be confused."""
    counter = iter(range(1, 100000))
    start = text.index("二、主动公开政府信息情况")
    end = text.index("五、存在的主要问题")
    middle = re.sub(r"(?m)^(\s*)0(\s*)$", lambda m: f"{m.group(1)}{next(counter)}{m.group(2)}", text[start:end])
    return text[:start] + middle + text[end:]


def cells_html(cells: list[tuple[str, int, int]], header: bool = False) -> str:
    tag = "th" if header else "td"
    out = []
    for value, colspan, rowspan in cells:
        span = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
        # Word-exported cells: a paragraph with a styled span inside
        out.append(
            f'<{tag}{span} valign="center"><p align="center"><span style="font-size:12pt">{esc(value)}</span></p></{tag}>'
        )
    return "<tr>" + "".join(out) + "</tr>"


def table2_html(lines: list[str]) -> str:
    rows = []
    labels: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("第二十条"):
            rows.append(cells_html([(line, 4, 1)], header=True))
            i += 1
            continue
        if NUMBER.match(line):
            values = []
            while i < len(lines) and NUMBER.match(lines[i]):
                values.append(lines[i])
                i += 1
            *head, label = labels
            if head:  # the header row; its last cell spans the remaining of the four columns
                spans = [1] * (len(head) - 1) + [5 - len(head)]
                rows.append(cells_html([(h, span, 1) for h, span in zip(head, spans)], header=True))
            rows.append(cells_html([(label, 1, 1)] + [(v, 1, 1) for v in values]))
            labels = []
            continue
        labels.append(line)
        i += 1
    return '<table border="1" cellspacing="0" style="border-collapse:collapse">' + "".join(rows) + "</table>"


def table3_html(lines: list[str]) -> tuple[str, str]:
    """Table 三 as the national format lays it out: two header rows, group cells spanning rows."""
    note = next(ln for ln in lines if ln.startswith("(本列数据"))
    first = next(i for i, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    rows = [
        cells_html([("申请人情况", 2, 2), ("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)], header=True),
        cells_html([(h, 1, 1) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")], header=True),
    ]
    pending: list[str] = []
    i = first
    while i < len(lines):
        label = lines[i]
        i += 1
        values = []
        while i < len(lines) and NUMBER.match(lines[i]):
            values.append(lines[i])
            i += 1
        if not values:
            pending.append(label)  # a group cell beside the rows that follow
            continue
        if pending:
            cells = [(g, 1, 8) for g in pending] + [(label, 1, 1)]
            pending = []
        else:
            cells = [(label, 2, 1)]
        rows.append(cells_html(cells + [(v, 1, 1) for v in values]))
    return note, '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def table4_html(lines: list[str]) -> str:
    values = [ln for ln in lines if NUMBER.match(ln)]
    assert len(values) == 15
    result = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        cells_html([("行政复议", 5, 1), ("行政诉讼", 10, 1)], header=True),
        cells_html([(h, 1, 2) for h in result] + [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)], header=True),
        cells_html([(h, 1, 1) for h in result * 2], header=True),
        cells_html([(v, 1, 1) for v in values]),
    ]
    return '<table border="1">' + "".join(rows) + "</table>"


def paragraphs(lines: list[str], indent: str = "&nbsp;&nbsp;&nbsp;&nbsp;") -> str:
    out = []
    for ln in lines:
        if re.match(r"^[一二三四五六七]、", ln):
            out.append(f'<p style="text-indent:2em"><strong>{esc(ln)}</strong></p>')
        else:
            out.append(f'<p style="text-indent:2em">{indent}{esc(ln)}</p>')
    return "\n".join(out)


def article_body(lines: list[str]) -> str:
    """The report lines as article markup, the three statistics tables as <table>."""

    def at(prefix: str) -> int:
        return next(i for i, ln in enumerate(lines) if ln.startswith(prefix))

    h2, h3, h4, h5 = at("二、主动公开"), at("三、收到和处理"), at("四、政府信息公开行政复议"), at("五、存在的主要问题")
    note, t3 = table3_html(lines[h3 + 1 : h4])
    signature = lines[-2:]
    parts = [
        paragraphs(lines[: h2 + 1]),
        table2_html(lines[h2 + 1 : h3]),
        paragraphs(lines[h3 : h3 + 1]),
        f"<p>{esc(note)}</p>",
        t3,
        paragraphs(lines[h4 : h4 + 1]),
        table4_html(lines[h4 + 1 : h5]),
        paragraphs(lines[h5:-2]),
        "".join(f'<p style="text-align:right">{esc(s)}</p>' for s in signature),
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------- page templates


def links(words: list[str]) -> str:
    return "".join(f'<li><a href="/{k}.html" target="_blank">{esc(w)}</a></li>' for k, w in enumerate(words))


def modern_page(title: str, date_line: str, body: str, charset: str = "utf-8") -> str:
    """A div-layout government site page (the TRS / 集约化 template family)."""
    menu = "".join(
        f'<li class="nav-item"><a href="/c{k}/">{esc(m)}</a><ul class="sub">{links(SUBMENU)}</ul></li>'
        for k, m in enumerate(MENU)
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="ArticleTitle" content="{esc(title)}">
<title>{esc(title)}_忻州市忻府区人民政府</title>
<link rel="stylesheet" href="/css/common.css">
<script type="text/javascript">var siteId = "1409"; document.write("<div>一、总体情况</div>");</script>
<style>.nav li{{float:left}} .content p{{line-height:2}}</style>
</head>
<body>
<div class="top-bar"><div class="w1200"><span>欢迎访问忻州市忻府区人民政府网站！</span>
<ul class="fr">{links(TOP_LINKS)}</ul></div></div>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="忻州市忻府区人民政府"></div>
<div class="search"><form action="/search"><input type="text" name="q" value=""><button>搜索</button></form></div></div>
<div class="nav" id="nav"><ul>{menu}</ul></div>
<div class="main w1200">
  <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt; <a href="/ndbg/">公开年报</a></div>
  <div class="left-side">
    <div class="side-title">信息公开导航</div>
    <ul class="side-list">{links(SIDEBAR)}</ul>
    <div class="side-title">热点专题</div>
    <ul class="side-list">{links(RELATED[2:] + SUBMENU[:4])}</ul>
  </div>
  <div class="right-main">
    <div class="article">
      <h1 class="article-title">{esc(title)}</h1>
      <div class="article-info">
        <span class="time">{esc(date_line)}</span>
        <span class="source">来源：忻府区长征街街道办事处</span>
        <span class="views">浏览次数：<em id="views">1289</em></span>
        <span class="font-size">字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a></span>
      </div>
      <div class="article-content">
        <div id="zoom" class="TRS_Editor"><div class="Custom_UnionStyle">
{body}
        </div></div>
      </div>
      <div class="article-tools">【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</div>
      <div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a></div>
    </div>
    <div class="related-articles"><h3>相关文章</h3><ul>{links(RELATED)}</ul></div>
  </div>
</div>
<div class="footer"><div class="w1200">
  <p><a href="/wzdt/">{FOOTER[0]}</a> | <a href="/lxwm/">{FOOTER[1]}</a></p>
  <p>{FOOTER[2]}</p><p>{FOOTER[3]}</p>
  <p>{FOOTER[4]} <a href="http://www.beian.gov.cn/">{FOOTER[5]}</a> {FOOTER[6]}</p>
  <p><img src="/images/jiucuo.png" alt="政府网站找错"></p>
</div></div>
<script type="text/javascript">var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); }})();</script>
</body></html>
"""


def table_layout_page(title: str, date_line: str, body: str) -> str:
    """An older site laid out with nested tables, GB2312, upper-case tags and unclosed cells."""
    sidebar = "".join(
        f'<TR><TD height=28><A href="/list{k}.htm">{esc(w)}</A></TD></TR>' for k, w in enumerate(SIDEBAR + SUBMENU)
    )
    menu = " | ".join(f'<A href="/m{k}.htm">{esc(m)}</A>' for k, m in enumerate(MENU + TOP_LINKS))
    related = "".join(f'<TR><TD>◆<A href="/r{k}.htm">{esc(w)}</A><TD>2024-01-2{k}</TR>' for k, w in enumerate(RELATED))
    return f"""<HTML><HEAD>
<META http-equiv=Content-Type content="text/html; charset=gb2312">
<TITLE>{esc(title)}</TITLE>
<LINK href="/css/style.css" rel=stylesheet>
</HEAD>
<BODY leftMargin=0 topMargin=0>
<TABLE cellSpacing=0 cellPadding=0 width=1000 align=center border=0>
<TR><TD><IMG src="/images/banner.jpg" width=1000 height=150></TD></TR>
<TR><TD class=dh height=35 align=center>{menu}</TD></TR>
</TABLE>
<TABLE cellSpacing=0 cellPadding=0 width=1000 align=center border=0>
<TR>
<TD vAlign=top width=220>
  <TABLE width="100%"><TR><TD class=lm_title>政务公开</TD></TR>{sidebar}</TABLE>
<TD vAlign=top>
  <TABLE width="100%"><TR><TD class=wz height=30>您现在的位置：<A href="/">首页</A> &gt;&gt; <A href="/zwgk/">政务公开</A> &gt;&gt; 年度报告</TD></TR></TABLE>
  <TABLE width="96%" align=center>
  <TR><TD align=center height=50><FONT style="FONT-SIZE: 20px; COLOR: #c00"><B>{esc(title)}</B></FONT></TD></TR>
  <TR><TD align=center bgColor=#f0f0f0>{esc(date_line)}　　来源：本网　　【<A href="javascript:window.print()">打印</A>】【<A href="javascript:window.close()">关闭</A>】</TD></TR>
  <TR><TD class=zw id=zoom>
{body}
  </TD></TR>
  </TABLE>
  <TABLE width="96%" align=center><TR><TD colspan=2><B>相关文章</B></TD></TR>{related}</TABLE>
</TD></TR>
</TABLE>
<TABLE width=1000 align=center bgColor=#eeeeee>
<TR><TD align=center>{FOOTER[2]}　{FOOTER[3]}<BR>{FOOTER[4]}　{FOOTER[5]}　{FOOTER[6]}<BR><A href="/map.htm">{FOOTER[0]}</A></TD></TR>
</TABLE>
</BODY></HTML>
"""


# ---------------------------------------------------------------- helpers


def report_of_file(path: Path):
    doc = read_document(path, path.parent)
    assert not isinstance(doc, Unreadable), doc.reason("en")
    return build_report(doc)


def txt_report(tmp_path: Path, text: str, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return report_of_file(path)


def sections_of(report) -> list[tuple[str, str, bool]]:
    return [(s.key, s.title.strip(), s.empty) for s in report.sections]


def table_values(text: str, chrome=()) -> dict[str, dict[str, int | float | None]]:
    tables = parse_tables(text, ignore=list(chrome))
    return {t.key: {cid: c.value for cid, c in t.cells.items()} for t in tables.all()}


def plain_lines(report) -> list[tuple[int, int]]:
    """Line spans of the report that are not chrome."""
    out, pos = [], 0
    for line in report.text.splitlines(keepends=True):
        end = pos + len(line.rstrip("\n"))
        if line.strip() and not report.in_chrome(pos):
            out.append((pos, end))
        pos += len(line)
    return out


def assert_no_site_furniture(text: str, source: str) -> None:
    for word in CHROME_WORDS:
        assert word not in source, f"test furniture word {word!r} occurs in the sample itself"
        assert word not in text, f"site furniture {word!r} was read as report text"


# ---------------------------------------------------------------- the modern template, UTF-8


@pytest.fixture
def changzheng_page(tmp_path, sample_text):
    source = with_distinct_values(sample_text("changzheng"))
    body = article_body(article_of_changzheng(source))
    path = tmp_path / "changzheng.html"
    path.write_text(modern_page(TITLE, "发布时间：2025-01-22 09:30", body), encoding="utf-8")
    return source, path


def test_modern_page_reads_only_the_article_with_the_sections_of_the_txt(tmp_path, changzheng_page):
    source, path = changzheng_page
    report = report_of_file(path)
    from_txt = txt_report(tmp_path, source)
    assert report.doc.encoding == "utf-8"
    assert [k for k, _, _ in sections_of(report)] == [
        "overview",
        "proactive",
        "requests",
        "appeals",
        "problems",
        "other",
    ]
    assert sections_of(report) == sections_of(from_txt)
    assert_no_site_furniture(report.text, source)
    assert "document.write" not in report.text and "line-height" not in report.text
    # the article's own title, date line and signature are kept
    lines = report.text.splitlines()
    assert lines[0] == TITLE
    assert any(ln.startswith("发布时间：2025-01-22") for ln in lines[:4])
    plain = [report.text[a:b] for a, b in plain_lines(report)]
    assert plain[-2:] == ["忻府区长征街街道办事处", "2025年1月22日"]
    assert report.year == 2024 and report.unit == from_txt.unit


def test_modern_page_tables_are_pipe_rows_whose_cells_parse_like_the_txt(changzheng_page):
    source, path = changzheng_page
    report = report_of_file(path)
    assert len(report.doc.tables) == 3  # the reader's three <table>s, as pipe rows
    assert all(any(r.start <= t.start and t.end <= r.end for r in report.table_spans) for t in report.doc.tables)
    for span in report.doc.tables:
        rows = report.text[span.start : span.end].splitlines()
        assert rows and all(r.startswith("| ") and r.endswith(" |") for r in rows)
    assert "| 行政复议 | 行政诉讼 |" in report.text
    assert "| 申请人情况 | 自然人 | 法人或其他组织 | 总计 |" in report.text
    from_html = table_values(report.text, report.chrome)
    from_txt = table_values(source)
    assert set(from_txt) == {"t2", "t3", "t4"}
    assert len(from_txt["t3"]) == 175 and len(from_txt["t4"]) == 15
    assert from_html == from_txt
    assert any(v == 1 for v in from_txt["t2"].values())  # the distinct values really are in the cells


def test_modern_page_date_line_is_chrome_and_a_publication_date(changzheng_page):
    _, path = changzheng_page
    report = report_of_file(path)
    page_dates = [d for d, source, _ in report.date_candidates if source == "page"]
    assert page_dates == [date(2025, 1, 22)]
    assert report.published == date(2025, 1, 22)
    chrome = [report.text[c.start : c.end].strip() for c in report.chrome]
    assert any(c.startswith("发布时间：2025-01-22") for c in chrome)
    # furniture inside the article stays, marked as chrome: font-size switch, print/close links
    assert any("字号" in c for c in chrome)
    assert any("【打印】【关闭】" in c for c in chrome)


def test_a_page_without_a_signature_takes_its_date_from_the_date_line(tmp_path, sample_text):
    lines = report_lines(sample_text("zhongshan"))
    path = tmp_path / "p.html"
    path.write_text(
        modern_page("中山市2021年政府信息公开工作年度报告", "发布日期：2022-01-28", paragraphs(lines)), encoding="utf-8"
    )
    report = report_of_file(path)
    assert report.published == date(2022, 1, 28)
    assert report.text.splitlines()[0] == "中山市2021年政府信息公开工作年度报告"


# ---------------------------------------------------------------- the old template, GB2312 / GBK


@pytest.mark.parametrize("codec", ["gb2312", "gbk"])
def test_table_layout_page_in_gb2312_or_gbk_reads_the_article(tmp_path, sample_text, codec):
    text = sample_text("zhongshan")
    if codec == "gbk":  # characters GBK has and GB2312 lacks, on a page that still declares gb2312
        text = text.replace("本年度未发出收费通知", "本年度（含珺琤镕堃等生僻字单位）未发出收费通知")
        with pytest.raises(UnicodeEncodeError):
            "珺琤镕堃".encode("gb2312")
    lines = report_lines(text)
    title = "中山市2021年政府信息公开工作年度报告"
    body = paragraphs(lines, indent="　　")
    page = table_layout_page(title, "发布日期：2022-01-28", body)
    path = tmp_path / "zs.htm"
    path.write_bytes(page.encode(codec))
    report = report_of_file(path)
    assert report.doc.encoding == "gb18030"
    assert sections_of(report) == sections_of(txt_report(tmp_path, text))
    assert_no_site_furniture(report.text, text)
    assert report.text.splitlines()[0] == title
    assert report.published == date(2022, 1, 28)
    if codec == "gbk":
        assert "珺琤镕堃" in report.text
    # body lines are the txt's lines, in order, with their indentation
    body_lines = [ln.strip("　 ") for ln in report.text.splitlines()]
    assert [ln for ln in body_lines if ln in lines] == lines


def test_gb2312_page_with_the_statistics_tables(tmp_path, sample_text):
    source = with_distinct_values(sample_text("changzheng"))
    page = table_layout_page(TITLE, "发布时间：2025-01-22", article_body(article_of_changzheng(source)))
    path = tmp_path / "cz.html"
    path.write_bytes(page.encode("gb2312"))
    report = report_of_file(path)
    assert report.doc.encoding == "gb18030"
    assert sections_of(report) == sections_of(txt_report(tmp_path, source))
    assert table_values(report.text, report.chrome) == table_values(source)
    assert_no_site_furniture(report.text, source)
    assert report.published == date(2025, 1, 22)


def test_a_page_without_class_names_is_still_cut_to_its_article(tmp_path, sample_text):
    """No content/article/zoom hints at all: text density and link density alone find the article."""
    text = sample_text("zhongshan")
    page = modern_page("中山市2021年政府信息公开工作年度报告", "发布时间：2022-01-28", paragraphs(report_lines(text)))
    page = re.sub(r'\s(?:class|id)="[^"]*"', "", page)
    assert "TRS_Editor" not in page and 'class="' not in page
    path = tmp_path / "plain.html"
    path.write_text(page, encoding="utf-8")
    report = report_of_file(path)
    assert sections_of(report) == sections_of(txt_report(tmp_path, text))
    assert_no_site_furniture(report.text, text)
    assert report.published == date(2022, 1, 28)


def test_furniture_inside_the_content_div_stays_as_chrome(tmp_path, sample_text):
    text = sample_text("zhongshan")
    page = f"""<html><head><meta charset="utf-8"><title>x</title></head><body>
<div class="menu">{links(MENU + SUBMENU)}</div>
<div class="content">
  <div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/gk/">政务公开</a></div>
  <h2>中山市2021年政府信息公开工作年度报告</h2>
  <p>发布时间：2022-01-28　字号：【大】【中】【小】</p>
  {paragraphs(report_lines(text))}
  <p>【打印】【关闭】</p>
</div>
<div class="links">{links(SIDEBAR)}</div>
</body></html>"""
    path = tmp_path / "c.html"
    path.write_text(page, encoding="utf-8")
    report = report_of_file(path)
    assert_no_site_furniture(report.text, text)
    chrome = [report.text[c.start : c.end].strip() for c in report.chrome]
    assert "当前位置：首页 > 政务公开" in chrome
    assert any(c.startswith("发布时间：2022-01-28") for c in chrome)
    assert "【打印】【关闭】" in chrome
    assert sections_of(report) == sections_of(txt_report(tmp_path, text))
    # chrome lines are never inside a section's body text as report words
    overview = report.section("overview")
    assert not any(overview.start <= c.start < overview.end for c in report.chrome)


def test_hidden_elements_scripts_and_styles_are_not_read(tmp_path, sample_text):
    text = sample_text("zhongshan")
    page = f"""<html><head><meta charset="utf-8"></head><body>
<div id="zoom">{paragraphs(report_lines(text))}
<div style="display: none">隐藏的检索关键词：一、总体情况 二、主动公开</div>
<span style="DISPLAY:NONE">隐藏的标题副本</span>
<script>document.write('<p>脚本写入的文字</p>');</script><noscript>请启用脚本</noscript>
<style>#zoom p {{ text-indent: 2em }}</style></div></body></html>"""
    path = tmp_path / "h.html"
    path.write_text(page, encoding="utf-8")
    report = report_of_file(path)
    for word in ("隐藏的", "脚本写入", "请启用脚本", "text-indent"):
        assert word not in report.text
    assert sections_of(report) == sections_of(txt_report(tmp_path, text))


def test_a_layout_table_is_read_as_blocks_not_as_one_pipe_row(tmp_path, sample_text):
    text = sample_text("xiqu")
    page = (
        "<html><body><table><tr><td>" + paragraphs(report_lines(text)) + "</td>"
        "<td>" + "".join(f"<p><a href='#'>{w}</a></p>" for w in SIDEBAR) + "</td></tr></table></body></html>"
    )
    path = tmp_path / "layout.html"
    path.write_text(page, encoding="utf-8")
    report = report_of_file(path)
    assert "|" not in report.text
    assert sections_of(report) == sections_of(txt_report(tmp_path, text))
    assert_no_site_furniture(report.text, text)


# ---------------------------------------------------------------- encodings


def test_meta_http_equiv_gb2312_and_meta_charset_gbk_are_honoured(tmp_path):
    for n, meta in enumerate(
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
            "<META charset=GBK>",
            "<meta charset='gb_2312-80'>",
        )
    ):
        page = f"<html><head>{meta}<title>报告</title></head><body><p>一、总体情况</p><p>本年度共受理申请十二件。</p></body></html>"
        path = tmp_path / f"p{n}.htm"
        path.write_bytes(page.encode("gbk"))
        doc = read_document(path, tmp_path)
        assert doc.encoding == "gb18030", meta
        assert "本年度共受理申请十二件。" in doc.text


def test_bom_and_xml_declaration_win_over_the_meta(tmp_path):
    body = "<body><p>一、总体情况</p><p>街道办事处依法公开政府信息。</p></body></html>"
    bom = tmp_path / "bom.html"
    bom.write_bytes(b"\xef\xbb\xbf" + f'<html><head><meta charset="gb2312"></head>{body}'.encode("utf-8"))
    assert read_document(bom, tmp_path).encoding == "utf-8-bom"
    assert "街道办事处依法公开政府信息。" in read_document(bom, tmp_path).text
    utf16 = tmp_path / "utf16.html"
    utf16.write_bytes(f'<html><head><meta charset="gb2312"></head>{body}'.encode("utf-16"))
    assert "街道办事处依法公开政府信息。" in read_document(utf16, tmp_path).text
    xml = tmp_path / "xml.html"
    xml.write_bytes(
        f'<?xml version="1.0" encoding="gb2312"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="big5"></head>{body}'.encode(
            "gb2312"
        )
    )
    doc = read_document(xml, tmp_path)
    assert doc.encoding == "gb18030" and "街道办事处依法公开政府信息。" in doc.text


def test_a_utf8_page_whose_meta_still_says_gb2312_reads_as_utf8(tmp_path):
    """Browsers' "save as" re-encode a page to UTF-8 and leave the old meta in place."""
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>一、总体情况</p></body></html>'
    path = tmp_path / "saved.html"
    path.write_bytes(page.encode("utf-8"))
    doc = read_document(path, tmp_path)
    assert doc.encoding == "utf-8" and "一、总体情况" in doc.text


# ---------------------------------------------------------------- bad pages


def test_malformed_markup_is_read_like_a_browser_would(tmp_path):
    page = (
        "<html><body><div class=content><p>一、总体情况<p>本年度<b>主动公开<i>政府信息</b>三百条。"
        "</span></td></table>"  # stray end tags
        "<ul><li>第一项<li>第二项</ul>"
        "<table><tr><td>申请人<td>数量<tr><td>自然人<td>5</table>"
        "<p>二、主动公开政府信息情况<!-- 注释 <p>不显示</p> --><p>&lt;未完 &amp; 待续&gt; &#x4E2D;&#25991; &nbsp;"
        "<div>未闭合的块<div>又一个"
    )
    path = tmp_path / "bad.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path, tmp_path)
    lines = [ln.strip() for ln in doc.text.splitlines()]
    assert lines[:4] == ["一、总体情况", "本年度主动公开政府信息三百条。", "第一项", "第二项"]
    assert "| 申请人 | 数量 |" in lines and "| 自然人 | 5 |" in lines
    assert "<未完 & 待续> 中文" in lines
    assert "不显示" not in doc.text and lines[-2:] == ["未闭合的块", "又一个"]


def test_deeply_nested_and_huge_pages_are_read(tmp_path):
    depth = 20000  # far beyond Python's recursion limit: every walk over the tree is iterative
    deep = tmp_path / "deep.html"
    deep.write_text(
        "<html><body>"
        + "<div>" * depth
        + "<p>一、总体情况</p><p>正文在最深处。</p>"
        + "</div>" * depth
        + "</body></html>",
        encoding="utf-8",
    )
    doc = read_document(deep, tmp_path)
    assert doc.text.split() == ["一、总体情况", "正文在最深处。"]
    inline = tmp_path / "inline.html"
    inline.write_text(
        "<body><div>" + "<b>" * depth + "一、总体情况" + "</div>" * depth + "<p>尾段</p></body>", encoding="utf-8"
    )
    assert read_document(inline, tmp_path).text.split() == ["一、总体情况", "尾段"]
    huge = tmp_path / "huge.html"
    rows = "".join(f"<tr><td>第{k}行</td><td>{k}</td></tr>" for k in range(10000))
    paras = "".join(f"<p>第{k}段，依法公开政府信息。</p>" for k in range(10000))
    huge.write_text(
        f"<html><body><div class='nav'>{links(MENU)}</div><div class='content'>{paras}<table>{rows}</table></div></body></html>",
        encoding="utf-8",
    )
    doc = read_document(huge, tmp_path)
    assert doc.text.count("\n") == 20000 and "| 第9999行 | 9999 |" in doc.text
    assert "网站首页" not in doc.text


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><head><title></title></head><body><script>var a=1;</script><img src=x></body></html>", "no_text"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "wrong_extension"),
        (b"PK\x03\x04" + b"\x00" * 40, "wrong_extension"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "binary"),
    ],
)
def test_pages_without_text_and_other_files_named_html_get_a_reason(tmp_path, content, reason):
    path = tmp_path / "page.html"
    path.write_bytes(content)
    result = read_document(path, tmp_path)
    assert isinstance(result, Unreadable) and result.reason_key == reason
    assert result.reason("zh") and result.reason("en")


# ---------------------------------------------------------------- .mhtml


def mhtml_bytes(page: str, charset: str | None, transfer: str) -> bytes:
    """A single-file web archive as browsers save it: the page first, then an image."""
    root = MIMEMultipart("related", type="text/html")
    root["Subject"] = "=?utf-8?B?5bm05bqm5oql5ZGK?="
    root["Snapshot-Content-Location"] = "http://www.example.gov.cn/zfxxgk/ndbg/t20250122.html"
    part = MIMEText("", "html", charset or "utf-8")
    del part["Content-Transfer-Encoding"]
    payload = page.encode(charset or "utf-8")
    if transfer == "base64":
        import base64

        part.set_payload(base64.encodebytes(payload).decode("ascii"))
    else:
        import quopri

        part.set_payload(quopri.encodestring(payload).decode("ascii"))
    part["Content-Transfer-Encoding"] = transfer
    if charset is None:
        part.set_param("charset", None)
        del part["Content-Type"]
        part["Content-Type"] = "text/html"
    part["Content-Location"] = "http://www.example.gov.cn/zfxxgk/ndbg/t20250122.html"
    root.attach(part)
    image = MIMEText("not really an image", "plain")
    image.replace_header("Content-Type", "image/png")
    image["Content-Location"] = "http://www.example.gov.cn/logo.png"
    root.attach(image)
    buf = io.BytesIO()
    email.generator.BytesGenerator(buf, policy=email.policy.SMTP).flatten(root)
    return b"From: <Saved by Blink>\r\n" + buf.getvalue()


@pytest.mark.parametrize(
    ("charset", "transfer", "suffix"),
    [
        ("utf-8", "quoted-printable", ".mhtml"),
        ("gb2312", "base64", ".mht"),
        ("gb2312", "quoted-printable", ".mht"),
        (None, "quoted-printable", ".mhtml"),
    ],
)
def test_mhtml_archive_reads_its_page_like_a_saved_page(tmp_path, changzheng_page, charset, transfer, suffix):
    source, html_path = changzheng_page
    page = html_path.read_text(encoding="utf-8")
    if charset != "utf-8":
        page = page.replace('<meta charset="utf-8">', '<meta charset="gb2312">')
    path = tmp_path / f"archive{suffix}"
    path.write_bytes(mhtml_bytes(page, charset, transfer))
    report = report_of_file(path)
    assert report.doc.source_format == "mhtml"
    assert report.doc.encoding == ("utf-8" if charset in (None, "utf-8") else "gb18030")
    assert sections_of(report) == sections_of(txt_report(tmp_path, source))
    assert table_values(report.text, report.chrome) == table_values(source)
    assert_no_site_furniture(report.text, source)
    assert report.published == date(2025, 1, 22)


def test_mhtml_in_a_folder_scan_and_broken_archives(tmp_path, changzheng_page):
    _, html_path = changzheng_page
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.mhtml").write_bytes(mhtml_bytes(html_path.read_text(encoding="utf-8"), "utf-8", "quoted-printable"))
    (folder / "empty-archive.mht").write_bytes(
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b--\r\n'
    )
    (folder / "plain-page.mht").write_bytes(
        "<html><body><p>一、总体情况</p><p>正文。</p></body></html>".encode("utf-8")
    )
    result = scan_folder(folder)
    assert [r.rel for r in result.reports] == ["good.mhtml", "plain-page.mht"]
    assert [(u.rel, u.reason_key) for u in result.unreadable] == [("empty-archive.mht", "corrupt_container")]


def test_a_caption_is_a_line_above_the_rows_and_spacer_cells_do_not_make_a_data_table(tmp_path):
    page = (
        "<html><body><div class='content'><p>二、主动公开政府信息情况</p>"
        "<table><caption>第二十条第(一)项</caption><tr><th>信息内容</th><th>本年制发件数</th></tr>"
        "<tr><td>规章</td><td>3</td></tr></table>"
        "<table>" + "".join(f"<tr><td width='20'>&nbsp;</td><td>第{k}段正文。</td></tr>" for k in range(4)) + "</table>"
        "</div></body></html>"
    )
    path = tmp_path / "cap.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path, tmp_path)
    assert [ln for ln in doc.text.splitlines() if ln.strip()] == [
        "二、主动公开政府信息情况",
        "第二十条第(一)项",
        "| 信息内容 | 本年制发件数 |",
        "| 规章 | 3 |",
        "第0段正文。",
        "第1段正文。",
        "第2段正文。",
        "第3段正文。",
    ]
    (table,) = doc.tables
    assert doc.text[table.start : table.end] == "| 信息内容 | 本年制发件数 |\n| 规章 | 3 |\n"


def test_big_pages_are_cached_by_hash_and_small_ones_are_not(tmp_path, changzheng_page, monkeypatch):
    from shenyue.paths import cache_dir

    _, small_path = changzheng_page
    page = small_path.read_text(encoding="utf-8")
    big = page.replace('<div class="left-side">', '<div class="left-side"><!--' + "填充" * 45000 + "-->", 1)
    assert len(big.encode("utf-8")) > html_reader.CACHE_FROM_BYTES > small_path.stat().st_size
    big_path = tmp_path / "big.html"
    big_path.write_text(big, encoding="utf-8")
    calls = []  # counted in this process: the guard's child would count its own
    real = html_reader.extract_html
    monkeypatch.setattr(html_reader, "extract_html", lambda s, e: calls.append(1) or real(s, e))
    first = read_document(big_path, tmp_path, guard=False)
    again = read_document(big_path, tmp_path, guard=False)
    assert calls == [1] and again.text == first.text and again.chrome == first.chrome and again.tables == first.tables
    assert "填充" not in first.text
    entries = list((cache_dir() / "extracted").glob("*.html.*.json"))
    assert len(entries) == 1
    entries[0].write_text("{broken", encoding="utf-8")
    assert read_document(big_path, tmp_path, guard=False).text == first.text and calls == [1, 1]
    read_document(small_path, tmp_path, guard=False)
    read_document(small_path, tmp_path, guard=False)
    assert calls == [1, 1, 1, 1] and len(list((cache_dir() / "extracted").glob("*.html.*.json"))) == 1


def test_an_information_disclosure_metadata_table_is_chrome_with_its_publication_date(tmp_path, sample_text):
    """政府信息公开 pages put 索引号/发布机构/发布日期 in a label-value table above the article."""
    text = sample_text("zhongshan")
    title = "中山市2021年政府信息公开工作年度报告"
    meta = (
        '<table class="xxgk-info" border="1">'
        "<tr><td>索引号：</td><td>11442000007/2022-00012</td><td>主题分类：</td><td>综合政务</td></tr>"
        "<tr><td>发布机构：</td><td>中山市人民政府办公室</td><td>成文日期：</td><td>2022-01-25</td></tr>"
        f'<tr><td>标题：</td><td colspan="3">{title}</td></tr>'
        "<tr><td>文号：</td><td></td><td>发布日期：</td><td>2022-01-28</td></tr></table>"
    )
    page = f"""<html><head><meta charset="utf-8"><title>{title}_中山市人民政府门户网站</title></head><body>
<div class="nav">{links(MENU + SUBMENU)}</div>
<div class="xxgk-detail">{meta}<h1>{title}</h1><div id="zoom" class="xxgk-content">{paragraphs(report_lines(text))}</div></div>
<div class="footer">{FOOTER[2]} {FOOTER[6]}</div></body></html>"""
    path = tmp_path / "xxgk.html"
    path.write_text(page, encoding="utf-8")
    report = report_of_file(path)
    from_txt = txt_report(tmp_path, text)
    lines = report.text.splitlines()
    assert lines[:7] == [
        "索引号：11442000007/2022-00012",
        "主题分类：综合政务",
        "发布机构：中山市人民政府办公室",
        "成文日期：2022-01-25",
        f"标题：{title}",
        "文号：",
        "发布日期：2022-01-28",
    ]
    assert all(report.in_chrome(report.text.index(ln)) for ln in lines[:7])
    assert report.table_spans == []  # not a statistics table
    assert report.published == date(2022, 1, 28)
    assert report.text[report.title.start : report.title.end] == title
    assert (report.unit, report.year) == (from_txt.unit, from_txt.year) == ("中山市", 2021)
    assert sections_of(report) == sections_of(from_txt)
    assert_no_site_furniture(report.text, text)


def test_an_html5_article_keeps_its_own_header_and_drops_the_site_header(tmp_path, sample_text):
    text = sample_text("zhongshan")
    title = "中山市2021年政府信息公开工作年度报告"
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<header><nav>{links(MENU + SUBMENU)}</nav></header>
<main><nav class="crumbs">{links(MENU[:3])}</nav>
<article><header><h1>{title}</h1><p><time datetime="2022-01-28">发布日期：2022-01-28</time> 来源：市政府办公室</p></header>
<section class="body">{paragraphs(report_lines(text))}</section>
<footer>责任编辑：李四</footer></article>
<aside><h2>相关文章</h2><ul>{links(RELATED)}</ul></aside></main>
<footer>{FOOTER[2]} {FOOTER[4]}</footer></body></html>"""
    path = tmp_path / "h5.html"
    path.write_text(page, encoding="utf-8")
    report = report_of_file(path)
    assert report.text.splitlines()[:2] == [title, "发布日期：2022-01-28 来源：市政府办公室"]
    assert report.text[report.title.start : report.title.end] == title and not report.in_chrome(0)
    assert report.published == date(2022, 1, 28)
    assert report.in_chrome(report.text.index("责任编辑：李四"))
    assert sections_of(report) == sections_of(txt_report(tmp_path, text))
    assert_no_site_furniture(report.text, text)


def test_a_body_classed_like_navigation_is_still_the_page(tmp_path):
    page = (
        '<html><body class="fixed-navbar has-sidebar"><div class="menu"><a href="/">首页</a> <a href="/n">新闻</a></div>'
        "<p>一、总体情况</p><p>本年度依法公开政府信息。</p></body></html>"
    )
    path = tmp_path / "b.html"
    path.write_text(page, encoding="utf-8")
    report = report_of_file(path)
    start = report.text.index("一、总体情况")
    assert not report.in_chrome(start) and report.in_chrome(report.text.index("首页"))
    assert report.sections and report.sections[0].start == start
