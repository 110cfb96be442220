"""The check registry and the per-report context the checks read.

A check is a small pure function ``func(ctx) -> Iterable[Finding]`` registered
with :func:`check`. ``ctx`` is a :class:`Context`: the report plus derived views
computed once per report and shared by every check (the normalised copy of the
text, the parsed tables, the narrative without tables and chrome).

Adding a check means adding one function (with a one-line docstring), its
``check.<id>`` description and ``finding.<key>`` messages in the catalogue, and
its tests.

Everything else the program needs to know about a check is declared in its
registration and nowhere else: the document kinds it applies to (``kinds``),
whether it is table arithmetic (勾稽, ``arithmetic``), whether it is evidence of
an unfilled template (``template``), and whether it runs per report or in the
folder stage after the copy index (``stage="folder"``, cross-report checks).
Other modules ask the registry (:func:`ids_where`, :meth:`CheckSpec.applies_to`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from shenyue.analysis.findings import SEVERITIES, Finding, Identity
from shenyue.i18n import t
from shenyue.model.report import FORMAT_KINDS, KINDS, Report, Section
from shenyue.model.tables import Tables, match_text, parse_tables

CheckFunc = Callable[["Context"], Iterable[Finding]]

# Document kinds (shenyue.model.report.KINDS) a check applies to, by the rules it judges.
# FORMAT_KINDS: the national formats (six sections, three tables), from the model.
ANNUAL_KINDS = (*FORMAT_KINDS, "annual-legacy")  # every annual report, the pre-2019 format included
REPORT_KINDS = (*ANNUAL_KINDS, "summary")  # every report a unit wrote (not a blank template, not a non-report)
STAGES = ("report", "folder")


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One registered check id and what the program knows about it."""

    id: str
    severity: str  # the usual severity
    severities: tuple[str, ...]  # every severity the check can report
    doc: str  # one line, English (the docstring of the function)
    func: CheckFunc
    kinds: tuple[str, ...]  # the document kinds it applies to
    arithmetic: bool = False  # table arithmetic (勾稽): the list's "arithmetic errors" filter
    template: bool = False  # evidence of an unfilled template: the list's "unfilled templates" filter
    stage: str = "report"  # "report": per report; "folder": after the copy index (cross-report)

    def applies_to(self, kind: str) -> bool:
        return kind in self.kinds

    @property
    def description_key(self) -> str:
        return f"check.{self.id}"

    def description(self, lang: str | None = None) -> str:
        return t(self.description_key, lang)

    @property
    def severity_label(self) -> str:
        return "/".join(self.severities)


_SPECS: dict[str, CheckSpec] = {}
_PROVIDERS: list[tuple[CheckFunc, tuple[str, ...]]] = []


def check(
    check_id: str,
    severity: str,
    *,
    kinds: Iterable[str],
    also: Iterable[str] = (),
    more: Iterable[tuple[str, str]] = (),
    arithmetic: bool = False,
    template: bool = False,
    stage: str = "report",
):
    """Register ``func`` as check ``check_id``.

    ``kinds``: the document kinds it applies to (it is not run on others).
    ``also`` lists further severities the check may give (e.g. info for a
    weaker case); ``more`` lists further ``(id, severity)`` pairs the same
    function reports (one function, several ids, the same metadata).
    ``arithmetic``, ``template``, ``stage``: see :class:`CheckSpec`.
    """
    kinds = tuple(kinds)
    if not kinds or any(k not in KINDS for k in kinds):
        raise ValueError(f"bad kinds for {check_id}: {kinds}")
    if stage not in STAGES:
        raise ValueError(f"bad stage for {check_id}: {stage}")

    def register(func: CheckFunc) -> CheckFunc:
        doc = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        ids = []
        for cid, sev, extra in [(check_id, severity, tuple(also))] + [(c, s, ()) for c, s in more]:
            if cid in _SPECS:
                raise ValueError(f"check id registered twice: {cid}")
            if sev not in SEVERITIES or any(e not in SEVERITIES for e in extra):
                raise ValueError(f"bad severity for {cid}")
            sevs = tuple(s for s in SEVERITIES if s == sev or s in extra)
            _SPECS[cid] = CheckSpec(cid, sev, sevs, doc, func, kinds, arithmetic, template, stage)
            ids.append(cid)
        _PROVIDERS.append((func, tuple(ids)))
        return func

    return register


