"""Winnowed character k-gram fingerprints of report texts, computed with numpy.

For every report the text is turned into a matching copy (see
:mod:`shenyue.model.normalize`: folded, simplified, whitespace and pinyin
artefacts left out), every k-gram is hashed with a fixed polynomial hash
(stable across runs, so fingerprints can be cached) and the winnowing
minimum of every window of ``w`` hashes is kept (Schleimer, Wilkerson and
Aiken 2003).

What may not seed a match is decided on the text as a reader sees it, the
same for every layout of one report:

* **Lines are joined into paragraphs.** A line as long as the report's usual
  full line (hard-wrapped PDF text, as pdftotext prints it) that does not
  end a sentence runs on into the next line; page-number lines (``-3-``,
  ``第3页``) and blank lines are left out. Everything else ends a line.
* **Pieces.** A piece runs from a paragraph start or a numbering mark
  (``一、`` ``（三）`` ``2.``) to the next one, so a one-line page (a
  crawler's whole report on one line) falls apart into its headings, table
  rows and paragraphs. A piece without sentence punctuation that is short,
  has no comma at all, or is a ``|`` table row is a heading or table label:
  it becomes a barrier.
* **Statutory wording** (:mod:`.statutory`) is searched in the joined copy,
  so it is found wherever it stands, across wrapped lines and inside long
  lines: phrases and long entries count anywhere, short table labels where
  they stand as labels (after a numbering mark, or between numbers, other
  labels, punctuation or piece edges).

Barriers are never part of a k-gram. One :class:`Prints` per report holds,
for each fingerprint, its hash, its position in the matching copy
(``vpos``: barrier runs add a large jump, so stretches never merge across
statutory text) and the original character span of its k-gram
(``ostart``..``oend``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shenyue.analysis.similarity.settings import Settings
from shenyue.analysis.similarity.statutory import Statutory
from shenyue.model.normalize import DIGIT, code_table, pinyin_spans, to_codes

BARRIER = 0x10FFFF  # code standing for masked text and report boundaries
NL = 0x0A
BARRIER_JUMP = 1000  # added to vpos at every barrier run; far more than k + gap
BATCH_CHARS = 2_000_000  # texts are fingerprinted in batches of about this many characters

_BASE = np.uint64(0x9E3779B97F4A7C15 | 1)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MAX = np.uint64(0xFFFFFFFFFFFFFFFF)
SNAP_MAX = 255  # back/ahead distances are stored as uint8

# character classes of the folded matching copy, as bits of one lookup table
_SENT = 1  # ends a sentence
_CLAUSE = 2  # a copied stretch may begin after it / end after it
_COMMA = 4
_PAGE = 8  # may make up a page-number line
_PIPE = 16
_DIGITC = 32
_LEFT = 64  # a table label may follow it
_RIGHT = 128  # a table label may precede it
_CLASSES = {
    _SENT: "。!?;！？；",
    _CLAUSE: "。！？；!?;，,、：:",
    _COMMA: ",，",
    _PAGE: DIGIT + "-‐‑–—―·/第页共",
    _PIPE: "|",
    _DIGITC: DIGIT,
    _LEFT: DIGIT + "。!?;)）:：",
    _RIGHT: DIGIT + "。!?;(（,，:：",
}
PAGE_LINE_MAX = 12  # a page-number line is at most this long
FULL_LINE = 0.85  # a line this share of the report's usual long line (or longer) is a full, wrapped line
MIN_WRAPPED = 4  # lines of >= WRAP_MIN characters a report needs before any line is taken as wrapped
WRAP_MIN = 10
_NUMERALS = np.array([ord(c) for c in "一二三四五六七八九十"], dtype=np.uint32)
_DUN = ord("、")


def _marks(jc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbering marks that start a heading or a table row: 一、 (三) (3) 2. 2、 as (starts, ends).

    Not 7.5, and not a digit mark glued to a number before it (a table's
    numbers run into the next row's mark: 0000002.). Vectorised: found from
    their closing character.
    """
    n = len(jc)
    digit = np.uint32(ord(DIGIT))

    def at(idx: np.ndarray) -> np.ndarray:
        ok = (idx >= 0) & (idx < n)
        out = np.full(len(idx), BARRIER, dtype=np.uint32)
        out[ok] = jc[idx[ok]]
        return out

    def numeral(c: np.ndarray) -> np.ndarray:
        return np.isin(c, _NUMERALS)

    starts, ends = [], []
    close = np.flatnonzero((jc == _DUN) | (jc == ord(")")) | (jc == ord(".")))
    if not len(close):
        z = np.zeros(0, np.int64)
        return z, z
    c = jc[close]
    p1, p2, p3, p4 = at(close - 1), at(close - 2), at(close - 3), at(close - 4)
    n1, n2, n3 = numeral(p1), numeral(p2), numeral(p3)
    # 一、 十二、
    sel = (c == _DUN) & n1
    run = np.where(n2, np.where(n3, 3, 2), 1)
    starts.append((close - run)[sel])
    ends.append(close[sel] + 1)
    # (三) (十二) (3) (12)
    paren = c == ord(")")
    for size, inner in ((1, n1), (2, n1 & n2), (3, n1 & n2 & n3)):
        before = (p2, p3, p4)[size - 1]
        sel = paren & inner & (before == ord("("))
        starts.append(close[sel] - size - 1)
        ends.append(close[sel] + 1)
    for size, inner in ((1, p1 == digit), (2, (p1 == digit) & (p2 == digit))):
        before = (p2, p3)[size - 1]
        sel = paren & inner & (before == ord("("))
        starts.append(close[sel] - size - 1)
        ends.append(close[sel] + 1)
    # 2. 2、 12. (not 7.5); after a longer number (a table row's cells run into the next row's
    # mark: 00000002.) the mark is its last digit
    after = at(close + 1)
    dmark = ((c == ord(".")) | (c == _DUN)) & (p1 == digit) & (after != digit)
    one = dmark & ((p2 != digit) | (p3 == digit))
    two = dmark & (p2 == digit) & (p3 != digit)
    starts += [close[one] - 1, close[two] - 2]
    ends += [close[one] + 1, close[two] + 1]
    a = np.concatenate(starts)
    b = np.concatenate(ends)
    o = np.argsort(a, kind="stable")
    return a[o], b[o]


