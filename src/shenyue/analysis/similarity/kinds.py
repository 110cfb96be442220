"""The three kinds of shared text, and where common wording begins.

* ``PEER``: copied from (or into) another unit's report;
* ``SAME_UNIT``: repeated from the same unit's report of an earlier (or the
  same) year — a later year of the same unit is never a source;
* ``COMMON``: common wording (套话) — held by many units of the folder, so no
  one unit copied it from another. It is never counted in the peer or
  same-unit shares.

Text of a report that only *later* reports hold (the same unit's or a peer's)
is ``REUSED_LATER``: shared, but this report is where it stood first, so it is
counted in none of the shares (the later report counts it as SAME_UNIT or PEER).

Statutory wording (titles, table labels, the 条例's own sentences) is none of
them: the engine never fingerprints it.
"""

from __future__ import annotations

import math

PEER = "peer"
SAME_UNIT = "same_unit"
COMMON = "common"
REUSED_LATER = "reused_later"
KINDS = (PEER, SAME_UNIT, COMMON, REUSED_LATER)
# the int8 codes the span arrays store
KIND_CODE = {PEER: 0, SAME_UNIT: 1, COMMON: 2, REUSED_LATER: 3}

# A stretch held by this many distinct UNITS is common wording: at least
# COMMON_SHARE of the folder's units and never fewer than COMMON_MIN. One
# unit's reports of several years are one holder.
COMMON_SHARE = 0.1
COMMON_MIN = 4


def common_threshold(n_units_in_folder: int) -> int:
    """How many distinct units must hold a stretch for it to be common wording (套话)."""
    return max(COMMON_MIN, math.ceil(COMMON_SHARE * max(0, n_units_in_folder)))
