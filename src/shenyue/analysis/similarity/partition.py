"""The shared-fingerprint step of the index, a part of the hash space at a time.

:func:`~.index._shared` sorts every fingerprint of the folder at once; its
temporaries (a dozen arrays as long as the folder's fingerprints) are most of
a large folder's peak memory. A fingerprint's results depend only on its
group (the fingerprints whose hashes agree above the low bits the fingerprint
number takes), so the folder can be cut by group: part ``p`` holds the
groups whose key is ``p`` modulo the number of parts. Each part is matched
alone with the same bit split as the whole, its fingerprint numbers mapped
back, and the parts merged in fingerprint order: exactly the arrays of the
one-sort version (a test checks it), with temporaries a part's size.

Not used by default (``index.PART_FINGERPRINTS``): merged in memory, the
parts' results made the peak higher, not lower. Bounded memory needs each
part's results written to the cache folder and the span step run from there.

The same cut splits the index across machines: part ``p`` of every report's
fingerprints goes to worker ``p``, which returns its shared fingerprints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shenyue.analysis.similarity.fingerprint import Prints
from shenyue.analysis.similarity.index import _shared


@dataclass(slots=True)
class _Hashes:
    """What the shared step reads of a report's fingerprints: the hashes."""

    hashes: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


def shared_subset(
    hashes: np.ndarray, bounds: np.ndarray, unit_ids: np.ndarray, bits: int, pick: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`~.index._shared`'s arrays for the fingerprints ``pick`` (a mask over the folder's
    fingerprints ``hashes``, in report order) with the folder's fingerprint numbers. Exact for every
    group ``pick`` holds whole: a group's results depend on the group alone."""
    number = np.flatnonzero(pick)
    sub_bounds = np.searchsorted(number, bounds).astype(np.int64)
    picked = hashes[number]
    sub = [_Hashes(picked[a:b]) for a, b in zip(sub_bounds[:-1], sub_bounds[1:])]
    order, hold, hrep, nrp, nup = _shared(sub, sub_bounds, unit_ids, bits=bits)
    del sub, picked
    itype = np.int32 if len(hashes) < 2**31 else np.int64
    hold = np.where(hold >= 0, number[np.maximum(hold, 0)], -1).astype(itype)
    return number[order].astype(itype), hold, hrep, nrp, nup


def shared_in_parts(
    prints: list[Prints], bounds: np.ndarray, unit_ids: np.ndarray, parts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`~.index._shared`'s five arrays, computed ``parts`` groups-parts at a time."""
    F = int(bounds[-1])
    bits = max(1, (F - 1).bit_length())  # the whole folder's split, so that groups are the same
    shift = np.uint64(bits)
    n_parts = np.uint64(max(1, parts))
    got = []
    for p in range(max(1, parts)):
        sub, numbers = [], []
        for i, pr in enumerate(prints):
            a = int(bounds[i])
            pick = np.flatnonzero((pr.hashes >> shift) % n_parts == np.uint64(p))
            sub.append(_Hashes(pr.hashes[pick]))
            numbers.append(pick + a)
        sub_bounds = np.zeros(len(prints) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in sub], out=sub_bounds[1:])
        if not sub_bounds[-1]:
            continue
        number = np.concatenate(numbers)  # the whole folder's number of each fingerprint of the part
        del numbers
        order, hold, hrep, nrp, nup = _shared(sub, sub_bounds, unit_ids, bits=bits)
        del sub
        hold = np.where(hold >= 0, number[np.maximum(hold, 0)], -1)
        got.append((number[order], hold, hrep, nrp, nup))
        del number, order
    if not got:
        return _shared([], np.zeros(1, dtype=np.int64), unit_ids)
    m = sum(len(g[0]) for g in got)
    itype = np.int32 if max(m, F) < 2**31 else np.int64
    order = np.concatenate([g[0] for g in got])
    sort = np.argsort(order, kind="stable")
    order = order[sort].astype(itype)
    hold = np.concatenate([g[1] for g in got], axis=1)[:, sort].astype(itype)
    hrep = np.concatenate([g[2] for g in got], axis=1)[:, sort]
    nrp = np.concatenate([g[3] for g in got])[sort]
    nup = np.concatenate([g[4] for g in got])[sort]
    return order, hold, hrep, nrp, nup
