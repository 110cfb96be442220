"""Model objects the report cache keeps come back from a pickle exactly as they went in."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field

import pytest

from shenyue.analysis.findings import Finding, Identity, Term
from shenyue.analysis.scan import scan_folder
from shenyue.pickled import by_constructor


@by_constructor
@dataclass(slots=True)
class Base:
    a: int


@dataclass(slots=True)
class More(Base):
    b: int = 0


def again(obj):
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def test_every_sample_report_comes_back_equal(samples_copy):
    reports = scan_folder(samples_copy, cache=False).reports
    assert len(reports) == 5
    for report in reports:
        back = again(report)
        assert back == report
        assert back.tables == report.tables and back.findings == report.findings and back.doc == report.doc


def test_a_finding_with_its_arithmetic_rule_comes_back_equal():
    rule = Identity("t3.new.np", (Term("t3.new.np", 3),), (Term("t3.carried_out.np", 2.5, -1, "b.txt"),), ">=")
    finding = Finding("t3_row_total", "error", 10, 20, {"n": 3, "cells": ["a", "b"]}, None, "requests", None, rule)
    assert again(finding) == finding
    assert again(finding).identity.right[0].report == "b.txt"


def test_only_types_rebuilt_whole_by_their_constructor_are_accepted():
    with pytest.raises(TypeError):

        @by_constructor
        @dataclass
        class Later:
            a: int
            b: list = field(init=False, default_factory=list)

    assert again(Base(3)) == Base(3)
    with pytest.raises(TypeError):  # its own field would be lost
        pickle.dumps(More(1, 2))