# what follows a number that counts something in prose (not a table cell)
_COUNTERS = np.array([ord(c) for c in "年月日号时件条个项次人户家份篇期场批所座名元万亿余多%"], dtype=np.uint32)
_PINYIN_HINT = np.array([ord(c) for c in "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"], dtype=np.uint32)


def _class_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=np.uint8)
    for bit, chars in _CLASSES.items():
        for ch in chars:
            table[ord(ch)] |= bit
    table[BARRIER] |= _LEFT | _RIGHT
    return table


_CLASS = _class_table()
_PINYIN_BIT = np.zeros(0x110000, dtype=bool)
_PINYIN_BIT[_PINYIN_HINT] = True


@dataclass(slots=True)
class Prints:
    hashes: np.ndarray  # uint64
    vpos: np.ndarray  # int32, position in the matching copy (+ barrier jumps)
    ostart: np.ndarray  # int32, original start of the k-gram
    oend: np.ndarray  # int32, original end of the k-gram (exclusive)
    back: np.ndarray  # int8, characters from the clause start before ostart (127: far)
    ahead: np.ndarray  # uint8, characters from oend to the sentence end after it (255: far)

    def __len__(self) -> int:
        return len(self.hashes)


def empty_prints() -> Prints:
    z32 = np.zeros(0, np.int32)
    return Prints(np.zeros(0, np.uint64), z32, z32, z32, np.zeros(0, np.int8), np.zeros(0, np.uint8))


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place: spreads the polynomial hash over all 64 bits."""
    h ^= h >> np.uint64(30)
    h *= _M1
    h ^= h >> np.uint64(27)
    h *= _M2
    h ^= h >> np.uint64(31)
    return h


def _intervals_to_mask(n: int, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Boolean mask of intervals ``starts[i]..ends[i]`` (they may overlap)."""
    mask = np.zeros(n, dtype=bool)
    if len(starts) == 0:
        return mask
    if len(starts) < 64:
        for a, b in zip(starts.tolist(), ends.tolist()):
            mask[a:b] = True
        return mask
    delta = np.zeros(n + 1, dtype=np.int32)
    np.add.at(delta, starts, 1)
    np.add.at(delta, ends, -1)
    np.cumsum(delta[:n], out=delta[:n])
    np.greater(delta[:n], 0, out=mask)
    return mask


