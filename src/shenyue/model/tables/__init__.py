"""Statistics tables 二, 三 and 四 of the annual report, parsed into named cells.

Cell ids follow annual-report-rules.md §2: ``t2.reg.made``, ``t3.r7.tot``,
``t4.rv.tot`` … Every cell keeps its span in the ORIGINAL text (Python str
indices), so a finding can point at it. Nothing is ever guessed:

* a blank, "/", "-", "—" or "无" cell is *missing* (``status="blank"``), not 0;
* a row whose values cannot be told apart (too few or too many values) gets
  cells with ``value=None`` and an issue saying why;
* digits run together (a crawled page: ``3000003``, ``713000074``, table 四 as
  one run of 15 digits) are cut into cells only in a way the table's own
  arithmetic allows (:mod:`.digits`: row total = sum of the parts, group totals,
  then table 三's 勾稽 identities across rows). One fitting cut gives cells with
  ``status="split"`` and the table's ``digits`` flag; several leave the cells
  every cut does not agree on ``ambiguous`` (read, value unknown); none is a
  ``nosplit`` issue, reported as an arithmetic error quoting the digits.

Layouts read: one cell per line (labels split over lines such as 商业⏎企业,
cells like `` 0``, NBSP padding), Markdown/pipe rows (``| a | b |``, also what
the HTML reader produces), rows separated by spaces or tabs, PDF-like text
where a row's numbers follow its label on one line (wrapped labels, group
labels printed one character a line, page numbers inside a table), and a
crawled page's whole report on one line with labels and cells glued
(``…规章000行政规范性文件417第二十条第（五）项…``). Row labels and column headers
with a typo (``2.其他法律行政止公开``, ``先行有效件数``) are matched fuzzily
(rapidfuzz) and reported as ``label_typo`` issues.

A PDF converted in reading order (``pdftotext`` without ``-layout``) prints a
ruled table cell by cell and not always in row order: value rows whose labels
come after the table, a staircase of rows whose first cells follow their labels
and whose other cells come together further down, rows read column by column,
table 四's values in blocks between header words. Values are moved to other
cells only in the one placement the row totals (table 三) or group totals
(table 四) allow, then checked against table 三's identities: such cells get
``status="split"`` and a ``placed`` issue. Where several placements fit, or
none, the cells are ``scrambled`` (printed, value unknown) with an
``unaligned_order`` issue, so no arithmetic finding and no "incomplete table"
comes from the order of the text.

Work is linear in the text length: the text is searched once for table anchors
and only the lines of each table are tokenised (a long line piece by piece, as
far as the table goes).

Public API: :func:`parse_tables`, :func:`find_table_regions`, :func:`cell_ids`,
:data:`T3_ROWS`, :data:`T3_COLS`, :data:`T4_GROUPS`, :data:`T4_COLS`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from shenyue.model.normalize import fold, to_simplified
from shenyue.model.tables import digits

# ---------------------------------------------------------------- layout of the national format

T3_COLS = ("np", "biz", "res", "ngo", "law", "oth", "tot")
T3_ROWS_2021 = (
    "new", "carried_in", "r1", "r2",
    "r3_1", "r3_2", "r3_3", "r3_4", "r3_5", "r3_6", "r3_7", "r3_8",
    "r4_1", "r4_2", "r4_3",
    "r5_1", "r5_2", "r5_3", "r5_4", "r5_5",
    "r6_1", "r6_2", "r6_3",
    "r7", "carried_out",
)  # fmt: skip
T3_ROWS_2019 = tuple(r for r in T3_ROWS_2021 if not r.startswith("r6_"))
T3_ROWS_2019 = T3_ROWS_2019[: T3_ROWS_2019.index("r7")] + ("r6",) + T3_ROWS_2019[T3_ROWS_2019.index("r7") :]
T3_ROWS = T3_ROWS_2021  # default
T3_RESULT_ROWS_2021 = tuple(r for r in T3_ROWS_2021 if r.startswith("r") and r != "r7")
T3_RESULT_ROWS_2019 = tuple(r for r in T3_ROWS_2019 if r.startswith("r") and r != "r7")

T4_GROUPS = ("rv", "sd", "sr")
T4_COLS = ("up", "cor", "oth", "pend", "tot")

# Table 二: row -> column ids, per format version.
T2_ROWS_2021 = {
    "reg": ("made", "repealed", "valid"),
    "nd": ("made", "repealed", "valid"),
    "permit": ("decisions",),
    "penalty": ("decisions",),
    "coercion": ("decisions",),
    "adminfee": ("amount_wan",),
}
T2_ROWS_2019 = {
    "reg": ("made", "published", "total"),
    "nd": ("made", "published", "total"),
    "permit": ("prev", "delta", "decisions"),
    "services": ("prev", "delta", "decisions"),
    "penalty": ("prev", "delta", "decisions"),
    "coercion": ("prev", "delta", "decisions"),
    "adminfee": ("prev", "delta"),
    "procure": ("count", "amount"),
}
# Cells that hold amounts (decimals allowed) and signed deltas (2019 本年增/减).
AMOUNT_CELLS = frozenset({"t2.adminfee.amount_wan", "t2.procure.amount"})


def t2_rows(version: str | None) -> dict[str, tuple[str, ...]]:
    return T2_ROWS_2019 if version == "2019" else T2_ROWS_2021


def t3_rows(version: str | None) -> tuple[str, ...]:
    return T3_ROWS_2019 if version == "2019" else T3_ROWS_2021


def t3_result_rows(version: str | None) -> tuple[str, ...]:
    return T3_RESULT_ROWS_2019 if version == "2019" else T3_RESULT_ROWS_2021


def cell_ids(table: str, version: str | None = "2021") -> list[str]:
    """Every cell id of one table (``"t2"``, ``"t3"``, ``"t4"``) in data order."""
    if table == "t2":
        return [f"t2.{r}.{c}" for r, cols in t2_rows(version).items() for c in cols]
    if table == "t3":
        return [f"t3.{r}.{c}" for r in t3_rows(version) for c in T3_COLS]
    if table == "t4":
        return [f"t4.{g}.{c}" for g in T4_GROUPS for c in T4_COLS]
    raise ValueError(f"unknown table {table!r}")


# ---------------------------------------------------------------- matching copy


@lru_cache(maxsize=1)
def _match_table():
    """Folded-and-simplified form of every UTF-16 code unit (surrogates map to themselves)."""
    import numpy as np

    bmp = "".join(map(chr, range(0x10000)))
    mapped = np.frombuffer(to_simplified(fold(bmp, digits=False)).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    identity = np.arange(0x10000, dtype=np.uint32)
    keep = (mapped > 0xFFFF) | ((identity >= 0xD800) & (identity < 0xE000))  # one code unit in, one out
    return np.where(keep, identity, mapped).astype(np.uint16)


def match_text(text: str) -> str:
    """A copy of ``text`` for matching, of the same length: full-width forms
    folded (``，`` -> ``,``), odd spaces to spaces, Traditional to Simplified,
    ASCII lower-cased (:func:`shenyue.model.normalize.fold` with ``digits=False``,
    then :func:`~shenyue.model.normalize.to_simplified`). Offsets into it are
    offsets into ``text``."""
    if not text:
        return text
    import numpy as np

    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    out = _match_table()[units].tobytes().decode("utf-16-le", "surrogatepass")
    if len(out) != len(text):  # adjacent lone surrogates paired up: map per character instead
        out = "".join(chr(_match_table()[ord(ch)]) if ord(ch) < 0x10000 else ch for ch in text)
    return out


# ---------------------------------------------------------------- format markers (rules §3.2)

MARKERS_2021 = (
    "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
    "申请人无正当理由逾期不补正", "申请人逾期未按收费通知要求缴纳费用",
)  # fmt: skip
MARKERS_2019 = (
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
    "其他对外管理服务事项", "第二十条第(九)项", "政府集中采购", "采购项目数量", "采购总金额",
)  # fmt: skip

# ---------------------------------------------------------------- row label patterns
# Applied to a label's compact form: folded, simplified, no white space, no pinyin.

_T3_ROW_RE = re.compile(
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
_T2_ROW_RE = re.compile(
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


def _strip_punct(s: str) -> str:
    return _PUNCT_RE.sub("", s)


_HEADERS = {
    "t2": _strip_punct(
        "第二十条第(一)项第二十条第(五)项第二十条第(六)项第二十条第(八)项第二十条第(九)项"
        "主动公开政府信息情况信息内容本年制发件数本年废止件数现行有效件数本年处理决定数量"
        "本年收费金额(单位:万元)本年新制作数量本年新公开数量对外公开总数量上一年项目数量本年增/减"
        "处理决定数量采购项目数量采购总金额单位万元件"
    ),
    "t3": _strip_punct(
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)申请人情况自然人"
        "法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计"
    ),
    "t4": _strip_punct("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"),
}
_T3_COLUMN_LABELS = ("自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_T4_COLUMN_LABELS = (
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
_T2_BLOCK_LABELS = {
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
_ANCHOR_RE = {key: re.compile("|".join(_loose(w) for w in words)) for key, words in _ANCHOR_WORDS.items()}
_ANY_ANCHOR = re.compile("|".join(w for words in _ANCHOR_WORDS.values() for w in words))
_SPACED_HAN = re.compile(r"[\u4e00-\u9fff][ \t]+[\u4e00-\u9fff][ \t]+[\u4e00-\u9fff]")
_FOREIGN_ANCHOR = {
    "t2": re.compile(r"勾稽关系|申请人情况|本年新收|结果维持|复议后起诉|未经复议"),
    "t3": re.compile(r"第二十条第|本年制发件数|结果维持|复议后起诉|未经复议"),
    "t4": re.compile(r"第二十条第|本年制发件数|勾稽关系|申请人情况|本年新收"),
}
_HEADING_RE = re.compile(r"^[一二三四五六七八九十]{1,3}[、.]|^第[一二三四五六七八九十]{1,3}部分")
_BARE_NUMERAL = re.compile(r"^[一二三四五六七八九十]{1,3}[、.]?$")  # 三、 alone: a label printed one character a line

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
_COVER_SUFFIX = {k: re.compile(f"{c}$") for k, c in _COVER.items()}
_LINE_PREFIX = re.compile(
    r"[\s|()（）:：,，、.;；\"“”]+|[一二三四五六七八九十]{1,3}(?=[、.)）])|\d{1,2}(?=[.、])"
)  # numbering, pipes
_INLINE_BACK = 200  # how far back on the anchor's line header words are looked for

# A run of digits glued into a label: a cell value unless it is a list number
# (1.属于…, 2、…) or part of a date or a count in prose (2022年, 3条).
_DIGIT_RUN = re.compile(r"\d+(?:\.\d+)?")
_GLUE_LEFT = re.compile(r"[\u4e00-\u9fff)）\]】”\"]")
_GLUE_RIGHT = re.compile(r"[\u4e00-\u9fff(（\[【“\"]")
_HAS_DIGIT = re.compile(r"\d")
_NUMBERING_AFTER = re.compile(r"[.、][^\d\s]")
_UNIT_AFTER = re.compile(r"[年月日号时分秒条件个次份项人万元%]")
_PAGE_NUMBER = re.compile(
    r"^\s*[-—–]\s*\d{1,4}\s*[-—–]\s*$|^\s*第\s*\d{1,4}\s*页(?:\s*[,/共]\s*共?\s*\d{1,4}\s*页)?\s*$"
)
_PINYIN_IN_LABEL = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
_NUMBER_RE = re.compile(r"([+-]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:件|个|条|次|份|项|人次|万元|元)?")
_MISSING = frozenset({"/", "//", "-", "--", "—", "——", "–", "无", "空", "\\"})
_MD_SEPARATOR = re.compile(r"^[\s|:\-+=]*$")
_SEPARATOR_RE = re.compile(r"[|\t]")
_WORD_RE = re.compile(r"\S+")
_SPACE_RE = re.compile(r"\s+")
_MAX_LABEL = 40  # a longer label is prose: the table has ended
_MAX_UNKNOWN_RUN = 8  # this many unknown labels in a row end a table
_MAX_BACK_LINES = 40
_MAX_SLOTS = 40  # values collected for one row before the table is taken to have ended

LABEL, VALUE, BLANK = 0, 1, 2
# Cell statuses of a cell the page prints (its value may still be unknown: blank, or digits with several readings).
READ_STATUSES = frozenset({"ok", "split", "blank", "ambiguous", "unsplit", "scrambled"})

# ---------------------------------------------------------------- model


@dataclass(slots=True)
class Cell:
    """One cell: ``value`` is None unless the cell holds a readable number."""

    id: str
    raw: str  # the cell as written (stripped); "" for a blank or absent cell
    start: int
    end: int
    value: int | float | None
    status: str = "ok"  # ok | split | blank | merged | unaligned | empty | ambiguous | unsplit | scrambled

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(slots=True)
class TableIssue:
    """Why some cells could not be read. ``kind``: merged, split, count, extra,
    no_values, stray, duplicate_row, missing_row, missing_column."""

    kind: str
    table: str
    row: str | None
    start: int
    end: int
    params: dict = field(default_factory=dict)


@dataclass(slots=True)
class Table:
    key: str  # "t2", "t3", "t4"
    version: str | None
    start: int
    end: int
    cells: dict[str, Cell] = field(default_factory=dict)
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # row id -> label span
    labels: str = ""  # compact header and row labels, for marker and column checks
    issues: list[TableIssue] = field(default_factory=list)
    # Glued digits (crawled pages): "split" when every run was cut in the one way the
    # table's totals allow, "ambiguous" when some run has several readings.
    digits: str = ""
    printed: dict[str, str] = field(default_factory=dict)  # row id -> its digits as printed, for split rows
    readings: dict = field(default_factory=dict, repr=False)  # row id -> (tokens, cuts) still undecided

    @property
    def n_cells(self) -> int:
        return sum(1 for c in self.cells.values() if c.status in READ_STATUSES)


@dataclass(slots=True)
class Tables:
    t2: Table | None = None
    t3: Table | None = None
    t4: Table | None = None
    regions: list[tuple[int, int]] = field(default_factory=list)  # sorted, non-overlapping
    version: str | None = None  # "2021", "2019" or None (no tables / undecided)
    markers_2019: list[str] = field(default_factory=list)
    markers_2021: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return getattr(self, key) if key in ("t2", "t3", "t4") else None

    def cell(self, cell_id: str) -> Cell | None:
        t = self.table(cell_id[:2])
        return t.cells.get(cell_id) if t else None

    def value(self, cell_id: str) -> int | float | None:
        c = self.cell(cell_id)
        return c.value if c else None

    def all(self) -> list[Table]:
        return [t for t in (self.t2, self.t3, self.t4) if t is not None]

    def in_region(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.regions)


# ---------------------------------------------------------------- tokens


@dataclass(slots=True)
class _Tok:
    kind: int
    start: int
    end: int
    text: str  # compact label text, or the raw value
    line_has_label: bool = False
    words: tuple[str, ...] = ()  # a label's white-space separated words (folded)


def _compact_label(folded: str, start: int, end: int) -> str:
    s = folded[start : min(end, start + 400)]
    if " " in s or "\n" in s or "\r" in s:
        s = _SPACE_RE.sub("", s)
    if "(" in s:
        s = _PINYIN_IN_LABEL.sub("", s)
    return s


def _label(folded: str, start: int, end: int, alone: bool = False) -> _Tok:
    raw = folded[start:end]
    return _Tok(
        LABEL, start, end, _compact_label(folded, start, end), alone, tuple(raw.split()) if not alone else (raw,)
    )


def _line_tokens(folded: str, ls: int, le: int, text: str) -> list[_Tok]:
    """Tokens of one line ``folded[ls:le]`` (``text`` is the original, for its tabs)."""
    line = folded[ls:le]
    word = line.strip()
    if not word or (len(word) < 16 and _PAGE_NUMBER.match(word)):
        return []  # a page number (- 4 -, 第 4 页) inside a table that runs over pages
    if " " not in word and "|" not in word and "\t" not in text[ls:le]:  # fast path: one word
        ws = ls + line.index(word[0])
        return _word_tokens(folded, ws, ws + len(word), word)
    pipe = "|" in line
    if pipe and _MD_SEPARATOR.match(line):
        return []
    pieces: list[tuple[int, int]] = []
    raw = text[ls:le]
    if pipe or "\t" in raw:
        pos = ls
        for m in _SEPARATOR_RE.finditer(raw):
            pieces.append((pos, ls + m.start()))
            pos = ls + m.end()
        pieces.append((pos, le))
        if pipe:
            # the text before the first pipe and after the last one is a cell only if not blank
            if pieces and not folded[pieces[0][0] : pieces[0][1]].strip():
                pieces = pieces[1:]
            if pieces and not folded[pieces[-1][0] : pieces[-1][1]].strip():
                pieces = pieces[:-1]
    else:
        pieces.append((ls, le))
    toks: list[_Tok] = []
    for ps, pe in pieces:
        words = [(m.start() + ps, m.end() + ps) for m in _WORD_RE.finditer(folded[ps:pe])]
        if not words:
            if pipe:  # an empty cell between pipes
                toks.append(_Tok(BLANK, ps, max(pe, ps + 1) if pe > ps else min(ps + 1, le), ""))
            continue
        label_start = label_end = -1
        for ws, we in words:
            w = folded[ws:we]
            kind = _word_kind(w)
            if kind == LABEL:
                glued = _glued_values(w) if _HAS_DIGIT.search(w) else None
                if glued:
                    pos = 0
                    for a, b in glued:
                        if a > pos:
                            label_start = ws + pos if label_start < 0 else label_start
                            label_end = ws + a
                        if label_start >= 0:
                            toks.append(_label(folded, label_start, label_end))
                            label_start = -1
                        toks.append(_Tok(VALUE, ws + a, ws + b, w[a:b]))
                        pos = b
                    if pos < len(w):
                        label_start, label_end = ws + pos, we
                    continue
                if label_start < 0:
                    label_start = ws
                label_end = we
                continue
            if label_start >= 0:
                toks.append(_label(folded, label_start, label_end))
                label_start = -1
            toks.append(_Tok(kind, ws, we, w if kind == VALUE else ""))
        if label_start >= 0:
            toks.append(_label(folded, label_start, label_end))
    has_label = any(t.kind == LABEL for t in toks)
    for t in toks:
        t.line_has_label = has_label
    return toks


def _word_tokens(folded: str, ws: int, we: int, w: str) -> list[_Tok]:
    """Tokens of a line that is one word."""
    kind = _word_kind(w)
    if kind != LABEL:
        return [_Tok(kind, ws, we, w if kind == VALUE else "")]
    glued = _glued_values(w) if _HAS_DIGIT.search(w) else None
    if not glued:
        return [_label(folded, ws, we, True)]
    toks: list[_Tok] = []
    pos = 0
    for a, b in glued:
        if a > pos:
            toks.append(_label(folded, ws + pos, ws + a, True))
        toks.append(_Tok(VALUE, ws + a, ws + b, w[a:b], True))
        pos = b
    if pos < len(w):
        toks.append(_label(folded, ws + pos, we, True))
    return toks


def _glued_values(w: str) -> list[tuple[int, int]] | None:
    """Spans of the cell values run into the label word ``w``
    (``规章000行政规范性文件417``, ``00000002.其他法律…``), or None.

    A digit run next to a letter (IPv6, 5G), part of a date or a prose count
    (2022年, 3条) or a list number (1.属于…) stays in the label; a run ending in
    a list number (``00000002.其他``) gives the number to the label after it."""
    out: list[tuple[int, int]] = []
    n = len(w)
    for m in _DIGIT_RUN.finditer(w):
        a, b = m.start(), m.end()
        if b - a > _MAX_VALUE or (a and not _GLUE_LEFT.match(w, a - 1)):
            continue
        if b < n:
            if _NUMBERING_AFTER.match(w, b):
                b -= 1  # the last digit numbers the next label
                if b <= a or "." in w[a:b]:
                    continue
            elif w[b] == "年" and b - a > 4 and w[b - 4 : b - 2] in ("19", "20"):
                b -= 4  # 0000000000000002023年: the cells, then a year opening the next sentence
            elif _UNIT_AFTER.match(w, b) or not _GLUE_RIGHT.match(w, b):
                continue
        out.append((a, b))
    return out or None


_MAX_VALUE = 64  # a longer digit run is no row of a table (seven cells of nine digits at most)


def _word_kind(w: str) -> int:
    if w in _MISSING:
        return BLANK
    if len(w) <= _MAX_VALUE and _NUMBER_RE.fullmatch(w):
        return VALUE
    return LABEL


def _lines_from(folded: str, pos: int, limit: int) -> Iterator[tuple[int, int]]:
    n = min(len(folded), limit)
    while pos < n:
        nl = folded.find("\n", pos, n)
        end = n if nl < 0 else nl
        yield pos, end
        pos = end + 1


_LONG_LINE = 2000  # a longer line (a crawled page on one line) is tokenised piece by piece, as it is read
_NOT_DIGIT = re.compile(r"\D")
_PIECE_CUT = re.compile(r"\d(?=[^\d\s.,、])|\s")  # after a value, before the label that follows it


def _tokens_from(folded: str, pos: int, ignore: list[tuple[int, int]], text: str) -> Iterator[_Tok]:
    for ls, le in _lines_from(folded, pos, len(folded)):
        if ignore and any(s <= ls < e for s, e in ignore):
            continue
        if le - ls <= _LONG_LINE or "|" in folded[ls : ls + _LONG_LINE] or "\t" in text[ls : ls + _LONG_LINE]:
            yield from _line_tokens(folded, ls, le, text)
            continue
        # A table parser stops after a few tokens past its table: never tokenise a whole long line up front.
        start = ls
        while start < le:
            cut = min(le, start + _LONG_LINE // 2)
            if cut < le:
                m = _PIECE_CUT.search(folded, cut, min(le, cut + 400))
                if m is None:  # never cut a run of digits in two: it would read as two values
                    m = _NOT_DIGIT.search(folded, cut, le)
                    cut = m.start() if m else le
                else:
                    cut = m.end()
            for tok in _line_tokens(folded, start, cut, text):
                tok.line_has_label = True  # a piece of a line that holds labels
                yield tok
            start = cut


def parse_number(raw: str) -> int | float | None:
    m = _NUMBER_RE.fullmatch(raw)
    if not m:
        return None
    sign, digits = m.group(1), m.group(2).replace(",", "")
    value: int | float = float(digits) if "." in digits else int(digits)
    return -value if sign == "-" else value


# ---------------------------------------------------------------- parsing helpers


def _is_known_header(table: str, tok: _Tok) -> bool:
    """Every word of the label is a fragment of the table's printed header."""
    return _known_words(table, tok.words or (tok.text,))


