"""What the tables' labels say: row-name patterns of tables 二 and 三, header words, the anchors that
find a table, and the tests of a label against them (is it header, does it end the table).

Patterns apply to a label's compact form: folded, simplified, no white space, no pinyin.
"""

from __future__ import annotations

import re
from functools import lru_cache

from shenyue.model.tables.tokens import Token

# ---------------------------------------------------------------- row names

T3_ROW_RE = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            ("new", r"本年新收|本年度新收|新收.{0,10}申请数"),
            ("carried_in", r"上年结转|上年度结转"),
            ("g_results", r"办理结果"),
            ("r1", r"予以公开"),
            ("r2", r"部分公开"),
            ("g3", r"不予公开"),
            ("r3_1", r"国家秘密"),
            ("r3_2", r"法律行政法规禁止|禁止公开"),
            ("r3_3", r"三安全一稳定|危及"),
            ("r3_4", r"第三方合法权益|保护第三方"),
            ("r3_5", r"内部事务"),
            ("r3_6", r"过程性信息"),
            ("r3_7", r"行政执法案卷"),
            ("r3_8", r"行政查询"),
            ("g4", r"无法提供"),
            ("r4_1", r"不掌握"),
            ("r4_2", r"没有现成信息|另行制作"),
            ("r4_3", r"仍不明确"),
            ("g5", r"不予处理"),
            ("r5_1", r"信访|举报投诉"),
            ("r5_2", r"重复申请"),
            ("r5_3", r"公开出版物"),
            ("r5_4", r"大量反复"),
            ("r5_5", r"重新出具|确认或重新"),
            ("r6", r"其他处理"),
            ("r6_1", r"逾期不补正|无正当理由逾期"),
            ("r6_2", r"收费通知|缴纳费用"),
            ("other_end", r"其他$"),
            ("r7", r"总计$"),
            ("carried_out", r"结转下年度|结转下一年度|结转下年"),
        )
    )
)
T2_ROW_RE = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            ("services", r"其他对外管理服务事项"),
            ("reg", r"规章"),
            ("nd", r"规范性文件"),
            ("permit", r"行政许可"),
            ("penalty", r"行政处罚"),
            ("coercion", r"行政强制"),
            ("adminfee", r"行政事业性收费"),
            ("procure", r"政府集中采购"),
        )
    )
)

# Known header fragments: a label whose punctuation-free compact form is a
# substring of one of these belongs to the table's header.
_PUNCT_RE = re.compile(r"[\s()（）:：/,，、.。;；\"“”'‘’\[\]【】<>《》_*#-]")


def strip_punct(s: str) -> str:
    return _PUNCT_RE.sub("", s)


_HEADERS = {
    "t2": strip_punct(
        "第二十条第(一)项第二十条第(五)项第二十条第(六)项第二十条第(八)项第二十条第(九)项"
        "主动公开政府信息情况信息内容本年制发件数本年废止件数现行有效件数本年处理决定数量"
        "本年收费金额(单位:万元)本年新制作数量本年新公开数量对外公开总数量上一年项目数量本年增/减"
        "处理决定数量采购项目数量采购总金额单位万元件"
    ),
    "t3": strip_punct(
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)申请人情况自然人"
        "法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计"
    ),
    "t4": strip_punct("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"),
}
T3_COLUMN_LABELS = ("自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T4_COLUMN_LABELS = (
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "未经复议直接起诉",
    "复议后起诉",
)
T2_BLOCK_LABELS = {
    "2021": ("第二十条第一项", "第二十条第五项", "第二十条第六项", "第二十条第八项"),
    "2019": ("第二十条第一项", "第二十条第五项", "第二十条第六项", "第二十条第八项", "第二十条第九项"),
}


# Anchors, searched in the folded text (white space allowed between characters).
def _loose(word: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in word)


