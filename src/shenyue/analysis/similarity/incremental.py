"""Updating the copy index after a few reports changed, instead of sorting the whole folder again.

A shared fingerprint's results (:class:`~.index.Shared`) depend on its *group* alone (the
fingerprints whose hashes agree above the low ``bits``), and a report's spans on the results of its
own fingerprints alone. So when a few reports were changed, added or removed:

* the groups a changed report entered or left (*touched* groups: all of an added or removed report's,
  or of one whose unit or year changed) are computed again, from the current fingerprints of every
  report holding them (:func:`~.partition.shared_subset`);
* an edited report's other groups keep their reports and their results: its own rows there are carried
  over to its new fingerprints, and where another report holds the group through it, the place is
  moved to its first new fingerprint there;
* every other group keeps its results, its fingerprint and report numbers moved to the new numbering;
* a report's spans are computed again when one of its groups is touched, when a changed report was a
  source or holder of one of its spans (the source's places moved), and for the changed reports
  themselves; every other report keeps its spans.

The result is exactly the whole computation's (the tests compare them). It is not tried when the
groups themselves change (another fingerprint-number width), when the folder's count of units moves
the common-wording threshold, or when too many reports changed for the update to pay.

The state it starts from is the folder's shared fingerprints (a cache file of its own, checked like
the others) and the spans of the result file written with them (a run id ties the two).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from shenyue.analysis.similarity import cache as disk
from shenyue.analysis.similarity.index import PEER_HOLDERS, Shared, SpanArrays, group_bits
from shenyue.analysis.similarity.kinds import common_threshold
from shenyue.analysis.similarity.partition import SpooledShared, shared_subset

if TYPE_CHECKING:
    from shenyue.analysis.similarity.result import Entry

MAX_CHANGED_SHARE = 0.05  # beyond this share of the folder's reports changed, everything is matched again
MIN_CHANGED = 20  # ... but this many may always change


@dataclass(slots=True)
class State:
    """What the last match of a folder left: its reports (in match order), fingerprint bounds, shared
    fingerprints and spans."""

    run: str  # the run id of the match it comes from
    rels: list[str]
    shas: list[str]
    unit_keys: list[str | None]
    years: list[int]
    bounds: np.ndarray
    shared: Shared
    spans: SpanArrays


def state_path(root: Path, fkey: str) -> Path:
    return root / f"shared-{fkey}.bin"


def save_state(
    path: Path,
    key: str,
    run_id: str,
    ordered: list["Entry"],
    bounds: np.ndarray,
    shared: "Shared | SpooledShared | MergedShared",
) -> None:
    """Write a match's shared fingerprints (in memory, or in the files of a match made in parts); its spans
    are in the result file written with the same ``run_id``."""
    header = {
        "kind": "shared",
        "key": key,
        "run": run_id,
        "bits": shared.bits,
        "threshold": shared.threshold,
        "reports": [[e.rel, e.sha, e.unit_key, e.year or 0] for e in ordered],
    }
    if isinstance(shared, (SpooledShared, MergedShared)):  # streamed from their files
        disk.write_blob(path, header, {"bounds": bounds, **shared.arrays()})
        return
    arrays: dict[str, np.ndarray] = {"bounds": bounds, "order": shared.order, "nrp": shared.nrp, "nup": shared.nup}
    arrays["hold"] = np.ascontiguousarray(shared.hold).ravel()  # (holders, m) row by row
    arrays["hrep"] = np.ascontiguousarray(shared.hrep).ravel()
    disk.write_blob(path, header, arrays)


def state_reports(path: Path, key: str) -> list[tuple[str, str]] | None:
    """The reports (path, content hash) of the folder's last match, from its state file's header alone."""
    got = disk.read_header(path)
    if got is None or got[0].get("kind") != "shared" or got[0].get("key") != key:
        return None
    try:
        return [(str(row[0]), str(row[1])) for row in got[0]["reports"]]
    except (KeyError, TypeError, IndexError):
        return None


def load_state(path: Path, result_path: Path, key: str) -> State | None:
    """The folder's last match (its shared fingerprints, and its spans from the result file written with
    them), or None when either is absent, for other settings, damaged or not of the same run."""
    got = disk.read_blob(path, {"kind": "shared", "key": key})
    if got is None:
        return None
    header, arrays = got
    result = disk.read_blob(result_path, {"kind": "result", "key": key, "run": header.get("run")})
    if result is None:
        return None
    try:
        rels, shas, unit_keys, years = [], [], [], []
        for rel, sha, unit_key, year in header["reports"]:
            if not isinstance(rel, str) or not isinstance(sha, str) or not isinstance(year, int):
                return None
            if unit_key is not None and not isinstance(unit_key, str):
                return None
            rels.append(rel)
            shas.append(sha)
            unit_keys.append(unit_key)
            years.append(year)
        if [(row[0], row[1]) for row in result[0]["entries"]] != list(zip(rels, shas)):
            return None
        spans = SpanArrays(*(result[1][name] for name in SpanArrays.FIELDS))
        del result
        nh = 1 + PEER_HOLDERS
        bounds = arrays["bounds"]
        order = arrays["order"]
        m = len(order)
        if len(arrays["hold"]) != nh * m or len(arrays["hrep"]) != nh * m:
            return None
        hold, hrep = arrays["hold"].reshape(nh, m), arrays["hrep"].reshape(nh, m)
        shared = Shared(order, hold, hrep, arrays["nrp"], arrays["nup"], int(header["bits"]), int(header["threshold"]))
        R, F = len(rels), int(bounds[-1]) if len(bounds) else 0
        if len(bounds) != R + 1 or (R and (bounds[0] != 0 or np.any(np.diff(bounds) < 0))):
            return None
        if len(shared.nrp) != m or len(shared.nup) != m:
            return None
        if m and (order.min() < 0 or order.max() >= F or np.any(np.diff(order) <= 0)):
            return None
        if m and (hold.max() >= F or hrep.max() >= R or hold.min() < -1 or hrep.min() < -1):
            return None
        n = len(spans.report)
        if any(len(getattr(spans, name)) != n for name in SpanArrays.FIELDS):
            return None
        for name in ("report", "other", "holder1", "holder2"):
            col = getattr(spans, name)
            if n and (col.max() >= R or col.min() < (0 if name in ("report", "other") else -1)):
                return None
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    for name in ("order", "hold", "hrep", "nrp", "nup"):  # checked: the file's pages go back until read again
        disk.hand_back_rows(arrays[name])
    return State(str(header.get("run")), rels, shas, unit_keys, years, bounds, shared, spans)


@dataclass(slots=True)
class Update:
    """The folder's shared fingerprints after the change, the reports whose spans must be computed
    again (a mask), and the spans every other report keeps (in the new report numbers)."""

    shared: MergedShared
    redo: np.ndarray
    kept: SpanArrays


def _search(haystack: np.ndarray, needles: np.ndarray, side: str = "left") -> np.ndarray:
    """``np.searchsorted``, the needles given the haystack's type when they fit in it: numpy casts the
    haystack otherwise, a copy of the whole array (a tenth of a second for a 10,000-report folder's rows,
    and every page of a mapped state file read)."""
    dtype = haystack.dtype
    if needles.dtype != dtype and len(needles) and dtype.kind in "iu" and needles.dtype.kind in "iu":
        info = np.iinfo(dtype)
        if info.min <= int(needles.min()) and int(needles.max()) <= info.max:
            needles = needles.astype(dtype)
    return np.searchsorted(haystack, needles, side=side)


def _member(hashes: np.ndarray, shift: np.uint64, keys: np.ndarray) -> np.ndarray:
    """Which ``hashes`` are in the groups ``keys`` (``hash >> shift``), for many hashes and few keys: a
    bitmap of the keys' low bits screens the hashes, and only those that pass are looked up."""
    out = np.zeros(len(hashes), dtype=bool)
    if not len(keys) or not len(hashes):
        return out
    keys = np.unique(keys)
    bits = min(26, max(16, int(len(keys)).bit_length() + 6))
    low = np.uint64((1 << bits) - 1)
    screen = np.zeros(1 << bits, dtype=bool)
    screen[(keys & low).astype(np.int64)] = True
    step = 1 << 22  # a few million at a time: the probe's temporary stays small
    probe = np.empty(min(step, len(hashes)), dtype=np.uint64)
    found = []
    for a in range(0, len(hashes), step):
        part = probe[: min(step, len(hashes) - a)]
        np.right_shift(hashes[a : a + step], shift, out=part)
        part &= low
        found.append(a + np.flatnonzero(screen[part.view(np.int64)]))
    maybe = np.concatenate(found)
    del probe, found
    cand = hashes[maybe] >> shift
    at = np.minimum(np.searchsorted(keys, cand), len(keys) - 1)
    out[maybe[keys[at] == cand]] = True
    return out


