"""The global fingerprint index: one sort over the whole folder, then spans.

No pair of reports is ever enumerated. All fingerprints of the folder are
packed as ``(hash bits, fingerprint number)`` into one uint64 array and
sorted once; equal hashes become neighbours, ordered by report. A
fingerprint is *shared* when its group holds two or more reports. Reports
are numbered by (unit, year, path) beforehand, so the reports of one unit are
neighbours inside every group and "is there a same-unit holder" is a run
check, not a search.

Shared fingerprints of a report are merged into spans when they are at most
``k + gap`` apart in the matching copy and no barrier lies between them.
Each span is attributed to the report holding most of its fingerprints
(same-unit holders first), with the matching stretch in that report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shenyue.analysis.similarity.fingerprint import Prints
from shenyue.analysis.similarity.settings import Settings


@dataclass(slots=True)
class SpanArrays:
    """Column arrays of the spans found; report numbers index the engine's report list."""

    report: np.ndarray  # int32
    start: np.ndarray  # int32, original offsets, end exclusive
    end: np.ndarray
    other: np.ndarray  # int32, source report
    other_start: np.ndarray
    other_end: np.ndarray
    n_reports: np.ndarray  # int32, how many reports share the span (median over its fingerprints)
    same_unit: np.ndarray  # bool
    similarity: np.ndarray  # float32, share of the span covered by shared k-grams

    FIELDS = ("report", "start", "end", "other", "other_start", "other_end", "n_reports", "same_unit", "similarity")

    def __len__(self) -> int:
        return len(self.report)

    @classmethod
    def empty(cls) -> "SpanArrays":
        i = np.zeros(0, np.int32)
        return cls(i, i, i, i, i, i, i, np.zeros(0, bool), np.zeros(0, np.float32))


