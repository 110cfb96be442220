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
    """For every run ``starts[g]..ends[g]``: index of its second distinct report, or -1 (int32)."""
    inner = np.flatnonzero(newr)
    sec = np.full(len(starts), -1, dtype=np.int32)
    if not len(inner):
        return sec
    j = np.searchsorted(inner, starts, side="right")
    ok = j < len(inner)
    cand = inner[np.minimum(j, len(inner) - 1)]
    ok &= cand < ends
    sec[ok] = cand[ok]
    return sec


def _report_of(bounds: np.ndarray) -> np.ndarray:
    """The report number of every fingerprint (int32): a gather is faster than a search per fingerprint."""
    R = len(bounds) - 1
    return np.repeat(np.arange(R, dtype=np.int32 if R < 2**31 else np.int64), np.diff(bounds))


def _run_counts(flags: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many ``flags`` are set in every run ``starts[g]..ends[g]`` (int32; faster than reduceat)."""
    csum = np.zeros(len(flags) + 1, dtype=np.int32)
    np.cumsum(flags, out=csum[1:])
    return csum[ends] - csum[starts]


CHUNK = 2_000_000  # shared fingerprints turned into spans at a time (bounds the memory of that step)


def match(prints: list[Prints], unit_ids: np.ndarray, s: Settings) -> SpanArrays:
    """Spans of every report shared with other reports of the list.

    ``prints`` must be ordered so that reports of one unit are consecutive;
    ``unit_ids[i]`` is report i's unit (a unique number when it has none).
    """
    R = len(prints)
    counts = np.fromiter((len(p) for p in prints), dtype=np.int64, count=R)
    bounds = np.zeros(R + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    F = int(bounds[-1])
    if R < 2 or F == 0:
        return SpanArrays.empty()
    unit_ids = np.asarray(unit_ids, dtype=np.int64)
    order, hfp, nrp = _shared(prints, bounds, unit_ids)
    if not len(order):
        return SpanArrays.empty()
    fields = {f: np.concatenate([getattr(p, f) for p in prints]) for f in ("vpos", "ostart", "oend", "back", "ahead")}
    # chunks end on report boundaries: spans never cross reports
    report_pos = np.searchsorted(order, bounds)
    parts = []
    a = 0
    while a < len(order):
        want = a + CHUNK
        if want >= len(order):
            b = len(order)
        else:
            r = int(np.searchsorted(report_pos, want, side="right"))  # first report starting after want
            b = int(report_pos[max(r - 1, 0)])
            if b <= a:  # one report bigger than a chunk: take it whole
                b = int(report_pos[min(r, R)])
        parts.append(_spans(order[a:b], hfp[a:b], nrp[a:b], bounds, fields, unit_ids, s))
        a = b
    return SpanArrays(*(np.concatenate([getattr(p, f) for p in parts]) for f in SpanArrays.FIELDS))


def _shared(prints: list[Prints], bounds: np.ndarray, unit_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shared fingerprints in fingerprint order: their numbers, their holder fingerprint, their group's report count."""
    R = len(prints)
    F = int(bounds[-1])
    # one uint64 per fingerprint: high bits = hash, low P bits = fingerprint number (report order)
    P = max(1, (F - 1).bit_length())
    shift = np.uint64(P)
    key = np.empty(F, dtype=np.uint64)
    for i, pr in enumerate(prints):
        a, b = int(bounds[i]), int(bounds[i + 1])
        if a < b:
            seg = key[a:b]
            np.right_shift(pr.hashes, shift, out=seg)
            seg <<= shift
            seg |= np.arange(a, b, dtype=np.uint64)
    key.sort()
    hk = key >> shift
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
    itype = np.int32 if max(n, F) < 2**31 else np.int64
    if n == 0:
        z = np.zeros(0, itype)
        return z, z, np.zeros(0, np.int32)
    r = _report_of(bounds)[idx]
    u = unit_ids[r]

    newg = np.ones(n, dtype=bool)
    newg[1:] = hk[1:] != hk[:-1]
    del hk
    gstart = np.flatnonzero(newg).astype(itype)
    gend = np.append(gstart[1:], n).astype(itype)
    gid = np.cumsum(newg, dtype=itype)
    gid -= 1
    newr = newg.copy()
    newr[1:] |= r[1:] != r[:-1]
    nrep_g = _run_counts(newr, gstart, gend)
    shared = nrep_g[gid] >= 2

    # peer holder: the group's first report, or its second distinct report for that report itself
    first = gstart[gid]
    sec_g = _first_other(newr & ~newg, gstart, gend)
    holder = np.where(r != r[first], first, sec_g[gid]).astype(itype)
    del first, sec_g, gstart, gend

    # same-unit holder: reports of a unit are neighbours inside a group
    newu = newg.copy()
    del newg
    newu[1:] |= u[1:] != u[:-1]
    del u
    ustart = np.flatnonzero(newu).astype(itype)
    uend = np.append(ustart[1:], n).astype(itype)
    uid = np.cumsum(newu, dtype=itype)
    uid -= 1
    newru = newu | newr
    del newr
    nrep_u = _run_counts(newru, ustart, uend)
    has_su = nrep_u[uid] >= 2
    ufirst = ustart[uid]
    sec_u = _first_other(newru & ~newu, ustart, uend)
    del newu, newru
    su = sec_u[uid]
    del uid, sec_u
    su = np.where(r != r[ufirst], ufirst, su)
    del ufirst, r
    holder[has_su] = su[has_su]
    del su, has_su

    keep = np.flatnonzero(shared)
    del shared
    # scatter back into fingerprint order: the shared fingerprints of each report, by position
    fp = idx[keep]
    hold_fp = np.full(F, -1, dtype=itype)
    hold_fp[fp] = idx[holder[keep]]
    nrep_fp = np.zeros(F, dtype=np.int32)
    nrep_fp[fp] = nrep_g[gid[keep]]
    del idx, holder, gid, keep, fp
    order = np.flatnonzero(hold_fp >= 0).astype(itype)
    return order, hold_fp[order], nrep_fp[order]


def _spans(
    order: np.ndarray,
    hfp: np.ndarray,
    nrp: np.ndarray,
    bounds: np.ndarray,
    fields: dict[str, np.ndarray],
    unit_ids: np.ndarray,
    s: Settings,
) -> SpanArrays:
    """Merge the shared fingerprints ``order`` (sorted, whole reports) into attributed spans."""
    k = s.k
    m = len(order)
    srep = (np.searchsorted(bounds, order, side="right") - 1).astype(np.int64)
    hrep = (np.searchsorted(bounds, hfp, side="right") - 1).astype(np.int64)
    v = fields["vpos"][order].astype(np.int64)

    cut = np.ones(m, dtype=bool)
    dv = np.diff(v)
    cut[1:] = (srep[1:] != srep[:-1]) | (dv > k + s.gap)
    sstart = np.flatnonzero(cut)
    slast = np.append(sstart[1:], m) - 1
    vlen = v[slast] + k - v[sstart]
    cover = np.full(m, k, dtype=np.int64)
    inner = ~cut[1:]
    cover[:-1][inner] = np.minimum(dv[inner], k)
    covered = np.add.reduceat(cover, sstart)
    del cover, inner, dv, v
    first_fp = order[sstart]
    last_fp = order[slast]
    fb = fields["back"][first_fp].astype(np.int64)
    la = fields["ahead"][last_fp].astype(np.int64)
    fb = np.where(fb <= s.snap, fb, 0)
    la = np.where(la <= s.snap, la, 0)
    good = vlen + fb + la >= s.min_len
    sid = np.cumsum(cut, dtype=np.int64)
    sid -= 1
    n_spans = len(sstart)

    # attribution: per span the holder report with most fingerprints; same-unit holders first
    pair = (sid.astype(np.uint64) << np.uint64(32)) | hrep.astype(np.uint64)
    pair.sort()
    pnew = np.ones(m, dtype=bool)
    pnew[1:] = pair[1:] != pair[:-1]
    pstart = np.flatnonzero(pnew)
    pcount = np.diff(np.append(pstart, m))
    p_sid = (pair[pstart] >> np.uint64(32)).astype(np.int64)
    p_rep = (pair[pstart] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del pair, pnew
    span_rep = srep[sstart]
    p_su = unit_ids[p_rep] == unit_ids[span_rep[p_sid]]
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

    # the matching stretch in the chosen source
    is_src = hrep == chosen[sid]
    del hrep
    hb = fields["back"][hfp].astype(np.int64)
    src_start = fields["ostart"][hfp] - np.where(hb <= s.snap, hb, 0)
    del hb
    o_start = np.minimum.reduceat(np.where(is_src, src_start, np.iinfo(np.int64).max), sstart)
    del src_start
    ha = fields["ahead"][hfp].astype(np.int64)
    src_end = fields["oend"][hfp] + np.where(ha <= s.snap, ha, 0)
    del ha
    o_end = np.maximum.reduceat(np.where(is_src, src_end, -1), sstart)
    del src_end, is_src

    # n_reports: the median over the span's fingerprints
    med_key = (sid.astype(np.uint64) << np.uint64(32)) | nrp.astype(np.uint64)
    med_key.sort()
    mid = sstart + (slast - sstart) // 2
    n_med = (med_key[mid] & np.uint64(0xFFFFFFFF)).astype(np.int32)

    g = np.flatnonzero(good)
    start = fields["ostart"][first_fp[g]] - fb[g]
    end = fields["oend"][last_fp[g]] + la[g]
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