def _window(h: np.ndarray, width: int, op) -> np.ndarray:
    """``op`` (np.minimum or np.maximum) over every window of ``width`` items: len(h) - width + 1 values."""
    span = 1
    cur = h
    while 2 * span <= width:
        cur = op(cur[:-span], cur[span:])
        span *= 2
    if span < width:
        cur = op(cur[: len(h) - width + 1], cur[width - span :])
    return cur


def _kgram_hashes(c64: np.ndarray, k: int) -> np.ndarray:
    """Polynomial hash sum(c[i+j] * B^(k-1-j)) of every k-gram, built by doubling (log k passes)."""
    parts: dict[int, np.ndarray] = {1: c64}
    span = 1
    while 2 * span <= k:
        cur = parts[span]
        nxt = cur[:-span] * (_BASE ** np.uint64(span))
        nxt += cur[span:]
        span *= 2
        parts[span] = nxt
    h = parts[span].copy() if span == k else parts[span]
    done = span
    for size in sorted(parts, reverse=True):
        if done + size > k:
            continue
        m = len(c64) - (done + size) + 1
        h = h[:m] * (_BASE ** np.uint64(size))
        h += parts[size][done : done + m]
        done += size
        if done == k:
            break
    return h[: len(c64) - k + 1]


def _next_at(flags: np.ndarray, q: np.ndarray) -> np.ndarray:
    """For every index of ``q``: the first index >= it where ``flags`` is True (len(flags) when none)."""
    pos = np.append(np.flatnonzero(flags), len(flags))
    return pos[np.searchsorted(pos, q)]


def _prev_at(flags: np.ndarray, q: np.ndarray) -> np.ndarray:
    """For every index of ``q``: the last index <= it where ``flags`` is True (0 when none)."""
    pos = np.concatenate(([0], np.flatnonzero(flags)))
    return pos[np.searchsorted(pos, q, side="right") - 1]


