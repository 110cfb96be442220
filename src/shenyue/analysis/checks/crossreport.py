"""Checks that compare a report with the rest of its folder (annual-report-rules.md §4.3, §8.6).

They read what the folder stage attached to the report: ``report.copy`` (the
similarity layer's :class:`~shenyue.analysis.similarity.result.CopySummary`:
per-section shares and sources, common wording never counted) and
``report.extra["prior_year"]`` (the same unit's report for the year before, set by
:func:`link_prior_years`). Without those they find nothing, so they are quiet
during the per-report scan and speak once :func:`add_folder_findings` ran.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from shenyue.analysis.checks.base import FORMAT_KINDS, REPORT_KINDS, Context, check, finding, ids_where
from shenyue.analysis.findings import SEVERITY_RANK, Identity, Term
from shenyue.analysis.similarity.kinds import PEER, SAME_UNIT
from shenyue.model.report import Report
from shenyue.model.tables import T3_COLS
from shenyue.model.units import unit_key

# Narrative sections compared for copying (tables and titles are statutory).
NARRATIVE = ("overview", "problems", "other")
COLUMN_ZH = {
    "np": "自然人",
    "biz": "商业企业",
    "res": "科研机构",
    "ngo": "社会公益组织",
    "law": "法律服务机构",
    "oth": "其他",
    "tot": "总计",
}


def _narrative(report: Report) -> list[tuple[str, int]]:
    """(section key, length) of the narrative sections present."""
    return [(s.key, s.end - s.start) for s in report.sections if s.key in NARRATIVE and s.end > s.start]


def _copied_from(report: Report, keys: Iterable[str], *, same_unit: bool) -> dict[str, int]:
    """Characters of these sections copied from each source report (same unit or peers)."""
    if report.copy is None:
        return {}
    chars: dict[str, int] = {}
    wanted = SAME_UNIT if same_unit else PEER
    for key in keys:
        sec = report.copy.sections.get(key)
        for src in sec.sources if sec is not None else ():
            if src.kind == wanted:
                chars[src.path] = chars.get(src.path, 0) + src.chars
    return chars


def _prior(report: Report) -> dict | None:
    return report.extra.get("prior_year")


@check("similar_to_prior_year", "warning", also=("error",), kinds=REPORT_KINDS, stage="folder")
def similar_to_prior_year(ctx: Context):
    """The narrative (sections 一, 五, 六) repeats the same unit's previous-year report (>= 80%; >= 90% error)."""
    prior = _prior(ctx.report)
    if ctx.report.copy is None or prior is None:
        return
    parts = _narrative(ctx.report)
    total = sum(n for _, n in parts)
    if total < 200:
        return
    copied = _copied_from(ctx.report, [k for k, _ in parts], same_unit=True).get(prior["path"], 0)
    share = copied / total
    if share >= 0.8:
        severity = "error" if share >= 0.9 else "warning"
        yield finding(
            "similar_to_prior_year", severity, share=round(100 * share), other=prior["path"], year=prior["year"]
        )


@check("similar_to_peer", "warning", also=("error",), kinds=REPORT_KINDS, stage="folder")
def similar_to_peer(ctx: Context):
    """The narrative repeats another unit's report of the folder (>= 70%; >= 80% error); names the pair."""
    if ctx.report.copy is None:
        return
    parts = _narrative(ctx.report)
    total = sum(n for _, n in parts)
    if total < 200:
        return
    by_source = _copied_from(ctx.report, [k for k, _ in parts], same_unit=False)
    if not by_source:
        return
    other, copied = max(by_source.items(), key=lambda kv: (kv[1], kv[0]))
    share = copied / total
    if share >= 0.7:
        severity = "error" if share >= 0.8 else "warning"
        yield finding("similar_to_peer", severity, share=round(100 * share), other=other)


@check("problems_same_as_prior_year", "warning", kinds=FORMAT_KINDS, stage="folder")
def problems_same_as_prior_year(ctx: Context):
    """Section 五 (problems and improvements) repeats the previous year's section 五 (>= 85%)."""
    prior = _prior(ctx.report)
    section = ctx.report.section("problems")
    if ctx.report.copy is None or prior is None or section is None:
        return
    size = section.end - section.start
    if size < 100:
        return
    copied = _copied_from(ctx.report, ["problems"], same_unit=True).get(prior["path"], 0)
    if copied / size >= 0.85:
        yield finding(
            "problems_same_as_prior_year",
            "warning",
            section.start,
            section.start + len(section.title),
            section="problems",
            share=round(100 * copied / size),
            other=prior["path"],
        )


