"""Measure the fuzzy threshold for section titles (shenyue.model.section_titles).

Usage: python benchmarks/heading_titles.py

Positives: the six titles of the 2021 format as real reports misspell or vary
them, each followed by body text as on a flattened page (the matcher sees the
title's first characters only). Negatives: numbered paragraphs and
sub-headings that are not section headings. For each line it prints the best
fuzzy score (rapidfuzz ``fuzz.ratio`` against the known titles, bypassing the
exact patterns) and what ``match_title`` decides; at the end, the lowest
positive and the highest negative score, which bound the threshold.
"""

from __future__ import annotations

from shenyue.model.section_titles import (
    FUZZY_ACCEPT,
    KEY_PATTERNS,
    _compact_map,
    fuzzy_best,
    match_title,
)

BODY = "2023年，我局认真贯彻落实"

# (numeral, title, key) as printed, typos and variants
POSITIVES = [
    ("一", "总休情况", "overview"),
    ("一", "总体清况", "overview"),
    ("一", "总 体 情 况", "overview"),
    ("一", "总体情况概述", "overview"),
    ("二", "主动公开政府信息情况", "proactive"),
    ("二", "主动公开政府息情况", "proactive"),
    ("二", "主动公开政府信息工作情况", "proactive"),
    ("二", "主动公开政府信息的情况", "proactive"),
    ("二", "主动公开政府信息情", "proactive"),
    ("二", "主动公开的政府信息情况", "proactive"),
    ("三", "收到和处理政府信息公开申请情况", "requests"),
    ("三", "收到和处理政府信息申请情况", "requests"),
    ("三", "收到及处理政府信息公开申请情况", "requests"),
    ("三", "收到和处理政府信息公开申请的情况", "requests"),
    ("三", "收到和处理政府公开申请情况", "requests"),
    ("四", "政府信息公开行政复议、行政诉讼情况", "appeals"),
    ("四", "政府信息公开行政法复议、行政诉讼情况", "appeals"),
    ("四", "政府信息公开行政复议与行政诉讼情况", "appeals"),
    ("四", "政府信息公开行政复仪、行政诉讼情况", "appeals"),
    ("四", "政府信息公开行政复议、行政讼诉情况", "appeals"),
    ("四", "因政府信息公开工作被申请行政复议和提起行政诉讼情况", "appeals"),
    ("四", "政府信息公开复议、诉讼情况", "appeals"),
    ("五", "存在的主要问题及改进情况", "problems"),
    ("五", "存在的主要问题及改进措施", "problems"),
    ("五", "存在的主要问题及改进情况况", "problems"),
    ("五", "存在主要问题及改进情况", "problems"),
    ("五", "存在的主要向题及改进情况", "problems"),
    ("五", "政府信息公开工作存在的主要问题及改进情况", "problems"),
    ("六", "其他需要报告的事项", "other"),
    ("六", "其它需要报告的事项", "other"),
    ("六", "需要说明的其他事项与附表", "other"),
    ("六", "其他需要报告事项", "other"),
    ("六", "其他需要报吿的事项", "other"),
    ("六", "其他须要报告的事项", "other"),
]

# (numeral, text) numbered lines that are not section headings
NEGATIVES = [
    ("一", "是强化组织领导"),
    ("二", "主要做法"),
    ("三", "工作成效"),
    ("四", "下一步工作计划"),
    ("五", "存在问题及下一步打算"),
    ("六", "下一步工作打算"),
    ("一", "加强组织领导"),
    ("二", "加大主动公开力度"),
    ("三", "推进依申请公开工作"),
    ("四", "加强平台建设"),
    ("五", "强化监督保障"),
    ("一", "总体要求"),
    ("一", "基本情况"),
    ("二", "主动公开工作情况"),
    ("二", "主动做好政策解读"),
    ("三", "收到申请的办理情况"),
    ("三", "依申请公开办理情况"),
    ("四", "行政复议情况"),
    ("四", "政务公开平台建设情况"),
    ("五", "存在的不足"),
    ("五", "工作中存在的问题"),
    ("六", "其他工作"),
    ("六", "其他事项"),
    ("一", "加强公开解读回应工作"),
    ("二", "着力提升政务服务实效"),
    ("三", "着力推进政务公开平台建设"),
    ("四", "着力推进政务公开制度化规范化"),
    ("二", "上年结转政府信息公开申请数量"),
    ("三", "本年度办理结果"),
    ("四", "结转下年度继续办理"),
    ("一", "本年新收政府信息公开申请数量"),
    ("一", "概述"),
    ("二", "主动公开政府信息的数量"),
    ("三", "常态长效管控"),
    ("二", "完善制度机制"),
    ("六", "需要说明的事项"),
    ("五", "改进措施"),
    ("六", "其他需要说明的问题"),
    ("一", "规范"),
    ("三", "信息公开工作机构"),
    ("三", "依申请公开政府信息情况"),
]


def fuzzy(title: str) -> tuple[str | None, float]:
    c, _ = _compact_map(title + BODY)
    key, score, _n = fuzzy_best(c)
    return key, score


def main() -> None:
    print(f"threshold: FUZZY_ACCEPT={FUZZY_ACCEPT}\n")
    low_pos, pos_fuzzy, wrong = 101.0, 0, []
    print("positives (title + body text): best fuzzy score, exact pattern?, decision")
    for numeral, title, key in POSITIVES:
        best_key, score = fuzzy(title)
        exact = any(p.match(_compact_map(title)[0]) for p in KEY_PATTERNS.values())
        m = match_title(title + BODY)
        if not exact:
            pos_fuzzy += 1
            low_pos = min(low_pos, score if best_key == key else 0.0)
        if m.key != key:
            wrong.append(title)
        print(f"  {numeral}、{title:<28} {score:5.1f} {'exact' if exact else '     '} -> {m.key} ({m.score})")
    high_neg, neg_best, above = 0.0, "", []
    print("\nnegatives: best fuzzy score (against any title), decision")
    for numeral, title in NEGATIVES:
        best_key, score = fuzzy(title)
        m = match_title(title + "，" + BODY)
        if m.key is not None:
            wrong.append(title)
        if score >= FUZZY_ACCEPT:
            above.append(f"{numeral}、{title} ({score:.1f})")
        elif score > high_neg:
            high_neg, neg_best = score, f"{numeral}、{title} ({best_key})"
        print(f"  {numeral}、{title:<28} {score:5.1f} -> {m.key}")
    print(f"\n{len(POSITIVES)} positives ({pos_fuzzy} only fuzzily), {len(NEGATIVES)} negatives")
    print(f"lowest fuzzy positive: {low_pos:.1f}; highest negative below the threshold: {high_neg:.1f} [{neg_best}]")
    print(f"negatives above the threshold, refused by the ending rule or as pre-2019 titles: {above}")
    print(f"misclassified: {wrong or 'none'}")


if __name__ == "__main__":
    main()