def mark_ocr(report: Report, findings: list[Finding]) -> None:
    """Table arithmetic on OCR'd text: a misread digit is not the unit's error; say to check the original."""
    if not getattr(report.doc, "ocr", False):
        return
    for f in findings:
        s = _SPECS.get(f.check)
        if s is not None and s.arithmetic:
            f.note = "ocr_check_original"


def specs() -> list[CheckSpec]:
    return list(_SPECS.values())


def spec(check_id: str) -> CheckSpec | None:
    return _SPECS.get(check_id)


def providers() -> list[tuple[CheckFunc, tuple[str, ...]]]:
    return list(_PROVIDERS)


# stage -> (the registry list it was made from, its length then, the providers)
_BY_STAGE: dict[str, tuple[list, int, list[tuple[CheckFunc, tuple[str, ...], CheckSpec]]]] = {}


def stage_providers(stage: str) -> list[tuple[CheckFunc, tuple[str, ...], CheckSpec]]:
    """The providers of one stage with their first check's spec, in registration order: made once (again
    when a check registers), not looked through for every report (54 lookups a report, 0.5 s for the
    cross-report checks of 10,000 reports)."""
    got = _BY_STAGE.get(stage)
    if got is None or got[0] is not _PROVIDERS or got[1] != len(_PROVIDERS):
        chosen = [(func, ids, _SPECS[ids[0]]) for func, ids in _PROVIDERS if _SPECS[ids[0]].stage == stage]
        got = _BY_STAGE[stage] = (_PROVIDERS, len(_PROVIDERS), chosen)
    return got[2]


def ids_where(
    *, arithmetic: bool | None = None, template: bool | None = None, stage: str | None = None
) -> frozenset[str]:
    """The check ids whose metadata match every given value (e.g. ``ids_where(arithmetic=True)``)."""
    return frozenset(
        s.id
        for s in _SPECS.values()
        if (arithmetic is None or s.arithmetic == arithmetic)
        and (template is None or s.template == template)
        and (stage is None or s.stage == stage)
    )


# ---------------------------------------------------------------- context

_HAN = re.compile(r"[\u4e00-\u9fff]")