@lru_cache(maxsize=4096)
def _known_words(table: str, words: tuple[str, ...]) -> bool:
    header = _HEADERS[table]
    seen = False
    for w in words:
        s = _strip_punct(w)
        if not s:
            continue
        if (len(s) > 40 or s not in header) and not (len(w) < 400 and _COVER_FULL[table].match(w)):
            return False
        seen = True
    return seen


def _stops(table: str, tok: _Tok) -> bool:
    """A label that cannot be part of ``table``: a heading, prose, another table's anchor."""
    label = tok.text
    if bool(_HEADING_RE.match(label)) or bool(_FOREIGN_ANCHOR[table].search(label)):
        return True
    return any(len(w) > _MAX_LABEL for w in tok.words) if tok.words else len(label) > _MAX_LABEL


def _line_start(folded: str, pos: int) -> int:
    return folded.rfind("\n", 0, pos) + 1


def _region_start(folded: str, text: str, table: str, anchor: int, floor: int) -> tuple[int, int, list[str]]:
    """Where to start reading a table found at ``anchor``: ``(tokens from, region start, header labels)``.

    On a line of prose that runs into the table (a crawled page keeps the
    whole report on one line) the region starts at the first header word
    before the anchor; otherwise whole lines of header fragments above it
    are taken in (:func:`_back_start`)."""
    ls = max(_line_start(folded, anchor), floor)
    if anchor > ls:
        am = _ANCHOR_RE[table].match(folded, anchor)
        a_end = am.end() if am else anchor
        m = _COVER_SUFFIX[table].search(folded, max(ls, anchor - _INLINE_BACK), a_end)
        p = m.start() if m is not None and m.start() < anchor else anchor
        while p < anchor and folded[p].isspace():
            p += 1
        if p > ls and _LINE_PREFIX.sub("", folded[max(ls, p - 40) : p]):
            return p, p, []  # prose before the table on its line
    start, labels = _back_start(folded, text, table, ls, floor)
    return ls, start, labels


