"""Winnowed character k-gram fingerprints of report texts, computed with numpy.

For every report the text is turned into a matching copy (see
:mod:`shenyue.model.normalize`: folded, simplified, whitespace and pinyin
artefacts left out), statutory lines and phrases become barriers no k-gram
may cross, every k-gram is hashed with a fixed polynomial hash (stable across
runs, so fingerprints can be cached) and the winnowing minimum of every
window of ``w`` hashes is kept (Schleimer, Wilkerson and Aiken 2003).

One :class:`Prints` per report holds, for each fingerprint, its hash, its
position in the matching copy (``vpos``: barrier runs add a large jump, so
stretches never merge across statutory text) and the original character
span of its k-gram (``ostart``..``oend``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from shenyue.analysis.similarity.settings import Settings
from shenyue.analysis.similarity.statutory import Statutory
from shenyue.model.normalize import code_table, pinyin_spans, to_codes

BARRIER = 0x10FFFF  # code standing for masked text and report boundaries
NL = 0x0A
BARRIER_JUMP = 1000  # added to vpos at every barrier run; far more than k + gap
BATCH_CHARS = 2_000_000  # texts are fingerprinted in batches of about this many characters

_BASE = np.uint64(0x9E3779B97F4A7C15 | 1)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MAX = np.uint64(0xFFFFFFFFFFFFFFFF)
_SENT = np.array([ord(c) for c in "。!?;"], dtype=np.uint32)
# where a copied stretch may begin (after these) or end (after _END_PUNCT, or before a line break)
_CLAUSE = np.array([ord(c) for c in "。！？；!?;，,、：:"], dtype=np.uint32)
_END_PUNCT = _CLAUSE
SNAP_MAX = 255  # back/ahead distances are stored as uint8
_PIPE = ord("|")
_PINYIN_PAREN = re.compile(r"[(（]")


@dataclass(slots=True)
class Prints:
    hashes: np.ndarray  # uint64
    vpos: np.ndarray  # int32, position in the matching copy (+ barrier jumps)
    ostart: np.ndarray  # int32, original start of the k-gram
    oend: np.ndarray  # int32, original end of the k-gram (exclusive)
    back: np.ndarray  # int8, characters from the clause start before ostart (127: far; < 0: starts on punctuation)
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
    """Boolean mask of sorted, non-overlapping intervals."""
    if len(starts) == 0:
        return np.zeros(n, dtype=bool)
    edges = np.empty(2 * len(starts) + 2, dtype=np.int64)
    edges[0] = 0
    edges[1:-1:2] = starts
    edges[2:-1:2] = ends
    edges[-1] = n
    values = np.zeros(len(edges) - 1, dtype=bool)
    values[1::2] = True
    return np.repeat(values, np.diff(edges))


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
    for i, spans in enumerate(masks):
        base, length = int(starts[i]), int(lengths[i])
        for a, b in spans:
            a, b = max(0, a), min(length, b)
            if b > a:
                seg = codes[base + a : base + b]
                seg[seg != 0] = BARRIER  # whitespace stays droppable, text becomes a barrier
    if "(" in big or "（" in big:
        for start, end in pinyin_spans(big):
            codes[start:end] = 0
    nl_or_sep = (cps == NL) | (cps == 0)
    is_clause = np.isin(cps, _CLAUSE)
    clause_after = np.flatnonzero(is_clause | nl_or_sep) + 1
    content = np.flatnonzero(~is_clause & (codes != 0) & (codes != NL) & (codes != BARRIER))
    del is_clause
    end_at = np.concatenate((np.flatnonzero(np.isin(cps, _END_PUNCT)) + 1, np.flatnonzero(nl_or_sep), [len(cps)]))
    end_at.sort()  # duplicates do no harm to the searchsorted below
    del cps, nl_or_sep

    nidx = np.flatnonzero(codes)  # original offset (in big) of each matching-copy character
    nc = codes[nidx]
    del codes
    n = len(nc)

    # --- lines: short lines without sentence punctuation and statutory lines become barriers
    brk = np.flatnonzero((nc == NL) | (nc == BARRIER))
    lstart = np.concatenate(([0], brk + 1))
    lend = np.concatenate((brk, [n]))
    llen = lend - lstart
    nlines = len(lstart)
    punct = np.bincount(np.searchsorted(brk, np.flatnonzero(np.isin(nc, _SENT))), minlength=nlines)
    pipes = np.bincount(np.searchsorted(brk, np.flatnonzero(nc == _PIPE)), minlength=nlines)
    masked = (llen > 0) & (punct == 0) & ((llen < s.short_line) | (pipes >= 2))
    ns: str | None = None
    if statutory.lines:
        longest = max(len(x) for x in statutory.lines) + 12
        cand = np.flatnonzero(~masked & (llen > 0) & (llen <= longest))
        if len(cand):
            ns = nc.tobytes().decode("utf-32-le")
            for i in cand.tolist():
                if statutory.is_statutory_line(ns[lstart[i] : lend[i]]):
                    masked[i] = True
    bar = _intervals_to_mask(n, lstart[masked], lend[masked])
    if statutory.phrases:
        if ns is None:
            ns = nc.tobytes().decode("utf-32-le")
        for phrase in statutory.phrases:
            pos = ns.find(phrase)
            while pos >= 0:
                bar[pos : pos + len(phrase)] = True
                pos = ns.find(phrase, pos + len(phrase))
    bar |= nc == BARRIER

    # --- drop the line breaks: k-grams run across wrapped lines
    keep = nc != NL
    nc = nc[keep]
    bar = bar[keep]
    nidx = nidx[keep]
    n = len(nc)
    rstart = np.searchsorted(nidx, starts)  # first matching-copy index of each report

    m = n - k + 1
    if m <= 0:
        return [empty_prints() for _ in texts]
    valid = ~bar[:m]  # k-gram starting at i has no barrier
    for j in range(1, k):
        valid &= ~bar[j : j + m]

    c64 = nc.astype(np.uint64)
    h = c64[:m].copy()
    for j in range(1, k):
        h *= _BASE
        h += c64[j : j + m]
    del c64
    _mix(h)
    h[~valid] = _MAX

    # --- winnowing: keep i when h[i] is the minimum of some window of w hashes containing it
    if m >= w:
        win = h[: m - w + 1].copy()
        for j in range(1, w):
            np.minimum(win, h[j : j + m - w + 1], out=win)
        padded = np.concatenate((np.zeros(w - 1, np.uint64), win, np.zeros(w - 1, np.uint64)))
        best = padded[: m].copy()
        for j in range(1, w):
            np.maximum(best, padded[j : j + m], out=best)
        sel = (h == best) & valid
    else:
        sel = valid & (h == h.min())
    p = np.flatnonzero(sel)

    rid = np.searchsorted(rstart, p, side="right") - 1
    runs = np.flatnonzero(bar & ~np.concatenate(([False], bar[:-1])))  # first index of each barrier run
    vpos = (p - rstart[rid]) + BARRIER_JUMP * (
        np.searchsorted(runs, p, side="right") - np.searchsorted(runs, rstart[rid], side="right")
    )
    vpos = vpos.astype(np.int32)
    ostart = (nidx[p] - starts[rid]).astype(np.int32)
    oend = (nidx[p + k - 1] + 1 - starts[rid]).astype(np.int32)
    hashes = h[p]
    x = nidx[p]
    prev = np.searchsorted(clause_after, x, side="right") - 1
    back = np.where(prev >= 0, x - clause_after[np.maximum(prev, 0)], x - starts[rid])
    back = np.minimum(back, x - starts[rid])
    # a k-gram that starts on punctuation: the span starts at the next real character (negative back)
    nxt = np.searchsorted(content, x, side="left")
    lead = content[np.minimum(nxt, len(content) - 1)] - x if len(content) else np.zeros_like(x)
    back = np.where((lead > 0) & (lead < k), -lead, back)
    y = nidx[p + k - 1] + 1
    ahead = end_at[np.searchsorted(end_at, y, side="left")] - y
    back = np.minimum(back, 127).astype(np.int8)
    ahead = np.minimum(ahead, SNAP_MAX).astype(np.uint8)

    bounds = np.searchsorted(rid, np.arange(len(texts) + 1))
    return [
        Prints(hashes[a:b], vpos[a:b], ostart[a:b], oend[a:b], back[a:b], ahead[a:b])
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())
    ]
