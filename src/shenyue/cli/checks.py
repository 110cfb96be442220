"""``shenyue checks``: every automatic check with its id, severity and one-line
description, in the chosen language (``--lang``); ``--json`` adds what each
registration declares (document kinds, arithmetic, template, stage)."""

from __future__ import annotations

import json
import sys

from shenyue.cli.common import format_table
from shenyue.i18n import t


def add_parser(sub, parent) -> None:
    p = sub.add_parser("checks", parents=[parent], help=t("checks.help"), description=t("checks.help"))
    p.add_argument("--json", action="store_true", help=t("checks.opt_json"))


def run(args) -> int:
    from shenyue.analysis.checks import all_checks

    specs = all_checks()
    if args.json:
        data = [
            {
                "id": s.id,
                "severity": s.severity,
                "severities": list(s.severities),
                "description": s.description(),
                "kinds": list(s.kinds),
                "arithmetic": s.arithmetic,
                "template": s.template,
                "stage": s.stage,
            }
            for s in specs
        ]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    headers = [t("checks.col_id"), t("checks.col_severity"), t("checks.col_description")]
    rows = [[s.id, "/".join(t(f"checks.severity.{x}") for x in s.severities), s.description()] for s in specs]
    sys.stdout.write(format_table(headers, rows) + "\n")
    sys.stdout.write(t("checks.count", n=len(specs)) + "\n")
    return 0