class Context:
    """One report and the views the checks share, each computed at most once.

    Every offset is an index into ``report.text``. ``norm`` is the same length
    as the text (full-width folded, Traditional mapped to Simplified, ASCII
    lower-cased), so offsets found in it are offsets into the text.
    """

    def __init__(self, report: Report, config: Any = None, norm: str | None = None):
        self.report = report
        self.config = config
        if norm is not None:  # made already (by the scan, for the tables)
            self.norm = norm

    @cached_property
    def text(self) -> str:
        """The report's text (read from the report cache only when a check asks for it)."""
        return self.report.text

    @cached_property
    def norm(self) -> str:
        return match_text(self.text)

    @cached_property
    def tables(self) -> Tables:
        if self.report.tables is None:
            self.report.tables = parse_tables(self.text, folded=self.norm, ignore=self.report.chrome)
        return self.report.tables

    @cached_property
    def masked_spans(self) -> list[tuple[int, int]]:
        """Table regions and chrome lines, sorted and merged."""
        spans = sorted([(s, e) for s, e in self.tables.regions] + [(c.start, c.end) for c in self.report.chrome])
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged

    @cached_property
    def narrative(self) -> str:
        """``norm`` with tables and chrome lines blanked (same length; blanks are spaces)."""
        spans = self.masked_spans
        if not spans:
            return self.norm
        parts, last = [], 0
        for s, e in spans:
            parts.append(self.norm[last:s])
            parts.append(" " * (e - s))
            last = e
        parts.append(self.norm[last:])
        return "".join(parts)

    @cached_property
    def codes(self):
        """``narrative`` as a numpy array of code points."""
        import numpy as np

        return np.frombuffer(self.narrative.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    @cached_property
    def _han_prefix(self):
        import numpy as np

        c = self.codes
        han = (c >= 0x4E00) & (c <= 0x9FFF)
        out = np.zeros(len(c) + 1, dtype=np.int64)
        np.cumsum(han, out=out[1:])
        return out

    def han_between(self, start: int, end: int) -> int:
        """Han characters of the narrative (tables and chrome excluded) in ``start..end``."""
        prefix = self._han_prefix
        start = max(0, min(start, len(prefix) - 1))
        end = max(start, min(end, len(prefix) - 1))
        return int(prefix[end] - prefix[start])

    def near(
        self,
        pattern: re.Pattern,
        anchor: str,
        before: int,
        after: int,
        text: str | None = None,
        *,
        needs_before: str | None = None,
        needs_after: re.Pattern | None = None,
    ) -> Iterator[re.Match]:
        """Matches of ``pattern`` within ``before``/``after`` characters of each ``anchor``
        in ``text`` (default: the narrative). Much faster than scanning the whole text
        when the anchor is rare; matches are those a full scan would give near the anchors.
        ``needs_before`` (a string that must occur in the ``before`` window) and
        ``needs_after`` (a pattern that must match right after the anchor) skip
        anchors that cannot start a match cheaply."""
        text = self.narrative if text is None else text
        pos = text.find(anchor)
        if pos < 0:
            return
        windows: list[list[int]] = []
        while pos >= 0:
            if (needs_before is not None and needs_before not in text[max(0, pos - before) : pos]) or (
                needs_after is not None and not needs_after.match(text, pos + len(anchor))
            ):
                pos = text.find(anchor, pos + 1)
                continue
            a, b = max(0, pos - before), min(len(text), pos + len(anchor) + after)
            if windows and a <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], b)
            else:
                windows.append([a, b])
            pos = text.find(anchor, pos + 1)
        if not windows:
            return
        last = -1
        for a, b in windows:
            for m in pattern.finditer(text, max(a, last), b):
                last = m.end()
                yield m

    def masked(self, offset: int) -> bool:
        spans = self.masked_spans
        i = bisect_left(spans, (offset + 1,)) - 1
        return i >= 0 and spans[i][0] <= offset < spans[i][1]

    def in_chrome(self, offset: int) -> bool:
        return any(c.start <= offset < c.end for c in self.report.chrome)

    # sections ---------------------------------------------------------

    @cached_property
    def _sections(self) -> dict[str, Section]:
        out: dict[str, Section] = {}
        for s in self.report.sections:
            out.setdefault(s.key, s)
        return out

    def section(self, key: str) -> Section | None:
        return self._sections.get(key)

    def body(self, key: str) -> tuple[int, int] | None:
        """``(start, end)`` of a section's body (after its heading)."""
        s = self.section(key)
        return (s.body_start, s.end) if s else None

    def body_text(self, key: str, *, narrative: bool = True) -> str:
        span = self.body(key)
        if span is None:
            return ""
        return (self.narrative if narrative else self.norm)[span[0] : span[1]]

    def heading_span(self, section: Section | None) -> tuple[int | None, int | None]:
        if section is None:
            return None, None
        return section.start, section.start + len(section.title)

    @property
    def annual(self) -> bool:
        return self.report.kind.startswith("annual")

    @cached_property
    def title_text(self) -> str:
        title = self.report.title
        return self.norm[title.start : title.end].strip() if title else ""

    @cached_property
    def first_section_start(self) -> int:
        return min((s.start for s in self.report.sections), default=len(self.text))

    def lines(self, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of each line in ``text[start:end]`` (end before the line break)."""
        text = self.text
        end = len(text) if end is None else end
        pos = start
        while pos < end:
            nl = text.find("\n", pos, end)
            stop = end if nl < 0 else nl
            yield pos, stop
            pos = stop + 1


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def finding(
    check_id: str,
    severity: str,
    start: int | None = None,
    end: int | None = None,
    *,
    key: str | None = None,
    section: str | None = None,
    identity: Identity | None = None,
    **params: Any,
) -> Finding:
    """A finding; ``key`` names the message ``finding.<key>`` (default: the check id); ``identity``
    is the broken arithmetic rule with its operands, for arithmetic checks on table cells."""
    return Finding(check_id, severity, start, end, params=params, message_key=key, section=section, identity=identity)
