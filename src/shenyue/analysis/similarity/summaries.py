"""The copy summaries of a folder's last run, kept so that the next run makes only those that changed.

A report's :class:`~.result.CopySummary` (shares by kind, main sources, per-section shares) depends on
its spans, its length and non-prose spans, its sections, and the sections of the reports it names as
section sources. Making them all is a second or more for 10,000 reports, while after a few edits only a
few differ. So the summaries are written to ``summaries-<folder>.bin`` (the similarity cache's checked
array format, no pickle), tied to the result's run id, and the next run reuses a report's summary when

* the result it reads is that run's (nothing changed), or was updated from that run's and did not
  compute this report's spans again (:class:`~.result.Lineage`), and
* the report's content hash, and the digest of its length, non-prose spans and sections, are those it
  had, and so are the digests of every report it names as a source.

Every other summary is made from the result as usual. A reused summary makes its spans from the result
when they are first asked for (the review screen); the list, the checks and ``scan --json`` read only
its shares and span count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from shenyue.analysis.similarity import cache as disk
from shenyue.analysis.similarity.kinds import KIND_CODE, KINDS
from shenyue.analysis.similarity.result import CopySummary, Shares, SimilarityResult, SourceShare

KIND = "summaries"


def summaries_path(root: Path, fkey: str) -> Path:
    return root / f"summaries-{fkey}.bin"


def digest(length: int, outside: Sequence[tuple[int, int]], sections: Sequence[Any]) -> int:
    """What a report's summary, and its name as a section source, depend on besides the spans."""
    text = repr((length, [tuple(x) for x in outside], [(s.key, s.start, s.end) for s in sections]))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def load(result: SimilarityResult, digests: dict[str, int], held: Collection[str] = ()) -> dict[str, CopySummary]:
    """The summaries of the last run that still hold for ``result`` (by report path), their spans made
    from ``result`` when asked for. ``digests``: every report's :func:`digest`, by path, but for the
    reports of ``held`` (see :func:`last_run`)."""
    last = last_run(result, digests, held)
    return last.summaries(list(last.holding)) if last is not None else {}


@dataclass
class Last:
    """The last run's summaries file, read: which reports' summaries still hold, made or copied on demand."""

    result: SimilarityResult
    rels: list[str]
    keys: list[str]
    arrays: dict[str, np.ndarray]
    holding: dict[str, int]  # the reports whose summary still holds: their row in the file

    def summaries(self, rels: list[str]) -> dict[str, CopySummary]:
        """The summaries of ``rels`` (each one that holds), their spans made from the result when asked for."""
        rows = [self.holding[rel] for rel in rels if rel in self.holding]
        try:
            return _build(self.result, self.rels, self.keys, self.arrays, rows)
        except (KeyError, TypeError, ValueError, IndexError):
            return {}


def last_run(result: SimilarityResult, digests: dict[str, int], held: Collection[str] = ()) -> Last | None:
    """The last run's summaries as they hold for ``result``, or None (no file, another run's, damaged).
    ``digests``: every report's :func:`digest`, by path, but for the reports of ``held`` (not loaded:
    their sections are not at hand), whose digest is the file's when its row is of the same content (the
    same bytes, analysed by the same code, have the same sections): it is set in ``digests`` then."""
    lineage = result.lineage
    if lineage is None or lineage.base is None:
        return None
    got = disk.read_blob(lineage.summaries, {"kind": KIND, "key": lineage.key, "run": lineage.base})
    if got is None:
        return None
    header, a = got
    try:
        rels, shas, keys = header["rels"], header["shas"], header["sections"]
        if not _fits(rels, shas, keys, a):
            return None
        kept = _kept(result, rels, shas, a["digest"], digests, held)
        holding = {rels[row]: row for row in _sources_kept(a, len(rels), kept)}
        return Last(result, rels, keys, a, holding)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _sources_kept(a: dict[str, np.ndarray], n: int, kept: list[int]) -> list[int]:
    """The rows of ``kept`` whose every source (of the whole report and of each section) is kept too."""
    unchanged = np.zeros(n, dtype=bool)
    unchanged[kept] = True
    m = len(a["sec_key"])
    src_at = np.append(a["src_at"], len(a["src_path"]))
    owners = np.repeat(np.arange(n + m), np.diff(src_at))  # each source row's owner: a report, then sections
    bad_owner = np.zeros(n + m, dtype=bool)
    bad_owner[owners[~unchanged[a["src_path"]]]] = True
    sec_at = np.append(a["sec_at"], m)
    section_report = np.repeat(np.arange(n), np.diff(sec_at))
    bad = bad_owner[:n].copy()
    bad[section_report[bad_owner[n:]]] = True
    return [row for row in kept if not bad[row]]