def _first_other(newr: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For every run ``starts[g]..ends[g]``: index of its second distinct report, or -1."""
    inner = np.flatnonzero(newr)
    j = np.searchsorted(inner, starts, side="right")
    sec = np.full(len(starts), -1, dtype=np.int64)
    ok = j < len(inner)
    cand = np.where(ok, inner[np.minimum(j, len(inner) - 1)] if len(inner) else 0, -1)
    ok &= cand < ends
    sec[ok] = cand[ok]
    return sec


def match(prints: list[Prints], unit_ids: np.ndarray, s: Settings) -> SpanArrays:
    """Spans of every report shared with other reports of the list.

    ``prints`` must be ordered so that reports of one unit are consecutive;
    ``unit_ids[i]`` is report i's unit (a unique number when it has none).
    """
    R = len(prints)
    counts = np.fromiter((len(p) for p in prints), dtype=np.int64, count=R)
    F = int(counts.sum())
    if R < 2 or F == 0:
        return SpanArrays.empty()
    H = np.concatenate([p.hashes for p in prints])
    rep = np.repeat(np.arange(R, dtype=np.int32), counts)

    P = max(1, (F - 1).bit_length())
    key = H >> np.uint64(P)
    key <<= np.uint64(P)
    key |= np.arange(F, dtype=np.uint64)
    del H
    key.sort()
    hk = key >> np.uint64(P)
    same_next = hk[1:] == hk[:-1]
    multi = np.zeros(F, dtype=bool)
    multi[1:] |= same_next
    multi[:-1] |= same_next
    del same_next
    sel = np.flatnonzero(multi)
    del multi
    hk = hk[sel]
    idx = (key[sel] & np.uint64((1 << P) - 1)).astype(np.int64)
    del key, sel
    n = len(idx)
    if n == 0:
        return SpanArrays.empty()
    r = rep[idx]
    u = unit_ids[r]

    newg = np.ones(n, dtype=bool)
    newg[1:] = hk[1:] != hk[:-1]
    del hk
    gstart = np.flatnonzero(newg)
    gend = np.append(gstart[1:], n)
    gid = np.cumsum(newg) - 1
    newr = newg.copy()
    newr[1:] |= r[1:] != r[:-1]
    nrep_g = np.add.reduceat(newr.astype(np.int32), gstart)
    shared = nrep_g[gid] >= 2

    # peer holder: the group's first report, or its second distinct report for that report itself
    first = gstart[gid]
    sec_g = _first_other(newr & ~newg, gstart, gend)
    holder = np.where(r != r[first], first, sec_g[gid])

    # same-unit holder: reports of a unit are neighbours inside a group
    newu = newg.copy()
    newu[1:] |= u[1:] != u[:-1]
    ustart = np.flatnonzero(newu)
    uend = np.append(ustart[1:], n)
    uid = np.cumsum(newu) - 1
    newru = newu | newr
    nrep_u = np.add.reduceat(newru.astype(np.int32), ustart)
    has_su = nrep_u[uid] >= 2
    ufirst = ustart[uid]
    sec_u = _first_other(newru & ~newu, ustart, uend)
    su_holder = np.where(r != r[ufirst], ufirst, sec_u[uid])
    holder = np.where(has_su, su_holder, holder)
    del newu, newru, uid, ufirst, sec_u, su_holder, newr, first, sec_g, gstart, gend

    keep = np.flatnonzero(shared)
    # scatter back into fingerprint order: the shared fingerprints of each report, by position
    fp = idx[keep]
    hold_fp = np.full(F, -1, dtype=np.int64)
    hold_fp[fp] = idx[holder[keep]]
    nrep_fp = np.zeros(F, dtype=np.int32)
    nrep_fp[fp] = nrep_g[gid[keep]]
    del idx, holder, shared, gid, keep, r, u
    order = np.flatnonzero(hold_fp >= 0)
    hfp = hold_fp[order]
    nrp = nrep_fp[order]
    del hold_fp, nrep_fp

    V = np.concatenate([p.vpos for p in prints]).astype(np.int64)
    OS = np.concatenate([p.ostart for p in prints])
    OE = np.concatenate([p.oend for p in prints])
    BK = np.concatenate([p.back for p in prints])
    AH = np.concatenate([p.ahead for p in prints])
    srep = rep[order]
    v = V[order]
    hrep = rep[hfp]

    # --- spans
    k = s.k
    cut = np.ones(len(order), dtype=bool)
    dv = np.diff(v)
    cut[1:] = (srep[1:] != srep[:-1]) | (dv > k + s.gap)
    sstart = np.flatnonzero(cut)
    slast = np.append(sstart[1:], len(order)) - 1
    vlen = v[slast] + k - v[sstart]
    cover = np.full(len(order), k, dtype=np.int64)
    inner = ~cut[1:]
    cover[:-1][inner] = np.minimum(dv[inner], k)
    covered = np.add.reduceat(cover, sstart)
    fb = BK[order[sstart]].astype(np.int64)
    la = AH[order[slast]].astype(np.int64)
    snapped = vlen + np.where(fb <= s.snap, fb, 0) + np.where(la <= s.snap, la, 0)
    good = snapped >= s.min_len
    sid = np.cumsum(cut) - 1

    # attribution: per span the holder report with most fingerprints; same-unit holders first
    pair = (sid.astype(np.uint64) << np.uint64(32)) | hrep.astype(np.uint64)
    pair_sorted = np.sort(pair)
    pnew = np.ones(len(pair_sorted), dtype=bool)
    pnew[1:] = pair_sorted[1:] != pair_sorted[:-1]
    pstart = np.flatnonzero(pnew)
    pcount = np.diff(np.append(pstart, len(pair_sorted)))
    p_sid = (pair_sorted[pstart] >> np.uint64(32)).astype(np.int64)
    p_rep = (pair_sorted[pstart] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    span_rep = srep[sstart]
    p_su = unit_ids[p_rep] == unit_ids[span_rep[p_sid]]
    n_spans = len(sstart)
    # best holder overall, and best same-unit holder; the same unit wins when it holds at least half as much
    best_all = np.zeros(n_spans, dtype=np.int64)
    np.maximum.at(best_all, p_sid, pcount)
    best_su = np.zeros(n_spans, dtype=np.int64)
    np.maximum.at(best_su, p_sid[p_su], pcount[p_su])
    prefer_su = 2 * best_su >= best_all
    score = pcount + np.where(p_su & prefer_su[p_sid], 1 << 30, 0)
    best_key = (p_sid.astype(np.uint64) << np.uint64(32)) | score.astype(np.uint64)
    o = np.argsort(best_key, kind="stable")
    last_of_sid = np.flatnonzero(np.append(p_sid[o][1:] != p_sid[o][:-1], True))
    chosen = np.zeros(n_spans, dtype=np.int64)
    chosen[p_sid[o][last_of_sid]] = p_rep[o][last_of_sid]
    chosen_su = np.zeros(n_spans, dtype=bool)
    chosen_su[p_sid[o][last_of_sid]] = p_su[o][last_of_sid]

    is_src = hrep == chosen[sid]
    big = np.iinfo(np.int64).max
    hb = BK[hfp].astype(np.int64)
    ha = AH[hfp].astype(np.int64)
    src_start = OS[hfp] - np.where(hb <= s.snap, hb, 0)
    src_end = OE[hfp] + np.where(ha <= s.snap, ha, 0)
    o_start = np.minimum.reduceat(np.where(is_src, src_start, big), sstart)
    o_end = np.maximum.reduceat(np.where(is_src, src_end, -1), sstart)

    # n_reports: the median over the span's fingerprints
    med_key = (sid.astype(np.uint64) << np.uint64(32)) | nrp.astype(np.uint64)
    med_key.sort()
    mid = sstart + (slast - sstart) // 2
    n_med = (med_key[mid] & np.uint64(0xFFFFFFFF)).astype(np.int32)

    g = np.flatnonzero(good)
    first_fp = order[sstart[g]]
    last_fp = order[slast[g]]
    back = BK[first_fp].astype(np.int64)
    ahead = AH[last_fp].astype(np.int64)
    start = OS[first_fp] - np.where(back <= s.snap, back, 0)
    end = OE[last_fp] + np.where(ahead <= s.snap, ahead, 0)
    return SpanArrays(
        report=span_rep[g].astype(np.int32),
        start=start.astype(np.int32),
        end=end.astype(np.int32),
        other=chosen[g].astype(np.int32),
        other_start=o_start[g].astype(np.int32),
        other_end=o_end[g].astype(np.int32),
        n_reports=n_med[g],
        same_unit=chosen_su[g],
        similarity=np.minimum(1.0, covered[g] / np.maximum(vlen[g], 1)).astype(np.float32),
    )