def update(
    state: State,
    ordered: list["Entry"],
    bounds: np.ndarray,
    hashes: np.ndarray,
    unit_ids: np.ndarray,
    old_hashes: dict[str, np.ndarray],
) -> Update | None:
    """The update from ``state`` to the reports ``ordered`` (fingerprint ``bounds`` and ``hashes`` of the
    whole folder, in that order), or None when it must be matched whole. ``old_hashes`` are the hashes
    of the content hashes ``state`` holds (a changed report's old fingerprints), by content hash."""
    R, F = len(ordered), int(bounds[-1])
    bits = state.shared.bits
    if R < 2 or F == 0 or group_bits(F) != bits:
        return None
    if common_threshold(len(np.unique(unit_ids))) != state.shared.threshold:
        return None
    old_at = {(rel, sha): i for i, (rel, sha) in enumerate(zip(state.rels, state.shas))}
    R0 = len(state.rels)
    new_of_old = np.full(R0, -1, dtype=np.int64)
    changed_new = []
    for i, e in enumerate(ordered):
        j = old_at.get((e.rel, e.sha))
        if j is None:
            changed_new.append(i)
        else:
            new_of_old[j] = i
    changed_old = np.flatnonzero(new_of_old < 0)
    if len(changed_new) + len(changed_old) > max(MIN_CHANGED, MAX_CHANGED_SHARE * R):
        return None
    if any(state.shas[j] not in old_hashes for j in changed_old):
        return None
    kept_old = np.flatnonzero(new_of_old >= 0)
    kept_new = new_of_old[kept_old]
    if np.any(np.diff(kept_new) <= 0):  # the unchanged reports keep their order (they always should)
        return None
    old_sizes = np.diff(state.bounds)
    new_sizes = np.diff(bounds)
    if np.any(old_sizes[kept_old] != new_sizes[kept_new]):
        return None
    shift = np.uint64(bits)

    # the groups whose reports changed (a changed report entered or left them) are matched again. An
    # edited report (same path, unit and year) stays in its other groups: their results are the same
    # but for its own fingerprints' places, carried over below
    def groups_new(i: int) -> np.ndarray:
        return np.unique(hashes[bounds[i] : bounds[i + 1]] >> shift)

    def groups_old(j: int) -> np.ndarray:
        return np.unique(old_hashes[state.shas[j]] >> shift)

    restructured = []
    old_by_rel = {state.rels[j]: j for j in changed_old}
    paired: dict[int, int] = {}  # old number -> new number of an edited report
    for i in changed_new:
        e = ordered[i]
        gn = groups_new(i)
        j = old_by_rel.get(e.rel)
        if j is not None and state.unit_keys[j] == e.unit_key and state.years[j] == (e.year or 0):
            restructured.append(np.setxor1d(gn, groups_old(j), assume_unique=True))
            paired[int(j)] = i
        else:
            restructured.append(gn)
    for j in changed_old:
        if int(j) not in paired:
            restructured.append(groups_old(j))
    touched_keys = np.unique(np.concatenate(restructured)) if restructured else np.zeros(0, np.uint64)
    del restructured
    in_touched = _member(hashes, shift, touched_keys)

    # the touched groups, computed from the current fingerprints
    fresh = list(shared_subset(hashes, bounds, unit_ids, bits, in_touched))
    itype = fresh[0].dtype

    # every other group's results, in the new numbering (the old arrays are read-only views of the file,
    # read a chunk of rows at a time: :class:`MergedShared`)
    old = state.shared
    m0 = len(old.order)
    gone = np.zeros(R0, dtype=bool)
    gone[changed_old] = True
    old_rows = _search(old.order, state.bounds)
    delta = np.zeros(R0 + 1, dtype=itype)  # the last item serves holder -1 (none): it stays -1
    delta[kept_old] = bounds[kept_new] - state.bounds[kept_old]
    shifted = bool(delta.any())
    chunks = _chunks_of(m0)
    keep = np.empty(m0, dtype=bool)
    kept_order = []
    for a, b in chunks:
        rep = _reports_of_rows(old_rows, a, b)
        rows = old.order[a:b].astype(itype)
        disk.hand_back_rows(old.order, a, b)  # copied: the file's pages go back (the state is read once more)
        if shifted:
            rows += delta[rep]
        k = keep[a:b]
        np.logical_not(gone[rep], out=k)
        k &= ~in_touched[np.clip(rows, 0, F - 1)]
        kept_order.append(rows[k])
    order = np.concatenate(kept_order) if kept_order else np.zeros(0, itype)
    del kept_order
    nh = old.hrep.shape[0]
    removed = np.array([j for j in changed_old if int(j) not in paired], dtype=np.int64)
    if len(removed):  # a removed report holding a group that did not change: the state does not fit
        for c in range(nh):
            if any(np.isin(old.hrep[c][a:b][keep[a:b]], removed).any() for a, b in chunks):
                return None
    renumber = np.append(new_of_old, -1).astype(np.int32)  # old report numbers to new, -1 stays -1
    for j, i in paired.items():
        renumber[j] = i
    renumbered = not np.array_equal(renumber[:-1], np.arange(R0))
    first_of = {}  # an edited report holds a group from its first fingerprint there, wherever that went
    for j, i in paired.items():
        first_of[j] = np.unique(hashes[bounds[i] : bounds[i + 1]] >> shift, return_index=True)
    is_paired = np.zeros(R0 + 1, dtype=bool)
    is_paired[list(paired)] = True

    def patch(rows_order: np.ndarray, rows_hold: np.ndarray, rows_hrep: np.ndarray) -> None:
        """Holder places in edited reports moved to where those reports' fingerprints went."""
        if not first_of:
            return
        if len(first_of) <= _FEW_EDITED:  # their rows found by comparison, not by a lookup
            places = ((j, np.flatnonzero(rows_hrep == j)) for j in first_of)
        else:
            some = np.flatnonzero(is_paired[rows_hrep])
            places = ((int(j), some[rows_hrep[some] == j]) for j in np.unique(rows_hrep[some]))
        for j, at in places:
            first_keys, first_at = first_of[j]
            if len(at) and len(first_keys):
                where = np.minimum(np.searchsorted(first_keys, hashes[rows_order[at]] >> shift), len(first_keys) - 1)
                rows_hold[at] = bounds[paired[j]] + first_at[where]

    # an edited report's own rows in the groups it stays in: the values its old rows there had, for each
    # of its new fingerprints there
    for j, i in paired.items():
        a, b = int(old_rows[j]), int(old_rows[j + 1])
        own = old_hashes[state.shas[j]][old.order[a:b].astype(np.int64) - state.bounds[j]] >> shift
        stays = ~np.isin(own, touched_keys)
        keys, first = np.unique(own[stays], return_index=True)
        if not len(keys):
            continue
        src = a + np.flatnonzero(stays)[first]  # an old row of each group it stays in
        groups = hashes[bounds[i] : bounds[i + 1]] >> shift
        where = np.minimum(np.searchsorted(keys, groups), len(keys) - 1)
        hit = np.flatnonzero(keys[where] == groups)
        rows = src[where[hit]]
        c_order = (bounds[i] + hit).astype(itype)
        c_hrep = old.hrep[:, rows]
        c_hold = old.hold[:, rows].astype(itype) + delta[c_hrep]
        for c in range(nh):
            patch(c_order, c_hold[c], c_hrep[c])
        if renumbered:
            c_hrep = renumber[c_hrep]
        fresh = [
            np.concatenate([f, x], axis=-1)
            for f, x in zip(fresh, (c_order, c_hold, c_hrep, old.nrp[rows], old.nup[rows]))
        ]
    if paired:  # the carried-over rows among the matched ones, by fingerprint number
        by = np.argsort(fresh[0], kind="stable")
        fresh = [fresh[0][by], fresh[1][:, by], fresh[2][:, by], fresh[3][by], fresh[4][by]]

    # the new rows go in among the kept ones (both sorted by fingerprint number)
    at = _search(order, fresh[0]) + np.arange(len(fresh[0]))  # the new rows' places, ascending
    merged = MergedShared(
        old, keep, order, at, fresh, _Carry(itype, delta if shifted else None, renumber if renumbered else None, patch),
        bits, state.shared.threshold,
    )  # fmt: skip
    del fresh, order

    # the reports whose spans are computed again
    redo = np.zeros(R, dtype=bool)
    redo[changed_new] = True
    touched_fp = np.flatnonzero(in_touched)
    del in_touched
    redo[np.unique(_search(bounds, touched_fp, side="right") - 1)] = True
    spans = state.spans
    gone_or_none = np.append(gone, False)  # holder -1 (none) reads the last item
    sourced = gone_or_none[spans.other] | gone_or_none[spans.holder1] | gone_or_none[spans.holder2]
    via = new_of_old[spans.report[sourced]]
    redo[via[via >= 0]] = True

    # the spans of every other report (none of them refers to a changed report: those were redone), renumbered
    owner = new_of_old[spans.report]
    pick = np.flatnonzero((owner >= 0) & ~redo[np.maximum(owner, 0)])
    cols = {name: getattr(spans, name)[pick] for name in SpanArrays.FIELDS}
    for name in ("report", "other", "holder1", "holder2"):
        cols[name] = renumber[cols[name]]  # -1 (no holder) stays -1
    return Update(merged, redo, SpanArrays(**cols))