_ANCHOR_WORDS = {
    "t2": ("第二十条第", "本年制发件数", "本年新制作数量"),
    "t3": ("勾稽关系", "钩稽关系", "申请人情况", "本年新收", "本年度新收"),
    "t4": ("结果维持", "复议后起诉", "未经复议直接起诉"),
}
# Loose forms allow white space between the characters (PDF text layers: 第 二 十 条).
ANCHOR_RE = {key: re.compile("|".join(_loose(w) for w in words)) for key, words in _ANCHOR_WORDS.items()}
ANY_ANCHOR = re.compile("|".join(w for words in _ANCHOR_WORDS.values() for w in words))
SPACED_HAN = re.compile(r"[\u4e00-\u9fff][ \t]+[\u4e00-\u9fff][ \t]+[\u4e00-\u9fff]")
FOREIGN_ANCHOR = {
    "t2": re.compile(r"勾稽关系|申请人情况|本年新收|结果维持|复议后起诉|未经复议"),
    "t3": re.compile(r"第二十条第|本年制发件数|结果维持|复议后起诉|未经复议"),
    "t4": re.compile(r"第二十条第|本年制发件数|勾稽关系|申请人情况|本年新收"),
}
_HEADING_RE = re.compile(r"^[一二三四五六七八九十]{1,3}[、.]|^第[一二三四五六七八九十]{1,3}部分")
BARE_NUMERAL = re.compile(r"^[一二三四五六七八九十]{1,3}[、.]?$")  # 三、 alone: a label printed one character a line

# Header words of each table, for header text run together (crawled pages:
# 申请人情况自然人法人或其他组织总计商业企业…): a label made only of these words
# and punctuation is header, and a table's region starts at the first of them.
_COVER_PUNCT = r"[\s()（）:：,，、;；\"“”/|]"
_HEADER_WORDS = {
    "t2": (r"第二十条第?\(?[一五六八九]\)?项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
           "本年处理决定数量", "本年收费金额", "单位", "万元", "本年新制作数量", "本年新公开数量", "对外公开总数量",
           "上一年项目数量", "本年增/?减", "处理决定数量", "采购项目数量", "采购总金额"),
    "t3": (r"本列数据的?[勾钩]稽关系为?", "第一项加第二项之和", "等于第三项加第四项之和", "申请人情况", "自然人",
           "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
    "t4": ("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉",
           "复议后起诉"),
}  # fmt: skip
_COVER = {k: f"(?:{'|'.join(words)}|{_COVER_PUNCT})+" for k, words in _HEADER_WORDS.items()}
_COVER_FULL = {k: re.compile(f"^{c}$") for k, c in _COVER.items()}
COVER_SUFFIX = {k: re.compile(f"{c}$") for k, c in _COVER.items()}
LINE_PREFIX = re.compile(
    r"[\s|()（）:：,，、.;；\"“”]+|[一二三四五六七八九十]{1,3}(?=[、.)）])|\d{1,2}(?=[.、])"
)  # numbering, pipes
INLINE_BACK = 200  # how far back on the anchor's line header words are looked for
MAX_LABEL = 40  # a longer label is prose: the table has ended


def is_known_header(table: str, tok: Token) -> bool:
    """Every word of the label is a fragment of the table's printed header."""
    return _known_words(table, tok.words or (tok.text,))


@lru_cache(maxsize=4096)
def _known_words(table: str, words: tuple[str, ...]) -> bool:
    header = _HEADERS[table]
    seen = False
    for w in words:
        s = strip_punct(w)
        if not s:
            continue
        if (len(s) > 40 or s not in header) and not (len(w) < 400 and _COVER_FULL[table].match(w)):
            return False
        seen = True
    return seen


def stops(table: str, tok: Token) -> bool:
    """A label that cannot be part of ``table``: a heading, prose, another table's anchor."""
    label = tok.text
    if bool(_HEADING_RE.match(label)) or bool(FOREIGN_ANCHOR[table].search(label)):
        return True
    return any(len(w) > MAX_LABEL for w in tok.words) if tok.words else len(label) > MAX_LABEL