def _fits(rels: list, shas: list, keys: list, a: dict[str, np.ndarray]) -> bool:
    """The file's arrays are as :func:`save` writes them (every index in range)."""
    n, m = len(rels), len(a["sec_key"])
    if not all(isinstance(x, str) for x in (*rels, *shas, *keys)) or len(shas) != n:
        return False
    if any(len(a[f]) != n for f in ("peer", "same", "common", "count", "digest", "sec_at")):
        return False
    if any(len(a[f]) != m for f in ("sec_peer", "sec_same", "sec_common")) or len(a["src_at"]) != n + m:
        return False
    k = len(a["src_path"])
    if any(len(a[f]) != k for f in ("src_chars", "src_kind", "src_sec", "src_share")):
        return False
    for at, size in ((a["sec_at"], m), (a["src_at"], k)):
        if len(at) and (at[0] != 0 or at[-1] > size or np.any(np.diff(at) < 0)):
            return False
    ranges = (("sec_key", 0, len(keys)), ("src_path", 0, n), ("src_kind", 0, len(KINDS)), ("src_sec", -1, len(keys)))
    return all(not len(a[f]) or (a[f].min() >= lo and a[f].max() < hi) for f, lo, hi in ranges)


def _kept(
    result: SimilarityResult,
    rels: list[str],
    shas: list[str],
    old_digest: np.ndarray,
    digests: dict[str, int],
    held: Collection[str],
) -> list[int]:
    """The rows of the file of the same content and spans (their sources are checked in :func:`_sources_kept`)."""
    fresh = result.lineage.fresh if result.lineage is not None else None
    out = []
    old = old_digest.tolist()
    held = held if isinstance(held, (set, frozenset, dict)) else set(held)
    for row, (rel, sha) in enumerate(zip(rels, shas)):
        i = result.index_of(rel)
        if i is None or result.entries[i].sha != sha:
            continue
        if rel in held and rel not in digests:
            digests[rel] = old[row]
        elif digests.get(rel) != old[row]:
            continue
        if fresh is not None and fresh[i]:
            continue
        out.append(row)
    return out


def _build(
    result: SimilarityResult, rels: list[str], keys: list[str], a: dict[str, np.ndarray], rows: list[int]
) -> dict[str, CopySummary]:
    """The summaries of the file's ``rows`` (rows that hold: :func:`_sources_kept`)."""
    peer, same, common, count = (a[f].tolist() for f in ("peer", "same", "common", "count"))
    sec_at = a["sec_at"].tolist() + [len(a["sec_key"])]  # each report's first section row
    sec_key, sec_peer, sec_same, sec_common = (a[f].tolist() for f in ("sec_key", "sec_peer", "sec_same", "sec_common"))
    src_at = a["src_at"].tolist() + [len(a["src_path"])]  # each owner's first source row: reports, then sections
    src_path, src_chars, src_kind, src_sec, src_share = (
        a[f].tolist() for f in ("src_path", "src_chars", "src_kind", "src_sec", "src_share")
    )
    n = len(rels)
    if len(sec_at) != n + 1 or len(src_at) != n + len(sec_key) + 1:
        return {}
    paths, kinds = rels, KINDS

    def sources(owner: int) -> list[SourceShare]:
        return [SourceShare(paths[src_path[j]], src_chars[j], kinds[src_kind[j]],
                            keys[src_sec[j]] if src_sec[j] >= 0 else None, src_share[j])
                for j in range(src_at[owner], src_at[owner + 1])]  # fmt: skip

    threshold = result.threshold
    got: dict[str, CopySummary] = {}
    for row in rows:
        sections = {
            keys[sec_key[k]]: Shares(sec_peer[k], sec_same[k], sec_common[k], sources(n + k))
            for k in range(sec_at[row], sec_at[row + 1])
        }
        rel = rels[row]
        entry = result.entry(rel)
        got[rel] = CopySummary(
            peer[row], same[row], common[row], sources(row), sections=sections, threshold=threshold, outside=entry.outside,
            length=entry.length, made_by=partial(result.spans_of, rel), count=count[row],
        )  # fmt: skip
    return got


def save(result: SimilarityResult, summaries: dict[str, CopySummary], digests: dict[str, int]) -> None:
    """Write the summaries of ``result``'s reports (every one it has an entry for) under its run id."""
    save_over(result, None, summaries, digests)