def _back_start(folded: str, text: str, table: str, line_start: int, floor: int) -> tuple[int, list[str]]:
    """Walk back over lines made only of the table's header fragments.

    Returns the region start and the header labels found on the way (in text order)."""
    start = line_start
    pos = line_start
    labels: list[list[str]] = []
    for _ in range(_MAX_BACK_LINES):
        if pos <= floor:
            break
        prev_end = pos - 1
        prev_start = max(_line_start(folded, prev_end), floor)
        if prev_end - prev_start > _LONG_LINE:
            break  # prose, not a header line
        toks = _line_tokens(folded, prev_start, prev_end, text)
        pos = prev_start
        if not toks:
            continue
        if all(t.kind == BLANK or (t.kind == LABEL and _is_known_header(table, t)) for t in toks):
            start = toks[0].start
            labels.append([t.text for t in toks if t.kind == LABEL])
            continue
        break
    return start, [label for line in reversed(labels) for label in line]


@dataclass(slots=True)
class _Row:
    id: str
    label: _Tok
    slots: list[_Tok] = field(default_factory=list)


def _open_row(
    table: Table, rows: dict[str, _Row], order: list[str], labels: list[str], kind: str, tok: _Tok
) -> _Row | None:
    """Start row ``kind`` at its label; a second label for a row already seen is reported, not merged."""
    if kind in rows:
        table.issues.append(TableIssue("duplicate_row", table.key, kind, tok.start, tok.end, {}))
        return None
    row = rows[kind] = _Row(kind, tok)
    order.append(kind)
    labels.append(tok.text)
    return row


