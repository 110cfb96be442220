"""The global fingerprint index: one sort over the whole folder, then spans.

No pair of reports is ever enumerated. All fingerprints of the folder are
packed as ``(hash bits, fingerprint number)`` into one uint64 array and
sorted once; equal hashes become neighbours, ordered by report. A
fingerprint is *shared* when its group holds two or more reports. Reports
are numbered by (unit, year, path) beforehand, so the reports of one unit are
neighbours inside every group, earliest year first.

Every shared fingerprint keeps a few *holders* (other reports holding it):
the same unit's nearest earlier (or same-year) report, and the first report
of the first other units of its group. A later year, of the same unit or of a
peer, is never a source (it is not where an earlier report copied from): it is
kept only for text no earlier or same-year report holds, as REUSED_LATER. Fingerprints held by many units
(:func:`~.kinds.common_threshold`) are common wording.

Shared fingerprints of a report are merged into spans when they are at most
``k + gap`` apart in the matching copy, no barrier lies between them and they
are all common wording or all not. Each span is attributed to the holder of
most of its fingerprints (the same unit's earlier report first), and keeps
its best few holders.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shenyue.analysis.similarity.fingerprint import Prints
from shenyue.analysis.similarity.kinds import KIND_CODE, common_threshold
from shenyue.analysis.similarity.settings import Settings

PEER_HOLDERS = 2  # other units remembered per shared fingerprint
HOLDERS = 3  # holders kept per span (the source first)


@dataclass(slots=True)
class SpanArrays:
    """Column arrays of the spans found; report numbers index the engine's report list."""

    report: np.ndarray  # int32
    start: np.ndarray  # int32, original offsets, end exclusive
    end: np.ndarray
    other: np.ndarray  # int32, source report (the best holder)
    other_start: np.ndarray
    other_end: np.ndarray
    n_reports: np.ndarray  # int32, how many reports share the span (median over its fingerprints)
    same_unit: np.ndarray  # bool, the source is the same unit's report (an earlier or the same year)
    similarity: np.ndarray  # float32, share of the span covered by shared k-grams
    n_units: np.ndarray  # int32, how many distinct units share the span (median over its fingerprints)
    kind: np.ndarray  # int8, kinds.KIND_CODE: peer, same unit or common wording
    holder1: np.ndarray  # int32, the second-best holder report, -1 for none
    holder2: np.ndarray  # int32, the third-best holder report, -1 for none

    FIELDS = (
        "report", "start", "end", "other", "other_start", "other_end", "n_reports", "same_unit", "similarity",
        "n_units", "kind", "holder1", "holder2",
    )  # fmt: skip

    def __len__(self) -> int:
        return len(self.report)

    @classmethod
    def empty(cls) -> "SpanArrays":
        i = np.zeros(0, np.int32)
        return cls(i, i, i, i, i, i, i, np.zeros(0, bool), np.zeros(0, np.float32), i, np.zeros(0, np.int8), i, i)


def _report_of(bounds: np.ndarray) -> np.ndarray:
    """The report number of every fingerprint (int32): a gather is faster than a search per fingerprint."""
    R = len(bounds) - 1
    return np.repeat(np.arange(R, dtype=np.int32 if R < 2**31 else np.int64), np.diff(bounds))


