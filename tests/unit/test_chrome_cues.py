"""Chrome lines are found by looking only at the lines that hold a cue (most of a report's lines hold none):
the result must be the one of asking every line (the rules of annual-report-rules.md §8.1)."""

from __future__ import annotations

import random
from datetime import date

import pytest

from shenyue.model.chrome import _find_chrome, find_chrome
from shenyue.model.report import Span
from shenyue.model.text import fold, iter_lines

LINES = [
    "当前位置：首页 > 政务公开 > 年度报告",
    "首页>信息公开",
    "首页 首页 ＞ 专栏",
    "  2025-01-22 10:00  来源：区政府办",
    "２０２４－01－02",
    "\u3000\u30002024-01-02",
    "2024年1月2日",
    "【打印】【关闭】",
    "【 大 】【 中 】【 小 】",
    "字号：大 中 小",
    "字体 [ 大 中 小 ]",
    "发布时间：2024-01-30 09:47",
    "时间 ： 2024/1/3",
    "发布日期:2024年1月3日",
    "浏览次数:12",
    "阅读数：7",
    "某某市人民政府 某某区政府网",
    "某某区政府\t某某镇政府",
    "区政府工作报告",
    "扫一扫在手机打开当前页",
    "版权所有：某某区人民政府",
    "京ICP备12345678号",
    " 关闭窗口",
    "上一篇：关于……",
    "下一篇：",
    "返回顶部",
    "一、总体情况",
    "本机关认真贯彻落实《条例》，全年主动公开政府信息1200条。",
    "政府信息公开工作年度报告",
    "网站地图" + "字" * 199,
    "当前位置：首页 > " + "栏目" * 120 + "微信 微博 QQ空间",
    "x" * 250,
    "",
    "   ",
]


def every_line(text: str) -> tuple[list[Span], list[tuple[date, str, int]]]:
    """The rule applied to every line of the body, as it reads."""
    return _find_chrome(text, fold(text), lambda text, folded, body: [ln for ln in iter_lines(text) if ln[0] >= body])


@pytest.mark.parametrize("seed", range(40))
def test_chrome_found_from_cues_is_chrome_found_line_by_line(seed):
    rng = random.Random(seed)
    lines = [rng.choice(LINES) + rng.choice(["", " ", "\r", "。", " 2024-01-02"]) for _ in range(rng.randint(1, 40))]
    text = rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["", "\n", "\r"])
    if seed % 4 == 0:  # a crawler's header above the page
        text = "标题：某某区2024年政府信息公开工作年度报告\n发布时间: 2025-01-30 09:47\n==== 正文 ====\n" + text
    assert find_chrome(text) == every_line(text)


def test_a_page_of_chrome_lines_is_found_whole():
    text = "\n".join(LINES)
    spans, dates = find_chrome(text)
    assert find_chrome(text) == every_line(text)
    found = {text[s.start : s.end] for s in spans}
    assert {"当前位置：首页 > 政务公开 > 年度报告", "某某市人民政府 某某区政府网", "京ICP备12345678号"} <= found
    assert "区政府工作报告" not in found and "一、总体情况" not in found
    assert date(2025, 1, 22) in [d for d, _, _ in dates]


def test_a_line_full_of_cues_is_searched_once():
    """A hostile one-line page of cue words (【【【…) is one candidate line, found with one search: looking
    back for each cue's line start made it quadratic (2 MB took over two minutes)."""
    from shenyue.model.chrome import _CUE, _lines_with

    assert list(_lines_with(_CUE, "【" * 100_000, 0)) == [0]
    assert list(_lines_with(_CUE, "a【【\nb\n【\n【【", 0)) == [0, 6, 8]
    assert list(_lines_with(_CUE, "标题\n【x\n正文【", 4)) == [6]  # searched from the body on
    spans, _ = find_chrome("【" * 100_000)
    assert spans == every_line("【" * 100_000)[0]
