"""The entry points: find each table's anchors, read the table there (:func:`.walker.walk` with
the table's hooks), decide the format version, and re-read a table read with the other version's layout.

Work is linear in the text length: the text is searched once for table anchors
and only the lines of each table are tokenised.
"""

from __future__ import annotations

from shenyue.model.tables.cells import Table, Tables
from shenyue.model.tables.labels import ANCHOR_RE, ANY_ANCHOR, SPACED_HAN
from shenyue.model.tables.matching import match_text
from shenyue.model.tables.spec import MARKERS_2019, MARKERS_2021
from shenyue.model.tables.t2 import T2
from shenyue.model.tables.t3 import T3
from shenyue.model.tables.t4 import T4
from shenyue.model.tables.typos import header_typos
from shenyue.model.tables.walker import Walker, walk

_WALKERS: dict[str, type[Walker]] = {"t2": T2, "t3": T3, "t4": T4}


def _find_markers(labels: str) -> tuple[list[str], list[str]]:
    return [m for m in MARKERS_2021 if m in labels], [m for m in MARKERS_2019 if m in labels]


def parse_tables(text: str, *, folded: str | None = None, ignore: list | None = None) -> Tables:
    """Parse tables 二, 三 and 四 of ``text``.

    ``folded`` may pass :func:`match_text` of ``text`` when the caller already
    has it (nothing else: labels are matched in that form); ``ignore`` is a list of spans (objects with ``start``/``end``
    or ``(start, end)`` tuples) whose lines are skipped, e.g. PDF page furniture.
    Never raises on any input.
    """
    if folded is None or len(folded) != len(text):
        folded = match_text(text)
    spans = [(s.start, s.end) if hasattr(s, "start") else (int(s[0]), int(s[1])) for s in (ignore or [])]
    result = Tables()
    # Format version from the marker words anywhere in table-like labels, decided after parsing.
    found: dict[str, Table] = {}
    regions: list[tuple[int, int]] = []
    if ANY_ANCHOR.search(folded) is None and (
        SPACED_HAN.search(folded) is None or not any(r.search(folded) for r in ANCHOR_RE.values())
    ):
        return result  # no table anywhere (decided by one fast scan unless the text is letter-spaced)
    for key in ("t2", "t3", "t4"):
        pos = 0
        tries = 0
        while tries < 50:
            m = ANCHOR_RE[key].search(folded, pos)
            if m is None:
                break
            tries += 1
            if any(s <= m.start() < e for s, e in regions):
                pos = max(e for s, e in regions if s <= m.start() < e)
                continue
            floor = max((e for s, e in regions if e <= m.start()), default=0)
            table = walk(_WALKERS[key], text, folded, m.start(), floor, spans)
            if table is None:
                pos = m.end()
                continue
            if key not in found:
                found[key] = table
            regions.append((table.start, table.end))
            pos = max(table.end, m.end())
    result.t2 = found.get("t2")
    result.t3 = found.get("t3")
    result.t4 = found.get("t4")
    for table in found.values():
        header_typos(table, text, folded)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    result.regions = merged
    labels = "".join(t.labels for t in found.values())
    result.markers_2021, result.markers_2019 = _find_markers(labels)
    t3 = result.t3
    if result.markers_2021:
        result.version = "2021"
    elif len(result.markers_2019) >= 2 or (t3 is not None and t3.version == "2019" and "r6" in t3.rows):
        result.version = "2019"
    elif (result.t2 and result.t2.version == "2019") or (t3 is not None and "r6_1" in t3.rows):
        result.version = result.t2.version if result.t2 and result.t2.version == "2019" else "2021"
    if result.t4 is not None:
        result.t4.version = result.version
    # Re-parse a table read with another version's layout.
    if result.version == "2019":
        for key in ("t2", "t3"):
            t = result.table(key)
            if t is not None and t.version != "2019":
                anchor = ANCHOR_RE[key].search(folded, t.start)
                if anchor is not None:
                    floor = max((e for s, e in regions if e <= t.start), default=0)
                    redo = walk(_WALKERS[key], text, folded, anchor.start(), floor, spans, "2019")
                    if redo is not None and redo.version == "2019":
                        setattr(result, key, redo)
    return result


def find_table_regions(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the statistics tables in ``text`` (original offsets).

    The section splitter uses them so that row labels such as 一、本年新收… or
    四、结转下年度继续办理 are not taken for section headings.
    """
    return parse_tables(text).regions