def _run_counts(flags: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many ``flags`` are set in every run ``starts[g]..ends[g]`` (int32; faster than reduceat)."""
    csum = np.zeros(len(flags) + 1, dtype=np.int32)
    np.cumsum(flags, out=csum[1:])
    return csum[ends] - csum[starts]


CHUNK = 1_000_000  # shared fingerprints turned into spans at a time (bounds the memory of that step)
SPAN_THREADS = min(2, os.cpu_count() or 1)  # chunks turned into spans at once
# Beyond this many fingerprints the groups are matched a part of the hash space at a time, each part's results
# written to a spill folder and the spans made from there (partition.py): the memory of the match is then that of
# this many fingerprints and a chunk of rows, not the folder's (at 10,000 reports, about 20 million fingerprints).
PART_FINGERPRINTS: int | None = 4_000_000


@dataclass(slots=True)
class Shared:
    """The shared fingerprints of a folder (:func:`_shared`'s arrays) and what they were computed with.

    ``order`` holds the shared fingerprints' numbers, ascending; ``hold``/``hrep`` their holders'
    fingerprints and reports (``(1 + PEER_HOLDERS, m)``, -1 for none); ``nrp``/``nup`` their group's
    count of reports and of units. ``bits`` is the fingerprint-number width that defines the groups,
    ``threshold`` the units count from which a fingerprint is common wording.
    """

    order: np.ndarray
    hold: np.ndarray
    hrep: np.ndarray
    nrp: np.ndarray
    nup: np.ndarray
    bits: int
    threshold: int

    def __len__(self) -> int:
        return len(self.order)


def group_bits(fingerprints: int) -> int:
    """How many low hash bits give way to the fingerprint number in a folder of ``fingerprints``."""
    return max(1, (fingerprints - 1).bit_length())


def match(
    prints: list[Prints],
    unit_ids: np.ndarray,
    s: Settings,
    *,
    years: np.ndarray | None = None,
    fields: dict[str, np.ndarray] | None = None,
    shared_ready: Callable[..., None] | None = None,
    spill: Path | None = None,
    release: Callable[[], None] | None = None,
) -> SpanArrays:
    """Spans of every report shared with other reports of the list.

    ``prints`` must be ordered so that reports of one unit are consecutive,
    earliest year first; ``unit_ids[i]`` is report i's unit (a unique number
    when it has none), ``years[i]`` its year (0 when unknown; without
    ``years`` every year is unknown). Two reports of one unit and one year
    are each other's same-unit holder. ``fields`` are the fingerprints' arrays of every report
    one after the other (``prints`` are then views into them): given, they are not copied again.
    ``shared_ready`` is given the shared fingerprints once they are found (before the spans are
    made from them), when there are reports to compare. With a ``spill`` folder, a folder of more than
    :data:`PART_FINGERPRINTS` fingerprints is matched in parts written there (partition.py), and
    ``shared_ready`` is given the shared fingerprints as files (a
    :class:`~.partition.SpooledShared`) once the spans are made, and ``release`` (when given) after each
    part and each chunk of spans (the fingerprint arrays may be files mapped into memory: it hands their
    pages back).
    """
    R = len(prints)
    counts = np.fromiter((len(p) for p in prints), dtype=np.int64, count=R)
    bounds = np.zeros(R + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    F = int(bounds[-1])
    if R < 2 or F == 0:
        return SpanArrays.empty()
    unit_ids = np.asarray(unit_ids, dtype=np.int64)
    threshold = common_threshold(len(np.unique(unit_ids)))
    years = np.zeros(R, np.int64) if years is None else np.asarray(years, dtype=np.int64)
    if spill is not None and PART_FINGERPRINTS and F > PART_FINGERPRINTS:
        from shenyue.analysis.similarity.partition import match_in_parts

        fields = _fields(prints, fields)
        hashes = fields["hashes"] if "hashes" in fields else np.concatenate([p.hashes for p in prints])
        parts = -(-F // PART_FINGERPRINTS)
        try:
            return match_in_parts(
                hashes, bounds, fields, unit_ids, years, s, threshold, parts, spill, shared_ready, release
            )
        except OSError:  # the spill folder cannot take the parts (a full disk): matched in memory
            pass
    shared = Shared(*_shared(prints, bounds, unit_ids), bits=group_bits(F), threshold=threshold)
    if shared_ready is not None:
        shared_ready(shared)
    return spans_of_shared(shared, bounds, _fields(prints, fields), unit_ids, years, s)


def _fields(prints: list[Prints], fields: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """The span step's fingerprint arrays of the whole folder: ``fields`` when given, else joined from ``prints``."""
    if fields is not None:
        return fields
    return {f: np.concatenate([getattr(p, f) for p in prints]) for f in ("vpos", "ostart", "oend", "back", "ahead")}


def spans_of_shared(
    shared: Shared,
    bounds: np.ndarray,
    fields: dict[str, np.ndarray],
    unit_ids: np.ndarray,
    years: np.ndarray,
    s: Settings,
    rows: np.ndarray | None = None,
) -> SpanArrays:
    """The spans of the shared fingerprints (of the ``rows`` of ``shared`` only, when given: whole reports)."""
    order, hold, hrep, nrp, nup = shared.order, shared.hold, shared.hrep, shared.nrp, shared.nup
    if rows is not None:
        order, hold, hrep, nrp, nup = order[rows], hold[:, rows], hrep[:, rows], nrp[rows], nup[rows]
    if not len(order):
        return SpanArrays.empty()
    threshold = shared.threshold

    def spans_of(cut: tuple[int, int]) -> SpanArrays:
        a, b = cut
        return _spans(
            order[a:b], hold[:, a:b], hrep[:, a:b], nrp[a:b], nup[a:b], bounds, fields, unit_ids, years, s, threshold
        )

    parts = list(_in_order(spans_of, _cuts(np.searchsorted(order, bounds)), SPAN_THREADS))
    return SpanArrays(*(np.concatenate([getattr(p, f) for p in parts]) for f in SpanArrays.FIELDS))


def _cuts(report_pos: np.ndarray) -> list[tuple[int, int]]:
    """Chunks of about :data:`CHUNK` shared fingerprints (rows), given the rows before each report bound;
    chunks end on report boundaries (spans never cross reports), a report bigger than a chunk is taken whole."""
    R, total = len(report_pos) - 1, int(report_pos[-1])
    cuts = []
    a = 0
    while a < total:
        want = a + CHUNK
        if want >= total:
            b = total
        else:
            r = int(np.searchsorted(report_pos, want, side="right"))  # first report starting after want
            b = int(report_pos[max(r - 1, 0)])
            if b <= a:  # one report bigger than a chunk: take it whole
                b = int(report_pos[min(r, R)])
        cuts.append((a, b))
        a = b
    return cuts


def _in_order(make: Callable, items: list, threads: int) -> Iterator:
    """``make`` of every item, in order, ``threads`` at a time (numpy releases the GIL on large arrays: two
    chunks at a time keep both cores busy). At most ``threads`` results wait: memory is a few chunks'."""
    if threads <= 1 or len(items) <= 1:
        for item in items:
            yield make(item)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        waiting: deque = deque()
        for item in items:
            waiting.append(pool.submit(make, item))
            if len(waiting) >= threads:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def _shared(
    prints: list[Prints], bounds: np.ndarray, unit_ids: np.ndarray, bits: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shared fingerprints in fingerprint order: their numbers, their holders' fingerprints and
    reports (``(1 + PEER_HOLDERS, m)``, -1 for none; row 0 the same unit's other report), and
    their group's count of reports and of distinct units.

    ``bits`` (default: enough for the fingerprint numbers) is how many low hash bits give way to
    the fingerprint number; a group is the fingerprints whose hashes agree above them. Every
    result depends on a fingerprint's group alone (see partition.py)."""
    F = int(bounds[-1])
    # one uint64 per fingerprint: high bits = hash, low P bits = fingerprint number (report order)
    P = bits if bits is not None else group_bits(F)
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
    itype = np.int32 if F < 2**31 else np.int64  # fingerprint numbers (n <= F)
    idx = key[sel]
    del key, sel
    idx &= np.uint64((1 << P) - 1)
    idx = idx.astype(itype)
    n = len(idx)
    NH = 1 + PEER_HOLDERS
    if n == 0:
        z = np.zeros(0, itype)
        return z, np.zeros((NH, 0), itype), np.zeros((NH, 0), np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32)
    r = _report_of(bounds)[idx]
    u = unit_ids[r]

    newg = np.ones(n, dtype=bool)
    newg[1:] = hk[1:] != hk[:-1]
    del hk
    gstart = np.flatnonzero(newg).astype(itype)
    gid = np.cumsum(newg, dtype=itype)
    gid -= 1
    newr = newg.copy()
    newr[1:] |= r[1:] != r[:-1]
    gend = np.append(gstart[1:], n).astype(itype)
    nrep_g = _run_counts(newr, gstart, gend)
    del gend

    # unit runs inside groups (a unit's reports are neighbours, earliest year first)
    newu = newg.copy()
    del newg
    newu[1:] |= u[1:] != u[:-1]
    del u
    ustarts = np.flatnonzero(newu).astype(itype)
    uid = np.cumsum(newu, dtype=itype)
    uid -= 1
    del newu
    g_u0 = np.searchsorted(ustarts, gstart).astype(itype)  # each group's first unit run
    nunit_g = (np.append(g_u0[1:], len(ustarts)) - g_u0).astype(np.int32)
    del gstart
    rstarts = np.flatnonzero(newr).astype(itype)
    rid = np.cumsum(newr, dtype=itype)
    rid -= 1
    del newr

    # holders, as positions in the sorted group arrays: one row per holder column
    hold = [np.full(n, -1, dtype=itype) for _ in range(NH)]  # rows apart: each goes once it is used
    # the same unit: the report just before this one in its unit run (an earlier or the same year);
    # the first of its unit run takes the next one (the same year, or later: the last resort)
    last_r = len(rstarts) - 1
    nxt = rstarts[np.minimum(rid + 1, last_r)]
    ok = (rid < last_r) & (uid[nxt] == uid)
    np.copyto(hold[0], nxt, where=ok)
    del nxt, ok
    has_prev = rstarts[rid] > ustarts[uid]
    np.copyto(hold[0], rstarts[np.maximum(rid - 1, 0)], where=has_prev)
    del has_prev, rstarts, rid
    # peers: the earliest report of each of the group's first other units
    g0 = g_u0[gid]
    cnt = nunit_g[gid]
    own = uid - g0
    del uid
    last_u = len(ustarts) - 1
    for c in range(PEER_HOLDERS):
        local = np.where(c < own, c, c + 1)
        ok = local < cnt
        np.copyto(hold[1 + c], ustarts[np.minimum(g0 + local, last_u)], where=ok)
        del local, ok
    del g0, cnt, own, ustarts, g_u0

    # every fingerprint of a group of two or more reports has a holder
    keep = np.flatnonzero(nrep_g[gid] >= 2).astype(itype)
    # scatter back into fingerprint order: the shared fingerprints of each report, by position
    row = np.full(F, -1, dtype=itype)
    row[idx[keep]] = np.arange(len(keep), dtype=itype)
    order = np.flatnonzero(row >= 0).astype(itype)
    sel = keep[row[order]]
    del row, keep
    g = gid[sel]
    del gid
    m = len(sel)
    counts = nrep_g[g], nunit_g[g]
    del g
    # filled row by row as the holder rows go (np.empty: pages are taken as they are written)
    hold_fp = np.empty((NH, m), dtype=itype)
    hold_rep = np.empty((NH, m), dtype=np.int32)
    r = r.astype(np.int32, copy=False)
    for c in range(NH):
        pos = hold[c][sel]
        hold[c] = None
        none = pos < 0
        np.maximum(pos, 0, out=pos)
        np.take(idx, pos, out=hold_fp[c])
        np.take(r, pos, out=hold_rep[c])
        del pos
        hold_fp[c][none] = -1
        hold_rep[c][none] = -1
        del none
    del hold, idx, r, sel
    return order, hold_fp, hold_rep, *counts


def _common_runs(common: np.ndarray, joined: np.ndarray, v: np.ndarray, k: int, short: int) -> np.ndarray:
    """Fingerprints that are common wording, with short non-common pieces inside or at the edge
    of a common stretch counted as common too: a template sentence that some units edited is
    held by fewer units in the edited places, but is still the template (no unit copied it)."""
    m = len(common)
    if not m or not common.any():
        return common
    sub = joined.copy()
    sub[1:] |= common[1:] != common[:-1]
    starts = np.flatnonzero(sub)
    last = np.append(starts[1:], m) - 1
    run_common = common[starts]
    run_len = v[last] + k - v[starts]
    cont = ~joined[starts]  # the run continues the previous run's stretch
    prev_common = np.zeros(len(starts), dtype=bool)
    prev_common[1:] = cont[1:] & run_common[:-1]
    next_common = np.zeros(len(starts), dtype=bool)
    next_common[:-1] = cont[1:] & run_common[1:]
    flip = ~run_common & (run_len < short) & (prev_common | next_common)
    if not flip.any():
        return common
    return common | np.repeat(flip, last - starts + 1)


def _spans(
    order: np.ndarray,
    hold: np.ndarray,
    hrep: np.ndarray,
    nrp: np.ndarray,
    nup: np.ndarray,
    bounds: np.ndarray,
    fields: dict[str, np.ndarray],
    unit_ids: np.ndarray,
    years: np.ndarray,
    s: Settings,
    threshold: int,
) -> SpanArrays:
    """Merge the shared fingerprints ``order`` (sorted, whole reports) into attributed spans."""
    k = s.k
    m = len(order)
    H = hold.shape[0]
    srep = (np.searchsorted(bounds, order, side="right") - 1).astype(np.int64)
    v = fields["vpos"][order].astype(np.int64)
    dv = np.diff(v)
    joined = np.ones(m, dtype=bool)  # where a merged stretch starts, whatever its kind
    joined[1:] = (srep[1:] != srep[:-1]) | (dv > k + s.gap)
    common = _common_runs(nup >= threshold, joined, v, k, 3 * s.min_len)

    # text only later reports hold (the same unit's or a peer's) is kept apart from text others hold too:
    # a later report is never where an earlier one copied from
    y_me = years[srep]
    later_only = y_me > 0
    held = np.zeros(m, dtype=bool)
    for c in range(H):
        valid = hrep[c] >= 0
        later_only &= ~valid | (years[np.maximum(hrep[c], 0)] > y_me)
        held |= valid
    later_only &= held & ~common  # common wording is common whoever holds it: never cut by holders' years
    del y_me, held, valid

    cut = joined.copy()
    cut[1:] |= (common[1:] != common[:-1]) | (later_only[1:] != later_only[:-1])
    del later_only
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

    # attribution: per span the holder report with most fingerprints; the same unit's earlier report first
    flat = hrep.ravel()  # row by row: holder column c of every fingerprint
    valid = flat >= 0
    pair = (np.tile(sid.astype(np.uint64) << np.uint64(32), H)[valid]) | flat[valid].astype(np.uint64)
    del flat, valid
    pair.sort()
    mp = len(pair)
    pnew = np.ones(mp, dtype=bool)
    pnew[1:] = pair[1:] != pair[:-1]
    pstart = np.flatnonzero(pnew)
    pcount = np.diff(np.append(pstart, mp))
    p_sid = (pair[pstart] >> np.uint64(32)).astype(np.int64)
    p_rep = (pair[pstart] & np.uint64(0xFFFFFFFF)).astype(np.int64)
    del pair, pnew
    span_rep = srep[sstart]
    p_su = unit_ids[p_rep] == unit_ids[span_rep[p_sid]]
    # a later year (the same unit's or a peer's) is never a source: only when nobody earlier holds the text
    y_me, y_h = years[span_rep[p_sid]], years[p_rep]
    p_later = (y_h > y_me) & (y_me > 0)
    p_su &= ~p_later
    # best holder overall, and best same-unit holder; the same unit wins when it holds at least half as much
    best_all = np.zeros(n_spans, dtype=np.int64)
    np.maximum.at(best_all, p_sid[~p_later], pcount[~p_later])
    best_su = np.zeros(n_spans, dtype=np.int64)
    np.maximum.at(best_su, p_sid[p_su], pcount[p_su])
    prefer_su = 2 * best_su >= best_all
    score = pcount + np.where(p_su & prefer_su[p_sid], 1 << 30, 0) + np.where(p_later, 0, 1 << 29)
    best_key = (p_sid.astype(np.uint64) << np.uint64(32)) | score.astype(np.uint64)
    o = np.argsort(best_key, kind="stable")
    s_sid, s_rep, s_su, s_later = p_sid[o], p_rep[o], p_su[o], p_later[o]
    del o, best_key, score, p_sid, p_rep, p_su, p_later, y_me, y_h
    is_last = np.append(s_sid[1:] != s_sid[:-1], True)
    last_idx = np.flatnonzero(is_last)
    rank = last_idx[np.searchsorted(last_idx, np.arange(len(s_sid)))] - np.arange(len(s_sid))
    chosen = np.zeros(n_spans, dtype=np.int64)
    chosen[s_sid[is_last]] = s_rep[is_last]
    chosen_su = np.zeros(n_spans, dtype=bool)
    chosen_su[s_sid[is_last]] = s_su[is_last]
    chosen_later = np.zeros(n_spans, dtype=bool)
    chosen_later[s_sid[is_last]] = s_later[is_last]
    more = []
    for want in range(1, HOLDERS):
        h = np.full(n_spans, -1, dtype=np.int32)
        at = rank == want
        h[s_sid[at]] = s_rep[at]
        more.append(h)
    del s_sid, s_rep, s_su, s_later, rank, is_last, last_idx

    # the matching stretch in the chosen source
    ch = chosen[sid]
    src = np.full(m, -1, dtype=np.int64)
    for c in range(H):
        np.copyto(src, hold[c], where=hrep[c] == ch)
    del ch, hrep
    is_src = src >= 0
    hfp = np.maximum(src, 0)
    del src
    # the source places are all over the folder's fingerprints: read together, a window at a time when they
    # are files (partition.MappedFields)
    gather = getattr(fields, "gather", None)
    names = ("back", "ostart", "ahead", "oend")
    hb, h_ostart, ha, h_oend = gather(names, hfp) if gather else [fields[n][hfp] for n in names]
    del hfp
    hb = hb.astype(np.int64)
    src_start = h_ostart - np.where(hb <= s.snap, hb, 0)
    del hb, h_ostart
    # A k-gram the source holds more than once (a repeated phrase) points to its first place there: keep
    # only the source places near the span's median source place, so the source stretch is the passage's
    # own (a 38-character passage once got a 1,300-character source stretch).
    big = np.int64(np.iinfo(np.int64).max)
    place_key = np.where(is_src, src_start, big)
    by_span = np.lexsort((place_key, sid))  # per span, source places ascending, non-source last
    n_src = np.add.reduceat(is_src.astype(np.int64), sstart)
    med = place_key[by_span[sstart + np.maximum(n_src - 1, 0) // 2]]
    del by_span, place_key
    own_len = fields["oend"][last_fp].astype(np.int64) - fields["ostart"][first_fp].astype(np.int64)
    near = is_src & (np.abs(src_start - med[sid]) <= own_len[sid] + 2 * k + s.gap)
    del med, own_len, n_src
    o_start = np.minimum.reduceat(np.where(near, src_start, big), sstart)
    del src_start
    ha = ha.astype(np.int64)
    src_end = h_oend + np.where(ha <= s.snap, ha, 0)
    del ha, h_oend
    o_end = np.maximum.reduceat(np.where(near, src_end, -1), sstart)
    del src_end, is_src, near

    # n_reports and n_units: the median over the span's fingerprints
    mid = sstart + (slast - sstart) // 2
    med_key = (sid.astype(np.uint64) << np.uint64(32)) | nrp.astype(np.uint64)
    med_key.sort()
    n_med = (med_key[mid] & np.uint64(0xFFFFFFFF)).astype(np.int32)
    med_key = (sid.astype(np.uint64) << np.uint64(32)) | nup.astype(np.uint64)
    med_key.sort()
    u_med = (med_key[mid] & np.uint64(0xFFFFFFFF)).astype(np.int32)
    del med_key

    kind = np.select(
        [common[sstart], chosen_later, chosen_su],
        [KIND_CODE["common"], KIND_CODE["reused_later"], KIND_CODE["same_unit"]],
        KIND_CODE["peer"],
    )
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
        n_units=u_med[g],
        kind=kind[g].astype(np.int8),
        holder1=more[0][g],
        holder2=more[1][g],
    )
