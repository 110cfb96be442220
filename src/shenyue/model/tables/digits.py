"""Cutting runs of glued digits into table cells with the table's own arithmetic.

Crawled pages often lose the cell borders: ``3000003`` is the row 3|0|0|0|0|0|3
of table 三, ``713000074`` is 71|3|0|0|0|0|74. A run can be cut in many ways;
the ones worth keeping give every cell a number without a leading zero and
satisfy the row's own rule (table 三: the last cell is the sum of the six
before it; table 四: in each group of five the fifth is the sum of the four
before it; table 二: 现行有效 ≥ 本年制发 − 本年废止). The search is bounded: a
row with too many digits, or a search that visits too many cuts, is given up
as *not decided* (the caller says so instead of guessing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

MAX_EXTRA_DIGITS = 14  # a row of k cells is tried only with at most k + 14 digits
MAX_PART_DIGITS = 9  # no count in these tables has ten digits
NODE_BUDGET = 5_000  # cuts visited per row before giving up (a few ms)
MAX_CANDIDATES = 64

RowRule = Callable[[list[int]], bool]  # called with the values so far; False prunes


def t3_rule(values: list[int]) -> bool:
    return len(values) != 7 or values[6] == sum(values[:6])


def t4_rule(values: list[int]) -> bool:
    n = len(values)
    if n % 5 or not n:
        return True
    g = values[n - 5 : n]
    return g[4] == g[0] + g[1] + g[2] + g[3]


def t2_valid_rule(values: list[int]) -> bool:
    return len(values) != 3 or values[2] >= values[0] - values[1]


def no_rule(values: list[int]) -> bool:
    return True


def cuts(tokens: Sequence[str], k: int, rule: RowRule = no_rule) -> tuple[list[list[tuple[int, int, int]]], bool]:
    """Every way to cut the digit strings ``tokens`` into ``k`` cells that ``rule`` accepts.

    Each token is at least one cell (a space the page printed is a cell border);
    a cell is a digit string without a leading zero (``0`` itself is fine) of at
    most :data:`MAX_PART_DIGITS` digits. A cut is a list of ``(token index,
    start, end)`` pieces. Returns ``(cuts, complete)``: ``complete`` is False when
    the run was too long or the search was cut short, and ``cuts`` then holds
    only what was found (never trust it as the full list).
    """
    n_digits = sum(len(t) for t in tokens)
    if not tokens or n_digits < k or len(tokens) > k or n_digits > k + MAX_EXTRA_DIGITS:
        return [], n_digits < k or len(tokens) > k  # impossible is a complete answer; too long is not
    suffix = [0] * (len(tokens) + 1)  # digits from token i on
    for i in range(len(tokens) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + len(tokens[i])
    out: list[list[tuple[int, int, int]]] = []
    pieces: list[tuple[int, int, int]] = []
    values: list[int] = []
    budget = [NODE_BUDGET]
    n_tok = len(tokens)

    def walk(ti: int, pos: int) -> bool:
        """False when the budget ran out."""
        if ti == n_tok:
            if len(values) == k:
                out.append(list(pieces))
            return True
        budget[0] -= 1
        if budget[0] < 0:
            return False
        tok = tokens[ti]
        left_in_tok = len(tok) - pos
        # cells still to make, and the least / most the remaining digits can give
        need = k - len(values)
        least = 1 + (n_tok - ti - 1)  # this token's next cell, then one per later token
        most = left_in_tok + suffix[ti + 1]
        if need < least or need > most:
            return True
        longest = 1 if tok[pos] == "0" else min(left_in_tok, MAX_PART_DIGITS)
        for length in range(1, longest + 1):
            end = pos + length
            values.append(int(tok[pos:end]))
            pieces.append((ti, pos, end))
            if rule(values):
                ok = walk(ti + 1, 0) if end == len(tok) else walk(ti, end)
                if not ok:
                    values.pop()
                    pieces.pop()
                    return False
            values.pop()
            pieces.pop()
            if len(out) > MAX_CANDIDATES:
                return False
        return True

    complete = walk(0, 0)
    return out, complete