_ROW = ("peer", "same", "common", "count", "digest", "sec_at")
_SEC = ("sec_key", "sec_peer", "sec_same", "sec_common")
_SRC = ("src_path", "src_chars", "src_kind", "src_sec", "src_share")
_TYPES = {"peer": np.float64, "same": np.float64, "common": np.float64, "count": np.int64, "digest": np.uint64,
          "sec_at": np.int64, "sec_key": np.int32, "sec_peer": np.float64, "sec_same": np.float64,
          "sec_common": np.float64, "src_path": np.int32, "src_chars": np.int64, "src_kind": np.int8,
          "src_sec": np.int32, "src_share": np.float64}  # fmt: skip


def _write(result: SimilarityResult, cols: dict, sec: dict, src: dict, src_at: list[int], keys: list[str]) -> None:
    lineage = result.lineage
    entries = result.entries
    arrays = {name: np.array(values, dtype=_TYPES[name]) for name, values in {**cols, **sec, **src}.items()}
    arrays["src_at"] = np.array(src_at, dtype=np.int64)
    header = {
        "kind": KIND,
        "key": lineage.key,
        "run": lineage.run,
        "rels": [e.rel for e in entries],
        "shas": [e.sha for e in entries],
        "sections": keys,
    }
    disk.write_blob(lineage.summaries, header, arrays)


def save_over(
    result: SimilarityResult, last: Last | None, made: dict[str, CopySummary], digests: dict[str, int]
) -> None:
    """:func:`save` of a run that made the summaries of ``made`` and kept every other one from ``last``: the
    kept ones are copied from the last file's arrays (not made as objects). Nothing is written unless every
    report of ``result`` is in one or the other (a part of the folder is not what its next run reads)."""
    lineage = result.lineage
    if lineage is None:
        return
    entries = result.entries
    holding = last.holding if last is not None else {}
    if any(e.rel not in made and e.rel not in holding for e in entries):
        return
    index = {e.rel: i for i, e in enumerate(entries)}
    old: dict[str, list] = {}
    sec_at_old: list[int] = []
    src_at_old: list[int] = []
    n_old = 0
    keys: dict[str, int] = {}
    if last is not None:
        a = last.arrays
        old = {f: a[f].tolist() for f in (*_ROW, *_SEC, *_SRC)}
        sec_at_old = a["sec_at"].tolist() + [len(old["sec_key"])]
        src_at_old = a["src_at"].tolist() + [len(old["src_path"])]
        n_old = len(last.rels)
        keys = {key: i for i, key in enumerate(last.keys)}  # the last file's numbering, new keys after
    cols: dict[str, list] = {f: [] for f in _ROW}
    sec: dict[str, list] = {f: [] for f in _SEC}
    src: dict[str, list] = {f: [] for f in _SRC}
    owners: list[list[SourceShare] | int] = []  # a made report's sources, or a kept one's owner number
    section_owners: list[list[SourceShare] | int] = []
    for e in entries:
        cols["digest"].append(digests[e.rel])
        cols["sec_at"].append(len(sec["sec_key"]))
        s = made.get(e.rel)
        if s is None:
            row = holding[e.rel]
            for f in ("peer", "same", "common", "count"):
                cols[f].append(old[f][row])
            owners.append(row)
            for k in range(sec_at_old[row], sec_at_old[row + 1]):
                for f in _SEC:
                    sec[f].append(old[f][k])
                section_owners.append(n_old + k)
            continue
        cols["peer"].append(s.peer_share)
        cols["same"].append(s.same_unit_share)
        cols["common"].append(s.common_share)
        cols["count"].append(s.n_spans)
        owners.append(s.sources)
        for key, shares in s.sections.items():
            sec["sec_key"].append(keys.setdefault(key, len(keys)))
            sec["sec_peer"].append(shares.peer_share)
            sec["sec_same"].append(shares.same_unit_share)
            sec["sec_common"].append(shares.common_share)
            section_owners.append(shares.sources)
    src_at = []
    last_rels = last.rels if last is not None else []
    for found in owners + section_owners:
        src_at.append(len(src["src_path"]))
        if isinstance(found, int):
            for j in range(src_at_old[found], src_at_old[found + 1]):
                src["src_path"].append(index[last_rels[old["src_path"][j]]])
                for f in ("src_chars", "src_kind", "src_sec", "src_share"):
                    src[f].append(old[f][j])
            continue
        for x in found:
            src["src_path"].append(index[x.path])
            src["src_chars"].append(x.chars)
            src["src_kind"].append(KIND_CODE[x.kind])
            src["src_sec"].append(keys.setdefault(x.section, len(keys)) if x.section is not None else -1)
            src["src_share"].append(x.share)
    _write(result, cols, sec, src, src_at, list(keys))
