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
from shenyue.analysis.similarity.index import _shared, group_bits


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
    bits = group_bits(F)  # the whole folder's split, so that groups are the same
    shift = np.uint64(bits)
    n_parts = np.uint64(max(1, parts))
    hashes = np.concatenate([pr.hashes for pr in prints]) if prints else np.zeros(0, np.uint64)
    part_of = (hashes >> shift) % n_parts
    got = []
    for p in range(max(1, parts)):
        pick = part_of == np.uint64(p)
        if pick.any():
            got.append(shared_subset(hashes, bounds, unit_ids, bits, pick))
        del pick
    del hashes, part_of
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