def line_kinds(
    nc: np.ndarray, cls: np.ndarray, lstart: np.ndarray, lend: np.ndarray, lrep: np.ndarray, n_texts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which lines are non-empty, which are page-number lines and which run on into the next.

    ``nc`` holds the characters kept (whitespace dropped), ``cls`` their classes, line ``i``
    is ``nc[lstart[i]:lend[i]]`` and belongs to text ``lrep[i]`` (of ``n_texts``). A line
    runs on when it is as long as its text's usual full line (:data:`FULL_LINE` of the upper
    quartile of its lines' widths, half-width characters counting half) and does not end a
    sentence; a text needs :data:`MIN_WRAPPED` lines before any line is taken as wrapped.
    The review screen reflows prose with the same rule (:mod:`.paragraphs`).
    """
    llen = lend - lstart
    nonempty = llen > 0
    ls = np.where(nonempty, lend - 1, 0)
    csum = np.zeros(len(nc) + 1, dtype=np.int32)
    np.cumsum((cls & _PAGE) == 0, out=csum[1:])
    nonpage = csum[lend] - csum[lstart]
    np.cumsum((cls & _DIGITC) != 0, out=csum[1:])
    ndigit = csum[lend] - csum[lstart]
    np.cumsum(nc < 0x2000, out=csum[1:])  # half-width characters take half a column
    cols = llen - 0.5 * (csum[lend] - csum[lstart])
    del csum
    page = nonempty & (llen <= PAGE_LINE_MAX) & (nonpage == 0) & (ndigit > 0)
    # the text's usual full line: the upper quartile of its lines' widths
    cand = np.flatnonzero((llen >= WRAP_MIN) & ~page)
    width = np.full(n_texts, np.inf)
    if len(cand):
        rc = lrep[cand]
        o = np.lexsort((cols[cand], rc))
        cnt = np.bincount(rc, minlength=n_texts)
        first = np.concatenate(([0], np.cumsum(cnt)[:-1]))
        q = cols[cand][o][np.minimum(first + (3 * cnt) // 4, len(cand) - 1)]
        width = np.where(cnt >= MIN_WRAPPED, q, np.inf)
    runs_on = nonempty & ~page & (cols >= FULL_LINE * width[lrep]) & ((cls[ls] & _SENT) == 0)
    return nonempty, page, runs_on


def fingerprint_texts(
    texts: list[str], statutory: Statutory, settings: Settings, masks: list[list[tuple[int, int]]] | None = None
) -> list[Prints]:
    """Fingerprints of every text, in order.

    ``masks[i]`` lists spans of ``texts[i]`` that are not report prose (web-page
    chrome, statistics tables): they never produce fingerprints.
    """
    out: list[Prints] = []
    batch: list[str] = []
    bmasks: list[list[tuple[int, int]]] = []
    size = 0
    for i, text in enumerate(texts):
        batch.append(text)
        bmasks.append(masks[i] if masks else [])
        size += len(text)
        if size >= BATCH_CHARS:
            out.extend(_fingerprint_batch(batch, statutory, settings, bmasks))
            batch, bmasks, size = [], [], 0
    if batch:
        out.extend(_fingerprint_batch(batch, statutory, settings, bmasks))
    return out


def _fingerprint_batch(
    texts: list[str], statutory: Statutory, s: Settings, masks: list[list[tuple[int, int]]]
) -> list[Prints]:
    k, w = s.k, s.w
    big = "\x00".join(texts)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])

    cps = to_codes(big)
    codes = code_table(s.simplify, True)[cps]  # whitespace -> 0
    codes[cps == NL] = NL
    codes[cps == 0] = BARRIER  # report boundaries (and any NUL in a text)
    codes[cps == BARRIER] = BARRIER
    del cps
    for i, spans in enumerate(masks):
        base, length = int(starts[i]), int(lengths[i])
        for a, b in spans:
            a, b = max(0, a), min(length, b)
            if b > a:
                seg = codes[base + a : base + b]
                seg[(seg != 0) & (seg != NL)] = BARRIER  # whitespace stays droppable, text becomes a barrier
    nidx = np.flatnonzero(codes)  # original offset (in big) of each character kept
    nc = codes[nidx]
    del codes
    if not len(nc):
        return [empty_prints() for _ in texts]
    cls = _CLASS[nc]

    # --- lines (split at line breaks and report boundaries) and which of them run on into the next
    is_nl = nc == NL
    rfirst = np.searchsorted(nidx, starts)  # first kept index of each report
    seps = rfirst[1:] - 1  # the report separators (barriers)
    brk = np.flatnonzero(is_nl)
    if len(seps):
        brk = np.union1d(brk, seps)
    lstart = np.concatenate(([0], brk + 1))
    lend = np.concatenate((brk, [len(nc)]))
    lrep = np.searchsorted(rfirst, lstart, side="right") - 1
    nonempty, page, runs_on = line_kinds(nc, cls, lstart, lend, lrep, len(texts))
    kept_lines = np.flatnonzero(nonempty & ~page)
    hard = np.ones(len(kept_lines), dtype=bool)
    if len(kept_lines) > 1:
        prev = kept_lines[:-1]
        hard[1:] = ~runs_on[prev] | (lrep[prev] != lrep[kept_lines[1:]])
    keep = ~is_nl
    del is_nl
    if page.any():
        keep &= ~_intervals_to_mask(len(nc), lstart[page], lend[page])
    new_line = np.zeros(len(nc) + 1, dtype=bool)
    new_line[lstart[kept_lines[hard]]] = True
    del lstart, lend, page, runs_on, kept_lines, hard, nonempty, lrep

    # --- the joined matching copy: no line breaks, no page numbers, no pinyin artefacts
    if _PINYIN_BIT[nc].any():
        pos = np.flatnonzero(keep)
        found = pinyin_spans(nc[pos].tobytes().decode("utf-32-le"))
        if found:
            sp = np.array(found, dtype=np.int64)
            keep[pos[_intervals_to_mask(len(pos), sp[:, 0], sp[:, 1])]] = False
        del pos, found
    kept = np.flatnonzero(keep)
    # a line start that was left out passes to the next character kept
    before = np.zeros(len(nc) + 1, dtype=np.int64)
    np.cumsum(keep, out=before[1:])
    jc = nc[kept]
    jidx = nidx[kept]
    jcls = cls[kept]
    n = len(jc)
    ustart = np.zeros(n + 1, dtype=bool)
    ustart[before[np.flatnonzero(new_line)]] = True
    del nc, nidx, cls, keep, kept, before, new_line
    ns = jc.tobytes().decode("utf-32-le")

    # --- pieces: from a line start, a numbering mark or a barrier to the next; labels become barriers
    isbar = jc == BARRIER
    ustart[:n] |= isbar
    ustart[1:n] |= isbar[:-1]
    ustart[0] = ustart[n] = True
    mark_end = np.zeros(n + 1, dtype=bool)
    ma, mb = _marks(jc)
    ustart[ma] = True
    mark_end[mb] = True
    mark_from = np.zeros(n + 1, dtype=np.int64)  # at a mark's end: where it starts
    mark_from[mb] = ma
    ub = np.flatnonzero(ustart[:n])
    ue = np.append(ub[1:], n)
    csum = np.zeros(n + 1, dtype=np.int32)
    np.cumsum((jcls & _SENT) != 0, out=csum[1:])
    sent = csum[ue] - csum[ub]
    np.cumsum((jcls & _COMMA) != 0, out=csum[1:])
    comma = csum[ue] - csum[ub]
    np.cumsum((jcls & _PIPE) != 0, out=csum[1:])
    pipes = csum[ue] - csum[ub]
    del csum
    label = (sent == 0) & ((ue - ub < s.short_line) | (comma == 0) | (pipes >= 2))
    uid = np.cumsum(ustart[:n], dtype=np.int32)
    uid -= 1
    bar = label[uid] | isbar
    del uid, label, comma, pipes
    # the tail of a piece after its last sentence, without any punctuation and with numbers
    # between words, is table cells, a signature or a page footer run together (one-line pages)
    isdig = jc == ord(DIGIT)
    dstart = isdig.copy()
    dstart[1:] &= ~isdig[:-1]
    has_sent = np.flatnonzero(sent > 0)
    if len(has_sent):
        is_sent = (jcls & _SENT) != 0
        sent_at = np.flatnonzero(is_sent)
        tail = sent_at[np.searchsorted(sent_at, ue[has_sent] - 1, side="right") - 1] + 1
        tend = ue[has_sent]
        csum = np.zeros(n + 1, dtype=np.int32)
        np.cumsum((jcls & _CLAUSE) != 0, out=csum[1:])
        quiet = csum[tend] == csum[tail]
        np.cumsum(dstart, out=csum[1:])
        numbers = csum[tend] - csum[tail]
        cells = quiet & (numbers >= 2)
        if cells.any():
            bar |= _intervals_to_mask(n, tail[cells], tend[cells])
        del csum, is_sent, tail, tend, quiet, numbers, cells
    del sent, has_sent

    # --- statutory wording wherever it stands
    sa, sb, anywhere = statutory.find(ns)
    if len(sa):
        adj_prev = np.zeros(len(sa), dtype=bool)
        adj_prev[1:] = sa[1:] == sb[:-1]
        adj_next = np.zeros(len(sa), dtype=bool)
        adj_next[:-1] = sb[:-1] == sa[1:]
        left = ustart[sa] | adj_prev | ((sa > 0) & ((jcls[np.maximum(sa - 1, 0)] & _LEFT) != 0))
        right = ustart[sb] | adj_next | ((sb < n) & ((jcls[np.minimum(sb, n - 1)] & _RIGHT) != 0))
        after_mark = mark_end[sa]
        ok = anywhere | after_mark | (left & right)
        # a heading's numbering mark goes with it
        from_ = np.where(after_mark, mark_from[sa], sa)
        bar |= _intervals_to_mask(n, from_[ok], sb[ok])
        del adj_prev, adj_next, left, right, ok, after_mark, from_
    del ns, mark_end, mark_from
    # numbers glued to masked text are its table cells (本年新收政府信息公开申请数量3000003二、…);
    # a quantity opening the paragraph after a heading (2023年，…) is not
    if isdig.any():
        dend = isdig.copy()
        dend[:-1] &= ~isdig[1:]
        ds = np.flatnonzero(dstart)
        de = np.flatnonzero(dend) + 1
        before, after = np.maximum(ds - 1, 0), np.minimum(de, n - 1)
        at_start, at_end = ds == 0, de >= n
        left_bar = ~at_start & bar[before]
        right_bar = ~at_end & bar[after]
        left_break = at_start | ustart[ds] | ((jcls[before] & _CLAUSE) != 0)
        right_break = at_end | ustart[de] | ((jcls[after] & _CLAUSE) != 0)
        counted = np.isin(jc[after], _COUNTERS) & ~at_end  # 2023年, 12件: a quantity in prose
        touch = (left_bar & (right_bar | right_break | ~counted)) | (right_bar & left_break)
        if touch.any():
            bar |= _intervals_to_mask(n, ds[touch], de[touch])
        del dend, ds, de, touch, before, after, left_bar, right_bar, left_break, right_break
    del isdig, dstart

    # --- hashes of every k-gram without a barrier
    m = n - k + 1
    if m <= 0:
        return [empty_prints() for _ in texts]
    csum = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(bar, out=csum[1:])
    valid = csum[k : k + m] == csum[:m]
    # a k-gram that is half numbers or Latin text (a phone number, a postcode, an e-mail address,
    # a run of dates) is no evidence: every number folds to one symbol, so any two contact lines
    # would match
    np.cumsum(jc < 0x80, out=csum[1:])
    valid &= (csum[k : k + m] - csum[:m]) * 2 < k
    del csum
    h = _kgram_hashes(jc.astype(np.uint64), k)
    _mix(h)
    h[~valid] = _MAX

    # --- winnowing: keep i when h[i] is the minimum of some window of w hashes containing it. Every
    # text is walled off by w - 1 empty k-grams on each side, so that no window holds two texts: a
    # text's fingerprints are its own, whatever was fingerprinted with it (and first or last)
    rstart = np.searchsorted(jidx, starts)  # first matching-copy index of each report
    walls = np.repeat(np.append(np.minimum(rstart, m), m), w - 1)
    hx = np.insert(h, walls, _MAX)
    vx = np.insert(valid, walls, False)
    del valid
    win = _window(hx, w, np.minimum)
    padded = np.concatenate((np.zeros(w - 1, np.uint64), win, np.zeros(w - 1, np.uint64)))
    del win
    selx = (hx == _window(padded, w, np.maximum)) & vx
    del hx, vx, padded
    real = np.ones(len(selx), dtype=bool)
    real[walls + np.arange(len(walls))] = False
    p = np.flatnonzero(selx[real])
    del selx, real, walls
    rid = np.searchsorted(rstart, p, side="right") - 1
    runs = np.flatnonzero(bar & ~np.concatenate(([False], bar[:-1])))  # first index of each barrier run
    vpos = (p - rstart[rid]) + BARRIER_JUMP * (
        np.searchsorted(runs, p, side="right") - np.searchsorted(runs, rstart[rid], side="right")
    )
    vpos = vpos.astype(np.int32)
    base = starts[rid]
    ostart = (jidx[p] - base).astype(np.int32)
    oend = (jidx[p + k - 1] + 1 - base).astype(np.int32)
    hashes = h[p]
    del h

    # --- snapping distances: back to the clause start, ahead to the clause end (original characters)
    clause = (jcls & _CLAUSE) != 0
    cstart = ustart[:n].copy()
    cstart[1:] |= clause[:-1]
    cstart[1:] |= isbar[:-1]
    cprev = _prev_at(cstart, p)
    back = jidx[p] - jidx[cprev]
    # a k-gram that starts on punctuation: its original span starts at the next real character
    # (which may lie after a line break and a page number)
    on_punct = np.flatnonzero(clause[p])
    if len(on_punct):
        pp = p[on_punct]
        q = _next_at(~clause & ~isbar, pp)
        inside = np.flatnonzero(q - pp < k)
        moved = on_punct[inside]
        ostart[moved] = (jidx[q[inside]] - base[moved]).astype(np.int32)
        back[moved] = 0
    is_end = ustart.copy()
    is_end[1:] |= clause
    e = _next_at(is_end, p + k)
    ahead = jidx[np.maximum(e - 1, 0)] - jidx[p + k - 1]
    back = np.clip(back, -128, 127).astype(np.int8)
    ahead = np.clip(ahead, 0, SNAP_MAX).astype(np.uint8)

    bounds = np.searchsorted(rid, np.arange(len(texts) + 1))
    return [
        Prints(hashes[a:b], vpos[a:b], ostart[a:b], oend[a:b], back[a:b], ahead[a:b])
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())
    ]
