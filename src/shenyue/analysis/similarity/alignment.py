"""Character alignment of a span and its source, for the side-by-side view.

Computed on demand with rapidfuzz: the span and a window of the source
(around the matched stretch) are turned into matching copies that keep the
digits (so a changed number shows as a difference) but fold width,
whitespace, Traditional characters and pinyin artefacts; the best window of
the source is found with ``fuzz.partial_ratio_alignment`` and the exact
differences with ``Indel.opcodes``. Every offset returned is an offset into
the original texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from shenyue.model.normalize import MatchCopy, matching_copy

EQUAL, REPLACE, INSERT, DELETE = "equal", "replace", "insert", "delete"


@dataclass(slots=True, frozen=True)
class Op:
    """``text[a_start:a_end]`` (this report) versus ``other_text[b_start:b_end]`` (the source)."""

    tag: str  # equal | replace | delete (only in this report) | insert (only in the source)
    a_start: int
    a_end: int
    b_start: int
    b_end: int


@dataclass(slots=True)
class Alignment:
    score: float  # 0..100, rapidfuzz's similarity of the aligned stretches
    a_start: int  # the aligned stretch in this report (original offsets)
    a_end: int
    b_start: int  # and in the source
    b_end: int
    ops: list[Op] = field(default_factory=list)

    @property
    def differences(self) -> list[Op]:
        return [op for op in self.ops if op.tag != EQUAL]


def _orig(copy: MatchCopy, base: int, i: int, j: int) -> tuple[int, int]:
    if j <= i:
        o = base + copy.to_original(i)
        return o, o
    a, b = copy.span_to_original(i, j)
    return base + a, base + b


def align(
    text: str, start: int, end: int, other_text: str, other_start: int, other_end: int, *, pad: int = 40
) -> Alignment:
    """Which characters of ``text[start:end]`` differ from its source in ``other_text``.

    ``pad`` characters around the source stretch are searched too, so a span
    whose edges moved still aligns fully.
    """
    start, end = max(0, start), min(len(text), end)
    b_lo = max(0, other_start - pad)
    b_hi = min(len(other_text), other_end + pad)
    a = matching_copy(text[start:end], digits=False)
    b = matching_copy(other_text[b_lo:b_hi], digits=False)
    if not a.text or not b.text:
        return Alignment(0.0, start, start, other_start, other_start)
    if len(a.text) <= len(b.text):
        found = fuzz.partial_ratio_alignment(a.text, b.text)
        ai, aj, bi, bj = found.src_start, found.src_end, found.dest_start, found.dest_end
    else:
        found = fuzz.partial_ratio_alignment(b.text, a.text)
        ai, aj, bi, bj = found.dest_start, found.dest_end, found.src_start, found.src_end
    codes = list(Indel.opcodes(a.text[ai:aj], b.text[bi:bj]))
    # source-only characters at either edge belong to the search window, not to the copy
    while codes and codes[0].tag == INSERT:
        codes.pop(0)
    while codes and codes[-1].tag == INSERT:
        codes.pop()
    base = bi
    if codes:
        bi, bj = base + codes[0].dest_start, base + codes[-1].dest_end
    merged: list[list] = []  # [tag, src_start, src_end, dest_start, dest_end]; delete+insert -> replace
    for op in codes:
        cur = [op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end]
        if merged and EQUAL not in (merged[-1][0], cur[0]):
            prev = merged[-1]
            prev[0] = prev[0] if prev[0] == cur[0] else REPLACE
            prev[2], prev[4] = cur[2], cur[4]
        else:
            merged.append(cur)
    ops = []
    for tag, s0, s1, d0, d1 in merged:
        a0, a1 = _orig(a, start, ai + s0, ai + s1)
        b0, b1 = _orig(b, b_lo, base + d0, base + d1)
        ops.append(Op(tag, a0, a1, b0, b1))
    a0, a1 = _orig(a, start, ai, aj)
    b0, b1 = _orig(b, b_lo, bi, bj)
    score = fuzz.ratio(a.text[ai:aj], b.text[bi:bj])
    return Alignment(float(score), a0, a1, b0, b1, ops)