@dataclass(slots=True)
class _Walk:
    """What the token walks of tables 二 and 三 share: the rows opened so far, the row
    taking values, where reading got to, values outside any row, and the labels just
    read (a label split over lines is joined back, 1.本机关不⏎掌握相关政府信息)."""

    table: Table
    labels: list[str]  # header and row labels, in text order
    last_end: int
    rows: dict[str, _Row] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    current: _Row | None = None
    stray: list[_Tok] = field(default_factory=list)
    prev: list[_Tok] = field(default_factory=list)
    unknown: int = 0

    def classify(self, classify, tok: _Tok) -> tuple[str | None, _Tok]:
        kind, joined = _classify_split(classify, tok, self.prev)
        self.prev.append(tok)
        if len(self.prev) > 4:
            del self.prev[0]
        return kind, joined

    def row(self, kind: str, tok: _Tok) -> None:
        """A label naming row ``kind``: the next line of the label of the row just opened, or a new row."""
        self.unknown = 0
        cur = self.current
        if cur is not None and cur.id == kind and not cur.slots:
            cur.label = _Tok(LABEL, cur.label.start, tok.end, cur.label.text + tok.text)
            self.last_end = tok.end
            return
        self.current = _open_row(self.table, self.rows, self.order, self.labels, kind, tok)
        if self.current is not None:
            self.last_end = tok.end

    def header(self, tok: _Tok) -> None:
        self.labels.append(tok.text)
        self.last_end = tok.end
        self.unknown = 0

    def other_label(self) -> bool:
        """A label that names nothing; False when too many in a row have ended the table."""
        if self.current is not None and self.current.slots:
            self.current = None
        self.unknown += 1
        return self.unknown <= _MAX_UNKNOWN_RUN

    def value(self, tok: _Tok) -> bool:
        """A value or a blank cell; False when it cannot belong to the table any more."""
        self.prev.clear()
        cur = self.current
        if cur is not None:
            if len(cur.slots) >= _MAX_SLOTS:
                return False  # no row has this many values
            cur.slots.append(tok)
            self.last_end = tok.end
        elif tok.kind == VALUE:
            self.stray.append(tok)
            return len(self.stray) <= 60
        return True

    def finish(self, spec_rows) -> None:
        """Issues for values outside any row and for rows the format has but the table lacks."""
        table = self.table
        for tok in self.stray:
            if table.start <= tok.start < table.end:
                table.issues.append(TableIssue("stray", table.key, None, tok.start, tok.end, {"raw": tok.text}))
        for row_id in spec_rows:
            if row_id not in self.rows:
                table.issues.append(TableIssue("missing_row", table.key, row_id, table.start, table.start, {}))


def _finalize_row(table: Table, prefix: str, row: _Row, cols: tuple[str, ...], rule=digits.no_rule) -> None:
    """Turn a row's collected slots into cells (or into an issue)."""
    k = len(cols)
    slots = row.slots
    label = row.label
    table.rows[row.id] = (label.start, label.end)
    if len(slots) > k:
        while len(slots) > k and slots[0].kind == BLANK:
            slots = slots[1:]
        while len(slots) > k and slots[-1].kind == BLANK:
            slots = slots[:-1]
    ids = [f"{prefix}.{row.id}.{c}" for c in cols]
    if len(slots) == k:
        for cid, tok in zip(ids, slots):
            if tok.kind == BLANK:
                table.cells[cid] = Cell(cid, tok.text, tok.start, tok.end, None, "blank")
            else:
                table.cells[cid] = Cell(cid, tok.text, tok.start, tok.end, parse_number(tok.text), "ok")
        return
    # A row's values can stand before its label (header-less layouts), so take the hull.
    span_start = min([label.start] + [t.start for t in slots])
    span_end = max([label.end] + [t.end for t in slots])
    values = [t for t in slots if t.kind == VALUE]
    if not slots:
        table.issues.append(TableIssue("no_values", table.key, row.id, label.start, label.end, {"expected": k}))
        for cid in ids:
            table.cells[cid] = Cell(cid, "", label.start, label.end, None, "empty")
        return
    if len(slots) < k and values and all(t.kind == VALUE for t in slots):
        digit_runs = [t for t in values if len(t.text.lstrip("+-").replace(",", "")) > 1]
        if digit_runs:
            raw = " ".join(t.text for t in values)
            if all(t.text.isdigit() for t in values) and sum(len(t.text) for t in values) >= k:
                if _split_row(table, row, ids, values, rule, raw, span_start, span_end):
                    return
            table.issues.append(
                TableIssue("merged", table.key, row.id, span_start, span_end,
                           {"raw": raw, "found": len(slots), "expected": k})
            )  # fmt: skip
            for cid in ids:
                table.cells[cid] = Cell(cid, "", span_start, span_end, None, "merged")
            return
    table.issues.append(
        TableIssue("count" if len(slots) < k else "extra", table.key, row.id, span_start, span_end,
                   {"found": len(slots), "expected": k})
    )  # fmt: skip
    for cid in ids:
        table.cells[cid] = Cell(cid, "", span_start, span_end, None, "unaligned")


