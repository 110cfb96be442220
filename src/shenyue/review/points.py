"""Points as numbers: how a score or total is written (8.5, 10, 0.3), and what counts as one.

:func:`format_number` is the one way points are shown on screens, score sheets and the HTML report.
"""

from __future__ import annotations

import math
from typing import Any

# ---------------------------------------------------------------- numbers


def format_number(value: float | int | None) -> str:
    """8.5 -> "8.5", 10.0 -> "10", 0.1+0.2 -> "0.3", None -> ""."""
    if value is None:
        return ""
    value = round(float(value), 6)
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _clean_number(value: float) -> float | int:
    value = round(value, 9)
    return int(value) if value == int(value) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