@check("carryover_mismatch", "warning", kinds=FORMAT_KINDS, stage="folder", arithmetic=True)
def carryover_mismatch(ctx: Context):
    """Table 三 二、上年结转 differs from 四、结转下年度 of the same unit's previous-year report, per column."""
    prior = _prior(ctx.report)
    if prior is None or not prior.get("carried_out"):
        return
    t3 = ctx.tables.t3
    if t3 is None:
        return
    for col in T3_COLS:
        cell = t3.cells.get(f"t3.carried_in.{col}")
        before = prior["carried_out"].get(col)
        if cell is None or cell.value is None or before is None or cell.value == before:
            continue
        prior_cell = Term(f"t3.carried_out.{col}", before, report=prior["path"])
        yield finding(
            "carryover_mismatch",
            "warning",
            cell.start,
            cell.end,
            identity=Identity(cell.id, (Term(cell.id, cell.value),), (prior_cell,)),
            column=COLUMN_ZH[col],
            value=_num(cell.value),
            before=_num(before),
            year=prior["year"],
            other=prior["path"],
        )


def _num(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def prior_links(keys_years: Sequence[tuple[str | None, int | None]]) -> list[int | None]:
    """For each report's (unit key, year), the number of the same unit's report for year Y−1 (the first
    of the list when the unit has several), or None."""
    by_unit_year: dict[tuple[str, int], int] = {}
    for i, (key, year) in enumerate(keys_years):
        if key and year is not None:
            by_unit_year.setdefault((key, year), i)
    out: list[int | None] = []
    for i, (key, year) in enumerate(keys_years):
        prior = by_unit_year.get((key, year - 1)) if key and year is not None else None
        out.append(None if prior == i else prior)
    return out


def link_key(report: Report) -> str | None:
    """The unit key a report is linked to its prior year by."""
    return report.unit_key or unit_key(report.unit)


def prior_record(prior: Report) -> dict:
    """What a report links of its prior year's (``report.extra["prior_year"]``)."""
    t3 = prior.tables.t3 if prior.tables is not None else None
    carried_out = {}
    if t3 is not None:
        for col in T3_COLS:
            cell = t3.cells.get(f"t3.carried_out.{col}")
            if cell is not None and cell.value is not None:
                carried_out[col] = cell.value
    return {"path": prior.rel, "year": prior.year, "carried_out": carried_out}


def link_prior_years(reports: Sequence[Report]) -> None:
    """Set ``report.extra["prior_year"]`` to the same unit's report for year Y−1, when the folder has it.

    A unit is matched by its key (:mod:`shenyue.model.units`: two spellings of
    one body, units.toml applied); reports without a unit or a year are never linked.
    """
    links = prior_links([(link_key(r), r.year) for r in reports])
    for r, prior in zip(reports, links):
        r.extra.pop("prior_year", None)
        if prior is not None:
            r.extra["prior_year"] = prior_record(reports[prior])


def add_folder_findings(reports: Sequence[Report], *, config=None) -> None:
    """Run the cross-report checks on every report, after the similarity layer attached its copy info."""
    link_prior_years(reports)
    run_folder_checks(reports, config=config)


def run_folder_checks(reports: Sequence[Report], *, config=None) -> None:
    """The cross-report checks of reports whose copy info and prior year are set (:func:`add_folder_findings`
    without the linking)."""
    from shenyue.analysis.checks import run_checks

    folder_ids = ids_where(stage="folder")
    for r in reports:
        findings = [f for f in r.findings if f.check not in folder_ids]
        added = run_checks(r, config=config, stage="folder")
        if added:  # a report's own findings come sorted (run_checks): only a report with more is sorted again
            findings.extend(added)
            findings.sort(key=lambda f: (f.start if f.start is not None else -1, SEVERITY_RANK.get(f.severity, 9)))
        r.findings = findings