def _split_row(
    table: Table, row: _Row, ids: list[str], values: list[_Tok], rule, raw: str, start: int, end: int
) -> bool:
    """Cut a row's glued digits into its cells with the row's own arithmetic (:mod:`.digits`).

    One reading (or a run with exactly one digit per cell): the cells get their
    values, status ``split``. No reading satisfies the row's rule: a ``nosplit``
    issue (an arithmetic error as printed). Several, or too many to try: the
    cells are ``ambiguous`` (read, value unknown) and the readings are kept for
    the table's identities to decide (:func:`_resolve_t3`). False: not digits
    this module can cut (the caller reports the row as merged)."""
    k = len(ids)
    toks = [t.text for t in values]
    forced = sum(len(t) for t in toks) == k
    found, complete = digits.cuts(toks, k, digits.no_rule if forced else rule)
    if forced and not found:
        return False  # a leading-zero rule cannot fail for one digit per cell: not reached
    table.printed[row.id] = raw
    start, end = values[0].start, values[-1].end
    if forced or (complete and len(found) == 1):
        _assign_cut(table, ids, values, found[0], "split")
        table.issues.append(TableIssue("split", table.key, row.id, start, end, {"raw": raw, "expected": k}))
        return True
    if complete and not found:
        if _dropped_cell(toks, rule):
            return False  # 12 0 0 3 0 15: consistent as printed, a cell was lost rather than digits glued
        table.issues.append(TableIssue("nosplit", table.key, row.id, start, end, {"raw": raw, "expected": k}))
        for cid in ids:
            table.cells[cid] = Cell(cid, "", start, end, None, "unsplit")
        return True
    table.issues.append(TableIssue("ambiguous", table.key, row.id, start, end,
                                   {"raw": raw, "expected": k, "readings": len(found) if complete else 0}))  # fmt: skip
    for cid in ids:
        table.cells[cid] = Cell(cid, "", start, end, None, "ambiguous")
    if complete:
        table.readings[row.id] = (values, ids, found)
        # a cell cut the same way in every reading is known all the same (72|64|178|37|351 before an unsure group)
        for i, cid in enumerate(ids):
            if all(cut[i] == found[0][i] for cut in found):
                _assign_cut(table, [cid], values, [found[0][i]], "split")
    return True


def _dropped_cell(toks: list[str], rule) -> bool:
    """Values separated as printed, none with a leading zero, whose total already equals
    the sum of the others: a row that lost a (blank) cell, not digits run together."""
    if len(toks) < 2 or rule is not digits.t3_rule or any(len(t) > 1 and t[0] == "0" for t in toks):
        return False
    nums = [int(t) for t in toks]
    return nums[-1] == sum(nums[:-1])


def _assign_cut(table: Table, ids: list[str], values: list[_Tok], cut, status: str) -> None:
    for cid, (ti, a, b) in zip(ids, cut):
        tok = values[ti]
        piece = tok.text[a:b]
        table.cells[cid] = Cell(cid, piece, tok.start + a, tok.start + b, int(piece), status)


_MAX_COMBINATIONS = 4096


def _resolve_t3(table: Table, version: str | None) -> None:
    """Decide table 三's rows whose glued digits have several readings with the
    table's identities: per column, 本年新收 + 上年结转 = (七)总计 + 结转下年度 and
    (七)总计 = the sum of the result rows. Exactly one combination of readings
    satisfying them is taken; none is a ``nosplit`` issue of the whole table;
    several (or too many to try) leave the rows ambiguous."""
    pending = table.readings
    if not pending:
        return
    order = list(pending)
    options = [pending[r][2] for r in order]
    total = 1
    for o in options:
        total *= len(o)
    if total > _MAX_COMBINATIONS or total == 0:
        return
    results = t3_result_rows(version)
    known: dict[str, list[int | None]] = {}
    for r in t3_rows(version):
        known[r] = [_value_of(table.cells.get(f"t3.{r}.{c}")) for c in T3_COLS]
    fitting = []
    for combo in itertools.product(*options):
        trial = dict(known)
        for r, cut in zip(order, combo):
            toks = pending[r][0]
            trial[r] = [int(toks[ti].text[a:b]) for ti, a, b in cut]
        if _t3_identities_hold(trial, results):
            fitting.append(combo)
            if len(fitting) > 1:
                return
    if not fitting:
        raw = "; ".join(table.printed.get(r, "") for r in order)
        first = next(i for i in table.issues if i.kind == "ambiguous")
        table.issues.append(
            TableIssue("nosplit_table", "t3", None, first.start, first.end, {"raw": raw, "rows": order})
        )
        return
    for r, cut in zip(order, fitting[0]):
        toks, ids, _ = pending[r]
        _assign_cut(table, ids, toks, cut, "split")
        for issue in table.issues:
            if issue.kind == "ambiguous" and issue.row == r:
                issue.kind = "split"
    table.readings = {}


def _value_of(cell: Cell | None) -> int | None:
    return cell.value if cell is not None and isinstance(cell.value, int) else None


def _t3_identities_hold(rows: dict[str, list[int | None]], results: tuple[str, ...]) -> bool:
    """Every checkable identity of table 三 holds (an unknown cell makes its identity unchecked)."""
    for c in range(7):
        new, ci, r7, co = (rows.get(r, [None] * 7)[c] for r in ("new", "carried_in", "r7", "carried_out"))
        if None not in (new, ci, r7, co) and new + ci != r7 + co:
            return False
        parts = [rows.get(r, [None] * 7)[c] for r in results]
        if r7 is not None and None not in parts and r7 != sum(parts):
            return False
    return True


def _digits_flag(table: Table) -> None:
    kinds = {i.kind for i in table.issues}
    if "ambiguous" in kinds:
        table.digits = "ambiguous"
    elif kinds & {"split", "nosplit", "nosplit_table"}:
        table.digits = "split"


# ---------------------------------------------------------------- table 三


def _classify_split(classify, tok: _Tok, prev: list[_Tok]) -> tuple[str | None, _Tok]:
    """Classify a label, joining it to up to three labels just before it when
    it is only the end of a label split over lines (1.本机关不⏎掌握相关政府信息)."""
    kind = classify(tok.text)
    if kind is not None or not prev:
        return kind, tok
    acc = tok.text
    for p in reversed(prev[-3:]):
        acc = p.text + acc
        kind = classify(acc)
        if kind is not None:
            return kind, _Tok(LABEL, p.start, tok.end, acc, tok.line_has_label, p.words + tok.words)
    return None, tok


_LATE_ROWS = ("r4", "r5", "r6")  # (七)总计 follows rows of groups (四)…(六)


@lru_cache(maxsize=4096)
def _classify_t3(label: str) -> str | None:
    last = None
    for m in _T3_ROW_RE.finditer(label):
        last = m.lastgroup
    return last


