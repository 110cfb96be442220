"""Labels printed with a typo: table 三's row labels matched fuzzily to the national wording
(``2.其他法律行政止公开``), and column headers with a character typed wrong (``先行有效件数``),
reported as ``label_typo`` issues while the table is read all the same."""

from __future__ import annotations

import re
from functools import lru_cache

from shenyue.model.tables.cells import Table, TableIssue
from shenyue.model.tables.labels import strip_punct

# The national wording of table 三's row labels, for labels with a typo (2.其他法律行政止公开).
_T3_CANONICAL = {
    "new": "本年新收政府信息公开申请数量", "carried_in": "上年结转政府信息公开申请数量",
    "r1": "予以公开", "r2": "部分公开", "r3_1": "属于国家秘密", "r3_2": "其他法律行政法规禁止公开",
    "r3_3": "危及三安全一稳定", "r3_4": "保护第三方合法权益", "r3_5": "属于三类内部事务信息",
    "r3_6": "属于四类过程性信息", "r3_7": "属于行政执法案卷", "r3_8": "属于行政查询事项",
    "r4_1": "本机关不掌握相关政府信息", "r4_2": "没有现成信息需要另行制作", "r4_3": "补正后申请内容仍不明确",
    "r5_1": "信访举报投诉类申请", "r5_2": "重复申请", "r5_3": "要求提供公开出版物", "r5_4": "无正当理由大量反复申请",
    "r5_5": "要求行政机关确认或重新出具已获取信息",
    "r6_1": "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",
    "r6_2": "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
    "carried_out": "结转下年度继续办理",
}  # fmt: skip
_LABEL_NUMBERING = re.compile(r"^.*(?:\([一二三四五六七]\)|[1-9][.、]|[一二三四]、)")
ITEM_NUMBER = re.compile(r"[1-9][.、]")
FUZZY_LABEL_CUTOFF = 80  # rapidfuzz ratio; a one- or two-character slip in a 6–30 character label scores 85–95


@lru_cache(maxsize=4096)
def fuzzy_t3(label: str, seen: tuple[str, ...]) -> tuple[str | None, str]:
    """The row a label with a typo names, and its national wording; (None, "") when none is close."""
    core = strip_punct(_LABEL_NUMBERING.sub("", label))
    if len(core) < 4:
        return None, ""
    from rapidfuzz import fuzz, process

    choices = {r: w for r, w in _T3_CANONICAL.items() if r not in seen}
    best = process.extractOne(core, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_LABEL_CUTOFF)
    if best is None:
        return None, ""
    return best[2], best[0]


# Column headers checked for typos (先行有效件数 for 现行有效件数); short words (总计, 其他) are left alone.
_TYPO_HEADERS = {
    "t2": ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"),
    "t3": ("法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构"),
    "t4": ("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉"),
}
_NOT_LABEL = re.compile(r"[\s\d()（）:：,，、.。;；\"“”'‘’/|\-]")


def header_typos(table: Table, text: str, folded: str) -> None:
    """Report a column header printed with a typo (the table is read by position all the same)."""
    words = _TYPO_HEADERS.get(table.key, ())
    if table.key == "t2" and table.version == "2019":
        return
    region = folded[table.start : table.end]
    if len(region) > 20_000:
        return
    compact = _NOT_LABEL.sub("", region)
    missing = [w for w in words if w not in compact]
    if not missing:
        return
    from rapidfuzz import fuzz

    for word in missing:
        hit = fuzz.partial_ratio_alignment(word, compact, score_cutoff=FUZZY_LABEL_CUTOFF)
        if hit is None or hit.score >= 100:
            continue
        printed = compact[hit.dest_start : hit.dest_end]
        if len(printed) != len(word) or any(printed == w for w in words):
            continue
        if sum(a != b for a, b in zip(printed, word)) > max(1, len(word) // 4):
            continue  # a wording variant (法人或者其他组织), not a character typed wrong
        m = re.search(r"[\s()（）:：,，、.。;；\"“”/|\-\d]*".join(re.escape(ch) for ch in printed), region)
        start, end = (table.start + m.start(), table.start + m.end()) if m else (table.start, table.start)
        table.issues.append(
            TableIssue("label_typo", table.key, None, start, end, {"printed": printed, "expected": word})
        )