_CHUNK = 1 << 20  # rows of the old index read and written at a time by an update
_FEW_EDITED = 8  # up to this many edited reports' rows are found by comparing report numbers


def _chunks_of(rows: int) -> list[tuple[int, int]]:
    """The old index's rows, :data:`_CHUNK` at a time."""
    return [(a, min(a + _CHUNK, rows)) for a in range(0, rows, _CHUNK)]


def _reports_of_rows(row_bounds: np.ndarray, a: int, b: int) -> np.ndarray:
    """The report of each of the rows ``a`` to ``b`` (``row_bounds``: each report's first row, and the end)."""
    first = int(np.searchsorted(row_bounds, a, side="right")) - 1
    last = int(np.searchsorted(row_bounds, b, side="left"))
    edges = np.clip(row_bounds[first : last + 1], a, b)
    return np.repeat(np.arange(first, last, dtype=np.int32), np.diff(edges))


@dataclass(slots=True)
class _Carry:
    """How an old row's values read in the new numbering: its holders' places moved by ``delta`` (by old
    report; None: nothing moved), their report numbers by ``renumber`` (None: the same), and the places
    in edited reports moved by ``patch``."""

    itype: np.dtype
    delta: np.ndarray | None
    renumber: np.ndarray | None
    patch: Callable[[np.ndarray, np.ndarray, np.ndarray], None]

    def holds(self, hold: np.ndarray, rep: np.ndarray, order: np.ndarray) -> np.ndarray:
        """``hold`` (a copy of old rows', changed in place) read in the new numbering."""
        out = hold.astype(self.itype, copy=False)
        if self.delta is not None:
            out += self.delta[rep]
        self.patch(order, out, rep)
        return out

    def reps(self, rep: np.ndarray) -> np.ndarray:
        return self.renumber[rep] if self.renumber is not None else rep