def _parse_t3(text: str, folded: str, anchor: int, floor: int, ignore, doc_version: str | None) -> Table | None:
    line0, start, header_labels = _region_start(folded, text, "t3", anchor, floor)
    table = Table("t3", None, start, start)
    walk = _Walk(table, header_labels, start)
    rows, order = walk.rows, walk.order
    in_rows = False
    header_tokens = 0
    tiny = 0
    for tok in _tokens_from(folded, line0, ignore, text):
        if tok.kind != LABEL:  # a value or a blank
            if not in_rows:
                walk.prev.clear()
                header_tokens += 1
                if header_tokens > 80:
                    break
                continue
            if not walk.value(tok):
                break
            continue
        if in_rows and _FOREIGN_ANCHOR["t3"].search(tok.text):
            break  # the next table's header run into this one (四、…行政复议行政诉讼结果维持…)
        if "carried_out" in rows and len(rows["carried_out"].slots) >= 7:
            break  # the last row has its values: labels after it are outside the table (or printed late)
        kind, joined = walk.classify(_classify_t3, tok)
        if (
            in_rows
            and len(tok.text) <= _MAX_LABEL + 10
            and (kind is None or (kind.startswith("g") and _ITEM_NUMBER.search(tok.text)))
        ):  # no row named, or only a group with a numbered row after it: (四)无法提供1.本机关不掌屋…
            fuzzy, typo = _fuzzy_t3(tok.text, tuple(rows))
            if fuzzy is not None:
                kind = fuzzy
                table.issues.append(TableIssue("label_typo", "t3", kind, tok.start, tok.end,
                                               {"printed": text[tok.start : tok.end].strip(), "expected": typo}))  # fmt: skip
        if kind is not None and joined is not tok and not kind.startswith("g"):
            tok = joined
        if kind == "other_end":
            kind = "r6_3" if in_rows and order and order[-1] in ("r6", "r6_1", "r6_2") else None
        elif kind == "r7" and (not in_rows or (tok.text == "总计" and not any(r[:2] in _LATE_ROWS for r in rows))):
            kind = None  # the 总计 column header, printed among the first rows (PDF text in reading order)
        if kind is None and not in_rows and _is_known_header("t3", tok):
            walk.header(tok)
            header_tokens += 1
            continue
        if kind is not None and not kind.startswith("g"):
            in_rows = True
            walk.row(kind, tok)
            continue
        if kind is not None:  # a group header: (三)不予公开 …
            if not in_rows:
                walk.unknown += 1
                continue
            walk.current = None
            walk.header(tok)
            continue
        if in_rows and len(tok.text) <= 3 and _BARE_NUMERAL.match(tok.text) or len(tok.text) == 1:
            tiny += 1  # 三、⏎本⏎年⏎度⏎… a group label printed one character a line
            if tiny > 40:
                break
            continue
        if _stops("t3", tok) or not walk.other_label():
            break
        if "carried_out" in rows and walk.current is None:
            break
    if not rows or (len(rows) < 3 and not any(r.slots for r in rows.values())):
        return None
    version = _t3_version(rows, doc_version)
    table.version = version
    table.end = max(walk.last_end, start)
    placed = _realign_t3(rows, order, version)
    for row_id in order:
        row = rows[row_id]
        if row_id == "r6" and version == "2021":
            if any(t.kind == VALUE for t in row.slots):
                table.issues.append(TableIssue("extra", "t3", "r6", row.label.start, row.label.end,
                                               {"found": len(row.slots), "expected": 0}))  # fmt: skip
            continue
        _finalize_row(table, "t3", row, T3_COLS, digits.t3_rule)
    _resolve_t3(table, version)
    _digits_flag(table)
    walk.finish(t3_rows(version))
    _check_placed_t3(table, placed, version)
    _scrambled_t3(table, rows, walk.stray, version)
    joined = "".join(_strip_punct(h) for h in header_labels)
    full = sum(1 for c in table.cells.values() if c.status in READ_STATUSES) == 7 * len(t3_rows(version))
    for col in () if full else _T3_COLUMN_LABELS:  # every row holds its 7 values: the format's column order
        if col not in joined:
            table.issues.append(TableIssue("missing_column", "t3", None, table.start, table.start, {"label": col}))
    table.labels = "".join(header_labels)
    return table


def _slot_count(row: _Row) -> int:
    return len(row.slots) if all(t.kind != LABEL for t in row.slots) else -1


def _row_fits(toks: list[_Tok]) -> bool:
    """A row's seven values add up (总计 = the six before it); blanks leave it unchecked."""
    if len(toks) != 7:
        return False
    if any(t.kind != VALUE for t in toks):
        return True
    nums = [parse_number(t.text) for t in toks]
    return None in nums or nums[6] == sum(nums[:6])


def _realign_t3(rows: dict[str, _Row], order: list[str], version: str | None) -> list[str]:
    """Give back to their rows the values a PDF converted in reading order prints away from them.

    Two layouts are undone (each only when its placement is the one the row
    totals allow): value rows whose labels are printed elsewhere, which follow
    the row before them (that row then holds 7 + 7·j values for the j rows the
    format has next without a label), and a staircase where each row's first
    cells follow its label and the rest of several rows come together after
    the last of them (row totals decide where the last row's own cells start).
    Returns the ids of the rows that got values moved (checked against the
    table's identities afterwards)."""
    spec = t3_rows(version)
    placed: list[str] = []
    k = 0
    while k < len(order):
        rid = order[k]
        row = rows[rid]
        c = _slot_count(row)
        if c <= 7 or rid not in spec:
            k += 1
            continue
        # value rows without a label: the rows the format has next that no label opened
        nxt = next((r for r in order[k + 1 :] if r in spec), None)
        following = spec[spec.index(rid) + 1 : spec.index(nxt) if nxt is not None else len(spec)]
        # (a label printed away from its values opens its row with none)
        missing = [r for r in following if r not in rows or not rows[r].slots]
        if c % 7 == 0 and len(missing) == c // 7 - 1 and missing:
            blocks = [row.slots[i : i + 7] for i in range(0, c, 7)]
            if all(_row_fits(b) for b in blocks):
                row.slots = blocks[0]
                j = 0
                for mid, block in zip(missing, blocks[1:]):
                    if mid in rows:
                        rows[mid].slots = block
                        continue
                    rows[mid] = _Row(mid, _Tok(LABEL, block[0].start, block[0].start, ""), block)
                    order.insert(k + 1 + j, mid)
                    j += 1
                placed += [rid, *missing]
                k += 1 + j
                continue
        # a staircase: rows short of values just before a row with too many
        j = k
        while j > 0 and 0 <= _slot_count(rows[order[j - 1]]) < 7 and order[j - 1] in spec:
            j -= 1
        short = order[j:k]
        if short and c + sum(len(rows[r].slots) for r in short) == 7 * (len(short) + 1):
            trials = []
            for e in range(0, 8):
                rest = row.slots[e:]
                trial, pos = {}, 0
                for r in short:
                    need = 7 - len(rows[r].slots)
                    trial[r] = rows[r].slots + rest[pos : pos + need]
                    pos += need
                trial[rid] = row.slots[:e] + rest[pos:]
                trials.append(trial)
            if not any(rows[r].slots for r in short):  # labels, then every value column by column
                n = len(short) + 1
                trials.append({r: row.slots[i::n] for i, r in enumerate([*short, rid])})
            fitting = {}
            for trial in trials:
                if all(_row_fits(v) for v in trial.values()):
                    fitting.setdefault(tuple(t.text for r in trial for t in trial[r]), trial)
            if len(fitting) == 1:
                for r, toks in next(iter(fitting.values())).items():
                    rows[r].slots = toks
                placed += [*short, rid]
        k += 1
    return placed


