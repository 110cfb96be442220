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
    reports of ``held`` (not loaded: their sections are not at hand), whose digest is the file's when its
    row is of the same content (the same bytes, analysed by the same code, have the same sections): it is
    set in ``digests`` then."""
    lineage = result.lineage
    if lineage is None or lineage.base is None:
        return {}
    got = disk.read_blob(lineage.summaries, {"kind": KIND, "key": lineage.key, "run": lineage.base})
    if got is None:
        return {}
    header, a = got
    try:
        rels, shas, keys = header["rels"], header["shas"], header["sections"]
        if not _fits(rels, shas, keys, a):
            return {}
        kept = _kept(result, rels, shas, a["digest"], digests, held)
        if not kept:
            return {}
        return _build(result, rels, keys, a, kept)
    except (KeyError, TypeError, ValueError, IndexError):
        return {}


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
    """The rows of the file whose summary still holds (its sources are checked in :func:`_build`)."""
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
    result: SimilarityResult, rels: list[str], keys: list[str], a: dict[str, np.ndarray], kept: list[int]
) -> dict[str, CopySummary]:
    unchanged = np.zeros(len(rels), dtype=bool)  # a named source must be unchanged too
    unchanged[kept] = True
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

    def sources(owner: int) -> list[SourceShare] | None:
        out = []
        for j in range(src_at[owner], src_at[owner + 1]):
            p = src_path[j]
            if not unchanged[p]:
                return None
            s = src_sec[j]
            out.append(SourceShare(paths[p], src_chars[j], kinds[src_kind[j]], keys[s] if s >= 0 else None,
                                   src_share[j]))  # fmt: skip
        return out

    threshold = result.threshold
    got: dict[str, CopySummary] = {}
    for row in kept:
        whole = sources(row)
        if whole is None:
            continue
        sections: dict[str, Shares] | None = {}
        for k in range(sec_at[row], sec_at[row + 1]):
            found = sources(n + k)
            if found is None:
                sections = None
                break
            sections[keys[sec_key[k]]] = Shares(sec_peer[k], sec_same[k], sec_common[k], found)
        if sections is None:
            continue
        rel = rels[row]
        entry = result.entry(rel)
        got[rel] = CopySummary(
            peer[row], same[row], common[row], whole, sections=sections, threshold=threshold, outside=entry.outside,
            length=entry.length, made_by=partial(result.spans_of, rel), count=count[row],
        )  # fmt: skip
    return got


def save(result: SimilarityResult, summaries: dict[str, CopySummary], digests: dict[str, int]) -> None:
    """Write the summaries of ``result``'s reports (every one it has an entry for) under its run id."""
    lineage = result.lineage
    if lineage is None:
        return
    entries = result.entries
    if any(e.rel not in summaries for e in entries):
        return  # a part of the folder: not what the next run of the folder reads
    index = {e.rel: i for i, e in enumerate(entries)}
    keys: dict[str, int] = {}
    cols: dict[str, list] = {f: [] for f in ("peer", "same", "common", "count", "digest", "sec_at")}
    sec: dict[str, list] = {f: [] for f in ("sec_key", "sec_peer", "sec_same", "sec_common")}
    src: dict[str, list] = {f: [] for f in ("src_path", "src_chars", "src_kind", "src_sec", "src_share")}
    owners: list[list[SourceShare]] = []  # the reports' sources
    section_sources: list[list[SourceShare]] = []
    for e in entries:
        s = summaries[e.rel]
        cols["peer"].append(s.peer_share)
        cols["same"].append(s.same_unit_share)
        cols["common"].append(s.common_share)
        cols["count"].append(s.n_spans)
        cols["digest"].append(digests[e.rel])
        cols["sec_at"].append(len(sec["sec_key"]))
        owners.append(s.sources)
        for key, shares in s.sections.items():
            sec["sec_key"].append(keys.setdefault(key, len(keys)))
            sec["sec_peer"].append(shares.peer_share)
            sec["sec_same"].append(shares.same_unit_share)
            sec["sec_common"].append(shares.common_share)
            section_sources.append(shares.sources)
    src_at = []
    for found in owners + section_sources:
        src_at.append(len(src["src_path"]))
        for x in found:
            src["src_path"].append(index[x.path])
            src["src_chars"].append(x.chars)
            src["src_kind"].append(KIND_CODE[x.kind])
            src["src_sec"].append(keys.setdefault(x.section, len(keys)) if x.section is not None else -1)
            src["src_share"].append(x.share)
    types = {"peer": np.float64, "same": np.float64, "common": np.float64, "count": np.int64, "digest": np.uint64,
             "sec_at": np.int64, "sec_key": np.int32, "sec_peer": np.float64, "sec_same": np.float64,
             "sec_common": np.float64, "src_path": np.int32, "src_chars": np.int64, "src_kind": np.int8,
             "src_sec": np.int32, "src_share": np.float64}  # fmt: skip
    arrays = {name: np.array(values, dtype=types[name]) for name, values in {**cols, **sec, **src}.items()}
    arrays["src_at"] = np.array(src_at, dtype=np.int64)
    header = {
        "kind": KIND,
        "key": lineage.key,
        "run": lineage.run,
        "rels": [e.rel for e in entries],
        "shas": [e.sha for e in entries],
        "sections": list(keys),
    }
    disk.write_blob(lineage.summaries, header, arrays)
