"""The national format's tables: their rows, columns and cell ids per format version (2021, 2019),
and the marker words that tell the versions apart (annual-report-rules.md §2, §3.2)."""

from __future__ import annotations

T3_COLS = ("np", "biz", "res", "ngo", "law", "oth", "tot")
T3_ROWS_2021 = (
    "new", "carried_in", "r1", "r2",
    "r3_1", "r3_2", "r3_3", "r3_4", "r3_5", "r3_6", "r3_7", "r3_8",
    "r4_1", "r4_2", "r4_3",
    "r5_1", "r5_2", "r5_3", "r5_4", "r5_5",
    "r6_1", "r6_2", "r6_3",
    "r7", "carried_out",
)  # fmt: skip
T3_ROWS_2019 = tuple(r for r in T3_ROWS_2021 if not r.startswith("r6_"))
T3_ROWS_2019 = T3_ROWS_2019[: T3_ROWS_2019.index("r7")] + ("r6",) + T3_ROWS_2019[T3_ROWS_2019.index("r7") :]
T3_ROWS = T3_ROWS_2021  # default
T3_RESULT_ROWS_2021 = tuple(r for r in T3_ROWS_2021 if r.startswith("r") and r != "r7")
T3_RESULT_ROWS_2019 = tuple(r for r in T3_ROWS_2019 if r.startswith("r") and r != "r7")

T4_GROUPS = ("rv", "sd", "sr")
T4_COLS = ("up", "cor", "oth", "pend", "tot")

# Table 二: row -> column ids, per format version.
T2_ROWS_2021 = {
    "reg": ("made", "repealed", "valid"),
    "nd": ("made", "repealed", "valid"),
    "permit": ("decisions",),
    "penalty": ("decisions",),
    "coercion": ("decisions",),
    "adminfee": ("amount_wan",),
}
T2_ROWS_2019 = {
    "reg": ("made", "published", "total"),
    "nd": ("made", "published", "total"),
    "permit": ("prev", "delta", "decisions"),
    "services": ("prev", "delta", "decisions"),
    "penalty": ("prev", "delta", "decisions"),
    "coercion": ("prev", "delta", "decisions"),
    "adminfee": ("prev", "delta"),
    "procure": ("count", "amount"),
}
# Cells that hold amounts (decimals allowed) and signed deltas (2019 本年增/减).
AMOUNT_CELLS = frozenset({"t2.adminfee.amount_wan", "t2.procure.amount"})


def t2_rows(version: str | None) -> dict[str, tuple[str, ...]]:
    return T2_ROWS_2019 if version == "2019" else T2_ROWS_2021


def t3_rows(version: str | None) -> tuple[str, ...]:
    return T3_ROWS_2019 if version == "2019" else T3_ROWS_2021


def t3_result_rows(version: str | None) -> tuple[str, ...]:
    return T3_RESULT_ROWS_2019 if version == "2019" else T3_RESULT_ROWS_2021


def cell_ids(table: str, version: str | None = "2021") -> list[str]:
    """Every cell id of one table (``"t2"``, ``"t3"``, ``"t4"``) in data order."""
    if table == "t2":
        return [f"t2.{r}.{c}" for r, cols in t2_rows(version).items() for c in cols]
    if table == "t3":
        return [f"t3.{r}.{c}" for r in t3_rows(version) for c in T3_COLS]
    if table == "t4":
        return [f"t4.{g}.{c}" for g in T4_GROUPS for c in T4_COLS]
    raise ValueError(f"unknown table {table!r}")


# ---------------------------------------------------------------- format markers (rules §3.2)

MARKERS_2021 = (
    "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
    "申请人无正当理由逾期不补正", "申请人逾期未按收费通知要求缴纳费用",
)  # fmt: skip
MARKERS_2019 = (
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
    "其他对外管理服务事项", "第二十条第(九)项", "政府集中采购", "采购项目数量", "采购总金额",
)  # fmt: skip