def _check_placed_t3(table: Table, placed: list[str], version: str | None) -> None:
    """Rows whose values were moved keep them only if the table's identities hold;
    otherwise the placement is a guess and the cells are left printed but unread."""
    if not placed:
        return
    known = {r: [_value_of(table.cells.get(f"t3.{r}.{c}")) for c in T3_COLS] for r in t3_rows(version)}
    ids = [f"t3.{r}.{c}" for r in placed for c in T3_COLS if f"t3.{r}.{c}" in table.cells]
    first = min((table.cells[i] for i in ids), key=lambda cell: cell.start, default=None)
    span = (first.start, first.end) if first else (table.start, table.start)
    if _t3_identities_hold(known, t3_result_rows(version)):
        for cid in ids:
            if table.cells[cid].status == "ok":
                table.cells[cid].status = "split"
        table.issues.append(TableIssue("placed", "t3", None, *span, {"rows": placed}))
        return
    for cid in ids:
        cell = table.cells[cid]
        cell.value, cell.status = None, "scrambled"
    table.issues.append(TableIssue("unaligned_order", "t3", None, *span, {"rows": placed}))


_UNALIGNED_KINDS = frozenset({"count", "extra", "no_values", "missing_row", "stray", "merged"})


def _scrambled_t3(table: Table, rows: dict[str, _Row], stray: list[_Tok], version: str | None) -> None:
    """Every cell of the table is printed (as many values as the format has cells) but some
    rows' values could not be lined up with their rows: those cells are printed but unread,
    one ``unaligned_order`` issue instead of an incomplete table."""
    bad = [i for i in table.issues if i.kind in _UNALIGNED_KINDS]
    if not bad:
        return
    spec = t3_rows(version)
    printed = sum(len(r.slots) for rid, r in rows.items() if rid in spec and _slot_count(r) >= 0)
    printed += sum(1 for t in stray if table.start <= t.start < table.end)
    if printed != 7 * len(spec):
        return
    table.issues = [i for i in table.issues if i.kind not in _UNALIGNED_KINDS]
    for rid in spec:
        for c in T3_COLS:
            cid = f"t3.{rid}.{c}"
            cell = table.cells.get(cid)
            if cell is None:
                table.cells[cid] = Cell(cid, "", table.start, table.start, None, "scrambled")
            elif cell.status not in READ_STATUSES:
                cell.value, cell.status = None, "scrambled"
    first = min(bad, key=lambda i: i.start)
    table.issues.append(
        TableIssue("unaligned_order", "t3", None, first.start, first.end, {"rows": [i.row for i in bad if i.row]})
    )


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
_ITEM_NUMBER = re.compile(r"[1-9][.、]")
FUZZY_LABEL_CUTOFF = 80  # rapidfuzz ratio; a one- or two-character slip in a 6–30 character label scores 85–95


@lru_cache(maxsize=4096)
def _fuzzy_t3(label: str, seen: tuple[str, ...]) -> tuple[str | None, str]:
    """The row a label with a typo names, and its national wording; (None, "") when none is close."""
    core = _strip_punct(_LABEL_NUMBERING.sub("", label))
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


def _header_typos(table: Table, text: str, folded: str) -> None:
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


def _t3_version(rows: dict[str, _Row], doc_version: str | None) -> str:
    if any(r in rows for r in ("r6_1", "r6_2", "r6_3")):
        return "2021"
    r6 = rows.get("r6")
    if r6 is not None and any(t.kind == VALUE for t in r6.slots):
        return "2019"
    return doc_version or "2021"


# ---------------------------------------------------------------- table 二


@lru_cache(maxsize=4096)
def _classify_t2(label: str) -> str | None:
    """The row a label names (the rightmost row name, close to the label's end)."""
    last = None
    for m in _T2_ROW_RE.finditer(label):
        last = m
    if last is None or len(label) - last.start() > 20:
        return None
    return last.lastgroup


def _parse_t2(text: str, folded: str, anchor: int, floor: int, ignore, doc_version: str | None) -> Table | None:
    line0, start, labels = _region_start(folded, text, "t2", anchor, floor)
    table = Table("t2", None, start, start)
    walk = _Walk(table, labels, start)
    rows, order = walk.rows, walk.order
    for tok in _tokens_from(folded, line0, ignore, text):
        if tok.kind != LABEL:
            if not walk.value(tok):
                break
            continue
        kind, joined = walk.classify(_classify_t2, tok)
        if kind is not None:
            walk.row(kind, joined)
            continue
        if _is_known_header("t2", tok):
            walk.header(tok)
            if walk.current is not None and walk.current.slots:
                walk.current = None
            continue
        if _stops("t2", tok) or not walk.other_label():
            break
    if not rows or (len(rows) < 2 and not any(r.slots for r in rows.values())):
        return None
    joined = "".join(labels)
    version = _t2_version(joined, rows, doc_version)
    table.version = version
    table.end = max(walk.last_end, start)
    spec = t2_rows(version)
    for row_id in order:
        row = rows[row_id]
        if row_id not in spec:
            table.issues.append(TableIssue("extra", "t2", row_id, row.label.start, row.label.end,
                                           {"found": len(row.slots), "expected": 0}))  # fmt: skip
            continue
        rule = digits.t2_valid_rule if version == "2021" and row_id in ("reg", "nd") else digits.no_rule
        _finalize_row(table, "t2", row, spec[row_id], rule)
    table.readings = {}
    _digits_flag(table)
    walk.finish(spec)
    stripped = _strip_punct(joined)
    for block in _T2_BLOCK_LABELS[version]:
        if block not in stripped:
            table.issues.append(TableIssue("missing_column", "t2", None, table.start, table.start, {"label": block}))
    table.labels = joined
    return table


def _t2_version(labels: str, rows: dict[str, _Row], doc_version: str | None) -> str:
    m21 = sum(1 for m in MARKERS_2021 if m in labels)
    m19 = sum(1 for m in MARKERS_2019 if m in labels)
    if m19 >= 2 and m19 > m21:
        return "2019"
    if m21:
        return "2021"
    if "services" in rows or "procure" in rows:
        return "2019"
    permit = rows.get("permit")
    if permit is not None and len(permit.slots) == 3:
        return "2019"
    return doc_version or "2021"


# ---------------------------------------------------------------- table 四


def _parse_t4(text: str, folded: str, anchor: int, floor: int, ignore) -> Table | None:
    line0, start, labels = _region_start(folded, text, "t4", anchor, floor)
    table = Table("t4", None, start, start)
    values: list[_Tok] = []
    unknown = 0
    last_end = start
    first_label: _Tok | None = None
    runs: list[int] = []  # indices into ``values`` where a run of values starts after a header label
    for tok in _tokens_from(folded, line0, ignore, text):
        if tok.kind == LABEL:
            if _is_known_header("t4", tok):
                if values and len(values) >= 15:
                    break
                if values and (not runs or runs[-1] != len(values)):
                    runs.append(len(values))
                labels.append(tok.text)
                first_label = first_label or tok
                last_end = tok.end
                unknown = 0
                continue
            if _stops("t4", tok) or values:
                break
            unknown += 1
            if unknown > _MAX_UNKNOWN_RUN:
                break
            continue
        if tok.kind == BLANK and tok.line_has_label:
            continue
        values.append(tok)
        last_end = tok.end
        if len(values) > 60:
            break
    if not labels:
        return None
    joined_labels = _strip_punct("".join(labels))
    if len(values) < 15 and sum(1 for w in _T4_COLUMN_LABELS if w in joined_labels) < 3:
        return None  # prose that names an outcome (其中结果维持 72 件), not the table
    table.end = max(last_end, start)
    table.labels = "".join(labels)
    ids = cell_ids("t4")
    row = _Row("all", first_label or _Tok(LABEL, start, start, ""), values)
    if len(values) == 15 and runs and _place_t4(table, values, runs):
        pass
    elif values:
        sub = Table("t4", None, start, table.end)
        _finalize_row(sub, "t4", row, tuple(ids), digits.t4_rule)
        for cid, cell in sub.cells.items():
            real = cid.split(".", 2)[2]
            cell.id = real
            table.cells[real] = cell
        for issue in sub.issues:
            issue.row = None
            table.issues.append(issue)
        if "all" in sub.printed:
            table.printed["all"] = sub.printed["all"]
        _digits_flag(table)
    else:
        table.issues.append(TableIssue("no_values", "t4", None, start, table.end, {"expected": 15}))
    joined = _strip_punct(table.labels)
    full = len(values) == 15 or sum(1 for c in table.cells.values() if c.status in READ_STATUSES) == 15
    for col in () if full else _T4_COLUMN_LABELS:  # 15 values: the format's order, whatever the header
        if col not in joined:
            table.issues.append(TableIssue("missing_column", "t4", None, table.start, table.start, {"label": col}))
    return table