class MergedShared:
    """The shared fingerprints after an update (:class:`~.index.Shared`'s arrays), not built whole: the old
    state's kept rows, read from its file a chunk at a time, with the new rows (``fresh``, at the places
    ``at``) put in among them. Writing the merged arrays whole cost more in fresh memory than everything
    else in the update (0.6 s of 0.9 s at 10,000 reports); only ``order`` is whole (the reports' rows are
    found in it). A few reports' rows are read with :meth:`take`; the state file is streamed from
    :meth:`arrays`."""

    def __init__(
        self, old: Shared, keep: np.ndarray, order: np.ndarray, at: np.ndarray, fresh: list[np.ndarray],
        carry: _Carry, bits: int, threshold: int,
    ) -> None:  # fmt: skip
        self.bits, self.threshold = bits, threshold
        self._old, self._keep, self._carry = old, keep, carry
        self._fresh = fresh
        self._at = at
        self._chunks = _chunks_of(len(keep))
        counts = [np.count_nonzero(keep[a:b]) for a, b in self._chunks]
        self._kept_at = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])  # each chunk's first kept row
        self._whole = [count == b - a for count, (a, b) in zip(counts, self._chunks)]  # every row kept
        self._kept_order = order
        self.order = np.concatenate(list(self._interleave(iter([order]), fresh[0])))
        self._nh = old.hrep.shape[0]

    def __len__(self) -> int:
        return len(self.order)

    def _interleave(self, kept: Iterator[np.ndarray], new: np.ndarray) -> Iterator[np.ndarray]:
        """The kept values (given in parts, in order) and the new ones, in the merged order, in pieces."""
        runs = np.flatnonzero(np.diff(self._at) != 1) + 1
        starts = np.concatenate([[0], runs]).astype(np.int64)
        ends = np.concatenate([runs, [len(self._at)]]).astype(np.int64)
        places = iter([(int(self._at[a]), int(a), int(b)) for a, b in zip(starts, ends) if b > a])
        end = (len(self._at) + len(self._kept_order), 0, 0)
        place, a, b = next(places, end)
        o = 0  # the next place in the merged row
        for part in kept:
            i = 0
            while i < len(part):
                while place == o and b > a:  # new rows due here
                    yield new[a:b]
                    o += b - a
                    place, a, b = next(places, end)
                take = min(place - o, len(part) - i)
                yield part[i : i + take]
                o += take
                i += take
        while b > a:  # new rows after the last kept one
            yield new[a:b]
            place, a, b = next(places, end)

    def _kept_values(
        self, name: str, c: int, pick: Callable[[np.ndarray], np.ndarray], order: np.ndarray
    ) -> np.ndarray:
        """Array ``name``'s values (holder row ``c``) in the kept rows that ``pick`` takes from an old array,
        whose fingerprint numbers are now ``order``."""
        old = self._old
        if name == "order":
            return order
        if name == "hold":
            return self._carry.holds(pick(old.hold[c]), pick(old.hrep[c]), order)
        if name == "hrep":
            return self._carry.reps(pick(old.hrep[c]))
        return pick(getattr(old, name))

    def _new_values(self, name: str, c: int) -> np.ndarray:
        i = ("order", "hold", "hrep", "nrp", "nup").index(name)
        return self._fresh[i][c] if name in ("hold", "hrep") else self._fresh[i]

    def column(self, name: str, c: int = 0) -> Iterator[np.ndarray]:
        """The merged array ``name`` (holder row ``c`` of ``hold`` and ``hrep``), in pieces."""

        def in_chunk(n: int) -> np.ndarray:
            a, b = self._chunks[n]
            keep = self._keep[a:b]
            order = self._kept_order[self._kept_at[n] : self._kept_at[n + 1]]
            if not self._whole[n]:
                return self._kept_values(name, c, lambda old: old[a:b][keep], order)
            # the usual chunk, every row kept: read from the old file as it is (``hold`` is changed in place)
            return self._kept_values(name, c, lambda old: old[a:b].copy() if name == "hold" else old[a:b], order)

        old = self._old
        # the old arrays each column reads (the merged order is in memory)
        read = {"order": [], "nrp": [old.nrp], "nup": [old.nup], "hold": [old.hold[c], old.hrep[c]]}
        read["hrep"] = [old.hrep[c]]

        def kept() -> Iterator[np.ndarray]:
            for n, (a, b) in enumerate(self._chunks):
                yield in_chunk(n)
                # asked for the next one: this chunk was used (written), the old file's pages go back
                for arr in read[name]:
                    disk.hand_back_rows(arr, a, b)

        return self._interleave(kept(), self._new_values(name, c))

    def take(self, rows: np.ndarray) -> Shared:
        """The merged rows ``rows`` (ascending) as a :class:`~.index.Shared` of their own."""
        rows = np.asarray(rows, dtype=np.int64)
        is_new = np.zeros(len(rows), dtype=bool)
        new_at = np.minimum(np.searchsorted(self._at, rows), max(len(self._at) - 1, 0))
        if len(self._at):
            is_new = self._at[new_at] == rows
        kept = np.flatnonzero(~is_new)
        rank = rows[kept] - np.searchsorted(self._at, rows[kept])  # the row's number among the kept ones
        chunk = np.searchsorted(self._kept_at, rank, side="right") - 1
        old_rows = np.empty(len(kept), dtype=np.int64)
        for n in np.unique(chunk):
            sel = np.flatnonzero(chunk == n)
            a, b = self._chunks[n]
            old_rows[sel] = a + np.flatnonzero(self._keep[a:b])[rank[sel] - self._kept_at[n]]
        order = self.order[rows]
        fresh_at = new_at[is_new]

        def merged(name: str, c: int = 0) -> np.ndarray:
            out = np.empty(len(rows), dtype=self._dtype(name))
            out[kept] = self._kept_values(name, c, lambda old: old[old_rows], order[kept])
            out[is_new] = self._new_values(name, c)[fresh_at]
            return out

        hold = np.stack([merged("hold", c) for c in range(self._nh)]).reshape(self._nh, len(rows))
        hrep = np.stack([merged("hrep", c) for c in range(self._nh)]).reshape(self._nh, len(rows))
        return Shared(order, hold, hrep, merged("nrp"), merged("nup"), self.bits, self.threshold)

    def _dtype(self, name: str) -> np.dtype:
        return self._carry.itype if name in ("order", "hold") else np.dtype(np.int32)

    def whole(self) -> Shared:
        """The merged arrays whole (for a small folder, or to compare)."""
        nh = self._nh

        def joined(name: str, c: int = 0) -> np.ndarray:
            parts = list(self.column(name, c))
            return np.concatenate(parts) if parts else np.zeros(0, self._dtype(name))

        hold = np.stack([joined("hold", c) for c in range(nh)])
        hrep = np.stack([joined("hrep", c) for c in range(nh)])
        return Shared(joined("order"), hold, hrep, joined("nrp"), joined("nup"), self.bits, self.threshold)

    def arrays(self) -> dict[str, disk.Streamed]:
        """The state file's arrays (``hold``/``hrep`` row after row), streamed."""
        n, nh = len(self.order), self._nh

        def stream(name: str, rows: int) -> disk.Streamed:
            return disk.Streamed(
                self._dtype(name), n * rows, lambda: (p for c in range(rows) for p in self.column(name, c))
            )

        return {
            "order": stream("order", 1), "nrp": stream("nrp", 1), "nup": stream("nup", 1),
            "hold": stream("hold", nh), "hrep": stream("hrep", nh),
        }  # fmt: skip


def rows_of(shared: Shared, bounds: np.ndarray, reports: np.ndarray) -> np.ndarray:
    """The rows of ``shared`` that belong to the ``reports`` (a mask over the reports)."""
    at = _search(shared.order, bounds)  # every report's rows are a run of them
    picked = np.flatnonzero(reports)
    starts, ends = at[picked], at[picked + 1]
    sizes = ends - starts
    if not sizes.sum():
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))


def combine(kept: SpanArrays, fresh: SpanArrays) -> SpanArrays:
    """The kept and the recomputed spans in the whole computation's order (by report, each report's
    spans in their own order)."""
    both = SpanArrays(*(np.concatenate([getattr(kept, f), getattr(fresh, f)]) for f in SpanArrays.FIELDS))
    sort = np.argsort(both.report, kind="stable")
    return SpanArrays(*(getattr(both, f)[sort] for f in SpanArrays.FIELDS))
