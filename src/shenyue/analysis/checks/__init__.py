"""Automatic checks: small pure functions over the report model, registered in
one place (:func:`shenyue.analysis.checks.base.check`).

Use::

    from shenyue.analysis.checks import run_checks, all_checks
    findings = run_checks(report)                    # every check
    findings = run_checks(report, only=["placeholders"], config=config)
    for spec in all_checks(): print(spec.id, spec.severity_label, spec.description())

Modules: ``hygiene`` (source, corrupted copies, placeholders, title/unit/落款),
``timing`` (year, publication), ``content`` (overview, problems, fee, format
version), ``tables`` (the tables' presence and how they were read),
``table_arithmetic`` (勾稽关系 and plausibility), ``table_text`` (numbers in the
prose against the tables, what cannot be assessed), ``structure`` (the
foundation's section checks), ``crossreport`` (copying and carry-over against the
rest of the folder; run by :func:`crossreport.add_folder_findings` after the
similarity layer).
"""

from __future__ import annotations

from collections.abc import Iterable

# Importing the modules registers their checks; the order here is the order `shenyue checks` lists them
# and the order findings at the same place are shown (an import sorter must not change it: hence isort off).
# isort: off
from shenyue.analysis.checks import hygiene  # noqa: F401
from shenyue.analysis.checks import timing  # noqa: F401
from shenyue.analysis.checks import structure  # noqa: F401
from shenyue.analysis.checks import tables  # noqa: F401
from shenyue.analysis.checks import table_arithmetic  # noqa: F401
from shenyue.analysis.checks import table_text  # noqa: F401
from shenyue.analysis.checks import content  # noqa: F401
from shenyue.analysis.checks import crossreport  # noqa: F401

# isort: on
from shenyue.analysis.checks.base import (
    CheckSpec,
    Context,
    ids_where,
    mark_ocr,
    providers,
    spec,
    specs,
    stage_providers,
)
from shenyue.analysis.findings import SEVERITY_RANK, Finding

__all__ = ["CheckSpec", "UnknownCheck", "all_checks", "check_ids", "ids_where", "run_checks"]


class UnknownCheck(ValueError):
    """``only`` named a check id that does not exist."""

    def __init__(self, ids: list[str]):
        super().__init__(", ".join(ids))
        self.ids = ids


def all_checks() -> list[CheckSpec]:
    """Every registered check (id, severity, description) in registration order."""
    return specs()


def check_ids() -> list[str]:
    return [s.id for s in specs()]


def run_checks(
    report, *, only: str | Iterable[str] | None = None, config=None, stage: str = "report", norm: str | None = None
) -> list[Finding]:
    """Run the checks on one report and return their findings, sorted by position.

    Only the checks that apply to the report's kind run (their ``kinds``), and
    of those the checks of ``stage`` ("report": per report; "folder": the
    cross-report checks, after the copy index). ``only`` narrows the run to
    some check ids, whatever their stage (unknown ids raise
    :class:`UnknownCheck`). ``config`` is the loaded Config (or a dict) and
    supplies ``[deadlines]``. Parses the statistics tables into
    ``report.tables`` when the report does not have them yet. A check that
    fails on some input is reported as an info finding, never as a crash. ``norm``: the report's
    :func:`~shenyue.model.tables.matching.match_text` when the caller has it.
    """
    if only is not None:
        wanted = {only} if isinstance(only, str) else set(only)
        unknown = sorted(w for w in wanted if spec(w) is None)
        if unknown:
            raise UnknownCheck(unknown)
    else:
        wanted = None
    ctx = Context(report, config, norm)
    findings: list[Finding] = []
    kind = report.kind
    if wanted is None:
        chosen = stage_providers(stage)
    else:
        chosen = [(func, ids, spec(ids[0])) for func, ids in providers() if wanted.intersection(ids)]
    for func, ids, first in chosen:
        if not first.applies_to(kind):
            continue
        try:
            found = list(func(ctx))
        except Exception as exc:  # a bug must not stop a scan of many reports
            found = [
                Finding(
                    ids[0], "info", params={"check": ids[0], "error": type(exc).__name__}, message_key="check_failed"
                )
            ]
        findings.extend(f for f in found if wanted is None or f.check in wanted)
    mark_ocr(report, findings)
    findings.sort(key=lambda f: (f.start if f.start is not None else -1, SEVERITY_RANK.get(f.severity, 9)))
    return findings