_MAX_RUNS = 7  # orderings of at most 7! runs are tried
_T4_COLUMN_MAJOR = tuple(g * 5 + c for c in range(5) for g in range(3))  # reading position -> cell index


def _t4_groups_hold(vals: list[int]) -> bool:
    return all(vals[g + 4] == vals[g] + vals[g + 1] + vals[g + 2] + vals[g + 3] for g in (0, 5, 10))


def _place_t4(table: Table, values: list[_Tok], breaks: list[int]) -> bool:
    """Table 四's 15 values read in runs with header words between them (a PDF converted
    in reading order prints a ruled table's cells block by block, not in row order).

    The values are taken by position when that satisfies the three group totals.
    Otherwise every order of the runs is tried, laid out row by row and column by
    column; exactly one fitting placement is used (cells ``split``, a ``placed``
    issue), several or none leave the cells printed but unread (``scrambled``)
    with an ``unaligned_order`` issue: never an arithmetic error on a guess.
    False: not this case (the caller maps the values as usual)."""
    if any(t.kind != VALUE or not t.text.isdigit() for t in values):
        return False
    nums = [int(t.text) for t in values]
    if _t4_groups_hold(nums):
        return False  # the reading order is the row order
    if set(breaks) <= {5, 10}:
        return False  # each group's values after its own label: in row order, read as printed
    cuts = sorted({0, *breaks, 15})
    pieces = [list(range(a, b)) for a, b in zip(cuts, cuts[1:]) if b > a]
    fitting: dict[tuple[int, ...], list[int]] = {}
    if len(pieces) <= _MAX_RUNS:
        for perm in itertools.permutations(pieces):
            order = [i for piece in perm for i in piece]
            for layout in (None, _T4_COLUMN_MAJOR):
                cell_tok = order if layout is None else [0] * 15
                if layout is not None:
                    for pos, i in enumerate(order):
                        cell_tok[layout[pos]] = i
                vals = [nums[i] for i in cell_tok]
                if _t4_groups_hold(vals):
                    fitting.setdefault(tuple(vals), cell_tok)
            if len(fitting) > 1:
                break
    ids = cell_ids("t4")
    raw = " ".join(t.text for t in values)
    span = (values[0].start, values[-1].end)
    if len(fitting) == 1:
        cell_tok = next(iter(fitting.values()))
        for cid, i in zip(ids, cell_tok):
            tok = values[i]
            table.cells[cid] = Cell(cid, tok.text, tok.start, tok.end, nums[i], "split")
        table.issues.append(TableIssue("placed", "t4", None, *span, {"raw": raw}))
        return True
    for cid in ids:
        table.cells[cid] = Cell(cid, "", *span, None, "scrambled")
    table.issues.append(TableIssue("unaligned_order", "t4", None, *span, {"raw": raw, "readings": len(fitting)}))
    return True


# ---------------------------------------------------------------- entry points


def _find_markers(labels: str) -> tuple[list[str], list[str]]:
    return [m for m in MARKERS_2021 if m in labels], [m for m in MARKERS_2019 if m in labels]


def parse_tables(text: str, *, folded: str | None = None, ignore: list | None = None) -> Tables:
    """Parse tables 二, 三 and 四 of ``text``.

    ``folded`` may pass :func:`match_text` of ``text`` when the caller already
    has it (nothing else: labels are matched in that form); ``ignore`` is a list of spans (objects with ``start``/``end``
    or ``(start, end)`` tuples) whose lines are skipped, e.g. PDF page furniture.
    Never raises on any input.
    """
    if folded is None or len(folded) != len(text):
        folded = match_text(text)
    spans = [(s.start, s.end) if hasattr(s, "start") else (int(s[0]), int(s[1])) for s in (ignore or [])]
    result = Tables()
    # Format version from the marker words anywhere in table-like labels, decided after parsing.
    found: dict[str, Table] = {}
    regions: list[tuple[int, int]] = []
    if _ANY_ANCHOR.search(folded) is None and (
        _SPACED_HAN.search(folded) is None or not any(r.search(folded) for r in _ANCHOR_RE.values())
    ):
        return result  # no table anywhere (decided by one fast scan unless the text is letter-spaced)
    for key in ("t2", "t3", "t4"):
        pos = 0
        tries = 0
        while tries < 50:
            m = _ANCHOR_RE[key].search(folded, pos)
            if m is None:
                break
            tries += 1
            if any(s <= m.start() < e for s, e in regions):
                pos = max(e for s, e in regions if s <= m.start() < e)
                continue
            floor = max((e for s, e in regions if e <= m.start()), default=0)
            if key == "t2":
                table = _parse_t2(text, folded, m.start(), floor, spans, None)
            elif key == "t3":
                table = _parse_t3(text, folded, m.start(), floor, spans, None)
            else:
                table = _parse_t4(text, folded, m.start(), floor, spans)
            if table is None:
                pos = m.end()
                continue
            if key not in found:
                found[key] = table
            regions.append((table.start, table.end))
            pos = max(table.end, m.end())
    result.t2 = found.get("t2")
    result.t3 = found.get("t3")
    result.t4 = found.get("t4")
    for table in found.values():
        _header_typos(table, text, folded)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    result.regions = merged
    labels = "".join(t.labels for t in found.values())
    result.markers_2021, result.markers_2019 = _find_markers(labels)
    t3 = result.t3
    if result.markers_2021:
        result.version = "2021"
    elif len(result.markers_2019) >= 2 or (t3 is not None and t3.version == "2019" and "r6" in t3.rows):
        result.version = "2019"
    elif (result.t2 and result.t2.version == "2019") or (t3 is not None and "r6_1" in t3.rows):
        result.version = result.t2.version if result.t2 and result.t2.version == "2019" else "2021"
    if result.t4 is not None:
        result.t4.version = result.version
    # Re-parse a table read with another version's layout.
    if result.version == "2019":
        for key in ("t2", "t3"):
            t = result.table(key)
            if t is not None and t.version != "2019":
                anchor = _ANCHOR_RE[key].search(folded, t.start)
                if anchor is not None:
                    floor = max((e for s, e in regions if e <= t.start), default=0)
                    redo = (_parse_t2 if key == "t2" else _parse_t3)(text, folded, anchor.start(), floor, spans, "2019")
                    if redo is not None and redo.version == "2019":
                        setattr(result, key, redo)
    return result


def find_table_regions(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the statistics tables in ``text`` (original offsets).

    The section splitter uses them so that row labels such as 一、本年新收… or
    四、结转下年度继续办理 are not taken for section headings.
    """
    return parse_tables(text).regions
